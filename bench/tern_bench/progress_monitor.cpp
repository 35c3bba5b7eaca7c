#include "bench/tern_bench/progress_monitor.hpp"

#include <cinttypes>
#include <cstdio>
#include <string>

namespace tern::bench {

ProgressMonitor::ProgressMonitor(std::span<const WorkerProgress> workers, std::optional<pid_t> server_pid, bool print)
    : workers_(workers),
      server_pid_(server_pid),
      print_(print),
      origin_(std::chrono::steady_clock::now()),
      last_mark_(take_usage_mark(server_pid)) {}

ProgressMonitor::Totals ProgressMonitor::totals() const noexcept {
    Totals t;
    for (const auto& w : workers_) {
        t.sent += w.sent.load(std::memory_order_relaxed);
        t.received += w.received.load(std::memory_order_relaxed);
        t.errors += w.errors.load(std::memory_order_relaxed);
        t.ready += w.ready.load(std::memory_order_relaxed);
        t.failed += w.failed.load(std::memory_order_relaxed);
    }
    return t;
}

void ProgressMonitor::tick(std::string_view phase) {
    const UsageMark mark = take_usage_mark(server_pid_);
    const Totals now = totals();
    const double wall = std::chrono::duration<double>(mark.at - last_mark_.at).count();
    ProgressSample s;
    s.t = std::chrono::duration<double>(mark.at - origin_).count();
    s.phase = std::string(phase);
    if (wall > 0) {
        s.sent_per_second = static_cast<double>(now.sent - last_totals_.sent) / wall;
        s.received_per_second = static_cast<double>(now.received - last_totals_.received) / wall;
    }
    s.errors = now.errors;
    s.server_cores = server_cores_between(last_mark_, mark);
    s.server_rss_kib = mark.server_rss_kib;
    s.generator_cores = self_cores_between(last_mark_, mark);
    if (print_) {
        std::fprintf(stderr, "[%6.1f s] %-9s sent %8.0f/s  verified %8.0f/s  errors %" PRIu64 "  generator %.2f cores",
                     s.t, s.phase.c_str(), s.sent_per_second, s.received_per_second, s.errors, s.generator_cores);
        if (s.server_cores) std::fprintf(stderr, "  server %.2f cores", *s.server_cores);
        if (s.server_rss_kib) std::fprintf(stderr, " %.1f MiB", static_cast<double>(*s.server_rss_kib) / 1024);
        std::fprintf(stderr, "\n");
    }
    samples_.push_back(std::move(s));
    last_mark_ = mark;
    last_totals_ = now;
}

void ProgressMonitor::tick_setup(std::string_view what, std::uint64_t wanted) {
    const UsageMark mark = take_usage_mark(server_pid_);
    const Totals now = totals();
    ProgressSample s;
    s.t = std::chrono::duration<double>(mark.at - origin_).count();
    s.phase = "setup";
    s.server_cores = server_cores_between(last_mark_, mark);
    s.server_rss_kib = mark.server_rss_kib;
    s.generator_cores = self_cores_between(last_mark_, mark);
    if (print_) {
        std::fprintf(stderr, "[%6.1f s] setup     %.*s ready %" PRIu64 "/%" PRIu64 ", failed %" PRIu64, s.t,
                     static_cast<int>(what.size()), what.data(), now.ready, wanted, now.failed);
        if (s.server_rss_kib) std::fprintf(stderr, "  server %.1f MiB", static_cast<double>(*s.server_rss_kib) / 1024);
        std::fprintf(stderr, "\n");
    }
    samples_.push_back(std::move(s));
    last_mark_ = mark;
    last_totals_ = now;
}

}  // namespace tern::bench
