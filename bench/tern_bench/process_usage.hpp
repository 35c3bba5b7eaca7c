#pragma once
// CPU time and memory of a process, read from /proc (the server under test, given its PID) or from
// getrusage (the generator itself, so a report can show the generator was not the bottleneck).

#include <cstdint>
#include <optional>
#include <string_view>
#include <sys/types.h>

namespace tern::bench {

// CPU seconds of every thread of the process: the sum of the run times in /proc/PID/task/*/schedstat
// (nanoseconds, what the scheduler measured) where the kernel keeps them, else utime + stime of
// /proc/PID/stat (counted in clock ticks: +-10 ms a reading, too coarse for a 0.3-second storm).
std::optional<double> process_cpu_seconds(pid_t pid);
// VmRSS of /proc/PID/status, in KiB.
std::optional<long> process_rss_kib(pid_t pid);

// The parsers, on the files' text (for the tests). `ticks_per_second` is sysconf(_SC_CLK_TCK).
std::optional<double> parse_stat_cpu_seconds(std::string_view stat_text, long ticks_per_second);
std::optional<long> parse_status_rss_kib(std::string_view status_text);
// The first field of a schedstat file: nanoseconds spent running.
std::optional<std::uint64_t> parse_schedstat_run_ns(std::string_view schedstat_text);

// CPU seconds (user + system) of this process, and of the calling thread.
double self_cpu_seconds();
double thread_cpu_seconds();

}  // namespace tern::bench

#include <chrono>

namespace tern::bench {

// A reading of both sides at one moment: the server (when its PID is known) and this process.
struct UsageMark {
    std::chrono::steady_clock::time_point at{};
    std::optional<double> server_cpu_seconds;
    std::optional<long> server_rss_kib;
    double self_cpu_seconds = 0;
};

UsageMark take_usage_mark(std::optional<pid_t> server_pid);

// CPU cores kept busy between two marks (CPU seconds over wall seconds); nullopt without the server.
std::optional<double> server_cores_between(const UsageMark& from, const UsageMark& to) noexcept;
double self_cores_between(const UsageMark& from, const UsageMark& to) noexcept;

}  // namespace tern::bench
