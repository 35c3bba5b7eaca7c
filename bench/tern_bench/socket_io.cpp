#include "bench/tern_bench/socket_io.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tern::bench {

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
    if (this != &other) {
        reset();
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

void FileDescriptor::reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

std::optional<FileDescriptor> open_udp(const protocol::TransportAddress& local,
                                       const std::optional<protocol::TransportAddress>& remote, int buffer_bytes,
                                       std::string& error) {
    const int family = local.ip.family == protocol::AddressFamily::IPv4 ? AF_INET : AF_INET6;
    FileDescriptor fd(::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) {
        error = std::string("socket: ") + std::strerror(errno);
        return std::nullopt;
    }
    if (buffer_bytes > 0) {
        ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
        ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDBUF, &buffer_bytes, sizeof buffer_bytes);
    }
    const SocketAddress bind_to = to_socket_address(local);
    if (::bind(fd.get(), bind_to.get(), bind_to.length) != 0) {
        error = "bind " + local.to_string() + ": " + std::strerror(errno);
        return std::nullopt;
    }
    if (remote) {
        const SocketAddress peer = to_socket_address(*remote);
        if (::connect(fd.get(), peer.get(), peer.length) != 0) {
            error = "connect " + remote->to_string() + ": " + std::strerror(errno);
            return std::nullopt;
        }
    }
    return fd;
}

std::optional<FileDescriptor> open_tcp(const protocol::TransportAddress& remote, std::string& error) {
    const int family = remote.ip.family == protocol::AddressFamily::IPv4 ? AF_INET : AF_INET6;
    FileDescriptor fd(::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) {
        error = std::string("socket: ") + std::strerror(errno);
        return std::nullopt;
    }
    const int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // probes are latency samples
    const SocketAddress peer = to_socket_address(remote);
    if (::connect(fd.get(), peer.get(), peer.length) != 0 && errno != EINPROGRESS) {
        error = "connect " + remote.to_string() + ": " + std::strerror(errno);
        return std::nullopt;
    }
    return fd;
}

int connect_result(int fd) noexcept {
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
    return error;
}

std::optional<protocol::TransportAddress> local_address(int fd) noexcept {
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    // getsockname fills a sockaddr_storage through the generic pointer the API takes.
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) return std::nullopt;
    return from_socket_address(reinterpret_cast<const sockaddr*>(&storage), length);
}

}  // namespace tern::bench
