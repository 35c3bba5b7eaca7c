// Ending an allocation: close() sends Refresh with LIFETIME 0 and the server deletes the allocation at
// once; close() during the Allocate deletes it as soon as it exists; a server that does not answer
// still ends in Closed after the transaction timeout.

#include "client_world.hpp"
#include "protocol/attributes/all.hpp"

namespace tern::client::test {
namespace {

namespace attr = protocol::attr;

TEST(ClientClose, RefreshWithLifetimeZeroDeletesTheAllocation) {
    for (const auto transport : {ServerTransport::Udp, ServerTransport::Tcp}) {
        World w;
        Endpoint& c = w.add_client(1, World::client_config(transport));
        w.allocate(c);
        const TransportAddress relayed = c.core.allocation().relayed;
        ASSERT_TRUE(c.core.bind_channel(outside_peer(), w.clock.now()));
        w.pump();

        c.core.close(w.clock.now());
        EXPECT_EQ(c.core.state(), ClientState::Closing);
        const auto request = c.requests(Method::Refresh).back()->view();
        EXPECT_EQ(request->get<attr::Lifetime>()->value, 0u);
        w.pump();
        EXPECT_EQ(c.core.state(), ClientState::Closed);
        EXPECT_EQ(c.count(ClientEventKind::Closed), 1u);
        EXPECT_EQ(w.server().allocation_count(), 0u);
        EXPECT_FALSE(w.relay_open(relayed));
        EXPECT_EQ(w.server_events.back(), "AllocationDeleted: refreshed with lifetime 0");
        EXPECT_EQ(c.core.next_timer(), std::nullopt);
        EXPECT_EQ(c.core.send(outside_peer(), bytes_of("late")), SendResult::NotAllocated);

        // Nothing is refreshed afterwards.
        const std::size_t sent = c.sent.size();
        w.run_for(3600s);
        EXPECT_EQ(c.sent.size(), sent);
    }
}

TEST(ClientClose, CloseDuringTheAllocateDeletesItOnceGranted) {
    World w;
    Endpoint& c = w.add_client(1);
    c.core.start(w.clock.now());
    c.core.close(w.clock.now());  // the Allocate is still in the queue
    w.pump();
    EXPECT_EQ(c.core.state(), ClientState::Closed);
    EXPECT_EQ(c.count(ClientEventKind::Allocated), 0u);
    EXPECT_EQ(c.count(ClientEventKind::Closed), 1u);
    EXPECT_EQ(w.server().allocation_count(), 0u);
    EXPECT_EQ(c.requests(Method::Refresh).size(), 1u);
}

TEST(ClientClose, UnansweredCloseEndsAfterTheTimeout) {
    World w;
    Endpoint& c = w.add_client(1);
    w.allocate(c);
    w.drop = [](const server::FiveTuple&, std::span<const std::uint8_t>, bool) { return true; };
    c.core.close(w.clock.now());
    w.run_for(39s);
    EXPECT_EQ(c.core.state(), ClientState::Closing);
    w.run_for(500ms);
    EXPECT_EQ(c.core.state(), ClientState::Closed);
    ASSERT_EQ(c.count(ClientEventKind::Closed), 1u);
    EXPECT_EQ(c.last(ClientEventKind::Closed)->error, ClientErrorKind::Timeout);
}

TEST(ClientClose, CloseBeforeStartIsImmediate) {
    World w;
    Endpoint& c = w.add_client(1);
    c.core.close(w.clock.now());
    EXPECT_EQ(c.core.state(), ClientState::Closed);
    EXPECT_EQ(c.count(ClientEventKind::Closed), 1u);
    EXPECT_TRUE(c.sent.empty());
    c.core.start(w.clock.now());  // a closed client stays closed
    EXPECT_TRUE(c.sent.empty());
}

TEST(ClientClose, HandlersMayIssueCommandsFromEvents) {
    World w;
    Endpoint& c = w.add_client(1);
    // An application that binds a channel as soon as it is allocated, and closes once bound.
    c.reaction = [&](const ClientEvent& e) {
        if (e.kind == ClientEventKind::Allocated) c.core.bind_channel(outside_peer(), w.clock.now());
        if (e.kind == ClientEventKind::ChannelBound) c.core.close(w.clock.now());
    };
    w.start(c);
    EXPECT_EQ(c.count(ClientEventKind::ChannelBound), 1u);
    EXPECT_EQ(c.core.state(), ClientState::Closed);
    EXPECT_EQ(w.server().allocation_count(), 0u);
}

}  // namespace
}  // namespace tern::client::test
