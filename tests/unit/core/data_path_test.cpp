// The data paths (RFC 8656 §10-12): Send indications and ChannelData from the client to peers, and
// peer datagrams to the client as Data indications or ChannelData, framed for the client's transport.
// Every drop is counted by reason.

#include <array>

#include "core_harness.hpp"
#include "protocol/channel_data.hpp"

namespace tern::server::test {
namespace {

using protocol::Framing;
using protocol::MessageClass;

// Odd length, with a zero byte inside: padding must not leak into it and nothing may stop at the zero.
const std::vector<std::uint8_t> kPayload = {'m', 'e', 'd', 0x00, 'i', 'a', '!'};

struct Allocated {
    TestClient client;
    Reply reply;
};

Allocated allocate(CoreHarness& h, const FiveTuple& tuple, bool dual = false) {
    auto c = h.client(tuple);
    Reply r = dual ? c.allocate(additional_family(kIPv6)) : c.allocate();
    EXPECT_EQ(r.code(), 0);
    return {c, std::move(r)};
}

// ---- client to peer -------------------------------------------------------------------------------------

TEST(CoreDataPath, SendWithAPermissionReachesThePeerWithTheExactPayload) {
    CoreHarness h;
    auto [c, allocated] = allocate(h, CoreHarness::udp_client(1));
    ASSERT_EQ(c.create_permission({peer_a()}).code(), 0);

    c.send_indication(peer_a(), kPayload);
    ASSERT_EQ(h.io.to_peer.size(), 1u);
    const PeerPacket& sent = h.io.to_peer[0];
    EXPECT_EQ(sent.relay, h.relay_of(allocated));
    EXPECT_EQ(sent.peer, peer_a());
    EXPECT_EQ(sent.bytes, kPayload);
    EXPECT_FALSE(sent.dont_fragment);
    EXPECT_EQ(h.server.stats().packets_to_peers, 1u);
    EXPECT_EQ(h.server.stats().bytes_to_peers, kPayload.size());
    // Indications are never answered: the client got the 401 and two answers, nothing more.
    EXPECT_EQ(h.io.to_client.size(), 3u);

    c.send_indication(peer_a(), kPayload, /*dont_fragment=*/true);
    ASSERT_EQ(h.io.to_peer.size(), 2u);
    EXPECT_TRUE(h.io.to_peer[1].dont_fragment);
}

TEST(CoreDataPath, SendToAnIPv6PeerUsesTheIPv6Relay) {
    CoreHarness h;
    auto [c, allocated] = allocate(h, CoreHarness::udp_client(1), /*dual=*/true);
    ASSERT_EQ(c.create_permission({peer_a(), peer_v6()}).code(), 0);
    c.send_indication(peer_v6(), kPayload);
    c.send_indication(peer_a(), kPayload);
    ASSERT_EQ(h.io.to_peer.size(), 2u);
    EXPECT_EQ(h.io.to_peer[0].relay, h.relay_of(allocated, AddressFamily::IPv6));
    EXPECT_EQ(h.io.to_peer[1].relay, h.relay_of(allocated, AddressFamily::IPv4));
}

TEST(CoreDataPath, SendWithoutAPermissionIsDropped) {
    CoreHarness h;
    auto [c, allocated] = allocate(h, CoreHarness::udp_client(1));
    ASSERT_EQ(c.create_permission({peer_a()}).code(), 0);
    c.send_indication(peer_b(), kPayload);
    EXPECT_TRUE(h.io.to_peer.empty());
    EXPECT_EQ(h.drops(DropReason::NoPermission), 1u);
}

TEST(CoreDataPath, SendToADeniedPeerIsDropped) {
    CoreHarness h;
    auto [c, allocated] = allocate(h, CoreHarness::udp_client(1));
    ASSERT_EQ(c.create_permission({peer_a()}).code(), 0);
    c.send_indication(ta("10.0.0.1:5000"), kPayload);
    EXPECT_TRUE(h.io.to_peer.empty());
    EXPECT_EQ(h.drops(DropReason::PeerDenied), 1u);
    EXPECT_EQ(h.drops(DropReason::NoPermission), 0u);  // refused for what it is, before permissions
}

TEST(CoreDataPath, SendWithoutAnAllocationIsDropped) {
    CoreHarness h;
    auto c = h.client(1);
    c.send_indication(peer_a(), kPayload);
    EXPECT_TRUE(h.io.to_peer.empty());
    EXPECT_TRUE(h.io.to_client.empty());
    EXPECT_EQ(h.drops(DropReason::NoAllocation), 1u);
}

TEST(CoreDataPath, SendToAFamilyTheAllocationDoesNotRelayIsDropped) {
    CoreHarness h;
    auto [c, allocated] = allocate(h, CoreHarness::udp_client(1));
    c.send_indication(peer_v6(), kPayload);
    EXPECT_TRUE(h.io.to_peer.empty());
    EXPECT_EQ(h.drops(DropReason::FamilyMismatch), 1u);
}

TEST(CoreDataPath, SendWithoutDataIsDroppedAsMalformed) {
    CoreHarness h;
    auto [c, allocated] = allocate(h, CoreHarness::udp_client(1));
    ASSERT_EQ(c.create_permission({peer_a()}).code(), 0);
    std::array<std::uint8_t, 128> buffer{};
    protocol::MessageBuilder b(buffer, {Method::Send, MessageClass::Indication}, h.new_transaction_id());
    b.add(peer_attr(peer_a()));
    h.deliver(c.tuple, b.bytes());
    EXPECT_TRUE(h.io.to_peer.empty());
    EXPECT_EQ(h.drops(DropReason::Malformed), 1u);
}

TEST(CoreDataPath, ChannelDataFromTheClientReachesTheBoundPeer) {
    for (const FiveTuple& tuple : {CoreHarness::udp_client(1), CoreHarness::tcp_client(1)}) {
        SCOPED_TRACE(tuple.is_stream() ? "TCP" : "UDP");
        CoreHarness h;
        auto [c, allocated] = allocate(h, tuple);
        ASSERT_EQ(c.channel_bind(0x4001, peer_a()).code(), 0);

        c.send_channel_data(0x4001, kPayload);  // padded to 12 bytes on TCP
        ASSERT_EQ(h.io.to_peer.size(), 1u);
        EXPECT_EQ(h.io.to_peer[0].relay, h.relay_of(allocated));
        EXPECT_EQ(h.io.to_peer[0].peer, peer_a());
        EXPECT_EQ(h.io.to_peer[0].bytes, kPayload);
        EXPECT_EQ(h.server.stats().bytes_to_peers, kPayload.size());
    }
}

TEST(CoreDataPath, EmptyChannelDataStillSendsADatagram) {
    // RFC 8656 §12.5: a zero Length still forms and sends a (zero-length) UDP datagram.
    CoreHarness h;
    auto [c, allocated] = allocate(h, CoreHarness::udp_client(1));
    ASSERT_EQ(c.channel_bind(0x4001, peer_a()).code(), 0);
    c.send_channel_data(0x4001, {});
    ASSERT_EQ(h.io.to_peer.size(), 1u);
    EXPECT_TRUE(h.io.to_peer[0].bytes.empty());
}

TEST(CoreDataPath, ChannelDataOnAnUnboundChannelIsDropped) {
    CoreHarness h;
    auto [c, allocated] = allocate(h, CoreHarness::udp_client(1));
    ASSERT_EQ(c.channel_bind(0x4001, peer_a()).code(), 0);
    c.send_channel_data(0x4002, kPayload);
    EXPECT_TRUE(h.io.to_peer.empty());
    EXPECT_EQ(h.drops(DropReason::NoChannel), 1u);
}

TEST(CoreDataPath, ChannelDataWithoutAnAllocationIsDropped) {
    CoreHarness h;
    auto c = h.client(1);
    c.send_channel_data(0x4001, kPayload);
    EXPECT_TRUE(h.io.to_peer.empty());
    EXPECT_EQ(h.drops(DropReason::NoAllocation), 1u);
}

TEST(CoreDataPath, GarbageAndStrayResponsesAreDroppedUnanswered) {
    CoreHarness h;
    const FiveTuple from = CoreHarness::udp_client(1);
    const std::vector<std::uint8_t> garbage = {0x00, 0x01, 0x00, 0x00, 0xde, 0xad};
    h.deliver(from, garbage);
    EXPECT_EQ(h.drops(DropReason::Malformed), 1u);

    std::array<std::uint8_t, 64> buffer{};
    protocol::MessageBuilder b(buffer, {Method::Allocate, MessageClass::SuccessResponse}, h.new_transaction_id());
    h.deliver(from, b.bytes());
    EXPECT_EQ(h.drops(DropReason::NotARequest), 1u);
    EXPECT_TRUE(h.io.to_client.empty());
}

// ---- peer to client -------------------------------------------------------------------------------------

TEST(CoreDataPath, PeerDatagramBecomesADataIndication) {
    CoreHarness h;
    auto [c, allocated] = allocate(h, CoreHarness::udp_client(1));
    ASSERT_EQ(c.create_permission({peer_a()}).code(), 0);
    const std::size_t answers = h.io.to_client.size();

    h.peer_sends(h.relay_of(allocated), peer_a(), kPayload);
    ASSERT_EQ(h.io.to_client.size(), answers + 1);
    const ClientPacket& got = h.io.to_client.back();
    EXPECT_TRUE(got.client == c.tuple);
    const auto indication = parse_data_indication(got.bytes);
    ASSERT_TRUE(indication) << "not a well-formed Data indication";
    EXPECT_EQ(indication->peer, peer_a());
    EXPECT_EQ(indication->data, kPayload);
    EXPECT_EQ(got.bytes.size() % 4, 0u);  // padded like every STUN message
    EXPECT_EQ(h.server.stats().packets_to_clients, 1u);
    EXPECT_EQ(h.server.stats().bytes_to_clients, kPayload.size());

    // Each indication is a new transaction.
    h.peer_sends(h.relay_of(allocated), peer_a(), kPayload);
    const auto first = protocol::MessageView::parse(h.io.to_client[answers].bytes);
    const auto second = protocol::MessageView::parse(h.io.to_client.back().bytes);
    ASSERT_TRUE(first && second);
    EXPECT_NE(first->transaction_id(), second->transaction_id());
}

TEST(CoreDataPath, IPv6PeerDatagramBecomesADataIndication) {
    CoreHarness h;
    auto [c, allocated] = allocate(h, CoreHarness::udp_client(1), /*dual=*/true);
    ASSERT_EQ(c.create_permission({peer_v6()}).code(), 0);
    h.peer_sends(h.relay_of(allocated, AddressFamily::IPv6), peer_v6(), kPayload);
    const auto indication = parse_data_indication(h.io.to_client.back().bytes);
    ASSERT_TRUE(indication);
    EXPECT_EQ(indication->peer, peer_v6());
    EXPECT_EQ(indication->data, kPayload);
}

TEST(CoreDataPath, EmptyPeerDatagramBecomesAnEmptyDataIndication) {
    CoreHarness h;
    auto [c, allocated] = allocate(h, CoreHarness::udp_client(1));
    ASSERT_EQ(c.create_permission({peer_a()}).code(), 0);
    h.peer_sends(h.relay_of(allocated), peer_a(), {});
    const auto indication = parse_data_indication(h.io.to_client.back().bytes);
    ASSERT_TRUE(indication);
    EXPECT_TRUE(indication->data.empty());
}

TEST(CoreDataPath, PeerDatagramOnABoundChannelBecomesChannelDataFramedForTheTransport) {
    for (const FiveTuple& tuple : {CoreHarness::udp_client(1), CoreHarness::tcp_client(1)}) {
        const bool stream = tuple.is_stream();
        SCOPED_TRACE(stream ? "TCP" : "UDP");
        CoreHarness h;
        auto [c, allocated] = allocate(h, tuple);
        ASSERT_EQ(c.channel_bind(0x4abc, peer_a()).code(), 0);

        h.peer_sends(h.relay_of(allocated), peer_a(), kPayload);
        const std::vector<std::uint8_t>& frame = h.io.to_client.back().bytes;
        // UDP: header and payload only (RFC 8656 §12.5). TCP: padded to 4 bytes so the next frame
        // in the stream starts aligned, with zero padding.
        const std::size_t expected_size = stream ? 12 : 4 + kPayload.size();
        ASSERT_EQ(frame.size(), expected_size);
        EXPECT_EQ(frame[0], 0x4a);
        EXPECT_EQ(frame[1], 0xbc);
        EXPECT_EQ(frame[2], 0x00);
        EXPECT_EQ(frame[3], kPayload.size());
        EXPECT_TRUE(std::equal(kPayload.begin(), kPayload.end(), frame.begin() + 4));
        if (stream) {
            EXPECT_EQ(frame.back(), 0x00);
        }

        const auto parsed = protocol::ChannelDataView::parse(frame, stream ? Framing::Stream : Framing::Datagram);
        ASSERT_TRUE(parsed);
        EXPECT_EQ(parsed->channel, 0x4abc);
    }
}

TEST(CoreDataPath, DataIndicationOverTcpIsOneWholeMessage) {
    CoreHarness h;
    auto [c, allocated] = allocate(h, CoreHarness::tcp_client(1));
    ASSERT_EQ(c.create_permission({peer_a()}).code(), 0);
    h.peer_sends(h.relay_of(allocated), peer_a(), kPayload);
    const auto indication = parse_data_indication(h.io.to_client.back().bytes);
    ASSERT_TRUE(indication);
    EXPECT_EQ(indication->data, kPayload);
}

TEST(CoreDataPath, ChannelIsUsedOnlyForItsExactPeerAddress) {
    CoreHarness h;
    auto [c, allocated] = allocate(h, CoreHarness::udp_client(1));
    ASSERT_EQ(c.channel_bind(0x4001, peer_a()).code(), 0);
    h.peer_sends(h.relay_of(allocated), TransportAddress{peer_a().ip, 5001}, kPayload);
    EXPECT_TRUE(parse_data_indication(h.io.to_client.back().bytes));
}

TEST(CoreDataPath, PeerWithoutAPermissionIsDropped) {
    CoreHarness h;
    auto [c, allocated] = allocate(h, CoreHarness::udp_client(1));
    ASSERT_EQ(c.create_permission({peer_a()}).code(), 0);
    const std::size_t answers = h.io.to_client.size();
    h.peer_sends(h.relay_of(allocated), peer_b(), kPayload);
    EXPECT_EQ(h.io.to_client.size(), answers);
    EXPECT_EQ(h.drops(DropReason::NoPermission), 1u);
    EXPECT_EQ(h.server.stats().packets_to_clients, 0u);
}

TEST(CoreDataPath, DatagramOnARelayWithoutAnAllocationIsDropped) {
    CoreHarness h;
    h.peer_sends(12345, peer_a(), kPayload);
    EXPECT_TRUE(h.io.to_client.empty());
    EXPECT_EQ(h.drops(DropReason::NoAllocation), 1u);
}

}  // namespace
}  // namespace tern::server::test
