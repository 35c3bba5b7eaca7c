#pragma once
// What the shards of one daemon share, all of it atomics: the quota counters, one port pool per relay
// IP, and the EVEN-PORT reservations. Built once from the core configuration; every TurnServer gets a
// reference.

#include <deque>
#include <utility>

#include "server/core/core_config.hpp"
#include "server/core/port_pool.hpp"
#include "server/core/reservation_table.hpp"
#include "server/core/shared_counters.hpp"

namespace tern::server {

class SharedState {
public:
    explicit SharedState(const CoreConfig& config);
    SharedState(const SharedState&) = delete;
    SharedState& operator=(const SharedState&) = delete;

    SharedCounters& counters() noexcept { return counters_; }
    const SharedCounters& counters() const noexcept { return counters_; }
    ReservationTable& reservations() noexcept { return reservations_; }
    // The pool of a relay IP, or null for an IP that is not a relay address.
    PortPool* pool_for(const protocol::IpAddress& relay_ip) noexcept;
    // Pools by index (the order of CoreConfig::relay_addresses), as reservations name them.
    std::optional<std::uint8_t> pool_index(const protocol::IpAddress& relay_ip) const noexcept;
    PortPool* pool_at(std::uint8_t index) noexcept;
    const protocol::IpAddress* pool_ip(std::uint8_t index) const noexcept;

private:
    SharedCounters counters_;
    std::deque<std::pair<protocol::IpAddress, PortPool>> pools_;  // deque: atomics cannot move
    ReservationTable reservations_;
};

}  // namespace tern::server
