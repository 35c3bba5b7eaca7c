// The human-readable report: a short table on stdout.

#include <cinttypes>
#include <string>

#include "bench/tern_bench/report.hpp"

namespace tern::bench {

namespace {

std::string describe_target(const BenchOptions& o) {
    std::string text = o.target == Target::Bare ? "bare forwarder " : "TURN ";
    text += o.server.to_string();
    if (o.target == Target::Turn) {
        text += o.transport == client::ServerTransport::Tcp ? " over TCP" : " over UDP";
        text += o.secret.empty() ? ", long-term credential" : ", shared secret";
    }
    return text;
}

std::string describe_load(const BenchOptions& o) {
    std::string text = std::to_string(o.clients) + " flows, ";
    if (o.target == Target::Turn) text += std::string(o.use_channels ? "ChannelData" : "Send/Data indications") + ", ";
    text += o.target == Target::Bare ? std::string("the forwarder's echo peer, ")
                                     : "peer " + std::string(to_string(o.peer)) + ", ";
    text += std::to_string(o.size) + "-byte SRTP, ";
    text += o.rate > 0 ? "rate " + std::to_string(static_cast<long long>(o.rate)) + "/s"
                       : "max rate (window " + std::to_string(o.window) + " per flow)";
    if (o.threads > 1) text += ", " + std::to_string(o.threads) + " threads";
    return text;
}

void print_failures(std::FILE* out, const char* title, const FailureCounts& failures) {
    if (failures.empty()) return;
    std::fprintf(out, "%-12s", title);
    for (const auto& [key, count] : failures) std::fprintf(out, " %s x%" PRIu64, key.c_str(), count);
    std::fprintf(out, "\n");
}

void print_server(std::FILE* out, const ServerFigures& s) {
    if (!s.pid) {
        std::fprintf(out, "%-12s not measured (give --server-pid)\n", "server");
        return;
    }
    std::fprintf(out, "%-12s pid %d", "server", static_cast<int>(*s.pid));
    if (s.cores) std::fprintf(out, ", %.2f cores (%.2f CPU s)", *s.cores, s.cpu_seconds.value_or(0));
    if (s.rss_kib_start && s.rss_kib_end)
        std::fprintf(out, ", RSS %.1f -> %.1f MiB", static_cast<double>(*s.rss_kib_start) / 1024,
                     static_cast<double>(*s.rss_kib_end) / 1024);
    std::fprintf(out, "\n");
}

void print_generator(std::FILE* out, const GeneratorFigures& g) {
    std::fprintf(out, "%-12s %.2f cores (%.2f CPU s; workers %.2f s", "generator", g.cores, g.cpu_seconds,
                 g.worker_cpu_seconds);
    if (g.echo_cpu_seconds) std::fprintf(out, ", echo peer %.2f s", *g.echo_cpu_seconds);
    std::fprintf(out, ")\n");
}

}  // namespace

void print_report(std::FILE* out, const ThroughputReport& r) {
    const BenchOptions& o = *r.options;
    const TrafficFigures& f = r.figures;
    const TrafficStats& s = r.stats;
    const bool one_way = o.peer == PeerKind::Sink && o.target == Target::Turn;
    const char* delivery = one_way ? "one-way" : "round trip";
    const char* deliveries = one_way ? "one-way deliveries" : "round trips";
    std::fprintf(out, "\ntern-bench %s%s%s\n", std::string(to_string(o.mode)).c_str(), o.label.empty() ? "" : ": ",
                 o.label.c_str());
    std::fprintf(out, "%-12s %s\n", "target", describe_target(o).c_str());
    std::fprintf(out, "%-12s %s\n", "load", describe_load(o).c_str());
    std::fprintf(out, "%-12s %" PRIu64 "/%" PRIu64 " flows ready in %.2f s\n", "setup", r.flows_ready,
                 r.flows_requested, r.setup_seconds);
    print_failures(out, "failures", r.setup_failures);
    if (r.flows_ready == 0) {
        std::fflush(out);
        return;
    }
    std::fprintf(out, "%-12s %.2f s: sent %" PRIu64 ", verified %" PRIu64 ", lost %" PRIu64 " (%.3f%%), reordered %" PRIu64
                      " (%.3f%%)\n",
                 "measured", f.seconds, s.sent, s.received, f.lost, 100 * f.loss_ratio, s.reordered, 100 * f.reorder_ratio);
    std::fprintf(out, "%-12s %.0f %s/s, %.0f relayed datagrams/s, %.1f Mbit/s\n", "rate", f.deliveries_per_second,
                 deliveries, f.relayed_per_second, f.mbit_per_second);
    std::fprintf(out, "%-12s p50 %.0f us, p99 %.0f us, p99.9 %.0f us, max %.0f us, mean %.0f us (%" PRIu64 " samples)\n",
                 delivery, f.latency_p50_us, f.latency_p99_us, f.latency_p999_us, f.latency_max_us, f.latency_mean_us,
                 s.latency.count());
    std::fprintf(out, "%-12s", "errors");
    bool any = false;
    for (std::size_t i = 0; i < kErrorKinds; ++i) {
        if (s.errors[i] == 0) continue;
        std::fprintf(out, " %s %" PRIu64, std::string(to_string(static_cast<ErrorKind>(i))).c_str(), s.errors[i]);
        any = true;
    }
    std::fprintf(out, "%s\n", any ? "" : " none");
    if (r.allocations_lost || r.refreshes)
        std::fprintf(out, "%-12s %" PRIu64 " lost, %" PRIu64 " refreshed\n", "allocations", r.allocations_lost, r.refreshes);
    print_server(out, r.server);
    if (r.deliveries_per_server_core)
        std::fprintf(out, "%-12s %.0f %s/s, %.0f relayed datagrams/s\n", "per core", *r.deliveries_per_server_core,
                     deliveries, r.relayed_per_server_core.value_or(0));
    print_generator(out, r.generator);
    std::fflush(out);
}

void print_report(std::FILE* out, const StormReport& r) {
    const BenchOptions& o = *r.options;
    std::fprintf(out, "\ntern-bench storm%s%s\n", o.label.empty() ? "" : ": ", o.label.c_str());
    std::fprintf(out, "%-12s %s\n", "target", describe_target(o).c_str());
    std::fprintf(out, "%-12s %u allocations, window %u, rate %s\n", "load", o.allocations, o.allocation_window,
                 o.allocation_rate > 0 ? (std::to_string(static_cast<long long>(o.allocation_rate)) + "/s").c_str() : "max");
    std::fprintf(out, "%-12s %" PRIu64 " of %" PRIu64 " allocated in %.2f s: %.0f allocations/s\n", "storm", r.allocated,
                 r.attempted, r.seconds, r.allocations_per_second);
    print_failures(out, "failures", r.failures);
    std::fprintf(out, "%-12s p50 %.2f ms, p99 %.2f ms, max %.2f ms (Allocate, 401, signed Allocate)\n", "latency",
                 static_cast<double>(r.latency.percentile(0.5)) / 1e6, static_cast<double>(r.latency.percentile(0.99)) / 1e6,
                 static_cast<double>(r.latency.max()) / 1e6);
    print_server(out, r.server);
    if (r.rss_bytes_per_allocation)
        std::fprintf(out, "%-12s %.0f bytes of server RSS per allocation\n", "memory", *r.rss_bytes_per_allocation);
    if (r.allocations_per_server_core)
        std::fprintf(out, "%-12s %.0f allocations/s\n", "per core", *r.allocations_per_server_core);
    std::fprintf(out, "%-12s %" PRIu64 " deleted, %" PRIu64 " lost while held\n", "release", r.deleted, r.lost);
    print_generator(out, r.generator);
    std::fflush(out);
}

}  // namespace tern::bench
