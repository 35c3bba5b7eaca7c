#pragma once
// An IP prefix such as 10.0.0.0/8 or 2001:db8::/32. A bare address is a prefix of full length.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/transport_address.hpp"

namespace tern::server {

struct Cidr {
    protocol::IpAddress network;  // host bits are zero
    std::uint8_t prefix = 0;      // 0..32 for IPv4, 0..128 for IPv6

    // "192.168.0.0/16", "fe80::/10", "203.0.113.7". Host bits set below the prefix are refused,
    // so a typo like 10.0.0.1/8 is reported instead of silently widened.
    static std::optional<Cidr> parse(std::string_view text);
    // Clears the host bits of `network`, and shortens a prefix longer than the address.
    static Cidr of(const protocol::IpAddress& network, std::uint8_t prefix);

    bool contains(const protocol::IpAddress& a) const noexcept;
    std::string to_string() const;

    friend bool operator==(const Cidr&, const Cidr&) = default;
};

}  // namespace tern::server
