#pragma once
// Attributes whose value is bytes: of any length (DATA, PADDING, ACCESS-TOKEN, MOBILITY-TICKET) or of
// one fixed length (RESERVATION-TOKEN, USERHASH).

#include <array>
#include <cstring>
#include <optional>

#include "protocol/attribute_codec.hpp"

namespace tern::protocol::attr {

template <AttributeType K>
struct Opaque {
    static constexpr AttributeType kType = K;
    std::span<const std::uint8_t> value;

    static std::optional<Opaque> decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept {
        return Opaque{v};
    }
    std::size_t encoded_size() const noexcept { return value.size(); }
    void encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept {
        if (!value.empty()) std::memcpy(out.data(), value.data(), value.size());
    }
};

template <AttributeType K, std::size_t N>
struct FixedBytes {
    static constexpr AttributeType kType = K;
    std::array<std::uint8_t, N> value{};

    static std::optional<FixedBytes> decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept {
        if (v.size() != N) return std::nullopt;
        FixedBytes a;
        std::memcpy(a.value.data(), v.data(), N);
        return a;
    }
    std::size_t encoded_size() const noexcept { return N; }
    void encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept {
        std::memcpy(out.data(), value.data(), N);
    }
};

using Data = Opaque<AttributeType::Data>;                      // RFC 8656
using Padding = Opaque<AttributeType::Padding>;                // RFC 5780
using AccessToken = Opaque<AttributeType::AccessToken>;        // RFC 7635: the token, decrypted by auth/
using MobilityTicket = Opaque<AttributeType::MobilityTicket>;  // RFC 8016: opaque to the client
using ReservationToken = FixedBytes<AttributeType::ReservationToken, 8>;  // RFC 8656
using Userhash = FixedBytes<AttributeType::Userhash, 32>;                 // RFC 8489: SHA-256(user ":" realm)

}  // namespace tern::protocol::attr
