#pragma once
// What the sans-I/O core asks of the layer around it: send bytes, open and close relay sockets, and
// hear about events worth logging. The Asio daemon implements it with sockets; unit tests with
// in-memory queues.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "protocol/transport_address.hpp"
#include "server/core/five_tuple.hpp"

namespace tern::server {

using RelayId = std::uint32_t;

enum class EventKind : std::uint8_t {
    AuthFailed,          // detail: the reason
    AllocationCreated,   // address: the relayed address
    AllocationRefreshed,
    AllocationDeleted,   // detail: why
    PeerDenied,          // detail: the peer and the verdict
};

struct Event {
    EventKind kind;
    const FiveTuple& client;
    std::string_view username;  // may be empty
    std::string_view detail;
    // An address the event is about, formatted only by a shell that logs it (an allocation storm
    // should not pay for strings nobody reads).
    const protocol::TransportAddress* address = nullptr;
};

class ServerIo {
public:
    virtual ~ServerIo() = default;

    // A reply or relayed frame for the client. For stream transports `bytes` is one whole frame.
    virtual void send_to_client(const FiveTuple& client, std::span<const std::uint8_t> bytes) = 0;

    // Binds a UDP relay socket at `local`; nullopt when the port is taken (the core tries another).
    virtual std::optional<RelayId> open_relay(const protocol::TransportAddress& local) = 0;
    virtual void close_relay(RelayId relay) = 0;
    virtual void send_to_peer(RelayId relay, const protocol::TransportAddress& peer,
                              std::span<const std::uint8_t> bytes, bool dont_fragment) = 0;

    virtual void report(const Event& event) = 0;
};

}  // namespace tern::server
