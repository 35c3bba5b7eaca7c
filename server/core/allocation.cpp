#include "server/core/allocation.hpp"

#include <algorithm>

namespace tern::server {

const RelayEndpoint* Allocation::relay_for(protocol::AddressFamily family) const noexcept {
    for (std::size_t i = 0; i < relay_count; ++i)
        if (relays[i].local.ip.family == family) return &relays[i];
    return nullptr;
}

bool Allocation::has_permission(const protocol::IpAddress& peer, MonoTime now) const noexcept {
    for (const auto& p : permissions)
        if (p.peer == peer) return now < p.expires;
    return false;
}

bool Allocation::grant_permission(const protocol::IpAddress& peer, MonoTime expires_at, std::size_t limit) {
    for (auto& p : permissions) {
        if (p.peer == peer) {
            p.expires = expires_at;
            return true;
        }
    }
    if (permissions.size() >= limit) return false;
    permissions.push_back({peer, expires_at});
    return true;
}

const ChannelBinding* Allocation::active_channel(std::uint16_t number, MonoTime now) const noexcept {
    for (const auto& c : channels)
        if (c.number == number) return c.active(now) ? &c : nullptr;
    return nullptr;
}

const ChannelBinding* Allocation::active_channel_to(const protocol::TransportAddress& peer,
                                                    MonoTime now) const noexcept {
    for (const auto& c : channels)
        if (c.peer == peer && c.active(now)) return &c;
    return nullptr;
}

ChannelBinding* Allocation::binding_with_number(std::uint16_t number) noexcept {
    for (auto& c : channels)
        if (c.number == number) return &c;
    return nullptr;
}

ChannelBinding* Allocation::binding_with_peer(const protocol::TransportAddress& peer) noexcept {
    for (auto& c : channels)
        if (c.peer == peer) return &c;
    return nullptr;
}

void Allocation::sweep(MonoTime now) {
    std::erase_if(permissions, [now](const Permission& p) { return p.expires <= now; });
    std::erase_if(channels, [now](const ChannelBinding& c) { return c.reusable <= now; });
}

}  // namespace tern::server
