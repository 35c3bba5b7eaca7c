#pragma once
// IP addresses and transport addresses as values: no sockaddr, so the codec and the allocation tables
// can compare, hash and print them without touching the socket layer.

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tern::protocol {

// Values as STUN encodes them in address attributes (RFC 8489 §14.1).
enum class AddressFamily : std::uint8_t { IPv4 = 0x01, IPv6 = 0x02 };

struct IpAddress {
    AddressFamily family = AddressFamily::IPv4;
    std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first four; the rest stay zero

    static IpAddress v4(std::array<std::uint8_t, 4> octets) noexcept;
    static IpAddress v6(std::array<std::uint8_t, 16> octets) noexcept;
    static std::optional<IpAddress> parse(std::string_view text);

    std::size_t size() const noexcept { return family == AddressFamily::IPv4 ? 4 : 16; }
    std::span<const std::uint8_t> octets() const noexcept { return {bytes.data(), size()}; }
    std::string to_string() const;

    friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
};

struct TransportAddress {
    IpAddress ip;
    std::uint16_t port = 0;

    // "192.0.2.1:3478" or "[2001:db8::1]:3478".
    static std::optional<TransportAddress> parse(std::string_view text);
    std::string to_string() const;

    friend auto operator<=>(const TransportAddress&, const TransportAddress&) = default;
};

}  // namespace tern::protocol

template <>
struct std::hash<tern::protocol::IpAddress> {
    std::size_t operator()(const tern::protocol::IpAddress& a) const noexcept;
};

template <>
struct std::hash<tern::protocol::TransportAddress> {
    std::size_t operator()(const tern::protocol::TransportAddress& a) const noexcept;
};
