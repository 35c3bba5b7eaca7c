#include "server/daemon/udp_sockets.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>


namespace tern::server {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
        reset();
        fd_ = other.release();
    }
    return *this;
}

void UniqueFd::reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

void set_socket_buffers(int fd, const SocketBuffers& buffers) noexcept {
    const auto set = [fd](int force, int plain, std::uint32_t bytes) {
        if (bytes == 0) return;
        const int value = static_cast<int>(bytes);
        if (::setsockopt(fd, SOL_SOCKET, force, &value, sizeof value) != 0)
            ::setsockopt(fd, SOL_SOCKET, plain, &value, sizeof value);
    };
    set(SO_RCVBUFFORCE, SO_RCVBUF, buffers.receive);
    set(SO_SNDBUFFORCE, SO_SNDBUF, buffers.send);
}

SocketBuffers socket_buffers_of(int fd) noexcept {
    const auto get = [fd](int option) {
        int value = 0;
        socklen_t length = sizeof value;
        return ::getsockopt(fd, SOL_SOCKET, option, &value, &length) == 0 ? static_cast<std::uint32_t>(value) : 0u;
    };
    return {get(SO_RCVBUF), get(SO_SNDBUF)};
}

std::variant<UniqueFd, std::string> open_udp_socket(const protocol::TransportAddress& local, bool listener,
                                                    bool reuse_port, const SocketBuffers& buffers) {
    const int af = local.ip.family == protocol::AddressFamily::IPv4 ? AF_INET : AF_INET6;
    UniqueFd fd(::socket(af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) return std::string(std::strerror(errno));
    const int one = 1;
    if (af == AF_INET6) ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (reuse_port) ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    set_socket_buffers(fd.get(), buffers);
    if (listener) {
        // Wildcard listeners learn each datagram's destination so replies leave from that address.
        if (af == AF_INET) ::setsockopt(fd.get(), IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
        else ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
    }
    const auto sa = to_socket_address(local);
    if (::bind(fd.get(), sa.get(), sa.length) != 0) return std::string(std::strerror(errno));
    return fd;
}

void OutgoingDatagram::describe(msghdr& msg, const protocol::TransportAddress& destination,
                                const protocol::IpAddress* source, std::span<const std::uint8_t> bytes) noexcept {
    to = to_socket_address(destination);
    iov = {const_cast<std::uint8_t*>(bytes.data()), bytes.size()};  // sendmsg only reads them
    msg = msghdr{};
    msg.msg_name = to.get();
    msg.msg_namelen = to.length;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (source != nullptr) {
        msg.msg_control = control.bytes;
        msg.msg_controllen = write_source_pktinfo(control, *source);
    }
}

bool send_now(int fd, const protocol::TransportAddress& destination, const protocol::IpAddress* source,
              std::span<const std::uint8_t> bytes) noexcept {
    OutgoingDatagram datagram;
    msghdr msg;
    datagram.describe(msg, destination, source, bytes);
    return ::sendmsg(fd, &msg, MSG_DONTWAIT) >= 0;
}

void set_dont_fragment(int fd, protocol::AddressFamily family, bool dont_fragment) noexcept {
    if (family == protocol::AddressFamily::IPv4) {
        const int v = dont_fragment ? IP_PMTUDISC_DO : IP_PMTUDISC_WANT;
        ::setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &v, sizeof v);
    } else {
        const int v = dont_fragment ? IPV6_PMTUDISC_DO : IPV6_PMTUDISC_WANT;
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &v, sizeof v);
    }
}

}  // namespace tern::server
