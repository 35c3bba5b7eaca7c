#include "server/policy/peer_policy.hpp"

#include <algorithm>
#include <utility>

namespace tern::server {
namespace {

using protocol::AddressFamily;
using protocol::IpAddress;

// Built at compile time, so the lists below need no parsing and no start-up order.
constexpr Cidr v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t prefix) {
    Cidr cidr;
    cidr.network.family = AddressFamily::IPv4;
    cidr.network.bytes = {a, b, c, 0};
    cidr.prefix = prefix;
    return cidr;
}

// `groups` are the leading 16-bit groups, as written in text; the rest are zero.
constexpr Cidr v6(std::array<std::uint16_t, 8> groups, std::uint8_t prefix) {
    Cidr cidr;
    cidr.network.family = AddressFamily::IPv6;
    for (std::size_t i = 0; i < groups.size(); ++i) {
        cidr.network.bytes[2 * i] = static_cast<std::uint8_t>(groups[i] >> 8);
        cidr.network.bytes[2 * i + 1] = static_cast<std::uint8_t>(groups[i] & 0xFF);
    }
    cidr.prefix = prefix;
    return cidr;
}

constexpr Cidr kUnspecified4 = v4(0, 0, 0, 32);
constexpr Cidr kLoopback4 = v4(127, 0, 0, 8);
constexpr Cidr kUnspecified6 = v6({}, 128);
constexpr Cidr kLoopback6 = v6({0, 0, 0, 0, 0, 0, 0, 1}, 128);

// Addresses no relay should reach unless the operator says so: this host, private and shared
// networks, link-local (where cloud metadata services live), documentation, benchmarking and
// multicast ranges, and reserved space.
constexpr std::array kDefaultDeny = {
    v4(0, 0, 0, 8),        // "this network"; 0.0.0.0 reaches this host on Linux
    v4(10, 0, 0, 8),       // private
    v4(100, 64, 0, 10),    // carrier-grade NAT shared space
    kLoopback4,            // loopback
    v4(169, 254, 0, 16),   // link-local, incl. cloud metadata 169.254.169.254
    v4(172, 16, 0, 12),    // private
    v4(192, 0, 0, 24),     // IETF protocol assignments
    v4(192, 0, 2, 24),     // TEST-NET-1
    v4(192, 88, 99, 24),   // 6to4 relay anycast
    v4(192, 168, 0, 16),   // private
    v4(198, 18, 0, 15),    // benchmarking
    v4(198, 51, 100, 24),  // TEST-NET-2
    v4(203, 0, 113, 24),   // TEST-NET-3
    v4(224, 0, 0, 4),      // multicast
    v4(240, 0, 0, 4),      // reserved, incl. broadcast 255.255.255.255
    kUnspecified6,                      // ::
    kLoopback6,                         // ::1
    v6({0x100}, 64),                    // discard-only
    v6({0x64, 0xff9b, 1}, 48),          // local-use NAT64 (RFC 8215): a site's own translator, whose
                                        // embedding varies with its prefix length, so it cannot be
                                        // unpacked like 64:ff9b::/96
    v6({0x2001, 0xdb8}, 32),            // documentation
    v6({0xfc00}, 7),                    // unique local
    v6({0xfe80}, 10),                   // link-local
    v6({0xfec0}, 10),                   // deprecated site-local, still routed inside some networks
    v6({0xff00}, 8),                    // multicast
};

// The forms that carry an IPv4 address inside an IPv6 one.
constexpr Cidr kMapped = v6({0, 0, 0, 0, 0, 0xffff}, 96);
constexpr Cidr kCompatible = v6({}, 96);
constexpr Cidr kNat64 = v6({0x64, 0xff9b}, 96);
constexpr Cidr k6to4 = v6({0x2002}, 16);
constexpr Cidr kTeredo = v6({0x2001, 0}, 32);

IpAddress ipv4_at(const IpAddress& a, std::size_t offset, std::uint8_t flip = 0) noexcept {
    return IpAddress::v4({static_cast<std::uint8_t>(a.bytes[offset] ^ flip),
                          static_cast<std::uint8_t>(a.bytes[offset + 1] ^ flip),
                          static_cast<std::uint8_t>(a.bytes[offset + 2] ^ flip),
                          static_cast<std::uint8_t>(a.bytes[offset + 3] ^ flip)});
}

// Family and the address's own bytes only: an IPv4 value with stray bytes past its fourth must still
// compare equal to the same IPv4 address.
bool same_ip(const IpAddress& a, const IpAddress& b) noexcept {
    return a.family == b.family && std::ranges::equal(a.octets(), b.octets());
}

bool is_unspecified(const IpAddress& a) noexcept { return kUnspecified4.contains(a) || kUnspecified6.contains(a); }
bool is_loopback(const IpAddress& a) noexcept { return kLoopback4.contains(a) || kLoopback6.contains(a); }

bool any_contains(std::span<const Cidr> list, const IpAddress& a) noexcept {
    return std::ranges::any_of(list, [&a](const Cidr& c) { return c.contains(a); });
}

// The address itself, then the IPv4 addresses it embeds: what the rules are applied to.
struct Candidates {
    std::array<IpAddress, 3> addresses{};
    std::size_t count = 0;

