#include "server/core/allocation_table.hpp"

namespace tern::server {

Allocation* AllocationTable::find(const FiveTuple& client) noexcept {
    const auto it = by_client_.find(client);
    return it == by_client_.end() ? nullptr : &it->second;
}

Allocation* AllocationTable::find_by_relay(RelayId relay) noexcept {
    const auto it = by_relay_.find(relay);
    return it == by_relay_.end() ? nullptr : it->second;
}

Allocation& AllocationTable::insert(Allocation allocation) {
    const FiveTuple key = allocation.client;
    auto [it, inserted] = by_client_.emplace(key, std::move(allocation));
    Allocation& a = it->second;
    for (std::size_t i = 0; i < a.relay_count; ++i) by_relay_[a.relays[i].id] = &a;
    return a;
}

void AllocationTable::forget_indexes(const Allocation& a) {
    for (std::size_t i = 0; i < a.relay_count; ++i) by_relay_.erase(a.relays[i].id);
}

void AllocationTable::erase(const FiveTuple& client) {
    const auto it = by_client_.find(client);
    if (it == by_client_.end()) return;
    forget_indexes(it->second);
    by_client_.erase(it);
}

void AllocationTable::erase_relay(Allocation& a, protocol::AddressFamily family) {
    for (std::size_t i = 0; i < a.relay_count; ++i) {
        if (a.relays[i].local.ip.family != family) continue;
        by_relay_.erase(a.relays[i].id);
        if (i + 1 < a.relay_count) a.relays[i] = a.relays[i + 1];
        --a.relay_count;
        return;
    }
}

void AllocationTable::sweep(const std::function<bool(Allocation&)>& keep,
                            const std::function<void(Allocation&)>& on_remove) {
    for (auto it = by_client_.begin(); it != by_client_.end();) {
        if (keep(it->second)) {
            ++it;
            continue;
        }
        on_remove(it->second);
        forget_indexes(it->second);
        it = by_client_.erase(it);
    }
}

}  // namespace tern::server
