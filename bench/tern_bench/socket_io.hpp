#pragma once
// The socket plumbing of the load generator: an owning file descriptor and non-blocking UDP and TCP
// sockets. Client sockets are
// connected, so the kernel filters other sources and sends need no address.

#include <sys/socket.h>

#include <optional>
#include <string>
#include <utility>

#include "protocol/transport_address.hpp"
#include "server/daemon/socket_address.hpp"

namespace tern::bench {

class FileDescriptor {
public:
    FileDescriptor() noexcept = default;
    explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
    FileDescriptor(FileDescriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    FileDescriptor& operator=(FileDescriptor&& other) noexcept;
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() { reset(); }

    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }
    void reset() noexcept;

private:
    int fd_ = -1;
};

// Address conversions are the daemon's (server/daemon/socket_address.hpp).
using server::SocketAddress;
using server::from_socket_address;
using server::to_socket_address;

// The kernel's socket buffers for load: big enough that a burst of a few thousand datagrams is queued
// rather than dropped (the kernel caps them at net.core.rmem_max / wmem_max).
inline constexpr int kLoadSocketBuffer = 4 * 1024 * 1024;

// A non-blocking UDP socket bound to `local` (port 0: any), connected to `remote` when given.
// nullopt (with `error` set) on failure.
std::optional<FileDescriptor> open_udp(const protocol::TransportAddress& local,
                                       const std::optional<protocol::TransportAddress>& remote, int buffer_bytes,
                                       std::string& error);

// A non-blocking TCP socket whose connect to `remote` is under way (or done): wait for writability,
// then check connect_result().
std::optional<FileDescriptor> open_tcp(const protocol::TransportAddress& remote, std::string& error);
// 0 once connected, else the errno of the failed connect.
int connect_result(int fd) noexcept;

std::optional<protocol::TransportAddress> local_address(int fd) noexcept;

}  // namespace tern::bench
