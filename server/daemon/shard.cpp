#include "server/daemon/shard.hpp"

#include <boost/asio/post.hpp>

namespace tern::server {

std::pair<std::uint16_t, std::uint16_t> shard_port_range(std::uint16_t min, std::uint16_t max, std::size_t index,
                                                         std::size_t shards) noexcept {
    if (shards <= 1 || min > max) return {min, max};
    const std::size_t span = std::size_t{max} - min + 1;
    const std::size_t first = min + span * index / shards;
    const std::size_t last = min + span * (index + 1) / shards - 1;
    return {static_cast<std::uint16_t>(first), static_cast<std::uint16_t>(std::max(first, last))};
}

Shard::Shard(std::size_t index, const CoreConfig& config, const ServerPolicies& policies,
             std::span<const std::uint8_t, 32> nonce_key, SharedCounters& counters, const Logger& log)
    : index_(index), shell_(io_, log), ticker_(io_) {
    core_ = std::make_unique<TurnServer>(config, policies, nonce_key, shell_, random_, counters);
    shell_.attach(*core_, config.max_channel_number);
}

Shard::~Shard() { stop(); }

std::optional<std::string> Shard::listen(const std::vector<protocol::TransportAddress>& addresses, bool udp,
                                         bool tcp, bool reuse_port) {
    return shell_.listen(addresses, udp, tcp, reuse_port);
}

void Shard::tick() {
    ticker_.expires_after(std::chrono::seconds(1));
    ticker_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || !core_) return;
        core_->on_tick(Instant::now());
        tick();
    });
}

void Shard::start() {
    tick();
    thread_ = std::thread([this] { io_.run(); });
}

void Shard::post_policies(ServerPolicies policies) {
    boost::asio::post(io_, [this, p = std::move(policies)]() mutable {
        if (core_) core_->update_policies(std::move(p), Instant::now());
    });
}

void Shard::stop() {
    if (thread_.joinable()) {
        boost::asio::post(io_, [this] {
            ticker_.cancel();
            shell_.close();
            core_.reset();  // closes every relay socket of this shard
            io_.stop();
        });
        thread_.join();
    } else if (core_) {
        ticker_.cancel();
        shell_.close();
        core_.reset();
    }
}

}  // namespace tern::server
