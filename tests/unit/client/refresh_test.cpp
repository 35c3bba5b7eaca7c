// Keeping things alive with an injected clock: the allocation is refreshed before it expires,
// permissions every 240 s and channels every 540 s, through stale nonces (438), lost answers
// (retransmission, answered from the server's response cache) and lost requests; and what happens
// when the server goes away.

#include <algorithm>

#include "client_world.hpp"
#include "protocol/attributes/all.hpp"

namespace tern::client::test {
namespace {

namespace attr = protocol::attr;
using protocol::MessageClass;

std::vector<double> times_of(const World& w, const std::vector<const SentMessage*>& messages) {
    std::vector<double> out;
    for (const auto* m : messages) out.push_back(std::chrono::duration<double>(m->at - w.clock.start()).count());
    out.erase(std::unique(out.begin(), out.end()), out.end());  // a 438 retry goes out at the same time
    return out;
}

TEST(ClientRefresh, AllocationIsRefreshedAtThreeQuartersOfItsLifetime) {
    World w;
    Endpoint& c = w.add_client(1);
    w.allocate(c);
    EXPECT_EQ(c.core.allocation_expires(), w.clock.start() + 600s);
    EXPECT_EQ(c.core.next_timer(), w.clock.start() + 450s);

    w.run_for(449s);
    EXPECT_TRUE(c.requests(Method::Refresh).empty());
    w.run_for(1s);
    ASSERT_EQ(c.requests(Method::Refresh).size(), 1u);
    EXPECT_EQ(c.count(ClientEventKind::AllocationRefreshed), 1u);
    EXPECT_EQ(c.core.allocation_expires(), w.clock.now() + 600s);
}

TEST(ClientRefresh, MarginWinsForLongLifetimes) {
    World w;
    auto config = World::client_config();
    config.options.requested_lifetime = 3600s;
    config.options.refresh_margin = 1000s;  // more than a quarter of 3600 s
    Endpoint& c = w.add_client(1, config);
    w.allocate(c);
    EXPECT_EQ(c.core.next_timer(), w.clock.start() + 2600s);
}

// Three simulated hours with a permission and a channel to outside peers. The server's allocation,
// permission and channel never lapse: at the end, traffic still flows both ways on both paths.
TEST(ClientRefresh, ThreeHoursWithoutLapse) {
    World w;
    Endpoint& c = w.add_client(1);
    w.allocate(c);
    const TransportAddress relayed = c.core.allocation().relayed;
    ASSERT_TRUE(c.core.create_permission(other_outside_peer().ip, w.clock.now()));
    const auto channel = c.core.bind_channel(outside_peer(), w.clock.now());
    w.pump();
    ASSERT_TRUE(channel.has_value());
    ASSERT_EQ(c.core.bound_channel(outside_peer()), channel);
    ASSERT_TRUE(c.core.has_permission(other_outside_peer().ip));

    for (int minute = 1; minute <= 180; ++minute) {
        w.run_for(60s);
        ASSERT_EQ(w.server().allocation_count(), 1u) << "allocation lapsed by minute " << minute;
        ASSERT_EQ(c.core.state(), ClientState::Allocated) << "minute " << minute;
        // The server still relays from both peers: the permissions are alive there.
        const std::size_t before = c.count(ClientEventKind::Data);
        w.peer_sends(relayed, outside_peer(), bytes_of("ping"));
        w.peer_sends(relayed, other_outside_peer(), bytes_of("pong"));
        ASSERT_EQ(c.count(ClientEventKind::Data), before + 2) << "permission lapsed by minute " << minute;
        // ... and the channel: the first arrives as ChannelData, the second in a Data indication.
        const auto data = c.events_of(ClientEventKind::Data);
        ASSERT_EQ(data[data.size() - 2]->channel, *channel) << "channel lapsed by minute " << minute;
        ASSERT_EQ(data.back()->channel, 0);
    }
    EXPECT_EQ(c.count(ClientEventKind::Error), 0u);
    EXPECT_EQ(c.count(ClientEventKind::PermissionFailed), 0u);
    EXPECT_EQ(c.count(ClientEventKind::ChannelFailed), 0u);

    // 10800 s / 450 s refreshes; nonces went stale (600 s) along the way and were renewed.
    EXPECT_EQ(c.count(ClientEventKind::AllocationRefreshed), 24u);
    EXPECT_GT(std::count(w.error_codes_to_clients.begin(), w.error_codes_to_clients.end(), 438), 0);

    // Channel refreshes every 540 s; permission refreshes every 240 s, per peer (ChannelBind refreshes
    // its peer's permission too, the separate CreatePermission keeps it from relying on that).
    const auto binds = times_of(w, c.requests(Method::ChannelBind));
    ASSERT_GE(binds.size(), 3u);
    EXPECT_DOUBLE_EQ(binds[0], 0.0);
    EXPECT_DOUBLE_EQ(binds[1], 540.0);
    EXPECT_DOUBLE_EQ(binds[2], 1080.0);
    const auto permissions = c.requests(Method::CreatePermission);
    EXPECT_GE(permissions.size(), 2u * 10800 / 240);

    // The channel still carries client-to-peer traffic.
    EXPECT_EQ(c.core.send(outside_peer(), bytes_of("still here")), SendResult::ViaChannel);
    w.pump();
    ASSERT_FALSE(w.to_outside.empty());
    EXPECT_EQ(text_of(w.to_outside.back().bytes), "still here");
}

TEST(ClientRefresh, StaleNonceIsRenewedAndTheRequestResent) {
    World w;
    auto config = World::client_config();
    config.options.requested_lifetime = 3600s;  // no refresh in the first 700 s to renew the nonce
    Endpoint& c = w.add_client(1, config);
    w.allocate(c);
    const std::string first_nonce = c.core.authentication().nonce();

    w.run_for(700s);  // past the server's 600 s nonce lifetime
    ASSERT_TRUE(c.core.create_permission(outside_peer().ip, w.clock.now()));
    w.pump();
    EXPECT_EQ(c.count(ClientEventKind::PermissionCreated), 1u);
    EXPECT_EQ(w.error_codes_to_clients, (std::vector<std::uint16_t>{401, 438}));
    EXPECT_NE(c.core.authentication().nonce(), first_nonce);
    const auto sent = c.requests(Method::CreatePermission);
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_NE(sent[0]->view()->transaction_id(), sent[1]->view()->transaction_id());
    EXPECT_EQ(sent[1]->view()->get<attr::Nonce>()->value, c.core.authentication().nonce());
}

TEST(ClientRefresh, LostAnswerIsRetransmittedAndAnsweredFromTheCache) {
    World w;
    Endpoint& c = w.add_client(1);
    w.allocate(c);
    int answers_dropped = 0;
    w.drop = [&](const server::FiveTuple&, std::span<const std::uint8_t> bytes, bool to_server) {
        const auto v = protocol::MessageView::parse(bytes);
        if (to_server || !v || v->method() != Method::CreatePermission || answers_dropped > 0) return false;
        ++answers_dropped;
        return true;
    };
    ASSERT_TRUE(c.core.create_permission(outside_peer().ip, w.clock.now()));
    w.pump();
    EXPECT_EQ(c.count(ClientEventKind::PermissionCreated), 0u);
    EXPECT_EQ(c.core.next_timer(), w.clock.now() + 500ms);

    w.run_for(500ms);
    EXPECT_EQ(c.count(ClientEventKind::PermissionCreated), 1u);
    const auto sent = c.requests(Method::CreatePermission);
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0]->bytes, sent[1]->bytes);
    EXPECT_EQ(w.server().stats().retransmissions_answered, 1u);
}

