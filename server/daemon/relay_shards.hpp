#pragma once
// The relay side of ternd: N shards (--threads), each a thread running its own TURN core on its own
// sockets, all listening on the same addresses through SO_REUSEPORT. They share only SharedState's
// atomics: quota counters and the relay port pools.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "server/core/shared_state.hpp"
#include "server/daemon/daemon_setup.hpp"
#include "server/daemon/logger.hpp"
#include "server/daemon/shard.hpp"

namespace tern::server {

class RelayShards {
public:
    // Opens every shard's listeners, then starts the threads. The reason on failure. When io_uring is
    // asked for but cannot be set up, every shard uses epoll instead and one warning says why.
    static std::variant<std::unique_ptr<RelayShards>, std::string> start(const DaemonPlan& plan, bool udp, bool tcp,
                                                                        std::size_t threads, IoBackend backend,
                                                                        auth::Random& random, const Logger& log);
    ~RelayShards();

    // Thread-safe: every shard applies the snapshot on its own thread.
    void post_policies(const ServerPolicies& policies);
    void stop();

    std::size_t size() const noexcept { return shards_.size(); }
    IoBackend backend() const noexcept { return backend_; }
    std::uint32_t allocations() const noexcept { return shared_->counters().total(); }
    // Thread-safe: every shard's counters, in shard order (what the metrics exporter reads).
    std::vector<CounterSnapshot> counters() const;

private:
    // One warning per buffer size the kernel did not grant in full.
    static void warn_if_capped(const SocketBuffers& asked, const Logger& log);
    RelayShards() = default;
    std::unique_ptr<SharedState> shared_;
    std::vector<std::unique_ptr<Shard>> shards_;
    IoBackend backend_ = IoBackend::Epoll;
};

// --threads 0 means one shard per core.
std::size_t shard_count(std::uint32_t threads_option) noexcept;

}  // namespace tern::server
