#include "server/daemon/shard.hpp"

#include <boost/asio/post.hpp>

namespace tern::server {

Shard::Shard(std::size_t index, const CoreConfig& config, const ServerPolicies& policies,
             std::span<const std::uint8_t, 32> nonce_key, SharedState& shared, const Logger& log)
    : index_(index), shell_(io_, log), ticker_(io_) {
    core_ = std::make_unique<TurnServer>(config, policies, nonce_key, shell_, random_, shared);
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
