#pragma once
// The settings the sans-I/O core needs, derived from DaemonConfig (or set directly by tests).

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "protocol/transport_address.hpp"
#include "server/config/daemon_config.hpp"

namespace tern::server {

struct RelayAddress {
    protocol::IpAddress local;       // where relay sockets are bound
    protocol::IpAddress advertised;  // what XOR-RELAYED-ADDRESS says (differs behind NAT)
};

struct CoreConfig {
    std::vector<RelayAddress> relay_addresses;  // at most one per family is used
    std::uint16_t relay_port_min = 49152;
    std::uint16_t relay_port_max = 65535;

    std::chrono::seconds default_lifetime{600};
    std::chrono::seconds max_lifetime{3600};
    std::chrono::seconds permission_lifetime{300};
    std::chrono::seconds channel_lifetime{600};
    std::chrono::seconds nonce_lifetime{600};
    std::chrono::seconds reservation_lifetime{30};     // RFC 8656 §7.2: EVEN-PORT R bit reservations
    std::chrono::seconds channel_reuse_delay{300};     // RFC 8656 §12: before a number may change peer
    std::chrono::seconds response_cache_lifetime{40};  // a little over a STUN transaction timeout

    std::uint32_t max_allocations = 0;  // 0: no limit
    std::uint32_t user_quota = 0;       // 0: no limit
    std::size_t max_permissions = 128;  // per allocation
    std::size_t max_channels = 128;     // per allocation
    std::uint16_t max_channel_number = 0x4FFF;  // 0x7FFF accepts RFC 5766 clients' numbers

    ExpiryPolicy expiry_policy = ExpiryPolicy::Refresh;
    std::string software = "Tern";
};

}  // namespace tern::server
