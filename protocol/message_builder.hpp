#pragma once
// Writes a STUN message into a caller's buffer. Every byte it emits is written (zero padding included),
// so no reply carries stale buffer contents. The header length is kept current after each attribute.
// Running out of room sets a sticky failure instead of writing past the buffer.

#include <cstddef>
#include <cstdint>
#include <span>

#include "protocol/attribute_codec.hpp"
#include "protocol/constants.hpp"
#include "protocol/message_type.hpp"

namespace tern::protocol {

class MessageBuilder {
public:
    MessageBuilder(std::span<std::uint8_t> buffer, MessageType type, const TransactionId& transaction_id) noexcept;

    template <EncodableAttribute A>
    MessageBuilder& add(const A& attribute) noexcept {
        const auto value = reserve(static_cast<std::uint16_t>(A::kType), attribute.encoded_size());
        if (!value.empty() || attribute.encoded_size() == 0) attribute.encode(value, transaction_id_);
        return *this;
    }

    // Appends an attribute header and `length` zeroed value bytes plus padding, and returns the value
    // bytes to fill in (empty if the buffer is too small, or if length is 0).
    std::span<std::uint8_t> reserve(std::uint16_t type, std::size_t length) noexcept;

    // Integrity attributes must come last, in this order; FINGERPRINT may follow either.
    MessageBuilder& add_message_integrity(std::span<const std::uint8_t> key) noexcept;
    MessageBuilder& add_message_integrity_sha256(std::span<const std::uint8_t> key) noexcept;
    MessageBuilder& add_fingerprint() noexcept;

    bool ok() const noexcept { return ok_; }
    std::size_t size() const noexcept { return size_; }
    const TransactionId& transaction_id() const noexcept { return transaction_id_; }
    // The message written so far, or an empty span if anything did not fit.
    std::span<const std::uint8_t> bytes() const noexcept;

private:
    void set_length() noexcept;

    std::span<std::uint8_t> buffer_;
    TransactionId transaction_id_;
    std::size_t size_ = 0;
    bool ok_ = true;
};

}  // namespace tern::protocol
