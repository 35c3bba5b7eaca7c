#pragma once
// What a shard needs of its socket layer, whichever I/O backend runs it: open the listeners, hand
// traffic to the core, close. Both backends (AsioShell: epoll; UringShell: io_uring) implement it, and
// both log the core's events the same way.

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/transport_address.hpp"
#include "server/core/server_io.hpp"
#include "server/core/turn_server.hpp"
#include "server/daemon/idle_poll.hpp"
#include "server/daemon/logger.hpp"
#include "server/daemon/udp_segmentation.hpp"
#include "server/daemon/udp_sockets.hpp"

namespace tern::server {

// IoBackend (uring, epoll) is in daemon_config.hpp, as --io chooses it.
std::string_view to_string(IoBackend backend) noexcept;

// What the socket layer lost, beside the core's own drops (CoreStats): owned by the shard's thread.
struct ShellStats {
    std::uint64_t send_failures = 0;  // datagrams the kernel refused (socket buffer full, no route, too big)
    std::uint64_t oversize_drops = 0;  // datagrams larger than a receive buffer (io_uring backend)
};

class RelayShell : public ServerIo {
public:
    RelayShell(boost::asio::io_context& io, const Logger& log) : log_(log), idle_poll_(io) {}

    // Opens the listeners; the reason on failure (address in use, no such address...). `reuse_port`
    // lets every shard bind the same addresses (SO_REUSEPORT); the kernel then spreads clients by
    // their addresses, so one client's packets always reach the same shard.
    virtual std::optional<std::string> listen(const std::vector<protocol::TransportAddress>& addresses, bool udp,
                                              bool tcp, bool reuse_port) = 0;
    // Starts delivering traffic to `core` (created after this shell, since it needs it as ServerIo).
    virtual void attach(TurnServer& core, std::uint16_t max_channel_number) = 0;
    // Closes listeners and connections; relays are closed by the core's destructor.
    virtual void close() = 0;
    virtual IoBackend backend() const noexcept = 0;
    // Called on the shard's thread before its loop runs, and the shell is destroyed on that thread
    // too: a shell whose kernel resources belong to one thread (the io_uring ring) binds them here.
    virtual void start_on_loop_thread() {}
    // Buffer sizes for the UDP sockets opened from now on (listeners and relays).
    void set_socket_buffers(const SocketBuffers& buffers) noexcept { buffers_ = buffers; }
    // How long the loop polls after UDP work before it sleeps (idle_poll.hpp); 0: it sleeps at once.
    void set_idle_poll(std::chrono::microseconds window) noexcept { idle_poll_.set_window(window); }

    void report(const Event& event) final;
    const ShellStats& shell_stats() const noexcept { return stats_; }

protected:
    // A run of UDP segments came back refused with `error`: if that means the kernel cannot segment,
    // stop gathering runs (one warning). The caller then sends the run's datagrams one by one.
    void on_run_refused(int error);

    const Logger& log_;
    SocketBuffers buffers_;
    ShellStats stats_;
    IdlePoll idle_poll_;
    bool segmentation_ = udp_segmentation_wanted();  // UDP GSO: runs of datagrams leave as one send
};

}  // namespace tern::server
