#pragma once
// Peer addresses and whether the default peer policy (no --allow-peer, no --deny-peer, no own
// addresses) denies them. Shared: the peer policy test checks every case directly, and the TURN
// handler test runs every denied case through CreatePermission, ChannelBind and Send expecting 403.
//
// Addresses are bare IPs (CreatePermission names no port); give them any port for the other paths.
// Ranges are tested at both edges, with the neighbours just outside where they are public; every
// embedded form is tested with 127.0.0.1 (loopback), 10.0.0.1 (private), 169.254.169.254 (cloud
// metadata) and 0.0.0.0 (this host). Teredo addresses use 8.8.8.8 as the other embedded address, so
// only the one under test decides.

#include <span>

namespace tern::server::test {

struct PeerCase {
    const char* address;
    bool denied;
    const char* why;
};

inline constexpr PeerCase kPeerCases[] = {
    // ---- IPv4 default ranges: first and last address inside, neighbours outside ----
    {"0.0.0.0", true, "0.0.0.0/8 first; reaches this host"},
    {"0.255.255.255", true, "0.0.0.0/8 last"},
    {"1.0.0.0", false, "just past 0.0.0.0/8"},
    {"9.255.255.255", false, "just before 10.0.0.0/8"},
    {"10.0.0.0", true, "10.0.0.0/8 first"},
    {"10.255.255.255", true, "10.0.0.0/8 last"},
    {"11.0.0.0", false, "just past 10.0.0.0/8"},
    {"100.63.255.255", false, "just before 100.64.0.0/10"},
    {"100.64.0.0", true, "100.64.0.0/10 first"},
    {"100.127.255.255", true, "100.64.0.0/10 last"},
    {"100.128.0.0", false, "just past 100.64.0.0/10"},
    {"126.255.255.255", false, "just before 127.0.0.0/8"},
    {"127.0.0.0", true, "127.0.0.0/8 first"},
    {"127.0.0.1", true, "loopback"},
    {"127.255.255.255", true, "127.0.0.0/8 last"},
    {"128.0.0.0", false, "just past 127.0.0.0/8"},
    {"169.253.255.255", false, "just before 169.254.0.0/16"},
    {"169.254.0.0", true, "169.254.0.0/16 first"},
    {"169.254.169.254", true, "cloud metadata service"},
    {"169.254.255.255", true, "169.254.0.0/16 last"},
    {"169.255.0.0", false, "just past 169.254.0.0/16"},
    {"172.15.255.255", false, "just before 172.16.0.0/12"},
    {"172.16.0.0", true, "172.16.0.0/12 first"},
    {"172.31.255.255", true, "172.16.0.0/12 last"},
    {"172.32.0.0", false, "just past 172.16.0.0/12"},
    {"191.255.255.255", false, "just before 192.0.0.0/24"},
    {"192.0.0.0", true, "192.0.0.0/24 first"},
    {"192.0.0.255", true, "192.0.0.0/24 last"},
    {"192.0.1.0", false, "between 192.0.0.0/24 and 192.0.2.0/24"},
    {"192.0.2.0", true, "192.0.2.0/24 first"},
    {"192.0.2.255", true, "192.0.2.0/24 last"},
    {"192.0.3.0", false, "just past 192.0.2.0/24"},
    {"192.88.98.255", false, "just before 192.88.99.0/24"},
    {"192.88.99.0", true, "192.88.99.0/24 first"},
    {"192.88.99.255", true, "192.88.99.0/24 last"},
    {"192.88.100.0", false, "just past 192.88.99.0/24"},
    {"192.167.255.255", false, "just before 192.168.0.0/16"},
    {"192.168.0.0", true, "192.168.0.0/16 first"},
    {"192.168.255.255", true, "192.168.0.0/16 last"},
    {"192.169.0.0", false, "just past 192.168.0.0/16"},
    {"198.17.255.255", false, "just before 198.18.0.0/15"},
    {"198.18.0.0", true, "198.18.0.0/15 first"},
    {"198.19.255.255", true, "198.18.0.0/15 last"},
    {"198.20.0.0", false, "just past 198.18.0.0/15"},
    {"198.51.99.255", false, "just before 198.51.100.0/24"},
    {"198.51.100.0", true, "198.51.100.0/24 first"},
    {"198.51.100.255", true, "198.51.100.0/24 last"},
    {"198.51.101.0", false, "just past 198.51.100.0/24"},
    {"203.0.112.255", false, "just before 203.0.113.0/24"},
    {"203.0.113.0", true, "203.0.113.0/24 first"},
    {"203.0.113.255", true, "203.0.113.0/24 last"},
    {"203.0.114.0", false, "just past 203.0.113.0/24"},
    {"223.255.255.255", false, "just before 224.0.0.0/4"},
    {"224.0.0.0", true, "224.0.0.0/4 first"},
    {"239.255.255.255", true, "224.0.0.0/4 last"},
    {"240.0.0.0", true, "240.0.0.0/4 first"},
    {"255.255.255.255", true, "240.0.0.0/4 last; broadcast"},

    // ---- IPv6 default ranges ----
    {"::", true, "::/128, unspecified"},
    {"::1", true, "::1/128, loopback"},
    {"::2", true, "IPv4-compatible 0.0.0.2, in 0.0.0.0/8"},
    {"100::", true, "100::/64 first"},
    {"100::ffff:ffff:ffff:ffff", true, "100::/64 last"},
    {"100:0:0:1::", false, "just past 100::/64 (reserved, but not listed)"},
    {"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", false, "just before 2001:db8::/32"},
    {"2001:db8::", true, "2001:db8::/32 first"},
    {"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", true, "2001:db8::/32 last"},
    {"2001:db9::", false, "just past 2001:db8::/32"},
    {"fc00::", true, "fc00::/7 first"},
    {"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true, "fc00::/7 last"},
    {"fe80::", true, "fe80::/10 first"},
    {"fe80::1", true, "link-local"},
    {"febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true, "fe80::/10 last"},
    {"fec0::", true, "fec0::/10 first, deprecated site-local"},
    {"feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true, "fec0::/10 last"},
    {"ff00::", true, "ff00::/8 first"},
    {"ff02::1", true, "all-nodes multicast"},
    {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true, "ff00::/8 last"},
    {"64:ff9b:1::", true, "64:ff9b:1::/48 first, local-use NAT64"},
    {"64:ff9b:1::a00:1", true, "local-use NAT64, whatever it embeds"},
    {"64:ff9b:1:ffff:ffff:ffff:ffff:ffff", true, "64:ff9b:1::/48 last"},

    // ---- IPv4-mapped ::ffff:0:0/96 ----
    {"::ffff:127.0.0.1", true, "IPv4-mapped loopback"},
    {"::ffff:10.0.0.1", true, "IPv4-mapped private"},
    {"::ffff:169.254.169.254", true, "IPv4-mapped cloud metadata"},
    {"::ffff:0.0.0.0", true, "IPv4-mapped 0.0.0.0"},
    {"::ffff:255.255.255.255", true, "IPv4-mapped broadcast"},

    // ---- IPv4-compatible ::/96 ----
    {"::127.0.0.1", true, "IPv4-compatible loopback"},
    {"::10.0.0.1", true, "IPv4-compatible private"},
    {"::169.254.169.254", true, "IPv4-compatible cloud metadata"},
    {"::0.0.0.0", true, "IPv4-compatible 0.0.0.0, which is ::"},

    // ---- NAT64 64:ff9b::/96 ----
    {"64:ff9b::127.0.0.1", true, "NAT64 loopback"},
    {"64:ff9b::10.0.0.1", true, "NAT64 private"},
    {"64:ff9b::169.254.169.254", true, "NAT64 cloud metadata"},
    {"64:ff9b::", true, "NAT64 0.0.0.0"},

    // ---- 6to4 2002::/16 ----
    {"2002:7f00:1::1", true, "6to4 loopback"},
    {"2002:a00:1::1", true, "6to4 private"},
    {"2002:a9fe:a9fe::1", true, "6to4 cloud metadata"},
    {"2002::1", true, "6to4 0.0.0.0"},

    // ---- Teredo 2001::/32: server in bits 32-63, client inverted in the last 32 ----
    {"2001:0:808:808::80ff:fffe", true, "Teredo client loopback"},
    {"2001:0:808:808::f5ff:fffe", true, "Teredo client private"},
    {"2001:0:808:808::5601:5601", true, "Teredo client cloud metadata"},
    {"2001:0:808:808::ffff:ffff", true, "Teredo client 0.0.0.0"},
    {"2001:0:7f00:1::f7f7:f7f7", true, "Teredo server loopback"},
    {"2001:0:a00:1::f7f7:f7f7", true, "Teredo server private"},
    {"2001:0:a9fe:a9fe::f7f7:f7f7", true, "Teredo server cloud metadata"},
    {"2001::f7f7:f7f7", true, "Teredo server 0.0.0.0"},
    {"2001:0:4136:e378:8000:63bf:3fff:fdd2", true, "RFC 4380's example: client 192.0.2.45"},

    // ---- public addresses, plain and embedded ----
    {"8.8.8.8", false, "public IPv4"},
    {"1.1.1.1", false, "public IPv4"},
    {"2606:4700::1111", false, "public IPv6"},
    {"2001:4860:4860::8888", false, "public IPv6"},
    {"::ffff:8.8.8.8", false, "IPv4-mapped public"},
    {"::8.8.8.8", false, "IPv4-compatible public"},
    {"64:ff9b::8.8.8.8", false, "NAT64 public"},
    {"64:ff9b::1.1.1.1", false, "NAT64 public"},
    {"2002:808:808::1", false, "6to4 public"},
    {"2001:0:808:808::f7f7:f7f7", false, "Teredo, server and client public"},
};

inline std::span<const PeerCase> peer_cases() noexcept { return kPeerCases; }

}  // namespace tern::server::test
