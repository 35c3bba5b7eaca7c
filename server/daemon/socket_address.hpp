#pragma once
// Conversions between protocol::TransportAddress values and the kernel's sockaddr forms, and the
// IP_PKTINFO control messages that carry a datagram's own address (shared by ternd and tern-bench).

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>

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

// A received datagram's destination address, from its IP_PKTINFO or IPV6_PKTINFO control message.
std::optional<protocol::IpAddress> destination_of(msghdr& received) noexcept;

// Room for the control message that picks a reply's source address.
inline constexpr std::size_t kSourceControlSize = CMSG_SPACE(sizeof(in6_pktinfo));
struct alignas(cmsghdr) SourceControl {
    std::uint8_t bytes[kSourceControlSize];
};
// Writes an IP_PKTINFO / IPV6_PKTINFO message asking the kernel to send from `source`; returns its
// length for msg_controllen.
std::size_t write_source_pktinfo(SourceControl& control, const protocol::IpAddress& source) noexcept;

// The host's interface addresses of one family, loopback last (for wildcard listen addresses).
std::vector<protocol::IpAddress> interface_addresses(protocol::AddressFamily family);

}  // namespace tern::server
