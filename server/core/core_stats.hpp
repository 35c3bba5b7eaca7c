#pragma once
// Counters of one shard's core. Plain integers: a shard owns its counters; the metrics exporter
// reads them from the shard's own thread (or sums snapshots), never through a lock.

#include <array>
#include <cstdint>
#include <string_view>

#include "server/core/authenticator.hpp"

namespace tern::server {

enum class DropReason : std::uint8_t {
    Malformed,         // not parseable as STUN or ChannelData
    NoAllocation,      // Send, ChannelData or peer data with no allocation
    NoPermission,      // peer not permitted
    NoChannel,         // ChannelData on an unbound or expired channel
    PeerDenied,        // the peer policy refused a Send
    FamilyMismatch,    // peer family not relayed by the allocation
    NotARequest,       // responses and unknown indications
};
inline constexpr std::size_t kDropReasons = 7;
std::string_view to_string(DropReason r) noexcept;

struct CoreStats {
    std::uint64_t requests = 0;
    std::uint64_t binding_requests = 0;
    std::uint64_t allocations_created = 0;
    std::uint64_t allocations_deleted = 0;
    std::uint64_t allocations_expired = 0;
    std::uint64_t retransmissions_answered = 0;
    std::uint64_t packets_to_peers = 0;
    std::uint64_t bytes_to_peers = 0;
    std::uint64_t packets_to_clients = 0;
    std::uint64_t bytes_to_clients = 0;
    std::array<std::uint64_t, kAuthFailureReasons> auth_failures{};
    std::array<std::uint64_t, kDropReasons> drops{};

    void count_drop(DropReason r) noexcept { ++drops[static_cast<std::size_t>(r)]; }
    void count_auth_failure(AuthFailureReason r) noexcept { ++auth_failures[static_cast<std::size_t>(r)]; }
};

}  // namespace tern::server
