// IP prefixes as --allow-peer and --deny-peer give them: parsing (and refusing), membership, printing.

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "protocol/transport_address.hpp"
#include "server/policy/cidr.hpp"

namespace tern::server {
namespace {

protocol::IpAddress ip(std::string_view text) {
    const auto a = protocol::IpAddress::parse(text);
    EXPECT_TRUE(a.has_value()) << text;
    return a.value_or(protocol::IpAddress{});
}

Cidr cidr(std::string_view text) {
    const auto c = Cidr::parse(text);
    EXPECT_TRUE(c.has_value()) << text;
    return c.value_or(Cidr{});
}

TEST(CidrParse, Ipv4Prefix) {
    const auto c = Cidr::parse("192.168.0.0/16");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->network, ip("192.168.0.0"));
    EXPECT_EQ(c->prefix, 16);
}

TEST(CidrParse, Ipv6Prefix) {
    const auto c = Cidr::parse("fe80::/10");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->network, ip("fe80::"));
    EXPECT_EQ(c->prefix, 10);
}

TEST(CidrParse, BareAddressIsFullLength) {
    EXPECT_EQ(cidr("203.0.113.7"), (Cidr{ip("203.0.113.7"), 32}));
    EXPECT_EQ(cidr("2001:db8::1"), (Cidr{ip("2001:db8::1"), 128}));
}

TEST(CidrParse, PrefixEdges) {
    EXPECT_EQ(cidr("0.0.0.0/0").prefix, 0);
    EXPECT_EQ(cidr("10.0.0.1/32").prefix, 32);
    EXPECT_EQ(cidr("::/0").prefix, 0);
    EXPECT_EQ(cidr("::1/128").prefix, 128);
}

TEST(CidrParse, RefusesHostBitsSet) {
    // A typo like 10.0.0.1/8 is reported rather than silently widened to 10.0.0.0/8.
    EXPECT_FALSE(Cidr::parse("10.0.0.1/8"));
    EXPECT_FALSE(Cidr::parse("192.168.1.0/16"));
    EXPECT_FALSE(Cidr::parse("172.16.0.0/11"));  // 172.16 has bit 11 set
    EXPECT_FALSE(Cidr::parse("0.0.0.1/0"));
    EXPECT_FALSE(Cidr::parse("fe80::1/10"));
    EXPECT_FALSE(Cidr::parse("fec0::/9"));  // fec0 has bit 9 set
    EXPECT_FALSE(Cidr::parse("::1/127"));
}

TEST(CidrParse, RefusesPrefixTooLong) {
    EXPECT_FALSE(Cidr::parse("10.0.0.0/33"));
    EXPECT_FALSE(Cidr::parse("::/129"));
    EXPECT_FALSE(Cidr::parse("10.0.0.0/4294967296"));  // overflows unsigned
    EXPECT_FALSE(Cidr::parse("10.0.0.0/99999999999999999999"));
}

TEST(CidrParse, RefusesGarbage) {
    for (const std::string_view text : {
             "",
             "/8",
             "garbage",
             "10.0.0.0/",
             "10.0.0.0/x",
             "10.0.0.0/-1",
             "10.0.0.0/+8",
             "10.0.0.0/8/8",
             "10.0.0.0/8 ",
             " 10.0.0.0/8",
             "10.0.0.0 /8",
             "10.0.0.0/ 8",
             "10.0.0/8",
             "10.0.0.256/32",
             "10.0.0.0.0/8",
             "fe80::/1o",
             "fe80:::/10",
             "[::1]/128",
             "fe80::1%eth0/128",
             "localhost/32",
         }) {
        EXPECT_FALSE(Cidr::parse(text)) << '"' << text << '"';
    }
}

TEST(CidrParse, RefusesEmbeddedNul) {
    // inet_pton stops at a NUL; the whole text must be the prefix.
    EXPECT_FALSE(Cidr::parse(std::string_view("10.0.0.0\0/8", 11)));
    EXPECT_FALSE(Cidr::parse(std::string_view("10.0.0.1\0junk", 13)));
    EXPECT_FALSE(Cidr::parse(std::string_view("10.0.0.0/8\0", 11)));
}

TEST(CidrOf, ClearsHostBits) {
    EXPECT_EQ(Cidr::of(ip("10.1.2.3"), 8), cidr("10.0.0.0/8"));
    EXPECT_EQ(Cidr::of(ip("172.31.255.255"), 12), cidr("172.16.0.0/12"));
    EXPECT_EQ(Cidr::of(ip("fe80::1"), 10), cidr("fe80::/10"));
    EXPECT_EQ(Cidr::of(ip("febf:ffff::"), 10), cidr("fe80::/10"));
    EXPECT_EQ(Cidr::of(ip("1.2.3.4"), 0), cidr("0.0.0.0/0"));
    EXPECT_EQ(Cidr::of(ip("1.2.3.4"), 32), cidr("1.2.3.4/32"));
}

TEST(CidrOf, ShortensPrefixLongerThanTheAddress) {
    EXPECT_EQ(Cidr::of(ip("1.2.3.4"), 40), cidr("1.2.3.4/32"));
    EXPECT_EQ(Cidr::of(ip("::1"), 200), cidr("::1/128"));
}

TEST(CidrContains, Ipv4Edges) {
    const Cidr c = cidr("172.16.0.0/12");
    EXPECT_FALSE(c.contains(ip("172.15.255.255")));
    EXPECT_TRUE(c.contains(ip("172.16.0.0")));
    EXPECT_TRUE(c.contains(ip("172.20.1.2")));
    EXPECT_TRUE(c.contains(ip("172.31.255.255")));
    EXPECT_FALSE(c.contains(ip("172.32.0.0")));
}

