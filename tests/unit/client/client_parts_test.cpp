// The small parts of the client on their own: the retransmission schedule, credentials from a shared
// secret, the refresh schedule of the peer table.

#include "client/peer_bindings.hpp"
#include "client/retransmit_timer.hpp"
#include "client_world.hpp"
#include "protocol/credentials.hpp"

namespace tern::client::test {
namespace {

TEST(RetransmitTimer, UdpScheduleDoublesThenWaitsRmTimesRto) {
    ClientOptions options;
    options.initial_rto = 100ms;
    options.max_transmissions = 4;
    options.last_wait_multiplier = 5;
    const TimePoint t0{};
    RetransmitTimer timer;
    timer.start(options, ServerTransport::Udp, t0);
    std::vector<std::chrono::milliseconds> deadlines;
    deadlines.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(timer.deadline() - t0));
    while (timer.fire() == RetransmitTimer::Step::Retransmit)
        deadlines.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(timer.deadline() - t0));
    // Sends at 0, 100, 300, 700 ms; gives up 500 ms after the last.
    EXPECT_EQ(deadlines, (std::vector<std::chrono::milliseconds>{100ms, 300ms, 700ms, 1200ms}));
    EXPECT_EQ(timer.transmissions(), 4u);
}

TEST(RetransmitTimer, DefaultsAreRfc8489) {
    const ClientOptions options;
    RetransmitTimer timer;
    timer.start(options, ServerTransport::Udp, TimePoint{});
    unsigned sends = 1;
    while (timer.fire() == RetransmitTimer::Step::Retransmit) ++sends;
    EXPECT_EQ(sends, 7u);
    EXPECT_EQ(timer.deadline(), TimePoint{} + 39'500ms);

    timer.start(options, ServerTransport::Tcp, TimePoint{});
    EXPECT_EQ(timer.deadline(), TimePoint{} + 39'500ms);
    EXPECT_EQ(timer.fire(), RetransmitTimer::Step::GiveUp);
}

TEST(ClientCredentials, SharedSecretWithoutIdIsTheExpiryAlone) {
    const auto c = Credentials::from_shared_secret("s3cret", "", 1000, 60s);
    EXPECT_EQ(c.username, "1060");
    EXPECT_EQ(c.password, protocol::turn_rest_password("s3cret", "1060"));
    const auto plain = Credentials::long_term("u", "p");
    EXPECT_EQ(plain.expires_unix, std::nullopt);
}

TEST(PeerBindings, CapacityIsFixedAndNumbersAreNeverReused) {
    PeerBindings table(1, 2);
    EXPECT_NE(table.add_permission(ip("8.8.8.8")), nullptr);
    EXPECT_EQ(table.add_permission(ip("1.1.1.1")), nullptr);
    ASSERT_NE(table.add_channel(outside_peer()), nullptr);
    ASSERT_NE(table.add_channel(other_outside_peer()), nullptr);
    EXPECT_EQ(table.add_channel(ta("9.9.9.9:1")), nullptr);
    table.remove_channel(0x4000);
    const ChannelEntry* again = table.add_channel(outside_peer());
    ASSERT_NE(again, nullptr);
    EXPECT_EQ(again->number, 0x4002);

    EXPECT_EQ(table.next_refresh(), std::nullopt);  // nothing installed yet
    table.channel_number(0x4002)->bound = true;
    table.channel_number(0x4002)->refresh_at = TimePoint{} + 5s;
    table.permission(ip("8.8.8.8"))->installed = true;
    table.permission(ip("8.8.8.8"))->refresh_at = TimePoint{} + 3s;
    EXPECT_EQ(table.next_refresh(), TimePoint{} + 3s);
    table.permission(ip("8.8.8.8"))->in_flight = true;
    EXPECT_EQ(table.next_refresh(), TimePoint{} + 5s);
}

}  // namespace
}  // namespace tern::client::test
