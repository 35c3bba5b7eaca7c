#pragma once
// What a TurnClientCore tells the layer around it: bytes for the server (ClientIo::send_to_server) and
// events (ClientIo::on_event). Both are called synchronously from inside the core's input and command
// functions. Views inside an event (payload, reason) are valid only during the call.
//
// A handler may call the core's commands (create_permission, bind_channel, send, close) from inside
// on_event; it must not destroy the core there. send_to_server must not feed bytes back into the core
// before it returns (queue them instead): the core is not re-entrant for input.

#include <chrono>
#include <cstdint>
#include <span>
#include <string_view>

#include "protocol/message_type.hpp"
#include "protocol/transport_address.hpp"

namespace tern::client {

enum class ClientEventKind : std::uint8_t {
    Allocated,            // allocation: relayed and mapped addresses, lifetime
    AllocationRefreshed,  // allocation.lifetime: what the server granted this time
    PermissionCreated,    // peer (port 0): the first CreatePermission for it succeeded
    PermissionFailed,     // peer, error: refused, or lost because a refresh failed
    ChannelBound,         // peer, channel: the first ChannelBind succeeded; send() now uses ChannelData
    ChannelFailed,        // peer, channel, error: refused, or lost because a refresh failed
    Data,                 // peer, payload, channel (0 when it came in a Data indication)
    Error,                // error: the allocation failed or was lost; the client is now Failed
    Closed,               // close() finished: the server deleted the allocation (or did not answer)
};

enum class ClientErrorKind : std::uint8_t {
    None,
    ErrorResponse,         // the server answered with ERROR-CODE `code`
    Timeout,               // no answer within the transaction timeout
    AuthenticationFailed,  // the credentials were refused (a 401 to a signed request), or no usable algorithm
    BadResponse,           // a success answer without the attributes it must carry
    AllocationExpired,     // the lifetime ran out before a refresh succeeded
    RequestTooLarge,       // the credentials or nonce make a request larger than its buffer
    Transport,             // the socket failed (reported by TurnClient, never by the core)
};

std::string_view to_string(ClientEventKind kind) noexcept;
std::string_view to_string(ClientErrorKind kind) noexcept;

struct ClientError {
    ClientErrorKind kind = ClientErrorKind::None;
    protocol::Method method = protocol::Method::Allocate;  // the request it is about
    std::uint16_t code = 0;                                 // STUN error code, for ErrorResponse
    std::string_view reason;                                // REASON-PHRASE or a fixed description
};

struct AllocationInfo {
    protocol::TransportAddress relayed;  // XOR-RELAYED-ADDRESS: where peers send to reach this client
    protocol::TransportAddress mapped;   // XOR-MAPPED-ADDRESS: this client as the server sees it
    std::chrono::seconds lifetime{0};
};

struct ClientEvent {
    ClientEventKind kind = ClientEventKind::Error;
    protocol::TransportAddress peer;
    std::uint16_t channel = 0;
    std::span<const std::uint8_t> payload;
    AllocationInfo allocation;
    ClientError error;
};

class ClientIo {
public:
    virtual ~ClientIo() = default;
    // One UDP datagram, or one whole frame for the TCP stream. The bytes live in the core's buffers:
    // send or copy them before returning.
    virtual void send_to_server(std::span<const std::uint8_t> bytes) = 0;
    virtual void on_event(const ClientEvent& event) = 0;
};

}  // namespace tern::client
