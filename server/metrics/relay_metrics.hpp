#pragma once
// The Prometheus view of the relay (--prometheus): a prometheus-cpp Collectable that turns every
// shard's published counters into metric families, labelled by shard, when a scrape asks. Served by
// prometheus-cpp's Exposer on its own thread; it reads only PublishedCounters' atomics.

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <functional>
#include <vector>

#include "server/metrics/published_counters.hpp"

namespace tern::server {

class RelayMetrics final : public prometheus::Collectable {
public:
    // `read_shards` returns one snapshot per shard, in shard order; called on the exposer's thread.
    explicit RelayMetrics(std::function<std::vector<CounterSnapshot>()> read_shards);

    std::vector<prometheus::MetricFamily> Collect() const override;

private:
    std::function<std::vector<CounterSnapshot>()> read_shards_;
};

// The families for `shards`, as Collect() returns them (for the tests).
std::vector<prometheus::MetricFamily> metric_families(const std::vector<CounterSnapshot>& shards);

}  // namespace tern::server
