#pragma once
// Attributes whose value is UTF-8 text, bounded in bytes (RFC 8489 §14.3, §14.9, §14.10, §14.14 and
// the 128-character limits, at most 763 bytes). The value is a view: into the message on decode, into
// the caller's string on encode.

#include <optional>
#include <string_view>

#include "protocol/attribute_codec.hpp"

namespace tern::protocol::attr {

template <AttributeType K, std::size_t MaxBytes>
struct Text {
    static constexpr AttributeType kType = K;
    static constexpr std::size_t kMaxBytes = MaxBytes;
    std::string_view value;

    static std::optional<Text> decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept {
        if (v.size() > MaxBytes) return std::nullopt;
        return Text{{reinterpret_cast<const char*>(v.data()), v.size()}};
    }
    std::size_t encoded_size() const noexcept { return value.size(); }
    void encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept {
        for (std::size_t i = 0; i < value.size(); ++i) out[i] = static_cast<std::uint8_t>(value[i]);
    }
};

// RFC 5389 allowed usernames up to 512 bytes; RFC 8489 lowered it to 508. Accept the older bound.
using Username = Text<AttributeType::Username, 512>;
using Realm = Text<AttributeType::Realm, 763>;
using Nonce = Text<AttributeType::Nonce, 763>;
using Software = Text<AttributeType::Software, 763>;
using AlternateDomain = Text<AttributeType::AlternateDomain, 255>;                   // a DNS name
using ThirdPartyAuthorization = Text<AttributeType::ThirdPartyAuthorization, 763>;  // RFC 7635

}  // namespace tern::protocol::attr
