#pragma once
// Conversions between protocol::TransportAddress values and the kernel's sockaddr forms.

#include <sys/socket.h>

#include <optional>
#include <vector>

#include "protocol/transport_address.hpp"

namespace tern::server {

struct SocketAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;

    const sockaddr* get() const noexcept { return reinterpret_cast<const sockaddr*>(&storage); }
    sockaddr* get() noexcept { return reinterpret_cast<sockaddr*>(&storage); }
};

SocketAddress to_socket_address(const protocol::TransportAddress& a) noexcept;
// IPv4-mapped IPv6 addresses (from dual-stack sockets) come back as IPv4.
std::optional<protocol::TransportAddress> from_socket_address(const sockaddr* sa, socklen_t length) noexcept;

bool is_unspecified(const protocol::IpAddress& ip) noexcept;
bool is_loopback(const protocol::IpAddress& ip) noexcept;

// The host's interface addresses of one family, loopback last (for wildcard listen addresses).
std::vector<protocol::IpAddress> interface_addresses(protocol::AddressFamily family);

}  // namespace tern::server
