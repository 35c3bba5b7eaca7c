#pragma once
// The live progress line, once a second on stderr: phase, probe rates, errors, and the CPU and memory
// of the server and of the generator itself. Each line is kept as a sample for the report.

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "bench/tern_bench/process_usage.hpp"
#include "bench/tern_bench/report.hpp"
#include "bench/tern_bench/run_control.hpp"

namespace tern::bench {

class ProgressMonitor {
public:
    // `origin`: the time that prints as t = 0 (when sending starts; setup lines are negative).
    ProgressMonitor(std::span<const WorkerProgress> workers, std::optional<pid_t> server_pid, bool print);

    void set_origin(std::chrono::steady_clock::time_point origin) noexcept { origin_ = origin; }
    // Samples now: rates since the last tick. Prints unless quiet; kept either way.
    void tick(std::string_view phase);
    // Setup lines show flows (or allocations) ready and failed instead of rates.
    void tick_setup(std::string_view what, std::uint64_t wanted);

    std::vector<ProgressSample>& samples() noexcept { return samples_; }

private:
    struct Totals {
        std::uint64_t sent = 0, received = 0, errors = 0, ready = 0, failed = 0;
    };
    Totals totals() const noexcept;

    std::span<const WorkerProgress> workers_;
    std::optional<pid_t> server_pid_;
    bool print_;
    std::chrono::steady_clock::time_point origin_;
    UsageMark last_mark_;
    Totals last_totals_;
    std::vector<ProgressSample> samples_;
};

}  // namespace tern::bench
