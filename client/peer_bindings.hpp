#pragma once
// The permissions and channel bindings a client holds on its allocation, with when each must be
// refreshed. Capacity is reserved up front and never exceeded, so lookups and updates on the data path
// never allocate. Entries are looked up by key every time: removing one moves the others.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "client/client_options.hpp"
#include "protocol/transport_address.hpp"

namespace tern::client {

struct PermissionEntry {
    protocol::IpAddress peer;
    bool installed = false;    // the server confirmed it at least once
    bool in_flight = false;    // a CreatePermission for it is outstanding
    bool user_waiting = false; // create_permission() asked for it: report the outcome
    TimePoint refresh_at{};    // next CreatePermission, once installed
    TimePoint valid_until{};   // the server's lifetime, counted from the last success
};

struct ChannelEntry {
    std::uint16_t number = 0;
    protocol::TransportAddress peer;
    bool bound = false;      // the server confirmed it at least once: send() uses ChannelData
    bool in_flight = false;  // a ChannelBind for it is outstanding
    TimePoint refresh_at{};
    TimePoint valid_until{};
};

class PeerBindings {
public:
    PeerBindings(std::size_t max_permissions, std::size_t max_channels);

    PermissionEntry* permission(const protocol::IpAddress& peer) noexcept;
    // A new, not yet installed entry; nullptr when the table is full.
    PermissionEntry* add_permission(const protocol::IpAddress& peer) noexcept;
    void remove_permission(const protocol::IpAddress& peer) noexcept;

    ChannelEntry* channel_to(const protocol::TransportAddress& peer) noexcept;
    ChannelEntry* channel_number(std::uint16_t number) noexcept;
    // A new entry with the next unused number from 0x4000 (numbers are never reused within an
    // allocation, so the server's reuse delay never matters); nullptr when full or out of numbers.
    ChannelEntry* add_channel(const protocol::TransportAddress& peer) noexcept;
    void remove_channel(std::uint16_t number) noexcept;

    std::span<PermissionEntry> permissions() noexcept { return permissions_; }
    std::span<ChannelEntry> channels() noexcept { return channels_; }
    std::span<const PermissionEntry> permissions() const noexcept { return permissions_; }
    std::span<const ChannelEntry> channels() const noexcept { return channels_; }

    // The earliest refresh due among installed entries with nothing in flight.
    std::optional<TimePoint> next_refresh() const noexcept;

    void clear() noexcept;

private:
    std::size_t max_permissions_;
    std::size_t max_channels_;
    std::vector<PermissionEntry> permissions_;
    std::vector<ChannelEntry> channels_;
    std::uint32_t next_channel_;
};

}  // namespace tern::client
