// The packet path must not touch the heap. This binary replaces the global allocation functions with
// counting ones and checks that parsing and framing relayed packets leaves the count unchanged.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "protocol/attributes/all.hpp"
#include "protocol/channel_data.hpp"
#include "protocol/data_indication.hpp"
#include "protocol/integrity.hpp"
#include "protocol/message_builder.hpp"
#include "protocol/message_view.hpp"
#include "protocol/relay_buffer.hpp"
#include "protocol/stream_framer.hpp"

namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t n) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace tern::protocol {
namespace {

class AllocationCounter {
public:
    AllocationCounter() : start_(g_allocations.load()) {}
    std::size_t count() const { return g_allocations.load() - start_; }

private:
    std::size_t start_;
};

const TransactionId kTx = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

TEST(AllocationFree, ChannelDataParseAndFrame) {
    static RelayBuffer<1500> buffer;  // static: a relay owns these up front
    for (std::size_t i = 0; i < 100; ++i) buffer.payload_area()[i] = static_cast<std::uint8_t>(i);

    const AllocationCounter counter;
    std::size_t payload_bytes = 0;
    for (int round = 0; round < 1000; ++round) {
        for (const auto framing : {Framing::Datagram, Framing::Stream}) {
            const auto frame = frame_channel_data(buffer.whole(), buffer.kPayloadOffset, 100, 0x4001, framing);
            const auto parsed = ChannelDataView::parse(frame, framing);
            ASSERT_TRUE(parsed);
            payload_bytes += parsed->payload.size();
        }
    }
    EXPECT_EQ(payload_bytes, 2000u * 100u);
    EXPECT_EQ(counter.count(), 0u) << "ChannelData parse/frame allocated";
}

TEST(AllocationFree, DataIndicationFrameAndSendIndicationParse) {
    static RelayBuffer<1500> buffer;
    const TransportAddress peer{*IpAddress::parse("2001:db8::7"), 5000};
    std::array<std::uint8_t, 256> send{};
    const std::array<std::uint8_t, 64> payload{};
    MessageBuilder b(send, {Method::Send, MessageClass::Indication}, kTx);
    b.add(attr::XorPeerAddress{peer}).add(attr::Data{payload});
    ASSERT_TRUE(b.ok());
    const auto send_bytes = b.bytes();

    const AllocationCounter counter;
    for (int round = 0; round < 1000; ++round) {
        const auto m = MessageView::parse(send_bytes);
        ASSERT_TRUE(m);
        const auto to = m->get<attr::XorPeerAddress>();
        const auto data = m->get<attr::Data>();
        ASSERT_TRUE(to && data);
        const auto frame = frame_data_indication(buffer.whole(), buffer.kPayloadOffset, data->value.size(),
                                                 to->address, kTx);
        ASSERT_TRUE(MessageView::parse(frame));
    }
    EXPECT_EQ(counter.count(), 0u) << "indication path allocated";
}

TEST(AllocationFree, AuthenticatedRequestParseAndIntegrityCheck) {
    const std::array<std::uint8_t, 16> key{0xe8, 0xca, 0x7a};
    std::array<std::uint8_t, 512> storage{};
    MessageBuilder b(storage, {Method::Allocate, MessageClass::Request}, kTx);
    b.add(attr::RequestedTransport{}).add(attr::Username{"alice"}).add(attr::Realm{"example.org"});
    b.add(attr::Nonce{"obMatJos2AAACnonce"}).add_message_integrity(key).add_fingerprint();
    ASSERT_TRUE(b.ok());
    const auto bytes = b.bytes();
    // The first check on a thread creates its reusable HMAC context; later ones must not allocate.
    ASSERT_EQ(check_message_integrity(*MessageView::parse(bytes), key), IntegrityCheck::Valid);

    const AllocationCounter counter;
    for (int round = 0; round < 1000; ++round) {
        const auto m = MessageView::parse(bytes);
        ASSERT_TRUE(m);
        ASSERT_TRUE(m->get<attr::Username>());
        ASSERT_EQ(check_message_integrity(*m, key), IntegrityCheck::Valid);
    }
    EXPECT_EQ(counter.count(), 0u) << "authenticated request parse allocated";
}

TEST(AllocationFree, StreamFramerSteadyState) {
    StreamFramer framer;  // the per-connection buffer is allocated here, once
    std::array<std::uint8_t, 64> frame{};
    const auto f = frame_channel_data(frame, 4, 40, 0x4002, Framing::Stream);

    const AllocationCounter counter;
    std::size_t frames = 0;
    for (int round = 0; round < 1000; ++round) {
        ASSERT_EQ(framer.feed(f), f.size());
        for (auto r = framer.next(); r.status == StreamFramer::Status::Frame; r = framer.next()) ++frames;
    }
    EXPECT_EQ(frames, 1000u);
    EXPECT_EQ(counter.count(), 0u) << "stream framing allocated";
}

TEST(AllocationFree, CounterSeesAllocations) {
    // Guards the test itself: if the replacement were not in effect, every check above would pass.
    const AllocationCounter counter;
    auto p = std::make_unique<int>(7);
    EXPECT_EQ(*p, 7);
    EXPECT_GE(counter.count(), 1u);
}

}  // namespace
}  // namespace tern::protocol

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
