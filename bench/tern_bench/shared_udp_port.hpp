#pragma once
// Many TURN clients on one UDP socket, for allocation storms (--multiplex). A TURN allocation is keyed
// by its client's 5-tuple, so a storm of N allocations needs N client addresses; instead of N sockets,
// each client gets its own source address in 127.100.0.0/16 on one socket bound to the wildcard
// address: loopback answers to every address of 127.0.0.0/8, IP_PKTINFO picks a datagram's source on
// the way out and tells which client an answer was sent to on the way in. A storm then costs the
// generator no socket, bind, connect or epoll registration per allocation, and its requests leave
// with one sendmmsg per loop turn, so more of the two cores go to the server. IPv4 servers on
// loopback only.

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "bench/tern_bench/epoll_loop.hpp"
#include "protocol/transport_address.hpp"
#include "server/daemon/socket_address.hpp"

namespace tern::bench {

class SharedUdpPort;

// What receives the datagrams sent to one client address.
class SharedPortClient {
public:
    virtual void on_shared_datagram(std::span<std::uint8_t> bytes, TimePoint now) = 0;

protected:
    ~SharedPortClient() = default;
};

class SharedUdpPort final : public Pollable {
public:
    // Throws std::runtime_error when the socket cannot be opened or the server is not IPv4 loopback.
    SharedUdpPort(EpollLoop& loop, const protocol::TransportAddress& server);
    ~SharedUdpPort();
    SharedUdpPort(const SharedUdpPort&) = delete;
    SharedUdpPort& operator=(const SharedUdpPort&) = delete;

    // The source address of client `index`: 127.100.0.1, 127.100.0.2, ... (up to 16 million).
    static protocol::IpAddress client_address(std::uint32_t index) noexcept;

    void attach(const protocol::IpAddress& client, SharedPortClient& receiver);
    void detach(const protocol::IpAddress& client) noexcept;
    // Queues a datagram from `client` to the server; flush() sends the queue.
    void send(const protocol::IpAddress& client, std::span<const std::uint8_t> bytes);
    // Returns how many datagrams the kernel refused.
    std::size_t flush() noexcept;

    void on_ready(std::uint32_t events, TimePoint now) override;

private:
    static constexpr std::size_t kBatch = 64;
    static constexpr std::size_t kDatagram = 2048;  // any request a storm's client sends, any answer
    struct Outgoing {
        std::array<std::uint8_t, kDatagram> bytes;
        iovec iov;
        server::SourceControl control;
    };
    struct Incoming {
        std::array<std::uint8_t, kDatagram> bytes;
        iovec iov;
        alignas(cmsghdr) std::array<std::uint8_t, 64> control;
    };

    EpollLoop& loop_;
    FileDescriptor fd_;
    sockaddr_in server_{};
    std::unordered_map<std::uint32_t, SharedPortClient*> clients_;  // by source address, host order
    std::vector<Outgoing> outgoing_;
    std::vector<mmsghdr> send_headers_;
    std::size_t queued_ = 0;
    std::vector<Incoming> incoming_;
    std::vector<mmsghdr> receive_headers_;
};

}  // namespace tern::bench
