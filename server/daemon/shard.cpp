#include "server/daemon/shard.hpp"

#include <boost/asio/post.hpp>

#include "server/daemon/asio_shell.hpp"
#include "server/daemon/uring_shell.hpp"

namespace tern::server {

Shard::Shard(std::size_t index, IoBackend backend) : index_(index), backend_(backend), ticker_(io_) {}

std::variant<std::unique_ptr<Shard>, std::string> Shard::create(std::size_t index, IoBackend backend,
                                                                const CoreConfig& config,
                                                                const ServerPolicies& policies,
                                                                std::span<const std::uint8_t, 32> nonce_key,
                                                                SharedState& shared, const Logger& log) {
    std::unique_ptr<Shard> shard(new Shard(index, backend));  // private constructor: make_unique cannot reach it
    if (backend == IoBackend::Uring) {
        auto made = UringShell::create(shard->io_, log);
        if (auto* error = std::get_if<std::string>(&made)) return *std::move(error);
        shard->shell_ = std::move(std::get<std::unique_ptr<UringShell>>(made));
    } else {
        shard->shell_ = std::make_unique<AsioShell>(shard->io_, log);
    }
    shard->core_ = std::make_unique<TurnServer>(config, policies, nonce_key, *shard->shell_, shard->random_, shared);
    shard->shell_->attach(*shard->core_, config.max_channel_number);
    return shard;
}

Shard::~Shard() { stop(); }

std::optional<std::string> Shard::listen(const std::vector<protocol::TransportAddress>& addresses, bool udp,
                                         bool tcp, bool reuse_port, const SocketBuffers& buffers,
                                         std::chrono::microseconds idle_poll) {
    shell_->set_socket_buffers(buffers);
    shell_->set_idle_poll(idle_poll);
    return shell_->listen(addresses, udp, tcp, reuse_port);
}

void Shard::tick() {
    ticker_.expires_after(std::chrono::seconds(1));
    ticker_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || !core_) return;
        core_->on_tick(Instant::now());
        publish_counters();
        tick();
    });
}

void Shard::publish_counters() noexcept {
    published_.publish({core_->stats(), shell_->shell_stats(), core_->allocation_count()});
}

void Shard::start() {
    tick();
    thread_ = std::thread([this] {
        shell_->start_on_loop_thread();
        io_.run();
    });
}

void Shard::post_policies(ServerPolicies policies) {
    boost::asio::post(io_, [this, p = std::move(policies)]() mutable {
        if (core_) core_->update_policies(std::move(p), Instant::now());
    });
}

void Shard::stop() {
    if (thread_.joinable()) {
        boost::asio::post(io_, [this] {
            publish_counters();  // the last figures stay readable after the core is gone
            ticker_.cancel();
            shell_->close();
            core_.reset();   // closes every relay socket of this shard
            shell_.reset();  // on the thread its ring belongs to (RelayShell::start_on_loop_thread)
            io_.stop();
        });
        thread_.join();
    } else if (core_) {
        ticker_.cancel();
        shell_->close();
        core_.reset();
    }
}

}  // namespace tern::server
