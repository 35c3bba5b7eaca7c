#pragma once
// The epoll backend (--io epoll) of the socket layer around the sans-I/O core, on Boost.Asio: UDP
// listeners, one UDP socket per relayed address, TCP through TcpClients, and the ServerIo calls the
// core makes. Single-threaded: every handler runs on the io_context's thread, so the core needs no
// locks. Readiness-based UDP (async_wait, then non-blocking recvmmsg in a loop) lets all sockets share
// one small batch of receive buffers with relay headroom; what the core relays from a batch leaves with
// sendmmsg once the batch is handled. After a batch, the loop polls for the --idle-poll-us window
// before it sleeps again (idle_poll.hpp).

#include <sys/socket.h>
#include <sys/uio.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "protocol/relay_buffer.hpp"
#include "server/core/server_io.hpp"
#include "server/core/turn_server.hpp"
#include "server/daemon/logger.hpp"
#include "server/daemon/relay_shell.hpp"
#include "server/daemon/tcp_clients.hpp"
#include "server/daemon/udp_segmentation.hpp"
#include "server/daemon/udp_sockets.hpp"

namespace tern::server {

class AsioShell final : public RelayShell {
public:
    AsioShell(boost::asio::io_context& io, const Logger& log);
    ~AsioShell() override;
    AsioShell(const AsioShell&) = delete;
    AsioShell& operator=(const AsioShell&) = delete;

    // RelayShell
    std::optional<std::string> listen(const std::vector<protocol::TransportAddress>& addresses, bool udp, bool tcp,
                                      bool reuse_port) override;
    void attach(TurnServer& core, std::uint16_t max_channel_number) override;
    void close() override;
    IoBackend backend() const noexcept override { return IoBackend::Epoll; }

    std::size_t tcp_connections() const noexcept { return tcp_.size(); }

    // ServerIo
    void send_to_client(const FiveTuple& client, std::span<const std::uint8_t> bytes) override;
    std::optional<RelayId> open_relay(const protocol::TransportAddress& local) override;
    void close_relay(RelayId relay) override;
    void send_to_peer(RelayId relay, const protocol::TransportAddress& peer, std::span<const std::uint8_t> bytes,
                      bool dont_fragment) override;

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

    // One datagram of a recvmmsg batch: the payload area has relay headroom in front.
    struct ReceiveSlot {
        protocol::RelayBuffer<> buffer;
        sockaddr_storage from;
        iovec iov;
        alignas(cmsghdr) std::uint8_t control[128];
    };
    static constexpr std::size_t kReceiveBatch = 8;  // datagrams per recvmmsg call
    // A datagram to send whose bytes lie in a receive slot (a relayed payload framed in place): queued
    // while a batch is handled, then sent with sendmmsg, consecutive ones on one socket in one call.
    // Consecutive datagrams of one size from one socket to one destination join one message with
    // UDP_SEGMENT (UDP GSO), as on the io_uring backend.
    struct QueuedSend {
        int fd = -1;
        OutgoingDatagram datagram;  // the destination, the first datagram, the source address
        SegmentRun run;             // every datagram of the message
    };

    std::shared_ptr<UdpSocket> open_udp(const protocol::TransportAddress& local, bool listener, bool reuse_port,
                                        std::string* error);
    void arm(const std::shared_ptr<UdpSocket>& s);
    bool drain(UdpSocket& s);  // true if it read any datagram
    void deliver(UdpSocket& s, ReceiveSlot& slot, msghdr& received, std::size_t size, Instant now);
    void send_datagram(int fd, const protocol::TransportAddress& to, const protocol::IpAddress* source,
                       std::span<const std::uint8_t> bytes);
    bool in_receive_slot(std::span<const std::uint8_t> bytes) const noexcept;
    bool join_last(int fd, const protocol::TransportAddress& to, const protocol::IpAddress* source,
                   std::span<const std::uint8_t> bytes) noexcept;
    void resend_refused_run(std::size_t queued, int error);
    void flush_sends();
    UdpSocket* listener_for(const protocol::TransportAddress& server_side) noexcept;

    boost::asio::io_context& io_;
    TurnServer* core_ = nullptr;
    TcpClients tcp_;
    std::vector<std::shared_ptr<UdpSocket>> listeners_;
    std::unordered_map<RelayId, std::shared_ptr<UdpSocket>> relays_;
    RelayId next_relay_ = 1;
    std::vector<ReceiveSlot> slots_;  // kReceiveBatch of them, shared by every socket of the shard
    std::array<mmsghdr, kReceiveBatch> batch_{};
    bool batching_ = false;  // a batch is being handled: sends from its slots may wait for flush_sends()
    std::array<QueuedSend, kReceiveBatch> queued_{};
    std::array<mmsghdr, kReceiveBatch> send_batch_{};
    std::size_t queued_count_ = 0;
};

}  // namespace tern::server
