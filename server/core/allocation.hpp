#pragma once
// One TURN allocation (RFC 8656 §2.2): the relayed transport address(es) of a client 5-tuple, with
// its permissions (by peer IP) and channel bindings (number <-> peer transport address).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/long_term_key.hpp"
#include "protocol/constants.hpp"
#include "protocol/transport_address.hpp"
#include "server/core/five_tuple.hpp"
#include "server/core/instant.hpp"
#include "server/core/server_io.hpp"

namespace tern::server {

struct Permission {
    protocol::IpAddress peer;
    MonoTime expires;
};

struct ChannelBinding {
    std::uint16_t number = 0;
    protocol::TransportAddress peer;
    MonoTime expires;  // after this the binding is inactive; kept until `reusable` (RFC 8656 §12)
    MonoTime reusable;

    bool active(MonoTime now) const noexcept { return now < expires; }
};

struct RelayEndpoint {
    RelayId id = 0;
    protocol::TransportAddress local;
    protocol::TransportAddress advertised;
};

struct Allocation {
    FiveTuple client;
    std::array<RelayEndpoint, 2> relays{};  // one per address family (two for dual-stack)
    std::size_t relay_count = 0;
    MonoTime expires;

    std::string username;
    std::optional<std::int64_t> credential_expires_unix;  // ephemeral credentials only
    protocol::TransactionId created_by{};                 // to recognise a retransmitted Allocate
    bool dont_fragment = false;

    std::vector<Permission> permissions;
    std::vector<ChannelBinding> channels;

    const RelayEndpoint* relay_for(protocol::AddressFamily family) const noexcept;
    bool has_permission(const protocol::IpAddress& peer, MonoTime now) const noexcept;
    // Installs or refreshes; false when a new one would exceed `limit`.
    bool grant_permission(const protocol::IpAddress& peer, MonoTime expires, std::size_t limit);

    const ChannelBinding* active_channel(std::uint16_t number, MonoTime now) const noexcept;
    const ChannelBinding* active_channel_to(const protocol::TransportAddress& peer, MonoTime now) const noexcept;
    // Any binding, active or cooling down, that holds this number or this peer.
    ChannelBinding* binding_with_number(std::uint16_t number) noexcept;
    ChannelBinding* binding_with_peer(const protocol::TransportAddress& peer) noexcept;

    // Drops expired permissions and bindings past their reuse delay.
    void sweep(MonoTime now);
};

}  // namespace tern::server
