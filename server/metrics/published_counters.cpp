#include "server/metrics/published_counters.hpp"

namespace tern::server {

namespace {

// Every field of a snapshot in one order, for both directions of the copy.
template <class Snapshot, class Visit>
constexpr void for_each_field(Snapshot& s, Visit&& visit) {
    visit(s.core.requests);
    visit(s.core.binding_requests);
    visit(s.core.allocations_created);
    visit(s.core.allocations_deleted);
    visit(s.core.allocations_expired);
    visit(s.core.retransmissions_answered);
    visit(s.core.packets_to_peers);
    visit(s.core.bytes_to_peers);
    visit(s.core.packets_to_clients);
    visit(s.core.bytes_to_clients);
    for (auto& n : s.core.auth_failures) visit(n);
    for (auto& n : s.core.drops) visit(n);
    visit(s.shell.send_failures);
    visit(s.shell.oversize_drops);
    visit(s.allocations);
}

constexpr std::size_t field_count() {
    CounterSnapshot s{};
    std::size_t n = 0;
    for_each_field(s, [&](std::uint64_t&) { ++n; });
    return n;
}
static_assert(field_count() == PublishedCounters::kFields, "a CounterSnapshot field is not published");

}  // namespace

void PublishedCounters::publish(const CounterSnapshot& snapshot) noexcept {
    std::size_t i = 0;
    for_each_field(snapshot, [&](const std::uint64_t& n) { fields_[i++].store(n, std::memory_order_relaxed); });
}

CounterSnapshot PublishedCounters::read() const noexcept {
    CounterSnapshot snapshot;
    std::size_t i = 0;
    for_each_field(snapshot, [&](std::uint64_t& n) { n = fields_[i++].load(std::memory_order_relaxed); });
    return snapshot;
}

}  // namespace tern::server
