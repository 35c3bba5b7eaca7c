// Throughput and soak runs: workers set up, then warm-up, measurement and drain on one schedule.

#include <algorithm>
#include <memory>
#include <thread>
#include <vector>

#include "bench/tern_bench/coordinator.hpp"
#include "bench/tern_bench/echo_peer.hpp"
#include "bench/tern_bench/progress_monitor.hpp"
#include "bench/tern_bench/throughput_worker.hpp"
#include "bench/tern_bench/worker_threads.hpp"

namespace tern::bench {

namespace {

using namespace std::chrono_literals;
using SteadyTime = std::chrono::steady_clock::time_point;

std::chrono::steady_clock::duration seconds(double s) {
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

// Sleeps until `until`, ticking the progress line every second on the way.
class Ticker {
public:
    Ticker(ProgressMonitor& monitor, const std::atomic<bool>& interrupted, RunControl& control, long& rss_max)
        : monitor_(monitor), interrupted_(interrupted), control_(control), rss_max_(rss_max) {}

    void start(SteadyTime first_tick) { next_tick_ = first_tick; }

    void sleep_until(SteadyTime until, std::string_view phase) {
        for (auto now = std::chrono::steady_clock::now(); now < until; now = std::chrono::steady_clock::now()) {
            if (interrupted_.load()) control_.abort.store(true);
            if (control_.abort.load()) return;
            std::this_thread::sleep_until(std::min({until, next_tick_, now + 50ms}));
            if (std::chrono::steady_clock::now() < next_tick_) continue;
            monitor_.tick(phase);
            if (const auto rss = monitor_.samples().back().server_rss_kib) rss_max_ = std::max(rss_max_, *rss);
            next_tick_ += 1s;
        }
    }

private:
    ProgressMonitor& monitor_;
    const std::atomic<bool>& interrupted_;
    RunControl& control_;
    long& rss_max_;
    SteadyTime next_tick_{};
};

}  // namespace

int run_throughput(const BenchOptions& options, const std::atomic<bool>& interrupted) {
    const SrtpMasterKey key = random_master_key();
    // The built-in echo: for TURN runs with --peer echo, and for bare runs given --echo-listen.
    std::unique_ptr<EchoPeer> echo;
    protocol::TransportAddress peer = options.peer_address;
    const bool builtin_echo =
        options.target == Target::Turn ? options.peer == PeerKind::BuiltinEcho : options.echo_listen.has_value();
    if (builtin_echo) {
        echo = std::make_unique<EchoPeer>(options.echo_listen.value_or(protocol::TransportAddress{options.local_ip, 0}));
        echo->start(std::chrono::duration<double>(options.setup_timeout + options.warmup + options.duration +
                                                  options.drain + 30));
        peer = echo->address();
    }

    RunControl control;
    std::vector<WorkerProgress> progress(options.threads);
    std::vector<std::unique_ptr<ThroughputWorker>> workers;
    std::uint32_t first = 0;
    for (unsigned t = 0; t < options.threads; ++t) {
        const std::uint32_t count = options.clients / options.threads + (t < options.clients % options.threads ? 1 : 0);
        workers.push_back(std::make_unique<ThroughputWorker>(options, key, first, count, peer, control, progress[t]));
        first += count;
    }
    std::vector<std::thread> threads = start_workers(workers, progress);

    ProgressMonitor monitor(progress, options.server_pid, options.progress);
    // Setup: the workers bound it with --setup-timeout themselves.
    for (auto next_tick = std::chrono::steady_clock::now() + 1s; !all_at_least(progress, WorkerPhase::SetupDone);) {
        std::this_thread::sleep_for(20ms);
        if (interrupted.load()) control.abort.store(true);
        if (std::chrono::steady_clock::now() >= next_tick) {
            monitor.tick_setup("flows", options.clients);
            next_tick += 1s;
        }
    }
    ThroughputReport report;
    report.options = &options;
    report.flows_requested = options.clients;
    for (const auto& w : workers) report.flows_ready += w->result().flows_ready;
    if (report.flows_ready == 0 || control.abort.load()) {
        control.abort.store(true);
        for (auto& t : threads) t.join();
        for (const auto& w : workers) {
            if (!w->result().fatal_error.empty()) std::fprintf(stderr, "tern-bench: %s\n", w->result().fatal_error.c_str());
            merge_failures(report.setup_failures, w->result().setup_failures);
            report.setup_seconds = std::max(report.setup_seconds, w->result().setup_seconds);
        }
        std::fprintf(stderr, "tern-bench: %s\n", report.flows_ready == 0 ? "no flow could be set up" : "interrupted");
        print_report(stdout, report);
        if (!options.json_path.empty()) write_json(options.json_path, report);
        return 1;
    }

    // The schedule: warm-up, then the measurement window; every worker sends from send_start.
    const SteadyTime send_start = std::chrono::steady_clock::now();
    const SteadyTime window_start = send_start + seconds(options.warmup);
    const SteadyTime window_end = window_start + seconds(options.duration);
    control.send_start_ns.store(steady_ns(send_start));
    control.window_start_ns.store(steady_ns(window_start));
    control.window_end_ns.store(steady_ns(window_end));
    control.go.store(true);
    monitor.set_origin(send_start);

    long rss_max = 0;
    Ticker ticker(monitor, interrupted, control, rss_max);
    ticker.start(send_start + 1s);
    ticker.sleep_until(window_start, "warmup");
    const UsageMark at_start = take_usage_mark(options.server_pid);
    ticker.sleep_until(window_end, options.mode == Mode::Soak ? "soak" : "measuring");
    const UsageMark at_end = take_usage_mark(options.server_pid);
    for (auto& t : threads) t.join();
    if (echo) echo->stop();

    for (const auto& w : workers) {
        const ThroughputResult& r = w->result();
        if (!r.fatal_error.empty()) std::fprintf(stderr, "tern-bench: worker failed: %s\n", r.fatal_error.c_str());
        report.stats.merge(r.stats);
        merge_failures(report.setup_failures, r.setup_failures);
        report.setup_seconds = std::max(report.setup_seconds, r.setup_seconds);
        report.allocations_lost += r.allocations_lost;
        report.refreshes += r.refreshes;
        report.generator.worker_cpu_seconds += r.window_cpu_seconds;
    }
    // Rates over the scheduled window, which decides exactly which probes count; CPU over the marks
    // taken at its edges (within a few milliseconds of it).
    const double wall = std::chrono::duration<double>(at_end.at - at_start.at).count();
    const double window_seconds =
        control.abort.load() ? wall : std::chrono::duration<double>(window_end - window_start).count();
    report.figures = compute_figures(report.stats, window_seconds, options.relays_per_delivery());

    report.server.pid = options.server_pid;
    if (at_start.server_cpu_seconds && at_end.server_cpu_seconds) {
        report.server.cpu_seconds = *at_end.server_cpu_seconds - *at_start.server_cpu_seconds;
        report.server.cores = server_cores_between(at_start, at_end);
        report.deliveries_per_server_core = per_core(report.figures.deliveries_per_second, *report.server.cpu_seconds, wall);
        report.relayed_per_server_core = per_core(report.figures.relayed_per_second, *report.server.cpu_seconds, wall);
    }
    report.server.rss_kib_start = at_start.server_rss_kib;
    report.server.rss_kib_end = at_end.server_rss_kib;
    if (at_end.server_rss_kib) report.server.rss_kib_max = std::max({rss_max, at_start.server_rss_kib.value_or(0), *at_end.server_rss_kib});
    report.generator.cpu_seconds = at_end.self_cpu_seconds - at_start.self_cpu_seconds;
    report.generator.cores = self_cores_between(at_start, at_end);
    report.generator.threads = options.threads;
    if (echo) report.generator.echo_cpu_seconds = echo->cpu_seconds();
    report.samples = std::move(monitor.samples());

    print_report(stdout, report);
    if (!options.json_path.empty() && !write_json(options.json_path, report)) return 1;
    return interrupted.load() ? 1 : 0;
}

}  // namespace tern::bench
