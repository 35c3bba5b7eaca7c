// Percentile arithmetic of the latency histogram: exact small values, bounded relative error above,
// nearest-rank quantiles, merging.

#include <gtest/gtest.h>

#include "bench/tern_bench/latency_histogram.hpp"

namespace tern::bench {
namespace {

TEST(LatencyHistogram, EmptyReportsZeros) {
    LatencyHistogram h;
    EXPECT_EQ(h.count(), 0u);
    EXPECT_EQ(h.percentile(0.5), 0);
    EXPECT_EQ(h.min(), 0);
    EXPECT_EQ(h.max(), 0);
    EXPECT_EQ(h.mean(), 0.0);
}

TEST(LatencyHistogram, BucketsTileTheRangeWithoutGaps) {
    for (std::size_t b = 0; b + 1 < 1920; ++b) {
        ASSERT_EQ(LatencyHistogram::bucket_high(b) + 1, LatencyHistogram::bucket_low(b + 1)) << b;
        ASSERT_EQ(LatencyHistogram::bucket_of(LatencyHistogram::bucket_low(b)), b);
        ASSERT_EQ(LatencyHistogram::bucket_of(LatencyHistogram::bucket_high(b)), b);
    }
}

TEST(LatencyHistogram, BucketWidthIsAtMostOneThirtySecondOfItsValue) {
    for (std::uint64_t v : {64ULL, 100ULL, 1000ULL, 123456ULL, 1ULL << 40, (1ULL << 62) + 12345}) {
        const auto b = LatencyHistogram::bucket_of(v);
        const double width = static_cast<double>(LatencyHistogram::bucket_high(b) - LatencyHistogram::bucket_low(b) + 1);
        EXPECT_LE(width / static_cast<double>(LatencyHistogram::bucket_low(b)), 1.0 / 32) << v;
    }
}

TEST(LatencyHistogram, SmallValuesAreExact) {
    LatencyHistogram h;
    for (int v = 1; v <= 50; ++v) h.record(v);
    EXPECT_EQ(h.percentile(0.5), 25);  // nearest rank: the 25th of 50
    EXPECT_EQ(h.percentile(1.0), 50);
    EXPECT_EQ(h.percentile(0.0), 1);
    EXPECT_EQ(h.min(), 1);
    EXPECT_EQ(h.max(), 50);
    EXPECT_DOUBLE_EQ(h.mean(), 25.5);
}

TEST(LatencyHistogram, PercentilesOfAUniformSpreadAreWithinTheBucketError) {
    LatencyHistogram h;
    for (std::int64_t us = 1; us <= 10000; ++us) h.record(us * 1000);  // 1 us .. 10 ms
    const auto near = [](std::int64_t got, double want) {
        EXPECT_NEAR(static_cast<double>(got), want, want / 32) << got << " vs " << want;
    };
    near(h.percentile(0.50), 5000e3);
    near(h.percentile(0.99), 9900e3);
    near(h.percentile(0.999), 9990e3);
    EXPECT_EQ(h.max(), 10000 * 1000);
    EXPECT_EQ(h.count(), 10000u);
}

TEST(LatencyHistogram, OneOutlierMovesOnlyTheTail) {
    LatencyHistogram h;
    for (int i = 0; i < 999; ++i) h.record(100'000);
    h.record(50'000'000);
    EXPECT_NEAR(static_cast<double>(h.percentile(0.99)), 100'000, 100'000.0 / 32);
    EXPECT_NEAR(static_cast<double>(h.percentile(0.999)), 100'000, 100'000.0 / 32);  // rank 999 of 1000
    EXPECT_EQ(h.percentile(1.0), 50'000'000);                                         // clamped to the exact max
}

TEST(LatencyHistogram, NegativeSamplesCountAsZero) {
    LatencyHistogram h;
    h.record(-5);
    EXPECT_EQ(h.count(), 1u);
    EXPECT_EQ(h.max(), 0);
}

TEST(LatencyHistogram, MergeEqualsRecordingEverythingInOne) {
    LatencyHistogram a, b, all;
    for (int i = 1; i <= 1000; ++i) {
        (i % 3 ? a : b).record(i * 997);
        all.record(i * 997);
    }
    a.merge(b);
    EXPECT_EQ(a.count(), all.count());
    EXPECT_EQ(a.min(), all.min());
    EXPECT_EQ(a.max(), all.max());
    EXPECT_DOUBLE_EQ(a.mean(), all.mean());
    for (double q : {0.1, 0.5, 0.9, 0.99, 0.999}) EXPECT_EQ(a.percentile(q), all.percentile(q)) << q;
}

}  // namespace
}  // namespace tern::bench
