#pragma once
// Address attributes (RFC 8489 §14.1, §14.2): a family byte, a port and an IPv4 or IPv6 address, either
// plain or XOR-ed with the magic cookie (and, for IPv6, the transaction id) so NATs that rewrite
// addresses in payloads leave them alone.

#include <optional>

#include "protocol/attribute_codec.hpp"
#include "protocol/transport_address.hpp"

namespace tern::protocol::attr {

namespace detail {
std::optional<TransportAddress> decode_address(std::span<const std::uint8_t> value, const TransactionId* xor_id);
std::size_t address_size(const TransportAddress& a) noexcept;
void encode_address(const TransportAddress& a, std::span<std::uint8_t> out, const TransactionId* xor_id) noexcept;
}  // namespace detail

template <AttributeType K>
struct PlainAddress {
    static constexpr AttributeType kType = K;
    TransportAddress address;

    static std::optional<PlainAddress> decode(std::span<const std::uint8_t> v, const TransactionId&) {
        auto a = detail::decode_address(v, nullptr);
        if (!a) return std::nullopt;
        return PlainAddress{*a};
    }
    std::size_t encoded_size() const noexcept { return detail::address_size(address); }
    void encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept {
        detail::encode_address(address, out, nullptr);
    }
};

template <AttributeType K>
struct XorAddress {
    static constexpr AttributeType kType = K;
    TransportAddress address;

    static std::optional<XorAddress> decode(std::span<const std::uint8_t> v, const TransactionId& tx) {
        auto a = detail::decode_address(v, &tx);
        if (!a) return std::nullopt;
        return XorAddress{*a};
    }
    std::size_t encoded_size() const noexcept { return detail::address_size(address); }
    void encode(std::span<std::uint8_t> out, const TransactionId& tx) const noexcept {
        detail::encode_address(address, out, &tx);
    }
};

using MappedAddress = PlainAddress<AttributeType::MappedAddress>;
using AlternateServer = PlainAddress<AttributeType::AlternateServer>;
using ResponseOrigin = PlainAddress<AttributeType::ResponseOrigin>;  // RFC 5780
using OtherAddress = PlainAddress<AttributeType::OtherAddress>;      // RFC 5780
using XorMappedAddress = XorAddress<AttributeType::XorMappedAddress>;
using XorPeerAddress = XorAddress<AttributeType::XorPeerAddress>;        // RFC 8656
using XorRelayedAddress = XorAddress<AttributeType::XorRelayedAddress>;  // RFC 8656

}  // namespace tern::protocol::attr
