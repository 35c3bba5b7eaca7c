#pragma once
// One shard of ternd: a thread with its own io_context, socket layer and TURN core. Shards share
// no mutable data: each has its own SO_REUSEPORT listeners (the kernel keeps a client 5-tuple on one
// shard), its own allocations, relay sockets and timers. What crosses shards goes by message (policy
// reloads are posted to the shard's loop) or through SharedState's atomics (quotas, port claims).

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "auth/random.hpp"
#include "server/core/shared_state.hpp"
#include "server/core/turn_server.hpp"
#include "server/daemon/logger.hpp"
#include "server/daemon/relay_shell.hpp"
#include "server/metrics/published_counters.hpp"

namespace tern::server {

class Shard {
public:
    // A shard whose sockets are served by `backend`; the reason when io_uring cannot be set up (the
    // epoll backend cannot fail here).
    static std::variant<std::unique_ptr<Shard>, std::string> create(std::size_t index, IoBackend backend,
                                                                   const CoreConfig& config,
                                                                   const ServerPolicies& policies,
                                                                   std::span<const std::uint8_t, 32> nonce_key,
                                                                   SharedState& shared, const Logger& log);
    ~Shard();
    Shard(const Shard&) = delete;
    Shard& operator=(const Shard&) = delete;

    // Opens this shard's listeners (SO_REUSEPORT, so every shard binds the same addresses); its UDP
    // sockets, listeners and relays, get `buffers`; the loop polls for `idle_poll` after UDP work.
    std::optional<std::string> listen(const std::vector<protocol::TransportAddress>& addresses, bool udp, bool tcp,
                                      bool reuse_port, const SocketBuffers& buffers,
                                      std::chrono::microseconds idle_poll);
    // Runs the loop on a thread of its own.
    void start();
    // Thread-safe: the new snapshot is applied on the shard's own thread.
    void post_policies(ServerPolicies policies);
    // Thread-safe: closes everything on the shard's thread, then joins it. Idempotent.
    void stop();

    std::size_t index() const noexcept { return index_; }
    // Thread-safe: this shard's counters as of its last tick (at most a second old).
    CounterSnapshot counters() const noexcept { return published_.read(); }
    IoBackend backend() const noexcept { return backend_; }

private:
    Shard(std::size_t index, IoBackend backend);
    void tick();
    void publish_counters() noexcept;

    std::size_t index_;
    IoBackend backend_;
    boost::asio::io_context io_;
    std::unique_ptr<RelayShell> shell_;  // before core_, which calls it until destroyed
    auth::BufferedRandom random_;
    std::unique_ptr<TurnServer> core_;
    boost::asio::steady_timer ticker_;
    PublishedCounters published_;
    std::thread thread_;
};

}  // namespace tern::server
