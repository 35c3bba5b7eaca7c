#pragma once
// What a worker counts about the probes of the measurement window, and the figures derived from the
// merged counts. A probe belongs to the window when its send time does: it counts as sent then, and as
// received (with its latency) whenever it arrives before the drain ends. So loss is exactly "sent in
// the window and never verified", whatever the delays. Errors are counted whenever they happen.

#include <array>
#include <cstdint>
#include <string_view>

#include "bench/tern_bench/latency_histogram.hpp"

namespace tern::bench {

enum class ErrorKind : std::uint8_t {
    SrtpAuthFailed,  // corrupted or truncated on the way
    SrtpReplayed,    // libsrtp saw this index before: duplicated or replayed
    SrtpTooOld,      // behind libsrtp's replay window
    SrtpMalformed,   // not SRTP at all
    NotAProbe,       // authenticated, but not a probe (cannot happen unless the key leaked)
    WrongFlow,       // an SSRC that is not the flow of the path it came on (or no flow at all): misrouted
    Duplicate,       // passed SRTP yet the flow's window saw the sequence before
    SendFailed,      // the local socket refused a probe (its buffer was full)
};
inline constexpr std::size_t kErrorKinds = 8;
std::string_view to_string(ErrorKind kind) noexcept;
// Whether the kind means the relay delivered something wrong (SendFailed is local back-pressure).
bool is_delivery_error(ErrorKind kind) noexcept;

struct TrafficStats {
    std::uint64_t sent = 0;            // probes sent in the window
    std::uint64_t received = 0;        // of those, verified at the receiver (each once)
    std::uint64_t received_bytes = 0;  // SRTP bytes of those
    std::uint64_t reordered = 0;       // of those, arrived after a higher sequence of the same flow
    std::uint64_t late = 0;            // of those, older than the sequence window (counted as received)
    std::array<std::uint64_t, kErrorKinds> errors{};
    LatencyHistogram latency;

    void count_error(ErrorKind kind) noexcept { ++errors[static_cast<std::size_t>(kind)]; }
    std::uint64_t error(ErrorKind kind) const noexcept { return errors[static_cast<std::size_t>(kind)]; }
    std::uint64_t delivery_errors() const noexcept;
    void merge(const TrafficStats& other) noexcept;
};

// The figures of a measurement, from merged stats.
struct TrafficFigures {
    double seconds = 0;
    double deliveries_per_second = 0;  // probes verified back at a receiver: round trips, one-way with a sink
    double relayed_per_second = 0;     // datagrams the relay forwarded: deliveries x relay hops per delivery
    double mbit_per_second = 0;        // relayed SRTP bytes (not counting TURN framing) in Mbit/s
    std::uint64_t lost = 0;
    double loss_ratio = 0;             // lost / sent
    double reorder_ratio = 0;          // reordered / received
    double latency_p50_us = 0, latency_p99_us = 0, latency_p999_us = 0, latency_max_us = 0, latency_mean_us = 0;
};

// `relays_per_delivery`: how many times the relay forwards a probe between send and verification (2
// for a round trip through an echo peer, 4 relay to relay, 1 into a sink).
TrafficFigures compute_figures(const TrafficStats& stats, double seconds, unsigned relays_per_delivery) noexcept;

// A rate per server core: `per_second` divided by the cores the server kept busy (its CPU seconds over
// the wall-clock seconds). 0 when the server's CPU was not measured.
double per_core(double per_second, double server_cpu_seconds, double wall_seconds) noexcept;

}  // namespace tern::bench
