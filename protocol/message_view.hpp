#pragma once
// A read-only view of one STUN message over received bytes. parse() checks the framing once (header,
// attribute bounds and padding, the place of the integrity attributes, FINGERPRINT); afterwards every
// accessor reads in bounds without further checks. Nothing is copied and nothing is allocated.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "protocol/attribute_type.hpp"
#include "protocol/constants.hpp"
#include "protocol/message_type.hpp"
#include "protocol/parsed.hpp"

namespace tern::protocol {

struct RawAttribute {
    std::uint16_t type = 0;
    std::size_t offset = 0;  // of the attribute header, from the start of the message
    std::span<const std::uint8_t> value;
};

// Walks attribute headers between two offsets of an already validated message.
class AttributeIterator {
public:
    AttributeIterator(const std::uint8_t* message, std::size_t pos) noexcept : message_(message), pos_(pos) {}
    RawAttribute operator*() const noexcept;
    AttributeIterator& operator++() noexcept;
    bool operator==(const AttributeIterator& o) const noexcept { return pos_ == o.pos_; }

private:
    const std::uint8_t* message_;
    std::size_t pos_;
};

struct AttributeRange {
    AttributeIterator first;
    AttributeIterator last;
    AttributeIterator begin() const noexcept { return first; }
    AttributeIterator end() const noexcept { return last; }
};

class MessageView {
public:
    // Enough to list in a 420 answer; a request with more unknown attributes still gets 420.
    static constexpr std::size_t kMaxUnknownReported = 16;

    static Parsed<MessageView> parse(std::span<const std::uint8_t> bytes) noexcept;

    // Cheap demultiplexing test (RFC 7983): could these bytes start a STUN message?
    static bool looks_like_stun(std::span<const std::uint8_t> bytes) noexcept;

    MessageType type() const noexcept { return type_; }
    Method method() const noexcept { return type_.method; }
    MessageClass message_class() const noexcept { return type_.cls; }
    TransactionId transaction_id() const noexcept;
    std::span<const std::uint8_t, kTransactionIdSize> transaction_id_bytes() const noexcept {
        return bytes_.subspan<8, kTransactionIdSize>();
    }
    std::span<const std::uint8_t> bytes() const noexcept { return bytes_; }

    // The attributes that count, other than MESSAGE-INTEGRITY, -SHA256 and FINGERPRINT (find() reaches
    // those by offset): every attribute before the first of them. Anything else after MESSAGE-INTEGRITY
    // is ignored, as RFC 8489 §14.5 requires.
    AttributeRange attributes() const noexcept;
    std::optional<RawAttribute> find(AttributeType type) const noexcept;
    bool has(AttributeType type) const noexcept { return find(type).has_value(); }

    // Typed access: nullopt when absent or malformed (has() tells the two apart).
    template <class A>
    std::optional<A> get() const noexcept {
        const auto raw = find(A::kType);
        if (!raw) return std::nullopt;
        return A::decode(raw->value, transaction_id());
    }

    // Offsets of the attribute headers, for integrity checks.
    std::optional<std::size_t> message_integrity_offset() const noexcept { return offset_or_none(mi_offset_); }
    std::optional<std::size_t> message_integrity_sha256_offset() const noexcept {
        return offset_or_none(mi256_offset_);
    }
    std::optional<std::size_t> fingerprint_offset() const noexcept { return offset_or_none(fp_offset_); }

    // Comprehension-required attribute types this codec does not know, in message order.
    std::span<const std::uint16_t> unknown_comprehension_required() const noexcept {
        return {unknown_.data(), unknown_count_};
    }

private:
    static constexpr std::size_t kNone = 0;  // offset 0 is the header, never an attribute
    static std::optional<std::size_t> offset_or_none(std::size_t o) noexcept {
        return o == kNone ? std::nullopt : std::optional<std::size_t>(o);
    }

    std::span<const std::uint8_t> bytes_;
    MessageType type_;
    std::size_t counted_end_ = kHeaderSize;  // end of the last attribute that counts
    std::size_t mi_offset_ = kNone;
    std::size_t mi256_offset_ = kNone;
    std::size_t fp_offset_ = kNone;
    std::array<std::uint16_t, kMaxUnknownReported> unknown_{};
    std::size_t unknown_count_ = 0;
};

}  // namespace tern::protocol
