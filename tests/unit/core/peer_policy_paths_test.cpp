// The peer policy on every path that reaches a peer: CreatePermission and ChannelBind answer 403, and a
// Send indication is dropped, for every address the shared table says the default policy denies; and
// a policy reload takes away what the new rules deny.

#include <string>

#include "core_harness.hpp"
#include "server/policy/cidr.hpp"
#include "tests/unit/server/peer_address_cases.hpp"

namespace tern::server::test {
namespace {

const std::vector<std::uint8_t> kPayload = bytes_of("payload");
constexpr std::uint16_t kPeerPort = 5000;

Cidr cidr(std::string_view text) {
    const auto c = Cidr::parse(text);
    EXPECT_TRUE(c.has_value()) << text;
    return c.value_or(Cidr{});
}

// A dual-stack allocation, so that every case has a relay of its own family.
TestClient dual_allocation(CoreHarness& h) {
    auto c = h.client(1);
    const Reply r = c.allocate(additional_family(kIPv6));
    EXPECT_EQ(r.code(), 0);
    EXPECT_EQ(r.relayed_addresses().size(), 2u);
    return c;
}

std::string describe(const PeerCase& pc) { return std::string(pc.address) + " (" + pc.why + ")"; }

TEST(CorePeerPolicy, EveryDeniedPeerIsRefusedOnEveryPath) {
    CoreHarness h;  // default peer policy, as the table assumes
    auto c = dual_allocation(h);
    std::size_t denied_cases = 0;
    for (const PeerCase& pc : peer_cases()) {
        if (!pc.denied) continue;
        ++denied_cases;
        SCOPED_TRACE(describe(pc));
        const TransportAddress peer{ip(pc.address), kPeerPort};

        EXPECT_EQ(c.create_permission({peer}).code(), 403);
        EXPECT_EQ(c.channel_bind(0x4000, peer).code(), 403);

        const std::uint64_t denied_before = h.drops(DropReason::PeerDenied);
        c.send_indication(peer, kPayload);
        EXPECT_EQ(h.drops(DropReason::PeerDenied), denied_before + 1) << "Send not refused as peer_denied";
    }
    EXPECT_GT(denied_cases, 50u);
    EXPECT_TRUE(h.io.to_peer.empty()) << "a denied peer was sent to";
    // Nothing was bound on the way either.
    c.send_channel_data(0x4000, kPayload);
    EXPECT_TRUE(h.io.to_peer.empty());
    // Each 403 is an event for the log.
    EXPECT_EQ(h.io.count(EventKind::PeerDenied), 2 * denied_cases);
}

TEST(CorePeerPolicy, EveryAllowedPeerIsServedOnEveryPath) {
    // The other half of the table, so that the 403s above are not the core refusing everything.
    CoreHarness h;
    auto c = dual_allocation(h);
    std::uint16_t channel = 0x4000;
    for (const PeerCase& pc : peer_cases()) {
        if (pc.denied) continue;
        SCOPED_TRACE(describe(pc));
        const TransportAddress peer{ip(pc.address), kPeerPort};

        EXPECT_EQ(c.create_permission({peer}).code(), 0);
        EXPECT_EQ(c.channel_bind(channel, peer).code(), 0);
        const std::size_t sent = h.io.to_peer.size();
        c.send_indication(peer, kPayload);
        ASSERT_EQ(h.io.to_peer.size(), sent + 1);
        EXPECT_EQ(h.io.to_peer.back().peer, peer);
        ++channel;
    }
    EXPECT_EQ(h.drops(DropReason::PeerDenied), 0u);
}

TEST(CorePeerPolicy, OwnAddressIsDeniedAtItsPortOnly) {
    // The daemon's own listener must not be reachable through its relay (a loop, or a way around
    // per-source limits); other ports of the same host are ordinary peers.
    const TransportAddress own = ta("8.8.4.4:3478");
    CoreHarness h(default_config(), PeerPolicy::Rules{.allow = {}, .deny = {}, .own_addresses = {own}});
    auto c = dual_allocation(h);

    // CreatePermission names no port: the IP rules alone decide, and they allow it.
    EXPECT_EQ(c.create_permission({own}).code(), 0);
    EXPECT_EQ(c.channel_bind(0x4000, own).code(), 403);
    EXPECT_EQ(c.channel_bind(0x4000, TransportAddress{own.ip, 3479}).code(), 0);

    c.send_indication(own, kPayload);
    EXPECT_EQ(h.drops(DropReason::PeerDenied), 1u);
    c.send_indication(TransportAddress{own.ip, 3479}, kPayload);
    ASSERT_EQ(h.io.to_peer.size(), 1u);
    EXPECT_EQ(h.io.to_peer[0].peer.port, 3479);
}

TEST(CorePeerPolicy, AllowRuleOpensADefaultDeniedRange) {
    CoreHarness h(default_config(),
                  PeerPolicy::Rules{.allow = {cidr("203.0.113.0/24")}, .deny = {}, .own_addresses = {}});
    auto c = dual_allocation(h);
    const TransportAddress lab_peer = ta("203.0.113.7:5000");
    EXPECT_EQ(c.create_permission({lab_peer}).code(), 0);
    EXPECT_EQ(c.channel_bind(0x4000, lab_peer).code(), 0);
    c.send_indication(lab_peer, kPayload);
    EXPECT_EQ(h.io.to_peer.size(), 1u);
    // Only that range.
    EXPECT_EQ(c.create_permission({ta("10.0.0.1:0")}).code(), 403);
}

TEST(CorePeerPolicy, DenyRuleClosesAPublicPeer) {
    CoreHarness h(default_config(), PeerPolicy::Rules{.allow = {}, .deny = {cidr("8.8.8.0/24")}, .own_addresses = {}});
    auto c = dual_allocation(h);
    EXPECT_EQ(c.create_permission({peer_a()}).code(), 403);
    EXPECT_EQ(c.channel_bind(0x4000, peer_a()).code(), 403);
    // IPv6 forms that embed it are closed too.
    EXPECT_EQ(c.create_permission({ta("[::ffff:8.8.8.8]:5000")}).code(), 403);
    EXPECT_EQ(c.create_permission({peer_b()}).code(), 0);
}

TEST(CorePeerPolicy, ReloadDropsPermissionsAndChannelsToNewlyDeniedPeers) {
    CoreHarness h;
    auto c = h.client(1);
    const Reply allocated = c.allocate();
    ASSERT_EQ(allocated.code(), 0);
    const RelayId relay = h.relay_of(allocated);
    ASSERT_EQ(c.create_permission({peer_a(), peer_b()}).code(), 0);
    ASSERT_EQ(c.channel_bind(0x4000, peer_a()).code(), 0);
    ASSERT_EQ(c.channel_bind(0x4001, peer_b()).code(), 0);

    h.set_peer_rules(PeerPolicy::Rules{.allow = {}, .deny = {cidr("8.8.8.8/32")}, .own_addresses = {}});

    // 8.8.8.8 is cut off both ways...
    const std::size_t to_client = h.io.to_client.size();
    h.peer_sends(relay, peer_a(), kPayload);
    EXPECT_EQ(h.io.to_client.size(), to_client);
    EXPECT_EQ(h.drops(DropReason::NoPermission), 1u);
    c.send_channel_data(0x4000, kPayload);
    EXPECT_EQ(h.drops(DropReason::NoChannel), 1u);
    c.send_indication(peer_a(), kPayload);
    EXPECT_EQ(h.drops(DropReason::PeerDenied), 1u);
    EXPECT_TRUE(h.io.to_peer.empty());
    EXPECT_EQ(c.create_permission({peer_a()}).code(), 403);

    // ...while 1.1.1.1 keeps its permission and channel.
    h.peer_sends(relay, peer_b(), kPayload);
    EXPECT_EQ(h.io.to_client.size(), to_client + 2);  // the datagram, after the 403 above
    c.send_channel_data(0x4001, kPayload);
    ASSERT_EQ(h.io.to_peer.size(), 1u);
    EXPECT_EQ(h.io.to_peer[0].peer, peer_b());

    // Allowing it again does not bring back what was dropped: the client must ask anew.
    h.set_peer_rules({});
    h.peer_sends(relay, peer_a(), kPayload);
    EXPECT_EQ(h.drops(DropReason::NoPermission), 2u);
    EXPECT_EQ(c.create_permission({peer_a()}).code(), 0);
    h.peer_sends(relay, peer_a(), kPayload);
    EXPECT_TRUE(parse_data_indication(h.io.to_client.back().bytes));
}

}  // namespace
}  // namespace tern::server::test
