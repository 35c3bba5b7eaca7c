// Reading CPU time and RSS from /proc text, and from this very process.

#include <gtest/gtest.h>
#include <unistd.h>

#include "bench/tern_bench/process_usage.hpp"

namespace tern::bench {
namespace {

TEST(ProcessUsage, StatFieldsAreCountedFromTheLastParenthesis) {
    // comm may contain spaces and parentheses; utime 250 and stime 150 ticks at 100 Hz.
    const std::string stat = "1234 (tern d) (x)) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 150 0 0 20 0 3 0 12345";
    const auto cpu = parse_stat_cpu_seconds(stat, 100);
    ASSERT_TRUE(cpu.has_value());
    EXPECT_DOUBLE_EQ(*cpu, 4.0);
}

TEST(ProcessUsage, MalformedStatIsRefused) {
    EXPECT_FALSE(parse_stat_cpu_seconds("1234 tern S 1", 100).has_value());
    EXPECT_FALSE(parse_stat_cpu_seconds("1234 (tern) S 1 2 3", 100).has_value());
    EXPECT_FALSE(parse_stat_cpu_seconds("1234 (tern) S 1 1234 1234 0 -1 0 0 0 0 0 x 1", 100).has_value());
}

TEST(ProcessUsage, RssFromStatus) {
    EXPECT_EQ(parse_status_rss_kib("Name:\tternd\nVmPeak:\t  9000 kB\nVmRSS:\t    5432 kB\nThreads: 2\n"), 5432);
    EXPECT_FALSE(parse_status_rss_kib("Name:\tternd\n").has_value());
}

TEST(ProcessUsage, SchedstatRunTime) {
    EXPECT_EQ(parse_schedstat_run_ns("1234567890 55555 321\n"), 1234567890u);
    EXPECT_FALSE(parse_schedstat_run_ns("").has_value());
    EXPECT_FALSE(parse_schedstat_run_ns("x 1 2").has_value());
}

// The precise reading agrees with the kernel's tick accounting of the same process, and moves with
// CPU work done between two readings.
TEST(ProcessUsage, CpuOfThisProcessAgreesWithGetrusage) {
    const auto before = process_cpu_seconds(::getpid());
    const double self_before = self_cpu_seconds();
    volatile std::uint64_t sink = 0;
    const auto spin_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
    while (std::chrono::steady_clock::now() < spin_until) sink = sink + 1;
    const auto after = process_cpu_seconds(::getpid());
    const double self_after = self_cpu_seconds();
    ASSERT_TRUE(before && after);
    EXPECT_GT(*after - *before, 0.05);
    EXPECT_NEAR(*after - *before, self_after - self_before, 0.05);
}

TEST(ProcessUsage, ThisProcessCanBeRead) {
    EXPECT_TRUE(process_cpu_seconds(::getpid()).has_value());
    const auto rss = process_rss_kib(::getpid());
    ASSERT_TRUE(rss.has_value());
    EXPECT_GT(*rss, 0);
    EXPECT_FALSE(process_rss_kib(-1).has_value());
}

TEST(ProcessUsage, CoresBetweenMarks) {
    UsageMark a, b;
    b.at = a.at + std::chrono::seconds(2);
    a.server_cpu_seconds = 1.0;
    b.server_cpu_seconds = 2.0;
    a.self_cpu_seconds = 0.5;
    b.self_cpu_seconds = 1.5;
    EXPECT_DOUBLE_EQ(server_cores_between(a, b).value_or(-1), 0.5);
    EXPECT_DOUBLE_EQ(self_cores_between(a, b), 0.5);
    b.server_cpu_seconds.reset();
    EXPECT_FALSE(server_cores_between(a, b).has_value());
}

}  // namespace
}  // namespace tern::bench
