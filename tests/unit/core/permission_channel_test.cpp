// CreatePermission (RFC 8656 §9) and ChannelBind (§11): what they install, for how long, and every way
// they are refused. Whether a permission is in place is observed as a peer would: its datagrams reach
// the client or are dropped.

#include "core_harness.hpp"
#include "protocol/channel_data.hpp"

namespace tern::server::test {
namespace {

const std::vector<std::uint8_t> kPayload = bytes_of("hello");

// An IPv4 allocation for alice on client 1, with the relay that serves it.
struct Allocated {
    TestClient client;
    RelayId relay;
};

Allocated allocate(CoreHarness& h, std::uint32_t lifetime = 600) {
    auto c = h.client(1);
    const Reply r = c.allocate(lifetime_attr(lifetime));
    EXPECT_EQ(r.code(), 0);
    return {c, h.relay_of(r)};
}

// Whether a datagram from `peer` on `relay` reaches the client.
bool reaches_client(CoreHarness& h, RelayId relay, const TransportAddress& peer) {
    const std::size_t before = h.io.to_client.size();
    h.peer_sends(relay, peer, kPayload);
    return h.io.to_client.size() == before + 1;
}

// The channel number of the frame the client got last, if it was ChannelData.
std::optional<std::uint16_t> last_channel(const CoreHarness& h) {
    if (h.io.to_client.empty()) return std::nullopt;
    const auto frame = protocol::ChannelDataView::parse(h.io.to_client.back().bytes, protocol::Framing::Datagram);
    if (!frame) return std::nullopt;
    return frame->channel;
}

// Whether ChannelData from the client on `channel` goes out to a peer.
bool reaches_peer(CoreHarness& h, TestClient& c, std::uint16_t channel) {
    const std::size_t before = h.io.to_peer.size();
    c.send_channel_data(channel, kPayload);
    return h.io.to_peer.size() == before + 1;
}

TransportAddress at_port(const TransportAddress& a, std::uint16_t port) { return {a.ip, port}; }

// ---- CreatePermission -----------------------------------------------------------------------------------

TEST(CoreCreatePermission, InstallsSeveralPeersAtOnce) {
    CoreHarness h;
    auto [c, relay] = allocate(h);
    EXPECT_FALSE(reaches_client(h, relay, peer_a()));

    ASSERT_EQ(c.create_permission({peer_a(), peer_b()}).code(), 0);
    EXPECT_TRUE(reaches_client(h, relay, peer_a()));
    EXPECT_TRUE(reaches_client(h, relay, peer_b()));
    // A permission is for the peer's IP, whatever port it sends from (RFC 8656 §9).
    EXPECT_TRUE(reaches_client(h, relay, at_port(peer_a(), 9999)));
    EXPECT_FALSE(reaches_client(h, relay, ta("8.8.4.4:5000")));
}

TEST(CoreCreatePermission, WithoutAPeerIs400) {
    CoreHarness h;
    auto [c, relay] = allocate(h);
    EXPECT_EQ(c.request(Method::CreatePermission).code(), 400);
}

TEST(CoreCreatePermission, MalformedPeerAddressIs400) {
    CoreHarness h;
    auto [c, relay] = allocate(h);
    const RawAttr bad_family{static_cast<std::uint16_t>(protocol::AttributeType::XorPeerAddress),
                             {0, 5, 0, 0, 1, 2, 3, 4}};
    EXPECT_EQ(c.request(Method::CreatePermission, bad_family).code(), 400);
}

TEST(CoreCreatePermission, PeerOfAFamilyTheAllocationDoesNotRelayIs443) {
    CoreHarness h;
    auto [c, relay] = allocate(h);
    EXPECT_EQ(c.create_permission({peer_v6()}).code(), 443);

    auto v6 = h.client(2);
    ASSERT_EQ(v6.allocate(requested_family(kIPv6)).code(), 0);
    EXPECT_EQ(v6.create_permission({peer_a()}).code(), 443);
    EXPECT_EQ(v6.create_permission({peer_v6()}).code(), 0);
}

TEST(CoreCreatePermission, OneDeniedPeerAmongSeveralIs403AndNoneIsInstalled) {
    CoreHarness h;
    auto [c, relay] = allocate(h);
    EXPECT_EQ(c.create_permission({peer_a(), ta("10.0.0.1:0"), peer_b()}).code(), 403);
    EXPECT_FALSE(reaches_client(h, relay, peer_a()));
    EXPECT_FALSE(reaches_client(h, relay, peer_b()));

    const RecordedEvent* e = h.io.last(EventKind::PeerDenied);
    ASSERT_NE(e, nullptr);
    EXPECT_NE(e->detail.find("10.0.0.1"), std::string::npos) << e->detail;
    EXPECT_EQ(e->username, kAlice);
}

TEST(CoreCreatePermission, ExpiresAfter300Seconds) {
    CoreHarness h;
    auto [c, relay] = allocate(h);
    ASSERT_EQ(c.create_permission({peer_a()}).code(), 0);

    h.advance_and_tick(299s);
    EXPECT_TRUE(reaches_client(h, relay, peer_a()));
    h.advance(1s);  // even before the tick sweeps it, an expired permission lets nothing through
    EXPECT_FALSE(reaches_client(h, relay, peer_a()));
    h.tick();
    EXPECT_FALSE(reaches_client(h, relay, peer_a()));
    EXPECT_EQ(h.drops(DropReason::NoPermission), 2u);

    // Nor does it let the client send.
    const std::size_t sent = h.io.to_peer.size();
    c.send_indication(peer_a(), kPayload);
    EXPECT_EQ(h.io.to_peer.size(), sent);
}

TEST(CoreCreatePermission, RefreshingExtendsIt) {
    CoreHarness h;
    auto [c, relay] = allocate(h);
    ASSERT_EQ(c.create_permission({peer_a()}).code(), 0);
    h.advance_and_tick(200s);
    ASSERT_EQ(c.create_permission({peer_a()}).code(), 0);

    h.advance_and_tick(299s);  // 499 s after the first, 299 s after the refresh
    EXPECT_TRUE(reaches_client(h, relay, peer_a()));
    h.advance_and_tick(1s);
    EXPECT_FALSE(reaches_client(h, relay, peer_a()));
}

TEST(CoreCreatePermission, PermissionLimitIs508AndInstallsNothing) {
    CoreConfig config = default_config();
    config.max_permissions = 2;
    CoreHarness h(config);
    auto [c, relay] = allocate(h);
    ASSERT_EQ(c.create_permission({peer_a()}).code(), 0);

    // Two new peers do not fit beside the one there: the request fails whole, as for a 403.
    EXPECT_EQ(c.create_permission({peer_b(), ta("9.9.9.9:0")}).code(), 508);
    EXPECT_FALSE(reaches_client(h, relay, peer_b()));
    EXPECT_FALSE(reaches_client(h, relay, ta("9.9.9.9:53")));

    // Refreshing an installed permission takes no room, and a peer named twice counts once.
    EXPECT_EQ(c.create_permission({peer_a(), peer_b(), peer_b()}).code(), 0);
    EXPECT_TRUE(reaches_client(h, relay, peer_b()));
}

TEST(CoreCreatePermission, WithoutAnAllocationIs437) {
    CoreHarness h;
    EXPECT_EQ(h.client(1).create_permission({peer_a()}).code(), 437);
}

TEST(CoreCreatePermission, ByAnotherUserIs441) {
    CoreHarness h;
    auto [c, relay] = allocate(h);
    auto bob = h.client(c.tuple, kBob, kBobPassword);
    EXPECT_EQ(bob.create_permission({peer_a()}).code(), 441);
    EXPECT_FALSE(reaches_client(h, relay, peer_a()));
}

// ---- ChannelBind ----------------------------------------------------------------------------------------

TEST(CoreChannelBind, BindsAChannelBothWays) {
    CoreHarness h;
    auto [c, relay] = allocate(h);
    ASSERT_EQ(c.channel_bind(0x4000, peer_a()).code(), 0);

    EXPECT_TRUE(reaches_client(h, relay, peer_a()));
    EXPECT_EQ(last_channel(h), 0x4000);
    EXPECT_TRUE(reaches_peer(h, c, 0x4000));
    EXPECT_EQ(h.io.to_peer.back().peer, peer_a());
}

TEST(CoreChannelBind, NumberOutsideTheChannelRangeIs400) {
    CoreHarness h;
    auto [c, relay] = allocate(h);
    for (const int bad : {0x0000, 0x3FFF, 0x5000, 0x7FFF, 0xFFFF}) {
        EXPECT_EQ(c.channel_bind(static_cast<std::uint16_t>(bad), peer_a()).code(), 400) << std::hex << bad;
    }
    // Both ends of 0x4000-0x4FFF are valid.
    EXPECT_EQ(c.channel_bind(0x4000, peer_a()).code(), 0);
    EXPECT_EQ(c.channel_bind(0x4FFF, peer_b()).code(), 0);
}

TEST(CoreChannelBind, MissingNumberOrPeerIs400) {
    CoreHarness h;
    auto [c, relay] = allocate(h);
    EXPECT_EQ(c.request(Method::ChannelBind, channel_attr(0x4000)).code(), 400);
    EXPECT_EQ(c.request(Method::ChannelBind, peer_attr(peer_a())).code(), 400);
    EXPECT_EQ(c.request(Method::ChannelBind).code(), 400);
}

TEST(CoreChannelBind, RebindingTheSameNumberAndPeerRefreshesIt) {
    CoreHarness h;
    auto [c, relay] = allocate(h, 3600);
    ASSERT_EQ(c.channel_bind(0x4000, peer_a()).code(), 0);
    h.advance_and_tick(500s);
    ASSERT_EQ(c.channel_bind(0x4000, peer_a()).code(), 0);

    h.advance_and_tick(599s);  // 1099 s after the first bind, 599 s after the refresh
    EXPECT_TRUE(reaches_peer(h, c, 0x4000));
    h.advance_and_tick(1s);
    EXPECT_FALSE(reaches_peer(h, c, 0x4000));
    EXPECT_EQ(h.drops(DropReason::NoChannel), 1u);
}

TEST(CoreChannelBind, SameNumberToAnotherPeerIs400) {
    CoreHarness h;
    auto [c, relay] = allocate(h);
    ASSERT_EQ(c.channel_bind(0x4000, peer_a()).code(), 0);
    EXPECT_EQ(c.channel_bind(0x4000, peer_b()).code(), 400);
    EXPECT_EQ(c.channel_bind(0x4000, at_port(peer_a(), 5001)).code(), 400);  // a peer is IP and port
    EXPECT_TRUE(reaches_peer(h, c, 0x4000));
    EXPECT_EQ(h.io.to_peer.back().peer, peer_a());
}

TEST(CoreChannelBind, SamePeerToAnotherNumberIs400) {
    CoreHarness h;
    auto [c, relay] = allocate(h);
    ASSERT_EQ(c.channel_bind(0x4000, peer_a()).code(), 0);
    EXPECT_EQ(c.channel_bind(0x4001, peer_a()).code(), 400);
    EXPECT_FALSE(reaches_peer(h, c, 0x4001));
}

TEST(CoreChannelBind, AfterExpiryTheNumberAndPeerWaitOutTheReuseDelay) {
    // RFC 8656 §12: a number may not change peer (nor a peer number) for 5 minutes after its binding
    // ends, so late packets for the old binding cannot reach the new one.
    CoreHarness h;
    auto [c, relay] = allocate(h, 3600);
    ASSERT_EQ(c.channel_bind(0x4000, peer_a()).code(), 0);

    h.advance_and_tick(h.config().channel_lifetime);
    EXPECT_FALSE(reaches_peer(h, c, 0x4000));  // the binding has ended
    EXPECT_EQ(c.channel_bind(0x4000, peer_b()).code(), 400);
    EXPECT_EQ(c.channel_bind(0x4001, peer_a()).code(), 400);

    h.advance_and_tick(h.config().channel_reuse_delay - 1s);
    EXPECT_EQ(c.channel_bind(0x4000, peer_b()).code(), 400);

    h.advance_and_tick(1s);
    EXPECT_EQ(c.channel_bind(0x4000, peer_b()).code(), 0);
    EXPECT_EQ(c.channel_bind(0x4001, peer_a()).code(), 0);
    EXPECT_TRUE(reaches_peer(h, c, 0x4000));
    EXPECT_EQ(h.io.to_peer.back().peer, peer_b());
}

TEST(CoreChannelBind, ExpiredBindingMayBeRenewedWithItsOwnPeer) {
    CoreHarness h;
    auto [c, relay] = allocate(h, 3600);
    ASSERT_EQ(c.channel_bind(0x4000, peer_a()).code(), 0);
    h.advance_and_tick(h.config().channel_lifetime + 10s);
    EXPECT_EQ(c.channel_bind(0x4000, peer_a()).code(), 0);
    EXPECT_TRUE(reaches_peer(h, c, 0x4000));
}

TEST(CoreChannelBind, AlsoInstallsAPermission) {
    CoreHarness h;
    auto [c, relay] = allocate(h);
    ASSERT_EQ(c.channel_bind(0x4000, peer_a()).code(), 0);

    // The peer's IP may now send from any port; only its bound port uses the channel.
    EXPECT_TRUE(reaches_client(h, relay, at_port(peer_a(), 9999)));
    EXPECT_TRUE(parse_data_indication(h.io.to_client.back().bytes));
    // And the client may use Send indications to it.
    c.send_indication(peer_a(), kPayload);
    ASSERT_EQ(h.io.to_peer.size(), 1u);

    // The permission lasts the permission lifetime (300 s), as if CreatePermission had made it.
    h.advance_and_tick(h.config().permission_lifetime);
    EXPECT_FALSE(reaches_client(h, relay, peer_a()));
}

TEST(CoreChannelBind, PeerOfAFamilyTheAllocationDoesNotRelayIs443) {
    CoreHarness h;
    auto [c, relay] = allocate(h);
    EXPECT_EQ(c.channel_bind(0x4000, peer_v6()).code(), 443);
}

TEST(CoreChannelBind, DeniedPeerIs403) {
    CoreHarness h;
    auto [c, relay] = allocate(h);
    EXPECT_EQ(c.channel_bind(0x4000, ta("127.0.0.1:5000")).code(), 403);
    EXPECT_EQ(h.io.count(EventKind::PeerDenied), 1u);
    EXPECT_FALSE(reaches_peer(h, c, 0x4000));
    // Nothing was held: the number is free for an allowed peer.
    EXPECT_EQ(c.channel_bind(0x4000, peer_a()).code(), 0);
}

TEST(CoreChannelBind, WithoutAnAllocationIs437AndByAnotherUserIs441) {
    CoreHarness h;
    EXPECT_EQ(h.client(1).channel_bind(0x4000, peer_a()).code(), 437);
    auto [c, relay] = allocate(h);
    auto bob = h.client(c.tuple, kBob, kBobPassword);
    EXPECT_EQ(bob.channel_bind(0x4000, peer_a()).code(), 441);
}

TEST(CoreChannelBind, ChannelLimitIs508) {
    CoreConfig config = default_config();
    config.max_channels = 2;
    CoreHarness h(config);
    auto [c, relay] = allocate(h);
    EXPECT_EQ(c.channel_bind(0x4000, peer_a()).code(), 0);
    EXPECT_EQ(c.channel_bind(0x4001, peer_b()).code(), 0);
    EXPECT_EQ(c.channel_bind(0x4002, ta("9.9.9.9:53")).code(), 508);
    // A refused request changes nothing: no permission came with the refused channel.
    EXPECT_FALSE(reaches_client(h, relay, ta("9.9.9.9:53")));
    // Refreshing a bound channel needs no room.
    EXPECT_EQ(c.channel_bind(0x4000, peer_a()).code(), 0);
}

}  // namespace
}  // namespace tern::server::test