TEST(CidrContains, OddPrefixes) {
    const Cidr cgnat = cidr("100.64.0.0/10");
    EXPECT_FALSE(cgnat.contains(ip("100.63.255.255")));
    EXPECT_TRUE(cgnat.contains(ip("100.64.0.0")));
    EXPECT_TRUE(cgnat.contains(ip("100.127.255.255")));
    EXPECT_FALSE(cgnat.contains(ip("100.128.0.0")));

    const Cidr bench = cidr("198.18.0.0/15");
    EXPECT_TRUE(bench.contains(ip("198.19.255.255")));
    EXPECT_FALSE(bench.contains(ip("198.20.0.0")));

    const Cidr one = cidr("128.0.0.0/1");
    EXPECT_FALSE(one.contains(ip("127.255.255.255")));
    EXPECT_TRUE(one.contains(ip("255.255.255.255")));

    const Cidr thirty_one = cidr("10.0.0.2/31");
    EXPECT_FALSE(thirty_one.contains(ip("10.0.0.1")));
    EXPECT_TRUE(thirty_one.contains(ip("10.0.0.2")));
    EXPECT_TRUE(thirty_one.contains(ip("10.0.0.3")));
    EXPECT_FALSE(thirty_one.contains(ip("10.0.0.4")));
}

TEST(CidrContains, Ipv6Edges) {
    const Cidr ula = cidr("fc00::/7");
    EXPECT_FALSE(ula.contains(ip("fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
    EXPECT_TRUE(ula.contains(ip("fc00::")));
    EXPECT_TRUE(ula.contains(ip("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
    EXPECT_FALSE(ula.contains(ip("fe00::")));

    const Cidr link_local = cidr("fe80::/10");
    EXPECT_TRUE(link_local.contains(ip("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
    EXPECT_FALSE(link_local.contains(ip("fec0::")));

    const Cidr discard = cidr("100::/64");
    EXPECT_TRUE(discard.contains(ip("100::ffff:ffff:ffff:ffff")));
    EXPECT_FALSE(discard.contains(ip("100:0:0:1::")));

    const Cidr host = cidr("::1/128");
    EXPECT_TRUE(host.contains(ip("::1")));
    EXPECT_FALSE(host.contains(ip("::")));
    EXPECT_FALSE(host.contains(ip("::2")));
}

TEST(CidrContains, ZeroPrefixHoldsItsWholeFamilyOnly) {
    EXPECT_TRUE(cidr("0.0.0.0/0").contains(ip("255.255.255.255")));
    EXPECT_TRUE(cidr("0.0.0.0/0").contains(ip("0.0.0.0")));
    EXPECT_FALSE(cidr("0.0.0.0/0").contains(ip("::")));
    EXPECT_TRUE(cidr("::/0").contains(ip("ffff::")));
    EXPECT_FALSE(cidr("::/0").contains(ip("0.0.0.0")));
}

TEST(CidrContains, FamiliesNeverMix) {
    // A Cidr compares raw values; seeing 10.0.0.1 inside ::ffff:10.0.0.1 is the peer policy's job.
    EXPECT_FALSE(cidr("10.0.0.0/8").contains(ip("::ffff:10.0.0.1")));
    EXPECT_FALSE(cidr("::ffff:0:0/96").contains(ip("10.0.0.1")));
    EXPECT_FALSE(cidr("::/96").contains(ip("0.0.0.1")));
}

TEST(CidrContains, HandBuiltValueStaysInBounds) {
    // Cidr is an aggregate: a value built without parse() or of() may carry host bits or too long a
    // prefix. It must still answer sensibly, never reading past the address.
    const Cidr host_bits{ip("10.127.255.255"), 9};  // acts as 10.0.0.0/9
    EXPECT_TRUE(host_bits.contains(ip("10.0.0.1")));
    EXPECT_TRUE(host_bits.contains(ip("10.127.0.1")));
    EXPECT_FALSE(host_bits.contains(ip("10.128.0.1")));

    const Cidr too_long_v6{ip("::1"), 200};
    EXPECT_TRUE(too_long_v6.contains(ip("::1")));
    EXPECT_FALSE(too_long_v6.contains(ip("::2")));
    const Cidr too_long_v4{ip("10.0.0.1"), 40};
    EXPECT_TRUE(too_long_v4.contains(ip("10.0.0.1")));
    EXPECT_FALSE(too_long_v4.contains(ip("10.0.0.2")));
}

TEST(CidrToString, PrintsCanonicalForm) {
    EXPECT_EQ(cidr("10.0.0.0/8").to_string(), "10.0.0.0/8");
    EXPECT_EQ(cidr("203.0.113.7").to_string(), "203.0.113.7/32");
    EXPECT_EQ(cidr("0.0.0.0/0").to_string(), "0.0.0.0/0");
    EXPECT_EQ(cidr("fe80:0000::/10").to_string(), "fe80::/10");
    EXPECT_EQ(cidr("2001:DB8::/32").to_string(), "2001:db8::/32");
    EXPECT_EQ(cidr("::/0").to_string(), "::/0");
    EXPECT_EQ(cidr("::1").to_string(), "::1/128");
    EXPECT_EQ(cidr("::ffff:0:0/96").to_string(), "::ffff:0.0.0.0/96");
}

TEST(CidrToString, RoundTrips) {
    for (const std::string_view text : {"10.0.0.0/8", "100.64.0.0/10", "198.18.0.0/15", "224.0.0.0/4",
                                        "fc00::/7", "64:ff9b::/96", "2001:db8::/32", "ff00::/8"}) {
        EXPECT_EQ(cidr(text).to_string(), text);
        EXPECT_EQ(Cidr::parse(cidr(text).to_string()), cidr(text));
    }
}

}  // namespace
}  // namespace tern::server
