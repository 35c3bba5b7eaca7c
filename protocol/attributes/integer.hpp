#pragma once
// Attributes whose value is one big-endian integer, or nothing at all (a flag).

#include <optional>

#include "protocol/attribute_codec.hpp"
#include "protocol/bytes.hpp"

namespace tern::protocol::attr {

template <AttributeType K>
struct U32 {
    static constexpr AttributeType kType = K;
    std::uint32_t value = 0;

    static std::optional<U32> decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept {
        if (v.size() != 4) return std::nullopt;
        return U32{load_be32(v.data())};
    }
    std::size_t encoded_size() const noexcept { return 4; }
    void encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept { store_be32(out.data(), value); }
};

template <AttributeType K>
struct U64 {
    static constexpr AttributeType kType = K;
    std::uint64_t value = 0;

    static std::optional<U64> decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept {
        if (v.size() != 8) return std::nullopt;
        return U64{load_be64(v.data())};
    }
    std::size_t encoded_size() const noexcept { return 8; }
    void encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept { store_be64(out.data(), value); }
};

template <AttributeType K>
struct Flag {
    static constexpr AttributeType kType = K;

    static std::optional<Flag> decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept {
        if (!v.empty()) return std::nullopt;
        return Flag{};
    }
    std::size_t encoded_size() const noexcept { return 0; }
    void encode(std::span<std::uint8_t>, const TransactionId&) const noexcept {}
};

using Lifetime = U32<AttributeType::Lifetime>;          // RFC 8656: seconds
using ConnectionId = U32<AttributeType::ConnectionId>;  // RFC 6062
using Priority = U32<AttributeType::Priority>;          // RFC 8445
using IceControlled = U64<AttributeType::IceControlled>;    // RFC 8445: tie-breaker
using IceControlling = U64<AttributeType::IceControlling>;  // RFC 8445: tie-breaker
using DontFragment = Flag<AttributeType::DontFragment>;     // RFC 8656
using UseCandidate = Flag<AttributeType::UseCandidate>;     // RFC 8445

}  // namespace tern::protocol::attr
