#pragma once
// Which peers a relay may send to or accept from. A TURN server relays for anyone who holds a
// credential, so without this check a client could use it to reach the server's own internal network,
// its loopback services or a cloud metadata service (169.254.169.254). Every path that talks to a peer
// (CreatePermission, ChannelBind, Send, and TCP Connect) asks this one class; a denied peer gets 403.
//
// The rules, for each candidate address (the peer itself and every IPv4 address embedded in it):
//   denied if an explicit deny rule (--deny-peer) matches; otherwise
//   allowed if an explicit allow rule (--allow-peer) matches; otherwise
//   denied if the default deny list matches; otherwise allowed.
// The peer is denied if any candidate is. So --allow-peer 127.0.0.0/8 opens 127.0.0.1 and
// ::ffff:127.0.0.1 alike, while --allow-peer ::/0 does not open ::ffff:10.0.0.1.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "protocol/transport_address.hpp"
#include "server/policy/cidr.hpp"

namespace tern::server {

enum class PeerVerdict : std::uint8_t {
    Allowed,
    DeniedByDefault,   // in the default deny list, and no --allow-peer opens it
    DeniedByRule,      // an explicit --deny-peer matches
    DeniedOwnAddress,  // one of the daemon's own listen or HTTP addresses; nothing opens it
};

std::string_view to_string(PeerVerdict verdict) noexcept;

// The IPv4 addresses an IPv6 address embeds, by the forms a host or a gateway on the path may
// translate to IPv4: IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96, except :: and ::1),
// NAT64 (64:ff9b::/96), 6to4 (2002::/16) and Teredo (2001::/32, which embeds two: the server, then
// the client). An IPv4 address, or an IPv6 address of no such form, embeds none.
struct EmbeddedIpv4 {
    std::array<protocol::IpAddress, 2> addresses{};
    std::size_t count = 0;

    std::span<const protocol::IpAddress> view() const noexcept { return {addresses.data(), count}; }
};

EmbeddedIpv4 embedded_ipv4(const protocol::IpAddress& address) noexcept;

class PeerPolicy {
public:
    struct Rules {
        std::vector<Cidr> allow;                             // --allow-peer
        std::vector<Cidr> deny;                              // --deny-peer
        std::vector<protocol::TransportAddress> own_addresses;  // listen and HTTP addresses
    };

    // Default rules: the default deny list only.
    PeerPolicy() = default;
    explicit PeerPolicy(Rules rules);

    // IP rules only: for CreatePermission, which names no port.
    PeerVerdict check(const protocol::IpAddress& peer) const noexcept;

    // The own addresses, then the IP rules: for ChannelBind, Send and Connect. A peer is an own address
    // when it, or an IPv4 address it embeds, equals one at the same port. An own address whose IP is
    // unspecified (0.0.0.0 or ::, either family, as a dual-stack socket takes both) stands for every
    // loopback and unspecified address at its port; the daemon lists the host's interface addresses.
    // Runs per packet: no allocation, linear scans over short lists.
    PeerVerdict check(const protocol::TransportAddress& peer) const noexcept;

    static std::span<const Cidr> default_deny_list() noexcept;

private:
    PeerVerdict check_one(const protocol::IpAddress& candidate) const noexcept;
    bool is_own(const protocol::IpAddress& candidate, std::uint16_t port) const noexcept;

    std::vector<Cidr> allow_;
    std::vector<Cidr> deny_;
    // The own addresses, each followed by the IPv4 addresses it embeds at the same port, so that a
    // peer's candidates compare with plain equality.
    std::vector<protocol::TransportAddress> own_;
};

}  // namespace tern::server
