#include "protocol/message_builder.hpp"

#include <algorithm>
#include <cstring>

#include "protocol/bytes.hpp"
#include "protocol/fingerprint.hpp"
#include "protocol/hmac.hpp"
#include "protocol/integrity.hpp"

namespace tern::protocol {

MessageBuilder::MessageBuilder(std::span<std::uint8_t> buffer, MessageType type,
                               const TransactionId& transaction_id) noexcept
    : buffer_(buffer.first(std::min(buffer.size(), kMaxMessageSize))), transaction_id_(transaction_id) {
    if (buffer_.size() < kHeaderSize) {
        ok_ = false;
        return;
    }
    std::uint8_t* p = buffer_.data();
    store_be16(p, type.encode());
    store_be16(p + 2, 0);
    store_be32(p + 4, kMagicCookie);
    std::memcpy(p + 8, transaction_id.data(), kTransactionIdSize);
    size_ = kHeaderSize;
}

void MessageBuilder::set_length() noexcept {
    store_be16(buffer_.data() + 2, static_cast<std::uint16_t>(size_ - kHeaderSize));
}

std::span<std::uint8_t> MessageBuilder::reserve(std::uint16_t type, std::size_t length) noexcept {
    if (!ok_) return {};
    const std::size_t total = kAttributeHeaderSize + padded4(length);
    if (length > 0xFFFF || total > buffer_.size() - size_) {
        ok_ = false;
        return {};
    }
    std::uint8_t* p = buffer_.data() + size_;
    store_be16(p, type);
    store_be16(p + 2, static_cast<std::uint16_t>(length));
    std::memset(p + kAttributeHeaderSize, 0, padded4(length));
    size_ += total;
    set_length();
    return {p + kAttributeHeaderSize, length};
}

MessageBuilder& MessageBuilder::add_message_integrity(std::span<const std::uint8_t> key) noexcept {
    const std::size_t offset = size_;
    auto value = reserve(static_cast<std::uint16_t>(AttributeType::MessageIntegrity), kMessageIntegritySize);
    if (value.empty()) return *this;
    const auto in = integrity_input(buffer_, offset, kMessageIntegritySize);
    const auto mac = hmac_sha1(key, {in.type, in.length, in.rest});
    std::memcpy(value.data(), mac.data(), mac.size());
    return *this;
}

MessageBuilder& MessageBuilder::add_message_integrity_sha256(std::span<const std::uint8_t> key) noexcept {
    const std::size_t offset = size_;
    auto value =
        reserve(static_cast<std::uint16_t>(AttributeType::MessageIntegritySha256), kMessageIntegritySha256Size);
    if (value.empty()) return *this;
    const auto in = integrity_input(buffer_, offset, kMessageIntegritySha256Size);
    const auto mac = hmac_sha256(key, {in.type, in.length, in.rest});
    std::memcpy(value.data(), mac.data(), mac.size());
    return *this;
}

MessageBuilder& MessageBuilder::add_fingerprint() noexcept {
    const std::size_t offset = size_;
    auto value = reserve(static_cast<std::uint16_t>(AttributeType::Fingerprint), kFingerprintSize);
    if (value.empty()) return *this;
    store_be32(value.data(), compute_fingerprint(buffer_.first(offset)));
    return *this;
}

std::span<const std::uint8_t> MessageBuilder::bytes() const noexcept {
    if (!ok_) return {};
    return buffer_.first(size_);
}

}  // namespace tern::protocol
