#include "server/metrics/relay_metrics.hpp"

#include <deque>
#include <iterator>
#include <string>
#include <utility>

namespace tern::server {

namespace {

std::string_view label_of(AuthFailureReason r) noexcept {
    switch (r) {
        case AuthFailureReason::NoCredentials: return "no_credentials";
        case AuthFailureReason::MissingAttributes: return "missing_attributes";
        case AuthFailureReason::StaleNonce: return "stale_nonce";
        case AuthFailureReason::ForgedNonce: return "forged_nonce";
        case AuthFailureReason::BadPasswordAlgorithm: return "bad_password_algorithm";
        case AuthFailureReason::UnknownUser: return "unknown_user";
        case AuthFailureReason::Expired: return "expired";
        case AuthFailureReason::BadIntegrity: return "bad_integrity";
    }
    return "unknown";
}

class Families {
public:
    prometheus::MetricFamily& family(const char* name, const char* help, prometheus::MetricType type) {
        families_.push_back({name, help, type, {}});
        return families_.back();
    }
    std::vector<prometheus::MetricFamily> take() {
        return {std::make_move_iterator(families_.begin()), std::make_move_iterator(families_.end())};
    }

private:
    std::deque<prometheus::MetricFamily> families_;  // a deque: family() references stay valid
};

void add(prometheus::MetricFamily& f, std::size_t shard, std::uint64_t value,
         std::vector<prometheus::ClientMetric::Label> extra = {}) {
    prometheus::ClientMetric m;
    m.label.push_back({"shard", std::to_string(shard)});
    for (auto& l : extra) m.label.push_back(std::move(l));
    const auto v = static_cast<double>(value);
    if (f.type == prometheus::MetricType::Gauge) m.gauge.value = v;
    else m.counter.value = v;
    f.metric.push_back(std::move(m));
}

}  // namespace

std::vector<prometheus::MetricFamily> metric_families(const std::vector<CounterSnapshot>& shards) {
    using prometheus::MetricType;
    Families out;
    const auto per_shard = [&](const char* name, const char* help, MetricType type, auto value_of) {
        auto& f = out.family(name, help, type);
        for (std::size_t i = 0; i < shards.size(); ++i) add(f, i, value_of(shards[i]));
    };
    per_shard("tern_allocations", "Allocations standing now.", MetricType::Gauge,
              [](const CounterSnapshot& s) { return s.allocations; });
    per_shard("tern_allocations_created_total", "Allocations created.", MetricType::Counter,
              [](const CounterSnapshot& s) { return s.core.allocations_created; });
    per_shard("tern_allocations_deleted_total", "Allocations deleted by their clients (Refresh with lifetime 0).",
              MetricType::Counter, [](const CounterSnapshot& s) { return s.core.allocations_deleted; });
    per_shard("tern_allocations_expired_total", "Allocations that expired.", MetricType::Counter,
              [](const CounterSnapshot& s) { return s.core.allocations_expired; });
    per_shard("tern_requests_total", "STUN/TURN requests handled.", MetricType::Counter,
              [](const CounterSnapshot& s) { return s.core.requests; });
    per_shard("tern_binding_requests_total", "Binding requests answered.", MetricType::Counter,
              [](const CounterSnapshot& s) { return s.core.binding_requests; });
    per_shard("tern_retransmissions_answered_total", "Retransmitted requests answered from the response cache.",
              MetricType::Counter, [](const CounterSnapshot& s) { return s.core.retransmissions_answered; });

    auto& packets = out.family("tern_relayed_packets_total", "Datagrams relayed, by direction.", MetricType::Counter);
    auto& bytes = out.family("tern_relayed_bytes_total", "Payload bytes relayed, by direction.", MetricType::Counter);
    auto& auth = out.family("tern_auth_failures_total", "Requests refused by authentication, by reason.",
                            MetricType::Counter);
    auto& drops = out.family("tern_dropped_packets_total",
                             "Packets dropped, by reason: the protocol's (malformed, no permission...) and the "
                             "socket layer's (send_failed, oversize).",
                             MetricType::Counter);
    for (std::size_t i = 0; i < shards.size(); ++i) {
        const CounterSnapshot& s = shards[i];
        add(packets, i, s.core.packets_to_peers, {{"direction", "to_peer"}});
        add(packets, i, s.core.packets_to_clients, {{"direction", "to_client"}});
        add(bytes, i, s.core.bytes_to_peers, {{"direction", "to_peer"}});
        add(bytes, i, s.core.bytes_to_clients, {{"direction", "to_client"}});
        for (std::size_t r = 0; r < kAuthFailureReasons; ++r)
            add(auth, i, s.core.auth_failures[r],
                {{"reason", std::string(label_of(static_cast<AuthFailureReason>(r)))}});
        for (std::size_t r = 0; r < kDropReasons; ++r)
            add(drops, i, s.core.drops[r], {{"reason", std::string(to_string(static_cast<DropReason>(r)))}});
        add(drops, i, s.shell.send_failures, {{"reason", "send_failed"}});
        add(drops, i, s.shell.oversize_drops, {{"reason", "oversize"}});
    }
    return out.take();
}

RelayMetrics::RelayMetrics(std::function<std::vector<CounterSnapshot>()> read_shards)
    : read_shards_(std::move(read_shards)) {}

std::vector<prometheus::MetricFamily> RelayMetrics::Collect() const { return metric_families(read_shards_()); }

}  // namespace tern::server
