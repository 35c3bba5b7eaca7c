#pragma once
// How the coordinating thread and the workers talk: the coordinator publishes the schedule (when to
// start sending, the measurement window, when storms release), each worker publishes its phase and
// running totals for the live progress line. Single writer per field; relaxed atomics suffice since
// every value stands alone.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace tern::bench {

enum class WorkerPhase : int { Setup, SetupDone, Sending, Draining, Closing, Done };

struct RunControl {
    std::atomic<bool> go{false};     // the schedule below is set: start sending
    std::atomic<bool> abort{false};  // stop as soon as possible (signal, or setup that cannot finish)
    std::atomic<std::int64_t> send_start_ns{0};
    std::atomic<std::int64_t> window_start_ns{0};
    std::atomic<std::int64_t> window_end_ns{0};
    std::atomic<bool> release{false};  // storm: delete the allocations now
};

struct WorkerProgress {
    std::atomic<WorkerPhase> phase{WorkerPhase::Setup};
    std::atomic<std::uint64_t> sent{0};       // probes, all phases
    std::atomic<std::uint64_t> received{0};   // probes verified, all phases
    std::atomic<std::uint64_t> errors{0};     // delivery errors, all phases
    std::atomic<std::uint64_t> ready{0};      // flows set up, or allocations made in a storm
    std::atomic<std::uint64_t> failed{0};     // flows or allocations that failed
};

inline std::int64_t steady_ns(std::chrono::steady_clock::time_point t) noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}
inline std::int64_t steady_now_ns() noexcept { return steady_ns(std::chrono::steady_clock::now()); }

// Single-writer counter update: a plain load and store, no read-modify-write on the hot path.
inline void publish(std::atomic<std::uint64_t>& counter, std::uint64_t value) noexcept {
    counter.store(value, std::memory_order_relaxed);
}

}  // namespace tern::bench
