#include "bench/tern_bench/traffic_stats.hpp"

namespace tern::bench {

std::string_view to_string(ErrorKind kind) noexcept {
    switch (kind) {
        case ErrorKind::SrtpAuthFailed: return "srtp_auth_failed";
        case ErrorKind::SrtpReplayed: return "srtp_replayed";
        case ErrorKind::SrtpTooOld: return "srtp_too_old";
        case ErrorKind::SrtpMalformed: return "srtp_malformed";
        case ErrorKind::NotAProbe: return "not_a_probe";
        case ErrorKind::WrongFlow: return "wrong_flow";
        case ErrorKind::Duplicate: return "duplicate";
        case ErrorKind::SendFailed: return "send_failed";
    }
    return "unknown";
}

bool is_delivery_error(ErrorKind kind) noexcept { return kind != ErrorKind::SendFailed; }

std::uint64_t TrafficStats::delivery_errors() const noexcept {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < kErrorKinds; ++i)
        if (is_delivery_error(static_cast<ErrorKind>(i))) total += errors[i];
    return total;
}

void TrafficStats::merge(const TrafficStats& other) noexcept {
    sent += other.sent;
    received += other.received;
    received_bytes += other.received_bytes;
    reordered += other.reordered;
    late += other.late;
    for (std::size_t i = 0; i < kErrorKinds; ++i) errors[i] += other.errors[i];
    latency.merge(other.latency);
}

TrafficFigures compute_figures(const TrafficStats& stats, double seconds, unsigned relays_per_delivery) noexcept {
    TrafficFigures f;
    f.seconds = seconds;
    const double received = static_cast<double>(stats.received);
    if (seconds > 0) {
        f.deliveries_per_second = received / seconds;
        f.relayed_per_second = f.deliveries_per_second * relays_per_delivery;
        f.mbit_per_second = static_cast<double>(stats.received_bytes) * relays_per_delivery * 8.0 / seconds / 1e6;
    }
    f.lost = stats.sent > stats.received ? stats.sent - stats.received : 0;
    f.loss_ratio = stats.sent ? static_cast<double>(f.lost) / static_cast<double>(stats.sent) : 0.0;
    f.reorder_ratio = stats.received ? static_cast<double>(stats.reordered) / received : 0.0;
    const auto us = [](std::int64_t ns) { return static_cast<double>(ns) / 1000.0; };
    f.latency_p50_us = us(stats.latency.percentile(0.50));
    f.latency_p99_us = us(stats.latency.percentile(0.99));
    f.latency_p999_us = us(stats.latency.percentile(0.999));
    f.latency_max_us = us(stats.latency.max());
    f.latency_mean_us = stats.latency.mean() / 1000.0;
    return f;
}

double per_core(double per_second, double server_cpu_seconds, double wall_seconds) noexcept {
    if (server_cpu_seconds <= 0 || wall_seconds <= 0) return 0.0;
    return per_second / (server_cpu_seconds / wall_seconds);
}

}  // namespace tern::bench
