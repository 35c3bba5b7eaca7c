// The data path through the real server core: Send indications until a channel is bound, ChannelData
// after; Data indications and ChannelData from peers become Data events; two clients exchange
// messages relay to relay; refused peers; framing over TCP; limits.

#include "client_world.hpp"
#include "protocol/attributes/all.hpp"
#include "protocol/bytes.hpp"
#include "protocol/channel_data.hpp"

namespace tern::client::test {
namespace {

namespace attr = protocol::attr;
using protocol::MessageClass;

// Odd length with a zero byte inside: padding must not leak in, and nothing may stop at the zero.
const std::vector<std::uint8_t> kPayload = {'m', 'e', 'd', 0x00, 'i', 'a', '!'};

TEST(ClientDataPath, IndicationUntilTheChannelIsBoundThenChannelData) {
    World w;
    Endpoint& c = w.add_client(1);
    w.allocate(c);
    const TransportAddress relayed = c.core.allocation().relayed;

    ASSERT_TRUE(c.core.create_permission(outside_peer().ip, w.clock.now()));
    w.pump();
    ASSERT_EQ(c.count(ClientEventKind::PermissionCreated), 1u);
    EXPECT_EQ(c.last(ClientEventKind::PermissionCreated)->peer, (TransportAddress{outside_peer().ip, 0}));
    EXPECT_TRUE(c.core.has_permission(outside_peer().ip));

    EXPECT_EQ(c.core.send(outside_peer(), kPayload), SendResult::ViaIndication);
    const auto indication = c.sent.back().view();
    ASSERT_TRUE(indication);
    EXPECT_EQ(indication->method(), Method::Send);
    EXPECT_EQ(indication->message_class(), MessageClass::Indication);
    EXPECT_EQ(indication->get<attr::XorPeerAddress>()->address, outside_peer());
    w.pump();
    ASSERT_EQ(w.to_outside.size(), 1u);
    EXPECT_EQ(w.to_outside[0].relay, relayed);
    EXPECT_EQ(w.to_outside[0].peer, outside_peer());
    EXPECT_EQ(w.to_outside[0].bytes, kPayload);

    const auto channel = c.core.bind_channel(outside_peer(), w.clock.now());
    ASSERT_EQ(channel, 0x4000);
    // Not confirmed yet: still an indication.
    EXPECT_EQ(c.core.send(outside_peer(), kPayload), SendResult::ViaIndication);
    w.pump();
    ASSERT_EQ(c.count(ClientEventKind::ChannelBound), 1u);
    EXPECT_EQ(c.last(ClientEventKind::ChannelBound)->channel, 0x4000);
    EXPECT_EQ(c.last(ClientEventKind::ChannelBound)->peer, outside_peer());
    EXPECT_EQ(c.core.bound_channel(outside_peer()), 0x4000);

    EXPECT_EQ(c.core.send(outside_peer(), kPayload), SendResult::ViaChannel);
    const auto& frame = c.sent.back().bytes;
    ASSERT_EQ(frame.size(), 4 + kPayload.size());  // UDP: no padding
    EXPECT_EQ(protocol::load_be16(frame.data()), 0x4000);
    EXPECT_EQ(protocol::load_be16(frame.data() + 2), kPayload.size());
    w.pump();
    ASSERT_EQ(w.to_outside.size(), 3u);
    EXPECT_EQ(w.to_outside[2].bytes, kPayload);
    EXPECT_EQ(w.to_outside[2].peer, outside_peer());
}

TEST(ClientDataPath, DataIndicationsAndChannelDataBecomeDataEvents) {
    World w;
    Endpoint& c = w.add_client(1);
    w.allocate(c);
    const TransportAddress relayed = c.core.allocation().relayed;
    ASSERT_TRUE(c.core.create_permission(outside_peer().ip, w.clock.now()));
    w.pump();

    w.peer_sends(relayed, outside_peer(), kPayload);
    ASSERT_EQ(c.count(ClientEventKind::Data), 1u);
    EXPECT_EQ(c.last(ClientEventKind::Data)->peer, outside_peer());
    EXPECT_EQ(c.last(ClientEventKind::Data)->channel, 0);
    EXPECT_EQ(c.last(ClientEventKind::Data)->payload, kPayload);

    ASSERT_TRUE(c.core.bind_channel(outside_peer(), w.clock.now()));
    w.pump();
    w.peer_sends(relayed, outside_peer(), kPayload);
    ASSERT_EQ(c.count(ClientEventKind::Data), 2u);
    EXPECT_EQ(c.last(ClientEventKind::Data)->channel, 0x4000);
    EXPECT_EQ(c.last(ClientEventKind::Data)->peer, outside_peer());
    EXPECT_EQ(c.last(ClientEventKind::Data)->payload, kPayload);

    // Without a permission the server drops what the peer sends; nothing reaches the client.
    w.peer_sends(relayed, ta("9.9.9.9:53"), kPayload);
    EXPECT_EQ(c.count(ClientEventKind::Data), 2u);
}

TEST(ClientDataPath, ChannelNumbersAreSequentialAndOnePerPeer) {
    World w;
    Endpoint& c = w.add_client(1);
    w.allocate(c);
    EXPECT_EQ(c.core.bind_channel(outside_peer(), w.clock.now()), 0x4000);
    EXPECT_EQ(c.core.bind_channel(other_outside_peer(), w.clock.now()), 0x4001);
    EXPECT_EQ(c.core.bind_channel(ta("8.8.4.4:53"), w.clock.now()), 0x4002);
    EXPECT_EQ(c.core.bind_channel(outside_peer(), w.clock.now()), 0x4000);  // the same peer: no new request
    EXPECT_EQ(c.requests(Method::ChannelBind).size(), 3u);
    w.pump();
    EXPECT_EQ(c.count(ClientEventKind::ChannelBound), 3u);
    EXPECT_EQ(c.core.bound_channel(other_outside_peer()), 0x4001);
}

TEST(ClientDataPath, TwoClientsExchangeMessagesRelayToRelay) {
    World w;
    Endpoint& a = w.add_client(1);
    Endpoint& b = w.add_client(2, World::client_config(ServerTransport::Udp, kBob, kBobPassword));
    w.allocate(a);
    w.allocate(b);
    const TransportAddress relay_a = a.core.allocation().relayed;
    const TransportAddress relay_b = b.core.allocation().relayed;
    ASSERT_NE(relay_a, relay_b);

    // A binds a channel to B's relay; B only permits A's relay IP and uses indications.
    ASSERT_TRUE(a.core.bind_channel(relay_b, w.clock.now()));
    ASSERT_TRUE(b.core.create_permission(relay_a.ip, w.clock.now()));
    w.pump();
    ASSERT_EQ(a.count(ClientEventKind::ChannelBound), 1u);
    ASSERT_EQ(b.count(ClientEventKind::PermissionCreated), 1u);

    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(a.core.send(relay_b, bytes_of("from alice " + std::to_string(i))), SendResult::ViaChannel);
        EXPECT_EQ(b.core.send(relay_a, bytes_of("from bob " + std::to_string(i))), SendResult::ViaIndication);
        w.pump();
    }
    EXPECT_EQ(b.received_text(), (std::vector<std::string>{"from alice 0", "from alice 1", "from alice 2"}));
    EXPECT_EQ(a.received_text(), (std::vector<std::string>{"from bob 0", "from bob 1", "from bob 2"}));
    EXPECT_EQ(b.last(ClientEventKind::Data)->peer, relay_a);
    EXPECT_EQ(b.last(ClientEventKind::Data)->channel, 0);       // B has no channel: Data indication
    EXPECT_EQ(a.last(ClientEventKind::Data)->peer, relay_b);
    EXPECT_EQ(a.last(ClientEventKind::Data)->channel, 0x4000);  // A's channel: ChannelData
    EXPECT_TRUE(w.to_outside.empty());
}

TEST(ClientDataPath, RefusedPeerFailsPermissionAndChannel) {
    World w;
    Endpoint& c = w.add_client(1);
    w.allocate(c);
    const TransportAddress private_peer = ta("10.0.0.1:5000");
    ASSERT_TRUE(c.core.create_permission(private_peer.ip, w.clock.now()));
    ASSERT_TRUE(c.core.bind_channel(private_peer, w.clock.now()));
    w.pump();
    ASSERT_EQ(c.count(ClientEventKind::PermissionFailed), 1u);
    EXPECT_EQ(c.last(ClientEventKind::PermissionFailed)->code, 403);
    EXPECT_EQ(c.last(ClientEventKind::PermissionFailed)->error, ClientErrorKind::ErrorResponse);
    ASSERT_EQ(c.count(ClientEventKind::ChannelFailed), 1u);
    EXPECT_EQ(c.last(ClientEventKind::ChannelFailed)->code, 403);
    EXPECT_EQ(c.core.bound_channel(private_peer), std::nullopt);
    EXPECT_FALSE(c.core.has_permission(private_peer.ip));
    EXPECT_TRUE(c.core.bindings().permissions().empty());
    EXPECT_EQ(c.core.state(), ClientState::Allocated);  // a refused peer does not end the allocation
    EXPECT_EQ(c.core.send(private_peer, kPayload), SendResult::ViaIndication);
}

TEST(ClientDataPath, TcpChannelDataIsPaddedBothWays) {
    World w;
    Endpoint& c = w.add_client(1, World::client_config(ServerTransport::Tcp));
    w.allocate(c);
    ASSERT_TRUE(c.core.bind_channel(outside_peer(), w.clock.now()));
    w.pump();
    ASSERT_EQ(c.count(ClientEventKind::ChannelBound), 1u);

    EXPECT_EQ(c.core.send(outside_peer(), kPayload), SendResult::ViaChannel);
    const auto& frame = c.sent.back().bytes;
    ASSERT_EQ(frame.size(), 12u);  // 4 + 7, padded to 12
    EXPECT_EQ(frame.back(), 0);
    w.pump();
    ASSERT_EQ(w.to_outside.size(), 1u);
    EXPECT_EQ(w.to_outside[0].bytes, kPayload);

    w.peer_sends(c.core.allocation().relayed, outside_peer(), kPayload);  // the server pads its frame
    ASSERT_EQ(c.count(ClientEventKind::Data), 1u);
    EXPECT_EQ(c.last(ClientEventKind::Data)->payload, kPayload);
}

TEST(ClientDataPath, LimitsAndGarbage) {
    World w;
    Endpoint& c = w.add_client(1);
    w.allocate(c);
    std::vector<std::uint8_t> big(TurnClientCore::kMaxPayload + 1, 0x55);
    EXPECT_EQ(c.core.send(outside_peer(), big), SendResult::TooLarge);
    big.resize(TurnClientCore::kMaxPayload);  // fits ChannelData, not an indication's length field
    EXPECT_EQ(c.core.send(outside_peer(), big), SendResult::TooLarge);
    big.resize(65'000);
    EXPECT_EQ(c.core.send(outside_peer(), big), SendResult::ViaIndication);
    EXPECT_EQ(c.sent.back().view()->get<attr::Data>()->value.size(), 65'000u);

    // A core built for small payloads refuses what its buffer cannot hold and sends what it can.
    TurnClientConfig small = World::client_config();
    small.options.max_payload = 100;
    Endpoint& d = w.add_client(2, small);
    w.allocate(d);
    EXPECT_EQ(d.core.max_payload(), 100u);
    EXPECT_EQ(d.core.payload_area().size(), 100u);
    EXPECT_EQ(d.core.send(outside_peer(), std::vector<std::uint8_t>(101, 1)), SendResult::TooLarge);
    EXPECT_EQ(d.core.send(outside_peer(), std::vector<std::uint8_t>(100, 1)), SendResult::ViaIndication);
    EXPECT_EQ(d.sent.back().view()->get<attr::Data>()->value.size(), 100u);

    // ChannelData on a number this client never bound, and a Data indication without DATA: ignored.
    const std::vector<std::uint8_t> stray = {0x40, 0x07, 0x00, 0x01, 'x'};
    c.core.on_bytes_from_server(stray, w.clock.now());
    std::array<std::uint8_t, 64> buffer{};
    protocol::MessageBuilder b(buffer, {Method::Data, MessageClass::Indication}, protocol::TransactionId{});
    b.add(attr::XorPeerAddress{outside_peer()});
    c.core.on_bytes_from_server(b.bytes(), w.clock.now());
    EXPECT_EQ(c.count(ClientEventKind::Data), 0u);
    EXPECT_EQ(c.core.state(), ClientState::Allocated);
}

TEST(ClientDataPath, ZeroCopySendFromThePayloadArea) {
    World w;
    Endpoint& c = w.add_client(1);
    w.allocate(c);
    ASSERT_TRUE(c.core.create_permission(outside_peer().ip, w.clock.now()));
    w.pump();
    const auto area = c.core.payload_area();
    ASSERT_GE(area.size(), kPayload.size());
    std::copy(kPayload.begin(), kPayload.end(), area.begin());
    EXPECT_EQ(c.core.send_in_place(outside_peer(), kPayload.size()), SendResult::ViaIndication);
    w.pump();
    ASSERT_EQ(w.to_outside.size(), 1u);
    EXPECT_EQ(w.to_outside[0].bytes, kPayload);
}

}  // namespace
}  // namespace tern::client::test
