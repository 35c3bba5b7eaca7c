#pragma once
// The coordinating thread of a run: starts the workers (and the built-in echo peer), sets the
// schedule once setup is done, reads the server and itself at the edges of the measurement, prints
// progress once a second, and assembles the report.

#include <atomic>

#include "bench/tern_bench/options.hpp"

namespace tern::bench {

// Both return the process exit status: 0 when the run completed, 1 when it could not run.
int run_throughput(const BenchOptions& options, const std::atomic<bool>& interrupted);
int run_storm(const BenchOptions& options, const std::atomic<bool>& interrupted);

}  // namespace tern::bench
