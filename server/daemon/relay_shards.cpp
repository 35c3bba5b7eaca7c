#include "server/daemon/relay_shards.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <fmt/core.h>
#include <thread>

namespace tern::server {

std::size_t shard_count(std::uint32_t threads_option) noexcept {
    if (threads_option != 0) return threads_option;
    return std::max(1u, std::thread::hardware_concurrency());
}

std::variant<std::unique_ptr<RelayShards>, std::string> RelayShards::start(const DaemonPlan& plan, bool udp,
                                                                          bool tcp, std::size_t threads,
                                                                          IoBackend backend, auth::Random& random,
                                                                          const Logger& log) {
    std::unique_ptr<RelayShards> relay(new RelayShards());  // private constructor: make_unique cannot reach it
    relay->shared_ = std::make_unique<SharedState>(plan.core);
    relay->backend_ = backend;
    // One nonce key for all shards: a nonce is only ever checked by the shard that issued it (the
    // client's 5-tuple stays put), but a shared key keeps that an optimisation, not a requirement.
    std::array<std::uint8_t, 32> nonce_key{};
    random.fill(nonce_key);
    // The reason io_uring could not be set up for a shard, if it could not.
    const auto make_shards = [&](IoBackend on) -> std::optional<std::string> {
        relay->shards_.clear();
        for (std::size_t i = 0; i < threads; ++i) {
            auto made = Shard::create(i, on, plan.core, plan.policies, nonce_key, *relay->shared_, log);
            if (auto* reason = std::get_if<std::string>(&made)) return *std::move(reason);
            relay->shards_.push_back(std::move(std::get<std::unique_ptr<Shard>>(made)));
        }
        return std::nullopt;
    };
    if (const auto reason = make_shards(backend)) {
        // io_uring disabled by a sandbox, too old a kernel, memory limits: every shard uses epoll, so
        // the daemon runs one backend. The shards made so far had not started.
        log.warning(fmt::format("io_uring unavailable ({}); using epoll", *reason));
        relay->backend_ = IoBackend::Epoll;
        (void)make_shards(IoBackend::Epoll);  // cannot fail
    }
    for (auto& shard : relay->shards_)
        if (auto error = shard->listen(plan.listen, udp, tcp, threads > 1, plan.socket_buffers, plan.idle_poll))
            return *error;
    warn_if_capped(plan.socket_buffers, log);
    for (auto& shard : relay->shards_) shard->start();
    return relay;
}

RelayShards::~RelayShards() { stop(); }

std::vector<CounterSnapshot> RelayShards::counters() const {
    std::vector<CounterSnapshot> out;
    out.reserve(shards_.size());
    for (const auto& shard : shards_) out.push_back(shard->counters());
    return out;
}

void RelayShards::warn_if_capped(const SocketBuffers& asked, const Logger& log) {
    if (asked.receive == 0 && asked.send == 0) return;
    // The kernel reports twice what it grants (the other half is its bookkeeping); without
    // CAP_NET_ADMIN it grants at most net.core.rmem_max / wmem_max.
    UniqueFd probe(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!probe) return;
    set_socket_buffers(probe.get(), asked);
    const SocketBuffers got = socket_buffers_of(probe.get());
    if (asked.receive > 0 && got.receive / 2 < asked.receive)
        log.warning("udp-receive-buffer capped by the kernel (net.core.rmem_max; CAP_NET_ADMIN lifts it)",
                    {{"asked", std::to_string(asked.receive)}, {"granted", std::to_string(got.receive / 2)}});
    if (asked.send > 0 && got.send / 2 < asked.send)
        log.warning("udp-send-buffer capped by the kernel (net.core.wmem_max; CAP_NET_ADMIN lifts it)",
                    {{"asked", std::to_string(asked.send)}, {"granted", std::to_string(got.send / 2)}});
}

void RelayShards::post_policies(const ServerPolicies& policies) {
    for (auto& shard : shards_) shard->post_policies(policies);
}

void RelayShards::stop() {
    for (auto& shard : shards_) shard->stop();
}

}  // namespace tern::server