TEST(ClientRefresh, RefreshSurvivesTwentySecondsOfLoss) {
    World w;
    Endpoint& c = w.add_client(1);
    w.allocate(c);
    w.run_for(449s);
    w.drop = [](const server::FiveTuple&, std::span<const std::uint8_t>, bool) { return true; };
    w.run_for(21s);  // the Refresh at 450 s and its retransmissions up to 465.5 s are lost
    EXPECT_EQ(c.count(ClientEventKind::AllocationRefreshed), 0u);
    w.drop = nullptr;
    w.run_for(20s);  // the one at 481.5 s gets through
    EXPECT_EQ(c.count(ClientEventKind::AllocationRefreshed), 1u);
    EXPECT_EQ(c.core.allocation_expires(), w.clock.start() + 481'500ms + 600s);
    EXPECT_EQ(c.requests(Method::Refresh).size(), 7u);  // six lost, one through
}

TEST(ClientRefresh, ServerGoneMeansAllocationExpiredAtItsLifetime) {
    World w;
    Endpoint& c = w.add_client(1);
    w.allocate(c);
    w.drop = [](const server::FiveTuple&, std::span<const std::uint8_t>, bool) { return true; };
    w.run_for(599s);
    EXPECT_EQ(c.core.state(), ClientState::Allocated);
    // The Refresh at 450 s timed out at 489.5 s and was retried at once, and again at 529 s.
    EXPECT_GE(c.requests(Method::Refresh).size(), 14u);
    w.run_for(1s);
    EXPECT_EQ(c.core.state(), ClientState::Failed);
    ASSERT_NE(c.last(ClientEventKind::Error), nullptr);
    EXPECT_EQ(c.last(ClientEventKind::Error)->error, ClientErrorKind::AllocationExpired);
    EXPECT_EQ(c.core.next_timer(), std::nullopt);
}

TEST(ClientRefresh, RefreshOfAnAllocationTheServerDroppedIs437AndFatal) {
    World w;
    Endpoint& c = w.add_client(1);
    w.allocate(c);
    w.server().on_client_closed(c.tuple, w.clock.instant());  // the server forgets it (as a TCP close would)
    ASSERT_EQ(w.server().allocation_count(), 0u);
    w.run_for(450s);
    EXPECT_EQ(c.core.state(), ClientState::Failed);
    const auto* error = c.last(ClientEventKind::Error);
    ASSERT_NE(error, nullptr);
    EXPECT_EQ(error->error, ClientErrorKind::ErrorResponse);
    EXPECT_EQ(error->code, 437);
}

}  // namespace
}  // namespace tern::client::test
