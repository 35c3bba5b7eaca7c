#pragma once
// The UDP socket details both I/O backends share: opening a listener or relay socket, reading a
// datagram's destination from IP_PKTINFO, choosing a reply's source address the same way, and the
// don't-fragment switch. Plain file descriptors, so Asio and io_uring can each drive them.

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>

#include "protocol/transport_address.hpp"
#include "server/daemon/socket_address.hpp"

namespace tern::server {

// Owns a file descriptor; closes it on destruction.
class UniqueFd {
public:
    UniqueFd() noexcept = default;
    explicit UniqueFd(int fd) noexcept : fd_(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept;
    ~UniqueFd() { reset(); }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }
    int release() noexcept {
        const int fd = fd_;
        fd_ = -1;
        return fd;
    }
    void reset() noexcept;

private:
    int fd_ = -1;
};

// Kernel buffer sizes for UDP sockets, in bytes; 0 leaves the system's default.
struct SocketBuffers {
    std::uint32_t receive = 0;
    std::uint32_t send = 0;
};

// A non-blocking UDP socket bound to `local`. Listeners get IP_PKTINFO / IPV6_RECVPKTINFO (a wildcard
// listener must know where each datagram was sent); `reuse_port` sets SO_REUSEPORT. The reason on
// failure.
std::variant<UniqueFd, std::string> open_udp_socket(const protocol::TransportAddress& local, bool listener,
                                                    bool reuse_port, const SocketBuffers& buffers = {});

// Sets SO_RCVBUF / SO_SNDBUF, past the sysctl limits when the process may (SO_RCVBUFFORCE).
void set_socket_buffers(int fd, const SocketBuffers& buffers) noexcept;
// The receive and send buffer sizes the kernel actually gave `fd` (it doubles the asked size for its
// bookkeeping, and caps it at the sysctl limits without CAP_NET_ADMIN).
SocketBuffers socket_buffers_of(int fd) noexcept;

// One datagram to send: where to, its bytes (not copied) and, for a wildcard listener, the source
// address. describe() points `msg` into this object, so both stay in place until it is sent.
struct OutgoingDatagram {
    SocketAddress to;
    iovec iov{};
    SourceControl control{};

    void describe(msghdr& msg, const protocol::TransportAddress& destination, const protocol::IpAddress* source,
                  std::span<const std::uint8_t> bytes) noexcept;
};

// Sends one datagram at once, without blocking: when the socket buffer is full it is lost, as UDP may.
// False when the kernel refused it.
bool send_now(int fd, const protocol::TransportAddress& destination, const protocol::IpAddress* source,
              std::span<const std::uint8_t> bytes) noexcept;

// IP_PMTUDISC_DO (the DONT-FRAGMENT attribute) or the system's default for `fd`.
void set_dont_fragment(int fd, protocol::AddressFamily family, bool dont_fragment) noexcept;

}  // namespace tern::server
