#pragma once
// All allocations of one shard, found by client 5-tuple (requests, ChannelData from the client) and
// by relay socket (data from peers). (Quota counts live in SharedCounters, across shards.) Allocation addresses are
// stable while the allocation exists (node-based map), so the relay index can point at them.

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

#include "server/core/allocation.hpp"

namespace tern::server {

class AllocationTable {
public:
    Allocation* find(const FiveTuple& client) noexcept;
    Allocation* find_by_relay(RelayId relay) noexcept;

    // Inserts a fully formed allocation (its relays open). The 5-tuple must be free.
    Allocation& insert(Allocation allocation);
    // Forgets the allocation; the caller has closed its relays.
    void erase(const FiveTuple& client);
    // Drops one relay of a dual-stack allocation (Refresh with REQUESTED-ADDRESS-FAMILY, lifetime 0).
    void erase_relay(Allocation& allocation, protocol::AddressFamily family);

    std::size_t size() const noexcept { return by_client_.size(); }

    // Visits every allocation; the visitor returns true to keep it, false to have it removed after
    // `on_remove` ran (which closes its relays).
    void sweep(const std::function<bool(Allocation&)>& keep, const std::function<void(Allocation&)>& on_remove);

    template <class F>
    void for_each(F&& f) {
        for (auto& [tuple, allocation] : by_client_) f(allocation);
    }

private:
    void forget_indexes(const Allocation& a);

    std::unordered_map<FiveTuple, Allocation> by_client_;
    std::unordered_map<RelayId, Allocation*> by_relay_;
};

}  // namespace tern::server
