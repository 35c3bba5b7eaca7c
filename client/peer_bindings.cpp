#include "client/peer_bindings.hpp"

#include <algorithm>

#include "protocol/channel_data.hpp"

namespace tern::client {

PeerBindings::PeerBindings(std::size_t max_permissions, std::size_t max_channels)
    : max_permissions_(max_permissions), max_channels_(max_channels), next_channel_(protocol::kMinChannel) {
    permissions_.reserve(max_permissions_);
    channels_.reserve(max_channels_);
}

PermissionEntry* PeerBindings::permission(const protocol::IpAddress& peer) noexcept {
    for (auto& p : permissions_)
        if (p.peer == peer) return &p;
    return nullptr;
}

PermissionEntry* PeerBindings::add_permission(const protocol::IpAddress& peer) noexcept {
    if (permissions_.size() >= max_permissions_) return nullptr;
    PermissionEntry entry;
    entry.peer = peer;
    permissions_.push_back(entry);  // within the reserved capacity: no allocation
    return &permissions_.back();
}

void PeerBindings::remove_permission(const protocol::IpAddress& peer) noexcept {
    std::erase_if(permissions_, [&peer](const PermissionEntry& p) { return p.peer == peer; });
}

ChannelEntry* PeerBindings::channel_to(const protocol::TransportAddress& peer) noexcept {
    for (auto& c : channels_)
        if (c.peer == peer) return &c;
    return nullptr;
}

ChannelEntry* PeerBindings::channel_number(std::uint16_t number) noexcept {
    for (auto& c : channels_)
        if (c.number == number) return &c;
    return nullptr;
}

ChannelEntry* PeerBindings::add_channel(const protocol::TransportAddress& peer) noexcept {
    if (channels_.size() >= max_channels_ || next_channel_ > protocol::kMaxChannel) return nullptr;
    ChannelEntry entry;
    entry.number = static_cast<std::uint16_t>(next_channel_++);
    entry.peer = peer;
    channels_.push_back(entry);
    return &channels_.back();
}

void PeerBindings::remove_channel(std::uint16_t number) noexcept {
    std::erase_if(channels_, [number](const ChannelEntry& c) { return c.number == number; });
}

std::optional<TimePoint> PeerBindings::next_refresh() const noexcept {
    std::optional<TimePoint> next;
    for (const auto& p : permissions_)
        if (p.installed && !p.in_flight && (!next || p.refresh_at < *next)) next = p.refresh_at;
    for (const auto& c : channels_)
        if (c.bound && !c.in_flight && (!next || c.refresh_at < *next)) next = c.refresh_at;
    return next;
}

void PeerBindings::clear() noexcept {
    permissions_.clear();
    channels_.clear();
}

}  // namespace tern::client
