// The peer policy: which peers a relay may talk to, so that it cannot be used to reach the server's
// internal networks, its loopback services or a cloud metadata service, whatever form the address
// takes (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo).

#include <gtest/gtest.h>

#include <initializer_list>
#include <iterator>
#include <ostream>
#include <string_view>
#include <vector>

#include "protocol/transport_address.hpp"
#include "server/policy/cidr.hpp"
#include "server/policy/peer_policy.hpp"
#include "tests/unit/server/peer_address_cases.hpp"

namespace tern::server {

[[maybe_unused]] static void PrintTo(PeerVerdict v, std::ostream* os) { *os << to_string(v); }

namespace {

using protocol::IpAddress;
using protocol::TransportAddress;

IpAddress ip(std::string_view text) {
    const auto a = IpAddress::parse(text);
    EXPECT_TRUE(a.has_value()) << text;
    return a.value_or(IpAddress{});
}

TransportAddress ta(std::string_view text) {
    const auto a = TransportAddress::parse(text);
    EXPECT_TRUE(a.has_value()) << text;
    return a.value_or(TransportAddress{});
}

std::vector<Cidr> cidrs(std::initializer_list<std::string_view> texts) {
    std::vector<Cidr> out;
    for (const auto text : texts) {
        const auto c = Cidr::parse(text);
        EXPECT_TRUE(c.has_value()) << text;
        if (c) out.push_back(*c);
    }
    return out;
}

std::vector<TransportAddress> addresses(std::initializer_list<std::string_view> texts) {
    std::vector<TransportAddress> out;
    for (const auto text : texts) out.push_back(ta(text));
    return out;
}

PeerPolicy policy(std::initializer_list<std::string_view> allow, std::initializer_list<std::string_view> deny = {},
                  std::initializer_list<std::string_view> own = {}) {
    return PeerPolicy({.allow = cidrs(allow), .deny = cidrs(deny), .own_addresses = addresses(own)});
}

// ---- the shared table, under default rules ----------------------------------------------------------

static_assert(std::size(test::kPeerCases) >= 60);

TEST(PeerPolicyTable, DefaultRules) {
    const PeerPolicy defaults;
    for (const test::PeerCase& c : test::peer_cases()) {
        SCOPED_TRACE(::testing::Message() << c.address << " (" << c.why << ")");
        const auto peer = IpAddress::parse(c.address);
        ASSERT_TRUE(peer.has_value());
        const PeerVerdict expected = c.denied ? PeerVerdict::DeniedByDefault : PeerVerdict::Allowed;
        EXPECT_EQ(defaults.check(*peer), expected);
        // With no own addresses, the port changes nothing.
        EXPECT_EQ(defaults.check(TransportAddress{*peer, 3478}), expected);
        EXPECT_EQ(defaults.check(TransportAddress{*peer, 1}), expected);
    }
}

TEST(PeerPolicyTable, AllowEverythingOpensEveryCase) {
    // Every denial in the table comes from the default list, not from some other rule.
    const PeerPolicy open = policy({"0.0.0.0/0", "::/0"});
    for (const test::PeerCase& c : test::peer_cases())
        EXPECT_EQ(open.check(ip(c.address)), PeerVerdict::Allowed) << c.address;
}

TEST(PeerPolicyTable, DenyEverythingClosesEveryCase) {
    const PeerPolicy closed = policy({"0.0.0.0/0", "::/0"}, {"0.0.0.0/0", "::/0"});
    for (const test::PeerCase& c : test::peer_cases())
        EXPECT_EQ(closed.check(ip(c.address)), PeerVerdict::DeniedByRule) << c.address;
}

// ---- the default deny list --------------------------------------------------------------------------

TEST(PeerPolicyDefaultDenyList, IsTheDocumentedList) {
    // Parsing also proves every entry has its host bits clear.
    const std::vector<Cidr> expected = cidrs({
        "0.0.0.0/8",      "10.0.0.0/8",       "100.64.0.0/10",   "127.0.0.0/8",    "169.254.0.0/16",
        "172.16.0.0/12",  "192.0.0.0/24",     "192.0.2.0/24",    "192.88.99.0/24", "192.168.0.0/16",
        "198.18.0.0/15",  "198.51.100.0/24",  "203.0.113.0/24",  "224.0.0.0/4",    "240.0.0.0/4",
        "::/128",         "::1/128",          "100::/64",        "64:ff9b:1::/48", "2001:db8::/32",
        "fc00::/7",       "fe80::/10",        "fec0::/10",       "ff00::/8",
    });
    const auto list = PeerPolicy::default_deny_list();
    EXPECT_EQ(std::vector<Cidr>(list.begin(), list.end()), expected);
}

TEST(PeerPolicyDefaultDenyList, EveryRangeDeniedAtBothEdges) {
    const PeerPolicy defaults;
    for (const Cidr& range : PeerPolicy::default_deny_list()) {
        SCOPED_TRACE(range.to_string());
        IpAddress last = range.network;
        for (std::size_t bit = range.prefix; bit < last.size() * 8; ++bit)
            last.bytes[bit / 8] = static_cast<std::uint8_t>(last.bytes[bit / 8] | (0x80u >> (bit % 8)));
        EXPECT_EQ(defaults.check(range.network), PeerVerdict::DeniedByDefault);
        EXPECT_EQ(defaults.check(last), PeerVerdict::DeniedByDefault) << last.to_string();
    }
}

// ---- --allow-peer -----------------------------------------------------------------------------------

TEST(PeerPolicyAllow, LoopbackOpensLoopbackInEveryFormButNothingElse) {
    const PeerPolicy p = policy({"127.0.0.0/8"});
    EXPECT_EQ(p.check(ip("127.0.0.1")), PeerVerdict::Allowed);
    EXPECT_EQ(p.check(ip("127.255.255.255")), PeerVerdict::Allowed);
    EXPECT_EQ(p.check(ip("::ffff:127.0.0.1")), PeerVerdict::Allowed);
    EXPECT_EQ(p.check(ip("64:ff9b::127.0.0.1")), PeerVerdict::Allowed);
    EXPECT_EQ(p.check(ta("127.0.0.1:3478")), PeerVerdict::Allowed);
    EXPECT_EQ(p.check(ta("[::ffff:127.0.0.1]:3478")), PeerVerdict::Allowed);

    EXPECT_EQ(p.check(ip("10.0.0.1")), PeerVerdict::DeniedByDefault);
    EXPECT_EQ(p.check(ip("::ffff:10.0.0.1")), PeerVerdict::DeniedByDefault);
    EXPECT_EQ(p.check(ip("169.254.169.254")), PeerVerdict::DeniedByDefault);
    EXPECT_EQ(p.check(ip("::1")), PeerVerdict::DeniedByDefault);  // an IPv4 rule opens no IPv6
    // Teredo: the allowed server does not excuse the private client.
    EXPECT_EQ(p.check(ip("2001:0:7f00:1::f5ff:fffe")), PeerVerdict::DeniedByDefault);
}

TEST(PeerPolicyAllow, Ipv6RuleDoesNotOpenEmbeddedIpv4) {
    const PeerPolicy p = policy({"::/0"});
    EXPECT_EQ(p.check(ip("::ffff:10.0.0.1")), PeerVerdict::DeniedByDefault);
    EXPECT_EQ(p.check(ip("::10.0.0.1")), PeerVerdict::DeniedByDefault);
    EXPECT_EQ(p.check(ip("64:ff9b::169.254.169.254")), PeerVerdict::DeniedByDefault);
    EXPECT_EQ(p.check(ip("2002:a00:1::1")), PeerVerdict::DeniedByDefault);
    EXPECT_EQ(p.check(ip("2001:0:808:808::80ff:fffe")), PeerVerdict::DeniedByDefault);
    // IPv6 ranges themselves do open.
    EXPECT_EQ(p.check(ip("fc00::1")), PeerVerdict::Allowed);
    EXPECT_EQ(p.check(ip("::1")), PeerVerdict::Allowed);
}

TEST(PeerPolicyAllow, Ipv6LoopbackIsNotReadAsIpv4) {
    // ::1 is loopback, not IPv4-compatible 0.0.0.1, so allowing it needs no IPv4 rule.
    const PeerPolicy p = policy({"::1/128"});
    EXPECT_EQ(p.check(ip("::1")), PeerVerdict::Allowed);
    EXPECT_EQ(p.check(ta("[::1]:3478")), PeerVerdict::Allowed);
    EXPECT_EQ(p.check(ip("::")), PeerVerdict::DeniedByDefault);
    EXPECT_EQ(p.check(ip("::2")), PeerVerdict::DeniedByDefault);
}

TEST(PeerPolicyAllow, NarrowRuleOpensOnlyItsRange) {
    const PeerPolicy p = policy({"10.1.0.0/16"});
    EXPECT_EQ(p.check(ip("10.1.2.3")), PeerVerdict::Allowed);
    EXPECT_EQ(p.check(ip("::ffff:10.1.2.3")), PeerVerdict::Allowed);
    EXPECT_EQ(p.check(ip("10.0.255.255")), PeerVerdict::DeniedByDefault);
    EXPECT_EQ(p.check(ip("10.2.0.0")), PeerVerdict::DeniedByDefault);
}

// ---- --deny-peer ------------------------------------------------------------------------------------

TEST(PeerPolicyDeny, OverridesAllow) {
    const PeerPolicy p = policy({"127.0.0.0/8"}, {"127.0.0.1/32"});
    EXPECT_EQ(p.check(ip("127.0.0.1")), PeerVerdict::DeniedByRule);
    EXPECT_EQ(p.check(ip("::ffff:127.0.0.1")), PeerVerdict::DeniedByRule);
    EXPECT_EQ(p.check(ta("127.0.0.1:3478")), PeerVerdict::DeniedByRule);
    EXPECT_EQ(p.check(ip("127.0.0.2")), PeerVerdict::Allowed);
}

TEST(PeerPolicyDeny, PublicRangeInEveryForm) {
    const PeerPolicy p = policy({}, {"8.8.8.0/24"});
    EXPECT_EQ(p.check(ip("8.8.8.8")), PeerVerdict::DeniedByRule);
    EXPECT_EQ(p.check(ip("::ffff:8.8.8.8")), PeerVerdict::DeniedByRule);
    EXPECT_EQ(p.check(ip("::8.8.8.8")), PeerVerdict::DeniedByRule);
    EXPECT_EQ(p.check(ip("64:ff9b::8.8.8.8")), PeerVerdict::DeniedByRule);
    EXPECT_EQ(p.check(ip("2002:808:808::1")), PeerVerdict::DeniedByRule);
    EXPECT_EQ(p.check(ip("2001:0:808:808::fefe:fefe")), PeerVerdict::DeniedByRule);  // server 8.8.8.8
    EXPECT_EQ(p.check(ip("2001:0:101:101::f7f7:f7f7")), PeerVerdict::DeniedByRule);  // client 8.8.8.8
    EXPECT_EQ(p.check(ta("8.8.8.8:53")), PeerVerdict::DeniedByRule);

    EXPECT_EQ(p.check(ip("8.8.4.4")), PeerVerdict::Allowed);
    EXPECT_EQ(p.check(ip("8.8.9.0")), PeerVerdict::Allowed);
    EXPECT_EQ(p.check(ip("2001:0:101:101::fefe:fefe")), PeerVerdict::Allowed);  // 1.1.1.1 both
}

TEST(PeerPolicyDeny, PublicIpv6Range) {
    const PeerPolicy p = policy({}, {"2606:4700::/32"});
    EXPECT_EQ(p.check(ip("2606:4700::1111")), PeerVerdict::DeniedByRule);
    EXPECT_EQ(p.check(ip("2001:4860:4860::8888")), PeerVerdict::Allowed);
}

TEST(PeerPolicyDeny, AnEmbeddingPrefixItself) {
    // An operator without a NAT64 or 6to4 path can refuse those forms outright.
    const PeerPolicy p = policy({}, {"64:ff9b::/96", "2002::/16"});
    EXPECT_EQ(p.check(ip("64:ff9b::8.8.8.8")), PeerVerdict::DeniedByRule);
    EXPECT_EQ(p.check(ip("2002:808:808::1")), PeerVerdict::DeniedByRule);
    EXPECT_EQ(p.check(ip("8.8.8.8")), PeerVerdict::Allowed);
}

TEST(PeerPolicyDeny, RuleBeatsDefaultInTheVerdict) {
    const PeerPolicy p = policy({}, {"10.0.0.0/8"});
    EXPECT_EQ(p.check(ip("10.0.0.1")), PeerVerdict::DeniedByRule);
    EXPECT_EQ(p.check(ip("192.168.0.1")), PeerVerdict::DeniedByDefault);
}

// ---- own addresses ----------------------------------------------------------------------------------

TEST(PeerPolicyOwnAddress, DeniedEvenWhenAllowed) {
    const PeerPolicy p = policy({"127.0.0.0/8"}, {}, {"127.0.0.1:3478", "127.0.0.1:8080"});
    EXPECT_EQ(p.check(ta("127.0.0.1:3478")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("127.0.0.1:8080")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("[::ffff:127.0.0.1]:3478")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("[64:ff9b::127.0.0.1]:3478")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("127.0.0.1:3479")), PeerVerdict::Allowed);
    EXPECT_EQ(p.check(ta("127.0.0.2:3478")), PeerVerdict::Allowed);
}

TEST(PeerPolicyOwnAddress, PublicAddressInEveryForm) {
    const PeerPolicy p = policy({}, {}, {"8.8.8.8:3478"});
    EXPECT_EQ(p.check(ta("8.8.8.8:3478")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("[::ffff:8.8.8.8]:3478")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("[::8.8.8.8]:3478")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("[64:ff9b::8.8.8.8]:3478")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("[2002:808:808::1]:3478")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("8.8.8.8:3479")), PeerVerdict::Allowed);
    EXPECT_EQ(p.check(ta("8.8.4.4:3478")), PeerVerdict::Allowed);
}

TEST(PeerPolicyOwnAddress, MappedOwnAddressIsCanonicalised) {
    const PeerPolicy p = policy({}, {}, {"[::ffff:8.8.8.8]:3478"});
    EXPECT_EQ(p.check(ta("8.8.8.8:3478")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("[::ffff:8.8.8.8]:3478")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("8.8.8.8:3479")), PeerVerdict::Allowed);
}

TEST(PeerPolicyOwnAddress, Ipv6Address) {
    const PeerPolicy p = policy({}, {}, {"[2606:4700::1111]:443"});
    EXPECT_EQ(p.check(ta("[2606:4700::1111]:443")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("[2606:4700::1111]:444")), PeerVerdict::Allowed);
    EXPECT_EQ(p.check(ta("[2606:4700::1112]:443")), PeerVerdict::Allowed);
}

TEST(PeerPolicyOwnAddress, Ipv4WildcardCoversLoopbackAtItsPort) {
    const PeerPolicy p = policy({"127.0.0.0/8", "0.0.0.0/8", "::1/128", "::/128"}, {}, {"0.0.0.0:3478"});
    EXPECT_EQ(p.check(ta("127.0.0.1:3478")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("127.1.2.3:3478")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("0.0.0.0:3478")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("[::ffff:127.0.0.1]:3478")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("[::1]:3478")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("[::]:3478")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("127.0.0.1:3479")), PeerVerdict::Allowed);
    EXPECT_EQ(p.check(ta("0.0.0.1:3478")), PeerVerdict::Allowed);  // not unspecified, and allowed
    // The host's other addresses are the daemon's to list.
    EXPECT_EQ(p.check(ta("8.8.8.8:3478")), PeerVerdict::Allowed);
}

TEST(PeerPolicyOwnAddress, Ipv4WildcardUnderDefaultRules) {
    const PeerPolicy p = policy({}, {}, {"0.0.0.0:3478"});
    EXPECT_EQ(p.check(ta("127.0.0.1:3478")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("127.0.0.1:3479")), PeerVerdict::DeniedByDefault);
}

TEST(PeerPolicyOwnAddress, Ipv6WildcardCoversBothFamilies) {
    // A dual-stack socket bound to [::] also receives on 127.0.0.1.
    const PeerPolicy p = policy({"127.0.0.0/8", "0.0.0.0/8", "::1/128", "::/128"}, {}, {"[::]:3478"});
    EXPECT_EQ(p.check(ta("[::1]:3478")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("[::]:3478")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("127.0.0.1:3478")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("0.0.0.0:3478")), PeerVerdict::DeniedOwnAddress);
    EXPECT_EQ(p.check(ta("[::1]:3479")), PeerVerdict::Allowed);
    EXPECT_EQ(p.check(ta("[2606:4700::1111]:3478")), PeerVerdict::Allowed);
}

TEST(PeerPolicyOwnAddress, IpCheckIgnoresOwnAddresses) {
    // CreatePermission names no port, so only the IP rules apply.
    const PeerPolicy p = policy({"127.0.0.0/8"}, {}, {"8.8.8.8:3478", "0.0.0.0:3478", "127.0.0.1:8080"});
    EXPECT_EQ(p.check(ip("8.8.8.8")), PeerVerdict::Allowed);
    EXPECT_EQ(p.check(ip("127.0.0.1")), PeerVerdict::Allowed);
    EXPECT_EQ(p.check(ip("10.0.0.1")), PeerVerdict::DeniedByDefault);
}

// ---- verdict names ----------------------------------------------------------------------------------

TEST(PeerPolicyVerdict, Names) {
    EXPECT_EQ(to_string(PeerVerdict::Allowed), "allowed");
    EXPECT_EQ(to_string(PeerVerdict::DeniedByDefault), "denied by default");
    EXPECT_EQ(to_string(PeerVerdict::DeniedByRule), "denied by rule");
    EXPECT_EQ(to_string(PeerVerdict::DeniedOwnAddress), "denied: own address");
}

// ---- embedded_ipv4 ----------------------------------------------------------------------------------

std::vector<IpAddress> embedded(std::string_view text) {
    const EmbeddedIpv4 e = embedded_ipv4(ip(text));
    return {e.view().begin(), e.view().end()};
}

std::vector<IpAddress> ips(std::initializer_list<std::string_view> texts) {
    std::vector<IpAddress> out;
    for (const auto text : texts) out.push_back(ip(text));
    return out;
}

TEST(PeerPolicyEmbeddedIpv4, Mapped) {
    EXPECT_EQ(embedded("::ffff:127.0.0.1"), ips({"127.0.0.1"}));
    EXPECT_EQ(embedded("::ffff:a9fe:a9fe"), ips({"169.254.169.254"}));
    EXPECT_EQ(embedded("::ffff:0.0.0.0"), ips({"0.0.0.0"}));
}

TEST(PeerPolicyEmbeddedIpv4, Compatible) {
    EXPECT_EQ(embedded("::10.0.0.1"), ips({"10.0.0.1"}));
    EXPECT_EQ(embedded("::8.8.8.8"), ips({"8.8.8.8"}));
    EXPECT_EQ(embedded("::2"), ips({"0.0.0.2"}));
}

TEST(PeerPolicyEmbeddedIpv4, UnspecifiedAndLoopbackAreNotCompatible) {
    EXPECT_TRUE(embedded("::").empty());
    EXPECT_TRUE(embedded("::1").empty());
}

TEST(PeerPolicyEmbeddedIpv4, Nat64) {
    EXPECT_EQ(embedded("64:ff9b::169.254.169.254"), ips({"169.254.169.254"}));
    EXPECT_EQ(embedded("64:ff9b::"), ips({"0.0.0.0"}));
    // Outside the /96: not the well-known translation prefix.
    EXPECT_TRUE(embedded("64:ff9b:0:0:1::a00:1").empty());
    EXPECT_TRUE(embedded("64:ff9b:1::a00:1").empty());
}

TEST(PeerPolicyEmbeddedIpv4, SixToFour) {
    EXPECT_EQ(embedded("2002:a00:1::"), ips({"10.0.0.1"}));
    EXPECT_EQ(embedded("2002:7f00:1:ffff:ffff:ffff:ffff:ffff"), ips({"127.0.0.1"}));
    EXPECT_EQ(embedded("2002::"), ips({"0.0.0.0"}));
}

TEST(PeerPolicyEmbeddedIpv4, TeredoServerThenClient) {
    // RFC 4380's example: server 65.54.227.120, client 192.0.2.45 (stored inverted), port 40000.
    EXPECT_EQ(embedded("2001:0:4136:e378:8000:63bf:3fff:fdd2"), ips({"65.54.227.120", "192.0.2.45"}));
    EXPECT_EQ(embedded("2001:0:808:808::80ff:fffe"), ips({"8.8.8.8", "127.0.0.1"}));
    EXPECT_EQ(embedded("2001::"), ips({"0.0.0.0", "255.255.255.255"}));
    // 2001:0::/32 only: 2001:1:: and 2001:db8:: are something else.
    EXPECT_TRUE(embedded("2001:1:808:808::80ff:fffe").empty());
    EXPECT_TRUE(embedded("2001:db8::1").empty());
}

TEST(PeerPolicyEmbeddedIpv4, NoneInOtherAddresses) {
    EXPECT_TRUE(embedded("10.0.0.1").empty());
    EXPECT_TRUE(embedded("127.0.0.1").empty());
    EXPECT_TRUE(embedded("2606:4700::1111").empty());
    EXPECT_TRUE(embedded("fe80::a00:1").empty());
    EXPECT_TRUE(embedded("::ffff:0:a00:1").empty());  // IPv4-translated (SIIT), not mapped
    EXPECT_TRUE(embedded("::1:0:0:a00:1").empty());   // not in ::/96
}

}  // namespace
}  // namespace tern::server
