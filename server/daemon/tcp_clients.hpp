#pragma once
// TURN over TCP on Boost.Asio, for either I/O backend: listeners, one StreamFramer per connection
// (each whole frame goes to the core), and a bounded outbox per connection for frames to the client.
// Single-threaded, on the shard's io_context.
//
// Frames to a client are appended to its outbox (one growing buffer that keeps its capacity, so a
// steady stream allocates nothing) and written once per loop turn with one send() for everything that
// gathered: a peer's burst relayed to a TCP client costs one system call and, with TCP_NODELAY, as few
// segments as the bytes need, not one per frame. What the socket does not take waits for it to become
// writable.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol/stream_framer.hpp"
#include "protocol/transport_address.hpp"
#include "server/core/five_tuple.hpp"
#include "server/core/turn_server.hpp"
#include "server/daemon/handler_slot.hpp"
#include "server/daemon/logger.hpp"

namespace tern::server {

class TcpClients {
public:
    TcpClients(boost::asio::io_context& io, const Logger& log);
    ~TcpClients();
    TcpClients(const TcpClients&) = delete;
    TcpClients& operator=(const TcpClients&) = delete;

    // Listens at `address` (SO_REUSEPORT with `reuse_port`); the reason on failure.
    std::optional<std::string> listen(const protocol::TransportAddress& address, bool reuse_port);
    void attach(TurnServer& core, std::uint16_t max_channel_number);
    // Queues one whole frame for `client`; dropped if the connection is gone or its outbox is full.
    void send(const FiveTuple& client, std::span<const std::uint8_t> bytes);
    // Closes the listeners and every connection (the core hears of each).
    void close();

    std::size_t size() const noexcept { return connections_.size(); }

private:
    struct Connection {
        Connection(boost::asio::ip::tcp::socket s, std::uint16_t max_channel)
            : socket(std::move(s)), framer(protocol::StreamFramer::kDefaultCapacity, max_channel) {}
        boost::asio::ip::tcp::socket socket;
        protocol::StreamFramer framer;
        FiveTuple tuple;
        std::vector<std::uint8_t> outbox;  // bytes [written, size) wait for the socket
        std::size_t written = 0;
        bool queued = false;            // in to_write_ for this turn's flush
        bool waiting_writable = false;  // the socket took less than everything: an async_wait is out
        bool closed = false;
        // The read wait (or the post that reads on) and the write wait. Their handlers hold the
        // connection, so it outlives the memory Asio takes from them.
        HandlerSlot read_slot;
        HandlerSlot write_slot;
    };

    void accept(const std::shared_ptr<boost::asio::ip::tcp::acceptor>& acceptor);
    void read(const std::shared_ptr<Connection>& c);            // waits for readiness
    void read_available(const std::shared_ptr<Connection>& c);  // reads what is there, then waits again
    void flush();
    void write(const std::shared_ptr<Connection>& c);
    void drop(const std::shared_ptr<Connection>& c, std::string_view why);

    boost::asio::io_context& io_;
    const Logger& log_;
    TurnServer* core_ = nullptr;
    std::uint16_t max_channel_ = 0x4FFF;  // from the core's configuration, for stream framing
    std::vector<std::shared_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;
    std::unordered_map<FiveTuple, std::shared_ptr<Connection>> connections_;
    std::vector<std::shared_ptr<Connection>> to_write_;  // outboxes filled since the last flush
    bool flush_posted_ = false;
    // Shared with the posted flush, which keeps it alive until Asio has given the memory back (a flush
    // still queued when the shard's io_context is destroyed outlives this object).
    std::shared_ptr<HandlerSlot> flush_slot_ = std::make_shared<HandlerSlot>();
};

}  // namespace tern::server
