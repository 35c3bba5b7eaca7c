#pragma once
// One shard's counters, published for readers on other threads. The shard's core and shell count in
// plain integers on the packet path; once a second the shard copies them here with relaxed atomic
// stores, and the metrics exporter (another thread) reads them with relaxed loads. Nothing on the
// packet path touches an atomic or a lock; a scrape sees figures at most a second old, each field
// whole (fields may come from two neighbouring publications, which monotonic counters tolerate).

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "server/core/core_stats.hpp"
#include "server/daemon/relay_shell.hpp"

namespace tern::server {

struct CounterSnapshot {
    CoreStats core;
    ShellStats shell;
    std::uint64_t allocations = 0;  // standing now, on this shard
};

class PublishedCounters {
public:
    // The shard's own thread.
    void publish(const CounterSnapshot& snapshot) noexcept;
    // Any thread.
    CounterSnapshot read() const noexcept;

    // Every integer of a snapshot (checked against the copy code at compile time).
    static constexpr std::size_t kFields = 10 + kAuthFailureReasons + kDropReasons + 2 + 1;

private:
    std::array<std::atomic<std::uint64_t>, kFields> fields_{};
};

}  // namespace tern::server
