// A flow against an in-memory path: what it sends, and how it counts what comes back (verified,
// reordered, duplicated, corrupted, outside the window, refused by the path).

#include <gtest/gtest.h>

#include <vector>

#include "bench/tern_bench/datagram_batch.hpp"
#include "bench/tern_bench/flow.hpp"
#include "bench/tern_bench/probe_packet.hpp"

namespace tern::bench {
namespace {

// Keeps every payload the flow sends.
class RecordingPath final : public ProbePath {
public:
    std::span<std::uint8_t> payload_area() override { return slot_.payload_area(); }
    bool send_payload(std::size_t size) override {
        if (refuse) return false;
        const auto area = slot_.payload_area();
        sent.emplace_back(area.begin(), area.begin() + static_cast<std::ptrdiff_t>(size));
        return true;
    }
    std::vector<std::vector<std::uint8_t>> sent;
    bool refuse = false;

private:
    SendSlot slot_;
};

constexpr std::uint32_t kSsrc = 0x7E000001;
const MeasureWindow kAlways{0, INT64_MAX};

struct FlowTest : ::testing::Test {
    SrtpMasterKey key = random_master_key();
    Flow flow{kSsrc, key, 120};
    RecordingPath path;
    TrafficStats stats;

    FlowTest() { flow.set_path(&path); }
    void send(int n, std::int64_t at = 1000) {
        for (int i = 0; i < n; ++i) ASSERT_TRUE(flow.transmit(at, kAlways, stats));
    }
    bool back(std::size_t i, std::int64_t at = 5000) {
        auto copy = path.sent.at(i);
        return flow.receive(copy, at, kAlways, stats);
    }
};

TEST_F(FlowTest, SendsSrtpOfTheRequestedSize) {
    send(3);
    ASSERT_EQ(path.sent.size(), 3u);
    for (const auto& p : path.sent) {
        EXPECT_EQ(p.size(), 120u);
        EXPECT_EQ(peek_ssrc(p), kSsrc);
    }
    EXPECT_EQ(stats.sent, 3u);
    EXPECT_EQ(flow.in_flight(), 3u);
}

TEST_F(FlowTest, VerifiedProbesCountWithTheirRoundTrip) {
    send(2, 1000);
    EXPECT_TRUE(back(0, 251'000));
    EXPECT_TRUE(back(1, 251'000));
    EXPECT_EQ(stats.received, 2u);
    EXPECT_EQ(stats.received_bytes, 240u);
    EXPECT_EQ(stats.latency.count(), 2u);
    EXPECT_NEAR(static_cast<double>(stats.latency.percentile(0.5)), 250'000, 250'000.0 / 32);
    EXPECT_EQ(flow.in_flight(), 0u);
    EXPECT_EQ(stats.delivery_errors(), 0u);
}

TEST_F(FlowTest, ReorderedProbesAreCountedNotFaulted) {
    send(3);
    EXPECT_TRUE(back(0));
    EXPECT_TRUE(back(2));
    EXPECT_TRUE(back(1));
    EXPECT_EQ(stats.received, 3u);
    EXPECT_EQ(stats.reordered, 1u);
    EXPECT_EQ(stats.delivery_errors(), 0u);
}

TEST_F(FlowTest, DuplicateIsAnErrorAndNotReceivedTwice) {
    send(1);
    EXPECT_TRUE(back(0));
    EXPECT_FALSE(back(0));
    EXPECT_EQ(stats.received, 1u);
    EXPECT_EQ(stats.error(ErrorKind::SrtpReplayed), 1u);
}

TEST_F(FlowTest, CorruptionIsAnError) {
    send(1);
    auto copy = path.sent[0];
    copy[40] ^= 1;
    EXPECT_FALSE(flow.receive(copy, 5000, kAlways, stats));
    EXPECT_EQ(stats.error(ErrorKind::SrtpAuthFailed), 1u);
    EXPECT_EQ(stats.received, 0u);
    EXPECT_EQ(flow.in_flight(), 1u);
}

TEST_F(FlowTest, AnotherFlowsPacketFailsAuthentication) {
    Flow other(kSsrc + 1, key, 120);
    RecordingPath other_path;
    other.set_path(&other_path);
    ASSERT_TRUE(other.transmit(1000, kAlways, stats));
    auto copy = other_path.sent[0];
    EXPECT_FALSE(flow.receive(copy, 5000, kAlways, stats));  // SRTP is keyed per SSRC
    EXPECT_EQ(stats.delivery_errors(), 1u);
}

TEST_F(FlowTest, OnlyProbesSentInsideTheWindowCount) {
    const MeasureWindow window{2000, 3000};
    ASSERT_TRUE(flow.transmit(1500, window, stats));  // warm-up
    ASSERT_TRUE(flow.transmit(2500, window, stats));  // measured
    ASSERT_TRUE(flow.transmit(3000, window, stats));  // drain: the window is half open
    EXPECT_EQ(stats.sent, 1u);
    for (std::size_t i = 0; i < 3; ++i) {
        auto copy = path.sent[i];
        EXPECT_TRUE(flow.receive(copy, 9000, window, stats));
    }
    EXPECT_EQ(stats.received, 1u);
    EXPECT_EQ(stats.latency.count(), 1u);
    EXPECT_EQ(flow.in_flight(), 0u);  // every probe came back, counted or not
}

TEST_F(FlowTest, RefusedSendIsCountedAndNotSent) {
    path.refuse = true;
    EXPECT_FALSE(flow.transmit(1000, kAlways, stats));
    EXPECT_EQ(stats.sent, 0u);
    EXPECT_EQ(stats.error(ErrorKind::SendFailed), 1u);
    EXPECT_EQ(flow.in_flight(), 0u);
    path.refuse = false;
    send(1);  // the next probe has a fresh sequence: SRTP accepts it
    EXPECT_TRUE(back(0));
}

TEST_F(FlowTest, WriteOffLetsTheWindowRefill) {
    send(4);
    flow.write_off_in_flight();
    EXPECT_EQ(flow.in_flight(), 0u);
    EXPECT_TRUE(back(3));  // a late arrival after the write-off does not go negative
    EXPECT_EQ(flow.in_flight(), 0u);
}

}  // namespace
}  // namespace tern::bench
