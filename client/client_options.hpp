#pragma once
// The settings of a TURN client: which transport reaches the server, and the timing of the STUN
// transactions and of the refreshes that keep an allocation, its permissions and channels alive.
// Defaults follow RFC 8489 §6.2 (retransmission) and RFC 8656 (lifetimes).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/relay_buffer.hpp"
#include "protocol/transport_address.hpp"

namespace tern::client {

// The client's clock: monotonic, handed in as a value with every input (the core never reads it).
using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

// UDP carries each message in its own datagram and loses some: requests are retransmitted. TCP carries
// a stream of frames: ChannelData is padded to 4 bytes and requests are sent once.
enum class ServerTransport : std::uint8_t { Udp, Tcp };

struct ClientOptions {
    // LIFETIME asked for in Allocate and Refresh; unset lets the server choose (600 s by default).
    std::optional<std::chrono::seconds> requested_lifetime;
    // The allocation is refreshed this long before it expires, or at 3/4 of its lifetime if that is
    // earlier. Keep it above the transaction timeout (39.5 s), so a lost refresh can still be retried.
    std::chrono::seconds refresh_margin{60};
    // Permissions last 300 s and channels 600 s on the server (RFC 8656 §9, §12); refresh them before.
    std::chrono::seconds permission_refresh{240};
    std::chrono::seconds channel_refresh{540};

    // RFC 8489 §6.2.1: over UDP a request is sent up to `max_transmissions` times, the gaps doubling
    // from `initial_rto`; it times out `last_wait_multiplier` x initial_rto after the last send
    // (500 ms, 7, 16: sends at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s, timeout at 39.5 s).
    std::chrono::milliseconds initial_rto{500};
    unsigned max_transmissions = 7;
    unsigned last_wait_multiplier = 16;
    // RFC 8489 §6.2.2: over TCP a request is sent once and times out after 39.5 s.
    std::chrono::milliseconds stream_timeout{39'500};

    // When the server offers PASSWORD-ALGORITHMS (RFC 8489 §9.2), use SHA-256 if it is listed; false
    // picks MD5 from the list. A server that offers no list gets the RFC 5389 MD5 exchange either way.
    bool prefer_sha256 = true;
    bool fingerprint = true;  // FINGERPRINT on every request
    std::optional<protocol::AddressFamily> requested_family;  // REQUESTED-ADDRESS-FAMILY in Allocate
    std::string software;  // SOFTWARE on requests when not empty

    // Capacities reserved at construction, so the tables never grow (or allocate) afterwards.
    std::size_t max_permissions = 64;
    std::size_t max_channels = 64;
    std::size_t max_pending_requests = 16;
    // The largest payload send() takes; the core reserves room for it (plus the frame's header) at
    // construction. A client that sends small datagrams, or none through the core (a load generator
    // framing its own), keeps its memory small with a lower figure. At most kMaxRelayPayload.
    std::size_t max_payload = protocol::kMaxRelayPayload;
};

}  // namespace tern::client
