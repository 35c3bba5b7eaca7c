#pragma once
// TurnClient: a TURN client on Boost.Asio. It owns a UDP socket or a TCP connection to one server, a
// timer, and a TurnClientCore that does the protocol: allocation with the long-term credential
// exchange (401, 438), refreshes of the allocation, permissions and channels before they expire, and
// the data path (ChannelData once a channel is bound, Send/Data indications otherwise). Everything
// runs on the io_context's thread; callbacks are called from there too.
//
//     boost::asio::io_context io;
//     tern::client::TurnClientConfig config;
//     config.server = *tern::protocol::TransportAddress::parse("203.0.113.5:3478");
//     config.transport = tern::client::ServerTransport::Udp;
//     config.credentials = tern::client::Credentials::long_term("alice", "secret");
//     // or: Credentials::from_shared_secret(secret, "alice", unix_now) for a TURN REST secret
//
//     tern::client::TurnClient::Handlers handlers;
//     tern::client::TurnClient* self = nullptr;
//     handlers.on_allocated = [&](const tern::client::AllocationInfo& a) {
//         std::cout << "relayed at " << a.relayed.to_string() << "\n";
//         self->bind_channel(peer);  // also installs the permission for the peer's IP
//     };
//     handlers.on_channel = [&](const tern::protocol::TransportAddress& p, std::uint16_t, const tern::client::ClientError* e) {
//         if (!e) self->send(p, payload);  // goes out as ChannelData
//     };
//     handlers.on_data = [](const tern::protocol::TransportAddress& from, std::span<const std::uint8_t> bytes) { ... };
//     handlers.on_error = [](const tern::client::ClientError& e) { ... };  // the client is finished
//
//     tern::client::TurnClient client(io, config, handlers);
//     self = &client;
//     client.start();
//     io.run();  // returns once the client is closed or failed (and nothing else is pending)
//
// Callbacks may call any member function except the destructor. Payload spans are valid only during
// the callback. Server addresses are IP literals: resolve names before.

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>

#include "client/client_events.hpp"
#include "client/turn_client_core.hpp"

namespace tern::client {

class TurnClient {
public:
    struct Handlers {
        std::function<void(const AllocationInfo&)> on_allocated;
        std::function<void(const protocol::TransportAddress& peer, std::span<const std::uint8_t> payload)> on_data;
        // The allocation failed or was lost, or the socket failed; the client is finished.
        std::function<void(const ClientError&)> on_error;
        // `error` is null on success.
        std::function<void(const protocol::IpAddress& peer, const ClientError* error)> on_permission;
        std::function<void(const protocol::TransportAddress& peer, std::uint16_t channel, const ClientError* error)>
            on_channel;
        std::function<void()> on_closed;
        // Every event, after the handler above that matches it (refreshes included).
        std::function<void(const ClientEvent&)> on_event;
    };

    TurnClient(boost::asio::io_context& io, TurnClientConfig config, Handlers handlers);
    // Closes the socket at once. The server deletes the allocation when it expires (TCP: when it sees
    // the connection close); call close() and wait for on_closed to delete it right away.
    ~TurnClient();
    TurnClient(const TurnClient&) = delete;
    TurnClient& operator=(const TurnClient&) = delete;

    // Opens the socket (connects, for TCP) and sends the Allocate; on_allocated or on_error follows.
    void start();

    // Commands of TurnClientCore, with the current time.
    bool create_permission(const protocol::IpAddress& peer);
    std::optional<std::uint16_t> bind_channel(const protocol::TransportAddress& peer);
    SendResult send(const protocol::TransportAddress& peer, std::span<const std::uint8_t> payload);
    // Deletes the allocation (Refresh with LIFETIME 0), then closes the socket; on_closed follows.
    void close();

    ClientState state() const noexcept;
    const AllocationInfo& allocation() const noexcept;
    // This client's socket address (after start()).
    std::optional<protocol::TransportAddress> local_address() const;
    const TurnClientCore& core() const noexcept;

private:
    class Impl;
    std::shared_ptr<Impl> impl_;  // shared with pending Asio operations, which may outlive this object
};

}  // namespace tern::client
