#pragma once
// TURN attributes with small fixed layouts (RFC 8656 §18).

#include <optional>

#include "protocol/attribute_codec.hpp"
#include "protocol/transport_address.hpp"

namespace tern::protocol::attr {

// CHANNEL-NUMBER: the channel, then 16 reserved bits.
struct ChannelNumber {
    static constexpr AttributeType kType = AttributeType::ChannelNumber;
    std::uint16_t channel = 0;

    static std::optional<ChannelNumber> decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept;
    std::size_t encoded_size() const noexcept { return 4; }
    void encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept;
};

// REQUESTED-TRANSPORT: an IANA protocol number (17 = UDP, 6 = TCP for RFC 6062), then 24 reserved bits.
struct RequestedTransport {
    static constexpr AttributeType kType = AttributeType::RequestedTransport;
    static constexpr std::uint8_t kUdp = 17;
    static constexpr std::uint8_t kTcp = 6;
    std::uint8_t protocol = kUdp;

    static std::optional<RequestedTransport> decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept;
    std::size_t encoded_size() const noexcept { return 4; }
    void encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept;
};

// REQUESTED-ADDRESS-FAMILY and ADDITIONAL-ADDRESS-FAMILY: a family byte, then 24 reserved bits.
// An unknown family value decodes (the server answers 440 for it); only the length is checked here.
template <AttributeType K>
struct FamilyAttribute {
    static constexpr AttributeType kType = K;
    std::uint8_t family = static_cast<std::uint8_t>(AddressFamily::IPv4);

    static std::optional<FamilyAttribute> decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept {
        if (v.size() != 4) return std::nullopt;
        return FamilyAttribute{v[0]};
    }
    std::size_t encoded_size() const noexcept { return 4; }
    void encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept {
        out[0] = family;
        out[1] = out[2] = out[3] = 0;
    }
    std::optional<AddressFamily> known_family() const noexcept {
        if (family == 0x01 || family == 0x02) return static_cast<AddressFamily>(family);
        return std::nullopt;
    }
};

using RequestedAddressFamily = FamilyAttribute<AttributeType::RequestedAddressFamily>;
using AdditionalAddressFamily = FamilyAttribute<AttributeType::AdditionalAddressFamily>;

// EVEN-PORT: one byte whose top bit R asks the server to reserve the next port too.
struct EvenPort {
    static constexpr AttributeType kType = AttributeType::EvenPort;
    bool reserve_next = false;

    static std::optional<EvenPort> decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept;
    std::size_t encoded_size() const noexcept { return 1; }
    void encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept;
};

// ICMP: 16 reserved bits, ICMP type and code, 32 bits of error data (RFC 8656 §18.13).
struct Icmp {
    static constexpr AttributeType kType = AttributeType::Icmp;
    std::uint8_t type = 0;
    std::uint8_t code = 0;
    std::uint32_t error_data = 0;

    static std::optional<Icmp> decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept;
    std::size_t encoded_size() const noexcept { return 8; }
    void encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept;
};

}  // namespace tern::protocol::attr