    explicit Candidates(const IpAddress& a) noexcept {
        addresses[count++] = a;
        const EmbeddedIpv4 embedded = embedded_ipv4(a);
        for (const IpAddress& e : embedded.view()) addresses[count++] = e;
    }
    std::span<const IpAddress> view() const noexcept { return {addresses.data(), count}; }
};

}  // namespace

std::string_view to_string(PeerVerdict verdict) noexcept {
    switch (verdict) {
        case PeerVerdict::Allowed: return "allowed";
        case PeerVerdict::DeniedByDefault: return "denied by default";
        case PeerVerdict::DeniedByRule: return "denied by rule";
        case PeerVerdict::DeniedOwnAddress: return "denied: own address";
    }
    return "?";
}

EmbeddedIpv4 embedded_ipv4(const IpAddress& a) noexcept {
    EmbeddedIpv4 out;
    const auto add = [&out](const IpAddress& v4address) { out.addresses[out.count++] = v4address; };
    if (kMapped.contains(a) || kNat64.contains(a)) {
        add(ipv4_at(a, 12));
    } else if (kCompatible.contains(a)) {
        // :: and ::1 are the unspecified and loopback addresses, not IPv4-compatible ones; reading ::1
        // as 0.0.0.1 would make --allow-peer ::1/128 useless. Both are in the default deny list.
        if (!kUnspecified6.contains(a) && !kLoopback6.contains(a)) add(ipv4_at(a, 12));
    } else if (k6to4.contains(a)) {
        add(ipv4_at(a, 2));
    } else if (kTeredo.contains(a)) {
        add(ipv4_at(a, 4));        // the Teredo server
        add(ipv4_at(a, 12, 0xFF));  // the client's public address, stored inverted (RFC 4380 §4)
    }
    return out;
}

PeerPolicy::PeerPolicy(Rules rules) : allow_(std::move(rules.allow)), deny_(std::move(rules.deny)) {
    for (const protocol::TransportAddress& own : rules.own_addresses) {
        own_.push_back(own);
        const EmbeddedIpv4 embedded = embedded_ipv4(own.ip);
        for (const IpAddress& e : embedded.view()) own_.push_back({e, own.port});
    }
}

std::span<const Cidr> PeerPolicy::default_deny_list() noexcept { return kDefaultDeny; }

PeerVerdict PeerPolicy::check_one(const IpAddress& candidate) const noexcept {
    if (any_contains(deny_, candidate)) return PeerVerdict::DeniedByRule;
    if (any_contains(allow_, candidate)) return PeerVerdict::Allowed;
    if (any_contains(kDefaultDeny, candidate)) return PeerVerdict::DeniedByDefault;
    return PeerVerdict::Allowed;
}

bool PeerPolicy::is_own(const IpAddress& candidate, std::uint16_t port) const noexcept {
    return std::ranges::any_of(own_, [&](const protocol::TransportAddress& own) {
        if (own.port != port) return false;
        if (same_ip(own.ip, candidate)) return true;
        // A wildcard listener also receives on loopback, and sending to an unspecified address
        // reaches this host.
        return is_unspecified(own.ip) && (is_loopback(candidate) || is_unspecified(candidate));
    });
}

PeerVerdict PeerPolicy::check(const IpAddress& peer) const noexcept {
    const Candidates candidates(peer);
    for (const IpAddress& c : candidates.view())
        if (const PeerVerdict v = check_one(c); v != PeerVerdict::Allowed) return v;
    return PeerVerdict::Allowed;
}

PeerVerdict PeerPolicy::check(const protocol::TransportAddress& peer) const noexcept {
    const Candidates candidates(peer.ip);
    for (const IpAddress& c : candidates.view())
        if (is_own(c, peer.port)) return PeerVerdict::DeniedOwnAddress;
    return check(peer.ip);
}

}  // namespace tern::server
