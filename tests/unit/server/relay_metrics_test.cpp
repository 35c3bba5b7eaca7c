// The metrics path: a shard's counters survive publication field for field, and the Prometheus text
// for them names every counter, direction and reason with the right value and shard label.

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <string>
#include <thread>

#include "server/metrics/published_counters.hpp"
#include "server/metrics/relay_metrics.hpp"

namespace tern::server {
namespace {

CounterSnapshot distinct_values(std::uint64_t base) {
    CounterSnapshot s;
    std::uint64_t next = base;
    s.core.requests = next++;
    s.core.binding_requests = next++;
    s.core.allocations_created = next++;
    s.core.allocations_deleted = next++;
    s.core.allocations_expired = next++;
    s.core.retransmissions_answered = next++;
    s.core.packets_to_peers = next++;
    s.core.bytes_to_peers = next++;
    s.core.packets_to_clients = next++;
    s.core.bytes_to_clients = next++;
    for (auto& n : s.core.auth_failures) n = next++;
    for (auto& n : s.core.drops) n = next++;
    s.shell.send_failures = next++;
    s.shell.oversize_drops = next++;
    s.allocations = next++;
    return s;
}

void expect_same(const CounterSnapshot& a, const CounterSnapshot& b) {
    EXPECT_EQ(a.core.requests, b.core.requests);
    EXPECT_EQ(a.core.binding_requests, b.core.binding_requests);
    EXPECT_EQ(a.core.allocations_created, b.core.allocations_created);
    EXPECT_EQ(a.core.allocations_deleted, b.core.allocations_deleted);
    EXPECT_EQ(a.core.allocations_expired, b.core.allocations_expired);
    EXPECT_EQ(a.core.retransmissions_answered, b.core.retransmissions_answered);
    EXPECT_EQ(a.core.packets_to_peers, b.core.packets_to_peers);
    EXPECT_EQ(a.core.bytes_to_peers, b.core.bytes_to_peers);
    EXPECT_EQ(a.core.packets_to_clients, b.core.packets_to_clients);
    EXPECT_EQ(a.core.bytes_to_clients, b.core.bytes_to_clients);
    EXPECT_EQ(a.core.auth_failures, b.core.auth_failures);
    EXPECT_EQ(a.core.drops, b.core.drops);
    EXPECT_EQ(a.shell.send_failures, b.shell.send_failures);
    EXPECT_EQ(a.shell.oversize_drops, b.shell.oversize_drops);
    EXPECT_EQ(a.allocations, b.allocations);
}

TEST(PublishedCounters, EveryFieldSurvivesPublication) {
    PublishedCounters published;
    expect_same(published.read(), CounterSnapshot{});
    const CounterSnapshot s = distinct_values(1000);
    published.publish(s);
    expect_same(published.read(), s);
}

TEST(PublishedCounters, ReadersOnOtherThreadsSeeWholeValues) {
    PublishedCounters published;
    std::thread writer([&] {
        for (std::uint64_t i = 1; i <= 20000; ++i) published.publish(distinct_values(i * 100));
    });
    for (int i = 0; i < 20000; ++i) {
        const CounterSnapshot s = published.read();
        EXPECT_EQ(s.core.requests % 100, 0u);  // never a torn value
    }
    writer.join();
    expect_same(published.read(), distinct_values(20000 * 100));
}

TEST(RelayMetrics, TextNamesEveryCounterByShardAndReason) {
    CounterSnapshot a;
    a.allocations = 3;
    a.core.allocations_created = 5;
    a.core.packets_to_peers = 70;
    a.core.bytes_to_clients = 1234;
    a.core.auth_failures[static_cast<std::size_t>(AuthFailureReason::StaleNonce)] = 2;
    a.core.drops[static_cast<std::size_t>(DropReason::Malformed)] = 9;
    a.shell.send_failures = 4;
    CounterSnapshot b;
    b.core.drops[static_cast<std::size_t>(DropReason::NoPermission)] = 6;
    b.shell.oversize_drops = 1;

    RelayMetrics metrics([&] { return std::vector<CounterSnapshot>{a, b}; });
    const std::string text = prometheus::TextSerializer().Serialize(metrics.Collect());
    for (const std::string line : {
             "tern_allocations{shard=\"0\"} 3",
             "tern_allocations_created_total{shard=\"0\"} 5",
             "tern_relayed_packets_total{shard=\"0\",direction=\"to_peer\"} 70",
             "tern_relayed_bytes_total{shard=\"0\",direction=\"to_client\"} 1234",
             "tern_auth_failures_total{shard=\"0\",reason=\"stale_nonce\"} 2",
             "tern_dropped_packets_total{shard=\"0\",reason=\"malformed\"} 9",
             "tern_dropped_packets_total{shard=\"0\",reason=\"send_failed\"} 4",
             "tern_dropped_packets_total{shard=\"1\",reason=\"no_permission\"} 6",
             "tern_dropped_packets_total{shard=\"1\",reason=\"oversize\"} 1",
             "# TYPE tern_allocations gauge",
             "# TYPE tern_dropped_packets_total counter",
         })
        EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
}

}  // namespace
}  // namespace tern::server
