#pragma once
// The socket layer around the sans-I/O core, on Boost.Asio (epoll): UDP and TCP listeners, one UDP
// socket per relayed address, and the ServerIo calls the core makes. Single-threaded: every handler
// runs on the io_context's thread, so the core needs no locks. Readiness-based UDP (async_wait, then
// non-blocking recvmsg in a loop) lets all sockets share one receive buffer with relay headroom.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "protocol/relay_buffer.hpp"
#include "protocol/stream_framer.hpp"
#include "server/core/server_io.hpp"
#include "server/core/turn_server.hpp"
#include "server/daemon/logger.hpp"

namespace tern::server {

class AsioShell final : public ServerIo {
public:
    AsioShell(boost::asio::io_context& io, const Logger& log);
    ~AsioShell() override;
    AsioShell(const AsioShell&) = delete;
    AsioShell& operator=(const AsioShell&) = delete;

    // Opens the listeners; the reason on failure (address in use, no such address...). `reuse_port`
    // lets every shard bind the same addresses (SO_REUSEPORT); the kernel then spreads clients by
    // their addresses, so one client's packets always reach the same shard.
    std::optional<std::string> listen(const std::vector<protocol::TransportAddress>& addresses, bool udp, bool tcp,
                                      bool reuse_port = false);
    // Starts delivering traffic to `core` (created after this shell, since it needs it as ServerIo).
    void attach(TurnServer& core, std::uint16_t max_channel_number);
    // Closes listeners and connections; relays are closed by the core's destructor.
    void close();

    std::size_t tcp_connections() const noexcept { return connections_.size(); }

    // ServerIo
    void send_to_client(const FiveTuple& client, std::span<const std::uint8_t> bytes) override;
    std::optional<RelayId> open_relay(const protocol::TransportAddress& local) override;
    void close_relay(RelayId relay) override;
    void send_to_peer(RelayId relay, const protocol::TransportAddress& peer, std::span<const std::uint8_t> bytes,
                      bool dont_fragment) override;
    void report(const Event& event) override;

private:
    struct UdpSocket {
        explicit UdpSocket(boost::asio::io_context& io) : socket(io) {}
        boost::asio::ip::udp::socket socket;
        protocol::TransportAddress local;
        bool wildcard = false;  // listener bound to 0.0.0.0 or ::: replies pick their source address
        RelayId relay = 0;      // 0 for listeners
        bool dont_fragment = false;
        bool closed = false;
    };
    struct TcpConnection {
        TcpConnection(boost::asio::ip::tcp::socket s, std::uint16_t max_channel)
            : socket(std::move(s)), framer(protocol::StreamFramer::kDefaultCapacity, max_channel) {}
        boost::asio::ip::tcp::socket socket;
        protocol::StreamFramer framer;
        FiveTuple tuple;
        std::deque<std::vector<std::uint8_t>> outbox;
        std::size_t outbox_bytes = 0;
        bool writing = false;
        bool closed = false;
    };

    std::shared_ptr<UdpSocket> open_udp(const protocol::TransportAddress& local, bool listener, bool reuse_port,
                                        std::string* error);
    void arm(const std::shared_ptr<UdpSocket>& s);
    void drain_listener(UdpSocket& s);
    void drain_relay(UdpSocket& s);
    UdpSocket* listener_for(const protocol::TransportAddress& server_side) noexcept;

    void accept(const std::shared_ptr<boost::asio::ip::tcp::acceptor>& acceptor);
    void read(const std::shared_ptr<TcpConnection>& c);
    void write(const std::shared_ptr<TcpConnection>& c);
    void drop(const std::shared_ptr<TcpConnection>& c, std::string_view why);

    boost::asio::io_context& io_;
    const Logger& log_;
    TurnServer* core_ = nullptr;
    std::vector<std::shared_ptr<UdpSocket>> listeners_;
    std::vector<std::shared_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;
    std::unordered_map<RelayId, std::shared_ptr<UdpSocket>> relays_;
    std::unordered_map<FiveTuple, std::shared_ptr<TcpConnection>> connections_;
    RelayId next_relay_ = 1;
    std::uint16_t max_channel_ = 0x4FFF;  // from the core's configuration, for stream framing
    protocol::RelayBuffer<> receive_buffer_;
};

}  // namespace tern::server
