// Report arithmetic: rates, loss, reordering, per-core figures and merging of worker counts.

#include <gtest/gtest.h>

#include "bench/tern_bench/traffic_stats.hpp"

namespace tern::bench {
namespace {

TrafficStats sample_stats() {
    TrafficStats s;
    s.sent = 1000;
    s.received = 990;
    s.received_bytes = 990 * 100;
    s.reordered = 11;
    for (int i = 0; i < 990; ++i) s.latency.record(200'000);
    return s;
}

TEST(TrafficFigures, RatesLossAndReorderingFromCounts) {
    const TrafficFigures f = compute_figures(sample_stats(), 2.0, 2);
    EXPECT_DOUBLE_EQ(f.deliveries_per_second, 495);
    EXPECT_DOUBLE_EQ(f.relayed_per_second, 990);
    EXPECT_DOUBLE_EQ(f.mbit_per_second, 990.0 * 100 * 2 * 8 / 2 / 1e6);
    EXPECT_EQ(f.lost, 10u);
    EXPECT_DOUBLE_EQ(f.loss_ratio, 0.01);
    EXPECT_DOUBLE_EQ(f.reorder_ratio, 11.0 / 990);
    EXPECT_NEAR(f.latency_p50_us, 200, 200.0 / 32);
}

TEST(TrafficFigures, NothingSentIsNoLossAndNoDivisionByZero) {
    const TrafficFigures f = compute_figures(TrafficStats{}, 0.0, 2);
    EXPECT_EQ(f.lost, 0u);
    EXPECT_EQ(f.loss_ratio, 0.0);
    EXPECT_EQ(f.reorder_ratio, 0.0);
    EXPECT_EQ(f.deliveries_per_second, 0.0);
}

TEST(TrafficFigures, MoreReceivedThanSentIsNotNegativeLoss) {
    TrafficStats s;
    s.sent = 5;
    s.received = 6;  // cannot happen with distinct sequences, but the arithmetic must not wrap
    EXPECT_EQ(compute_figures(s, 1.0, 2).lost, 0u);
}

TEST(TrafficFigures, PerCoreDividesByTheCoresTheServerKeptBusy) {
    EXPECT_DOUBLE_EQ(per_core(10'000, 2.5, 5.0), 20'000);  // half a core busy
    EXPECT_DOUBLE_EQ(per_core(10'000, 10.0, 5.0), 5'000);  // two cores busy
    EXPECT_EQ(per_core(10'000, 0.0, 5.0), 0.0);            // not measured
}

TEST(TrafficStats, MergeAddsEverything) {
    TrafficStats a = sample_stats(), b = sample_stats();
    b.count_error(ErrorKind::SrtpAuthFailed);
    b.count_error(ErrorKind::SendFailed);
    a.merge(b);
    EXPECT_EQ(a.sent, 2000u);
    EXPECT_EQ(a.received, 1980u);
    EXPECT_EQ(a.reordered, 22u);
    EXPECT_EQ(a.latency.count(), 1980u);
    EXPECT_EQ(a.error(ErrorKind::SrtpAuthFailed), 1u);
    EXPECT_EQ(a.delivery_errors(), 1u);  // a local send failure is not the relay's doing
}

TEST(TrafficStats, EveryErrorKindHasAName) {
    for (std::size_t i = 0; i < kErrorKinds; ++i) EXPECT_NE(to_string(static_cast<ErrorKind>(i)), "unknown");
}

}  // namespace
}  // namespace tern::bench
