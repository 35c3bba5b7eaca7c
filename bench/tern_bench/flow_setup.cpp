// Setting flows up: one allocation per flow (two relay to relay), then a channel or a permission to
// the peer, at most kSetupWindow flows at a time so a thousand clients do not all knock at once. And
// what the endpoints report afterwards: payloads, lost allocations, closes.

#include <cstring>

#include "bench/tern_bench/throughput_worker.hpp"

namespace tern::bench {

namespace {

constexpr std::size_t kSetupWindow = 64;

// Endpoint tags: the flow's local index and its role (0 sends probes, 1 sends them back relay to relay).
constexpr std::uint32_t tag_of(std::uint32_t local, unsigned role) noexcept { return local * 2 + role; }
constexpr std::uint32_t flow_of(std::uint32_t tag) noexcept { return tag / 2; }
constexpr unsigned role_of(std::uint32_t tag) noexcept { return tag % 2; }

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

TurnEndpoint* ThroughputWorker::endpoint(std::uint32_t local, unsigned role) noexcept {
    const bool relay = options_.peer == PeerKind::Relay;
    if (!relay && role != 0) return nullptr;
    const std::size_t index = relay ? std::size_t{local} * 2 + role : local;
    return index < endpoints_.size() ? endpoints_[index].get() : nullptr;
}

bool ThroughputWorker::create_flows() {
    const std::uint32_t count = flow_count_;
    for (std::uint32_t local = 0; local < count; ++local) {
        flows_.push_back(std::make_unique<Flow>(kSsrcBase + first_flow_ + local, key_, options_.size));
        flow_states_.push_back(FlowState::Pending);
    }
    std::string error;
    if (options_.target == Target::Bare) {
        auto fd = open_udp({options_.local_ip, 0}, options_.server, kLoadSocketBuffer, error);
        if (!fd) {
            result_.fatal_error = "bare load socket: " + error;
            return false;
        }
        direct_ = std::make_unique<DirectEndpoint>(*context_, *this, std::move(*fd));
        for (std::uint32_t local = 0; local < count; ++local) {
            flows_[local]->set_path(direct_.get());
            flow_states_[local] = FlowState::Ready;
            ready_.push_back(local);
        }
        settled_ = count;
        next_pending_ = count;
        result_.flows_ready = count;
        return true;
    }
    if (options_.peer == PeerKind::Sink) {
        auto fd = open_udp({options_.local_ip, 0}, std::nullopt, kLoadSocketBuffer, error);
        if (!fd) {
            result_.fatal_error = "sink socket: " + error;
            return false;
        }
        peer_ = *local_address(fd->get());
        direct_ = std::make_unique<DirectEndpoint>(*context_, *this, std::move(*fd));
    }
    const unsigned roles = options_.peer == PeerKind::Relay ? 2 : 1;
    const auto now_unix = unix_now();
    for (std::uint32_t local = 0; local < count; ++local) {
        for (unsigned role = 0; role < roles; ++role) {
            client::TurnClientConfig config;
            config.server = options_.server;
            config.transport = options_.transport;
            const std::string id = "bench" + std::to_string(first_flow_ + local) + (role ? "b" : "");
            config.credentials = options_.secret.empty()
                                     ? client::Credentials::long_term(options_.user, options_.password)
                                     : client::Credentials::from_shared_secret(options_.secret, id, now_unix);
            config.options.requested_lifetime = options_.lifetime;
            config.options.software = "tern-bench";
            // Each core reserves its tables up front: keep them to what one flow uses.
            config.options.max_permissions = 2;
            config.options.max_channels = 2;
            config.options.max_pending_requests = 4;
            config.options.max_payload = 0;  // probes are framed in the worker's send slots, not the core's
            endpoints_.push_back(std::make_unique<TurnEndpoint>(*context_, *this, std::move(config), options_.local_ip,
                                                                tag_of(local, role)));
        }
    }
    return true;
}

void ThroughputWorker::start_pending_flows(TimePoint now) {
    while (next_pending_ < flows_.size() && setting_up_ < kSetupWindow) {
        const auto local = static_cast<std::uint32_t>(next_pending_++);
        ++setting_up_;
        flow_states_[local] = FlowState::SettingUp;
        start_flow(local, now);
    }
}

bool ThroughputWorker::start_flow(std::uint32_t local, TimePoint now) {
    for (unsigned role = 0; role < 2; ++role) {
        TurnEndpoint* e = endpoint(local, role);
        if (e == nullptr) continue;
        std::string error;
        if (!e->start(now, error)) {
            const client::ClientError failure{client::ClientErrorKind::Transport, protocol::Method::Allocate, 0, error};
            flow_failed(local, failure, now);
            return false;
        }
    }
    return true;
}

void ThroughputWorker::flow_failed(std::uint32_t local, const client::ClientError& error, TimePoint now) {
    const FlowState state = flow_states_[local];
    if (state == FlowState::Pending || state == FlowState::SettingUp) {
        flow_states_[local] = FlowState::Failed;
        ++result_.setup_failures[failure_key(error)];
        if (state == FlowState::SettingUp) --setting_up_;
        ++settled_;
    } else if (state == FlowState::Ready) {
        flow_states_[local] = FlowState::Lost;  // the pacer skips it from now on
        ++result_.allocations_lost;
    } else {
        return;
    }
    // The other allocation of a relay-to-relay flow is of no use alone.
    for (unsigned role = 0; role < 2; ++role)
        if (TurnEndpoint* e = endpoint(local, role); e != nullptr && !e->finished()) e->close(now);
}

void ThroughputWorker::on_allocated(TurnEndpoint& allocated, TimePoint now) {
    const std::uint32_t local = flow_of(allocated.tag());
    if (flow_states_[local] != FlowState::SettingUp) return;
    const client::ClientError refused{client::ClientErrorKind::Transport, protocol::Method::ChannelBind, 0,
                                      "channel or permission table full"};
    if (options_.peer != PeerKind::Relay) {
        if (!allocated.open_path(peer_, options_.use_channels, now)) flow_failed(local, refused, now);
        return;
    }
    // Relay to relay: once both allocations exist, each opens a path to the other's relayed address.
    TurnEndpoint* sender = endpoint(local, 0);
    TurnEndpoint* reflector = endpoint(local, 1);
    if (sender->stage() != TurnEndpoint::Stage::Allocated || reflector->stage() != TurnEndpoint::Stage::Allocated) return;
    if (!sender->open_path(reflector->allocation().relayed, options_.use_channels, now) ||
        !reflector->open_path(sender->allocation().relayed, options_.use_channels, now))
        flow_failed(local, refused, now);
}

void ThroughputWorker::on_peer_ready(TurnEndpoint& ready, TimePoint) {
    const std::uint32_t local = flow_of(ready.tag());
    if (flow_states_[local] != FlowState::SettingUp) return;
    for (unsigned role = 0; role < 2; ++role)
        if (TurnEndpoint* e = endpoint(local, role); e != nullptr && e->stage() != TurnEndpoint::Stage::Ready) return;
    flow_states_[local] = FlowState::Ready;
    flows_[local]->set_path(endpoint(local, 0));
    ready_.push_back(local);
    --setting_up_;
    ++settled_;
    ++result_.flows_ready;
}

void ThroughputWorker::on_failed(TurnEndpoint& failed, const client::ClientError& error, TimePoint now) {
    flow_failed(flow_of(failed.tag()), error, now);
}

void ThroughputWorker::on_closed(TurnEndpoint&, TimePoint) {}

void ThroughputWorker::on_payload(TurnEndpoint& from, std::span<std::uint8_t> payload, TimePoint now) {
    if (role_of(from.tag()) == 0) return deliver(flow_of(from.tag()), payload, now);
    // Relay to relay: the second allocation sends the probe back untouched, as an echo peer would.
    const auto area = from.payload_area();
    if (payload.size() > area.size()) return;
    std::memcpy(area.data(), payload.data(), payload.size());
    if (!from.send_payload(payload.size())) result_.stats.count_error(ErrorKind::SendFailed);
}

void ThroughputWorker::on_datagram(std::span<std::uint8_t> datagram, TimePoint now) {
    deliver(std::nullopt, datagram, now);
}

}  // namespace tern::bench
