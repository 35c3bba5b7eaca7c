// The client's data path allocates nothing once set up: send (ChannelData and Send indication) and
// the receipt of ChannelData and Data indications. Counted with a replaced global operator new, which
// only counts and forwards to malloc, so the other tests of this binary are unaffected.

#include <atomic>
#include <cstdlib>
#include <new>

#include "client_world.hpp"
#include "protocol/channel_data.hpp"
#include "protocol/data_indication.hpp"
#include "protocol/relay_buffer.hpp"

namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace tern::client::test {
namespace {

std::vector<std::uint8_t> frame_from_server(const TransportAddress& peer, std::uint16_t channel,
                                            std::span<const std::uint8_t> payload) {
    protocol::RelayBuffer<2048> buffer{};
    std::copy(payload.begin(), payload.end(), buffer.payload_area().begin());
    const auto frame =
        channel != 0
            ? protocol::frame_channel_data(buffer.whole(), buffer.kPayloadOffset, payload.size(), channel,
                                           protocol::Framing::Datagram)
            : protocol::frame_data_indication(buffer.whole(), buffer.kPayloadOffset, payload.size(), peer,
                                              protocol::TransactionId{1, 2, 3});
    return {frame.begin(), frame.end()};
}

TEST(ClientAllocationFree, SendAndReceiveAllocateNothing) {
    World w;
    Endpoint& c = w.add_client(1);
    w.allocate(c);
    ASSERT_TRUE(c.core.create_permission(other_outside_peer().ip, w.clock.now()));
    const auto channel = c.core.bind_channel(outside_peer(), w.clock.now());
    w.pump();
    ASSERT_EQ(c.core.bound_channel(outside_peer()), channel);

    const std::vector<std::uint8_t> payload(1200, 0x42);
    const auto channel_data = frame_from_server(outside_peer(), *channel, payload);
    const auto indication = frame_from_server(other_outside_peer(), 0, payload);
    c.quiet = true;

    const std::size_t before = g_allocations.load();
    int sent_ok = 0;
    for (int i = 0; i < 100; ++i) {
        sent_ok += c.core.send(outside_peer(), payload) == SendResult::ViaChannel;
        sent_ok += c.core.send(other_outside_peer(), payload) == SendResult::ViaIndication;
        c.core.on_bytes_from_server(channel_data, w.clock.now());
        c.core.on_bytes_from_server(indication, w.clock.now());
    }
    const std::size_t allocations = g_allocations.load() - before;
    c.quiet = false;

    EXPECT_EQ(allocations, 0u);
    EXPECT_EQ(sent_ok, 200);
    EXPECT_EQ(c.quiet_sends, 200u);
    EXPECT_EQ(c.quiet_data_events, 200u);
}

}  // namespace
}  // namespace tern::client::test
