// Allocation storms: allocations up to the target count, the server's memory read while they are all
// held, then every allocation deleted.

#include <algorithm>
#include <memory>
#include <thread>
#include <vector>

#include "bench/tern_bench/coordinator.hpp"
#include "bench/tern_bench/progress_monitor.hpp"
#include "bench/tern_bench/storm_worker.hpp"
#include "bench/tern_bench/worker_threads.hpp"

namespace tern::bench {

using namespace std::chrono_literals;

int run_storm(const BenchOptions& options, const std::atomic<bool>& interrupted) {
    const unsigned thread_count = std::min(options.threads, options.allocations);
    RunControl control;
    std::vector<WorkerProgress> progress(thread_count);
    std::vector<std::unique_ptr<StormWorker>> workers;
    std::uint32_t first = 0;
    for (unsigned t = 0; t < thread_count; ++t) {
        const std::uint32_t count = options.allocations / thread_count + (t < options.allocations % thread_count ? 1 : 0);
        workers.push_back(std::make_unique<StormWorker>(options, first, count, control, progress[t]));
        first += count;
    }
    ProgressMonitor monitor(progress, options.server_pid, options.progress);
    const UsageMark before = take_usage_mark(options.server_pid);
    std::vector<std::thread> threads = start_workers(workers, progress);

    // The storm, bounded by --setup-timeout inside the workers.
    for (auto next_tick = std::chrono::steady_clock::now() + 1s; !all_at_least(progress, WorkerPhase::SetupDone);) {
        std::this_thread::sleep_for(5ms);
        if (interrupted.load()) control.abort.store(true);
        if (std::chrono::steady_clock::now() >= next_tick) {
            monitor.tick_setup("allocations", options.allocations);
            next_tick += 1s;
        }
    }
    const UsageMark after_storm = take_usage_mark(options.server_pid);
    // Hold, so the server's memory settles, then read it with every allocation standing.
    const auto hold_end = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(options.hold));
    while (std::chrono::steady_clock::now() < hold_end && !interrupted.load()) std::this_thread::sleep_for(10ms);
    const UsageMark held = take_usage_mark(options.server_pid);
    control.release.store(true);
    for (auto& t : threads) t.join();

    StormReport report;
    report.options = &options;
    for (const auto& w : workers) {
        const StormResult& r = w->result();
        if (!r.fatal_error.empty()) std::fprintf(stderr, "tern-bench: worker failed: %s\n", r.fatal_error.c_str());
        report.attempted += r.attempted;
        report.allocated += r.allocated;
        report.lost += r.lost;
        report.deleted += r.deleted;
        merge_failures(report.failures, r.failures);
        report.latency.merge(r.allocation_latency);
        report.seconds = std::max(report.seconds, r.storm_seconds);  // the workers storm side by side
        report.generator.worker_cpu_seconds += r.cpu_seconds;
    }
    for (const auto& [key, count] : report.failures) report.failed += count;
    if (report.seconds > 0) report.allocations_per_second = static_cast<double>(report.allocated) / report.seconds;

    report.server.pid = options.server_pid;
    if (before.server_cpu_seconds && after_storm.server_cpu_seconds) {
        report.server.cpu_seconds = *after_storm.server_cpu_seconds - *before.server_cpu_seconds;
        report.server.cores = server_cores_between(before, after_storm);
        if (*report.server.cpu_seconds > 0)
            report.allocations_per_server_core = static_cast<double>(report.allocated) / *report.server.cpu_seconds;
    }
    report.server.rss_kib_start = before.server_rss_kib;
    report.server.rss_kib_end = held.server_rss_kib;
    report.server.rss_kib_max = held.server_rss_kib;
    if (before.server_rss_kib && held.server_rss_kib && report.allocated > 0)
        report.rss_bytes_per_allocation =
            static_cast<double>(*held.server_rss_kib - *before.server_rss_kib) * 1024.0 / static_cast<double>(report.allocated);
    report.generator.cpu_seconds = after_storm.self_cpu_seconds - before.self_cpu_seconds;
    report.generator.cores = self_cores_between(before, after_storm);
    report.generator.threads = thread_count;
    report.samples = std::move(monitor.samples());

    print_report(stdout, report);
    if (!options.json_path.empty() && !write_json(options.json_path, report)) return 1;
    return report.allocated > 0 && !interrupted.load() ? 0 : 1;
}

}  // namespace tern::bench
