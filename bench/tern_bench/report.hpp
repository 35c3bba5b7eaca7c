#pragma once
// What a run found, gathered by the coordinator from the workers and its own readings of the server
// and of itself; printed as a table (report_text.cpp) and written as JSON (report_json.cpp).

#include <sys/types.h>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "bench/tern_bench/latency_histogram.hpp"
#include "bench/tern_bench/options.hpp"
#include "bench/tern_bench/setup_failures.hpp"
#include "bench/tern_bench/traffic_stats.hpp"

namespace tern::bench {

// One line of live progress, also kept in the report (soak runs plot these).
struct ProgressSample {
    double t = 0;  // seconds since sending started (negative during setup)
    std::string phase;
    double sent_per_second = 0;
    double received_per_second = 0;
    std::uint64_t errors = 0;  // delivery errors so far
    std::optional<double> server_cores;
    std::optional<long> server_rss_kib;
    double generator_cores = 0;
};

struct ServerFigures {
    std::optional<pid_t> pid;
    std::optional<double> cpu_seconds;  // over the measurement
    std::optional<double> cores;        // cpu_seconds / wall seconds
    std::optional<long> rss_kib_start, rss_kib_end, rss_kib_max;
};

struct GeneratorFigures {
    double cpu_seconds = 0;  // the whole process over the measurement (workers, echo thread, coordinator)
    double cores = 0;
    double worker_cpu_seconds = 0;  // the worker threads alone
    std::optional<double> echo_cpu_seconds;
    unsigned threads = 1;
};

struct ThroughputReport {
    const BenchOptions* options = nullptr;
    std::uint64_t flows_requested = 0, flows_ready = 0;
    FailureCounts setup_failures;
    double setup_seconds = 0;
    std::uint64_t allocations_lost = 0, refreshes = 0;
    TrafficStats stats;
    TrafficFigures figures;
    ServerFigures server;
    std::optional<double> deliveries_per_server_core;  // round trips/s per server core
    std::optional<double> relayed_per_server_core;
    GeneratorFigures generator;
    std::vector<ProgressSample> samples;
};

struct StormReport {
    const BenchOptions* options = nullptr;
    std::uint64_t attempted = 0, allocated = 0, failed = 0, lost = 0, deleted = 0;
    FailureCounts failures;
    double seconds = 0;
    double allocations_per_second = 0;
    LatencyHistogram latency;
    ServerFigures server;
    std::optional<double> rss_bytes_per_allocation;  // (held - before) / allocated
    std::optional<double> allocations_per_server_core;
    GeneratorFigures generator;
    std::vector<ProgressSample> samples;
};

void print_report(std::FILE* out, const ThroughputReport& report);
void print_report(std::FILE* out, const StormReport& report);

// Writes the report to `path`; false (after printing why to stderr) when the file cannot be written.
bool write_json(const std::string& path, const ThroughputReport& report);
bool write_json(const std::string& path, const StormReport& report);

}  // namespace tern::bench
