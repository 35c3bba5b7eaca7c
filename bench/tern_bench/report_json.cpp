// The full report as JSON (--json FILE): every figure of the table and the inputs, for scripts such
// as bench/compare. Absent measurements are null.

#include <boost/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "bench/tern_bench/report.hpp"

namespace tern::bench {

namespace json = boost::json;

namespace {

template <class T>
json::value optional_value(const std::optional<T>& v) {
    if (!v) return nullptr;
    return json::value(*v);
}

json::object config_of(const BenchOptions& o) {
    json::object c;
    c["target"] = o.target == Target::Bare ? "bare" : "turn";
    c["server"] = o.server.to_string();
    c["transport"] = o.transport == client::ServerTransport::Tcp ? "tcp" : "udp";
    c["credentials"] = o.secret.empty() ? "long-term" : "shared-secret";
    c["clients"] = o.clients;
    c["peer"] = std::string(to_string(o.peer));
    c["channels"] = o.use_channels;
    c["rate"] = o.rate;
    c["window"] = o.window;
    c["size"] = o.size;
    c["duration"] = o.duration;
    c["warmup"] = o.warmup;
    c["threads"] = o.threads;
    c["allocations"] = o.allocations;
    c["allocation_rate"] = o.allocation_rate;
    c["allocation_window"] = o.allocation_window;
    return c;
}

json::object failures_of(const FailureCounts& failures) {
    json::object f;
    for (const auto& [key, count] : failures) f[key] = count;
    return f;
}

json::object server_of(const ServerFigures& s) {
    json::object o;
    o["pid"] = s.pid ? json::value(static_cast<std::int64_t>(*s.pid)) : json::value(nullptr);
    o["cpu_seconds"] = optional_value(s.cpu_seconds);
    o["cores"] = optional_value(s.cores);
    o["rss_kib_start"] = optional_value(s.rss_kib_start);
    o["rss_kib_end"] = optional_value(s.rss_kib_end);
    o["rss_kib_max"] = optional_value(s.rss_kib_max);
    return o;
}

json::object generator_of(const GeneratorFigures& g) {
    json::object o;
    o["cpu_seconds"] = g.cpu_seconds;
    o["cores"] = g.cores;
    o["worker_cpu_seconds"] = g.worker_cpu_seconds;
    o["echo_cpu_seconds"] = optional_value(g.echo_cpu_seconds);
    o["threads"] = g.threads;
    return o;
}

json::array samples_of(const std::vector<ProgressSample>& samples) {
    json::array a;
    for (const auto& s : samples) {
        json::object o;
        o["t"] = s.t;
        o["phase"] = s.phase;
        o["sent_per_second"] = s.sent_per_second;
        o["received_per_second"] = s.received_per_second;
        o["errors"] = s.errors;
        o["server_cores"] = optional_value(s.server_cores);
        o["server_rss_kib"] = optional_value(s.server_rss_kib);
        o["generator_cores"] = s.generator_cores;
        a.push_back(std::move(o));
    }
    return a;
}

json::object latency_of(const LatencyHistogram& h, double unit_ns) {
    json::object o;
    o["p50"] = static_cast<double>(h.percentile(0.50)) / unit_ns;
    o["p90"] = static_cast<double>(h.percentile(0.90)) / unit_ns;
    o["p99"] = static_cast<double>(h.percentile(0.99)) / unit_ns;
    o["p999"] = static_cast<double>(h.percentile(0.999)) / unit_ns;
    o["max"] = static_cast<double>(h.max()) / unit_ns;
    o["mean"] = h.mean() / unit_ns;
    o["samples"] = h.count();
    return o;
}

bool write_document(const std::string& path, const json::object& document) {
    std::ofstream out(path, std::ios::trunc);
    if (out) out << json::serialize(document) << "\n";
    if (!out) {
        std::fprintf(stderr, "tern-bench: cannot write %s: %s\n", path.c_str(), std::strerror(errno));
        return false;
    }
    return true;
}

}  // namespace

bool write_json(const std::string& path, const ThroughputReport& r) {
    const BenchOptions& o = *r.options;
    json::object d;
    d["tool"] = "tern-bench";
    d["mode"] = std::string(to_string(o.mode));
    d["label"] = o.label;
    d["config"] = config_of(o);

    json::object setup;
    setup["flows_requested"] = r.flows_requested;
    setup["flows_ready"] = r.flows_ready;
    setup["seconds"] = r.setup_seconds;
    setup["failures"] = failures_of(r.setup_failures);
    d["setup"] = std::move(setup);

    const TrafficFigures& f = r.figures;
    json::object traffic;
    traffic["seconds"] = f.seconds;
    traffic["sent"] = r.stats.sent;
    traffic["received"] = r.stats.received;
    traffic["lost"] = f.lost;
    traffic["loss_ratio"] = f.loss_ratio;
    traffic["reordered"] = r.stats.reordered;
    traffic["reorder_ratio"] = f.reorder_ratio;
    traffic["late"] = r.stats.late;
    traffic["delivery"] = o.peer == PeerKind::Sink && o.target == Target::Turn ? "one_way" : "round_trip";
    traffic["deliveries_per_second"] = f.deliveries_per_second;
    traffic["relays_per_delivery"] = o.relays_per_delivery();
    traffic["relayed_per_second"] = f.relayed_per_second;
    traffic["mbit_per_second"] = f.mbit_per_second;
    traffic["latency_us"] = latency_of(r.stats.latency, 1e3);
    d["traffic"] = std::move(traffic);

    json::object errors;
    errors["total"] = r.stats.delivery_errors();
    for (std::size_t i = 0; i < kErrorKinds; ++i) errors[to_string(static_cast<ErrorKind>(i))] = r.stats.errors[i];
    d["errors"] = std::move(errors);

    json::object server = server_of(r.server);
    server["deliveries_per_core_second"] = optional_value(r.deliveries_per_server_core);
    server["relayed_per_core_second"] = optional_value(r.relayed_per_server_core);
    d["server"] = std::move(server);
    d["generator"] = generator_of(r.generator);

    json::object allocations;
    allocations["lost"] = r.allocations_lost;
    allocations["refreshes"] = r.refreshes;
    d["allocations"] = std::move(allocations);
    d["samples"] = samples_of(r.samples);
    return write_document(path, d);
}

bool write_json(const std::string& path, const StormReport& r) {
    json::object d;
    d["tool"] = "tern-bench";
    d["mode"] = "storm";
    d["label"] = r.options->label;
    d["config"] = config_of(*r.options);

    json::object storm;
    storm["target"] = r.options->allocations;
    storm["attempted"] = r.attempted;
    storm["allocated"] = r.allocated;
    storm["failed"] = r.failed;
    storm["failures"] = failures_of(r.failures);
    storm["seconds"] = r.seconds;
    storm["allocations_per_second"] = r.allocations_per_second;
    storm["latency_ms"] = latency_of(r.latency, 1e6);
    storm["lost"] = r.lost;
    storm["deleted"] = r.deleted;
    d["storm"] = std::move(storm);

    json::object server = server_of(r.server);
    server["rss_bytes_per_allocation"] = optional_value(r.rss_bytes_per_allocation);
    server["allocations_per_core_second"] = optional_value(r.allocations_per_server_core);
    d["server"] = std::move(server);
    d["generator"] = generator_of(r.generator);
    d["samples"] = samples_of(r.samples);
    return write_document(path, d);
}

}  // namespace tern::bench
