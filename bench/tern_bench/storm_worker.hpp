#pragma once
// One thread of an allocation storm: authenticated allocations (Allocate, 401, signed Allocate) opened
// at --allocation-rate with at most --allocation-window outstanding, until this worker's share of the
// target count has succeeded or failed; then held until the coordinator has sampled the server's
// memory, then deleted (Refresh with LIFETIME 0), again a window at a time.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench/tern_bench/endpoint_context.hpp"
#include "bench/tern_bench/latency_histogram.hpp"
#include "bench/tern_bench/options.hpp"
#include "bench/tern_bench/run_control.hpp"
#include "bench/tern_bench/setup_failures.hpp"
#include "bench/tern_bench/shared_udp_port.hpp"
#include "bench/tern_bench/turn_endpoint.hpp"

namespace tern::bench {

struct StormResult {
    std::uint64_t attempted = 0;
    std::uint64_t allocated = 0;
    FailureCounts failures;
    LatencyHistogram allocation_latency;  // first Allocate sent to success, 401 round trip included
    double storm_seconds = 0;             // first Allocate to the last answer
    double cpu_seconds = 0;               // this thread, during the storm
    std::uint64_t lost = 0;     // allocated, then lost while held
    std::uint64_t deleted = 0;
    std::string fatal_error;
};

class StormWorker final : public EndpointListener {
public:
    StormWorker(const BenchOptions& options, std::uint32_t first_allocation, std::uint32_t count, RunControl& control,
                WorkerProgress& progress);
    ~StormWorker();

    void run();
    StormResult& result() noexcept { return result_; }

private:
    void on_allocated(TurnEndpoint& endpoint, TimePoint now) override;
    void on_peer_ready(TurnEndpoint&, TimePoint) override {}
    void on_failed(TurnEndpoint& endpoint, const client::ClientError& error, TimePoint now) override;
    void on_closed(TurnEndpoint& endpoint, TimePoint now) override;
    void on_payload(TurnEndpoint&, std::span<std::uint8_t>, TimePoint) override {}

    void launch(TimePoint now);
    void close_some(TimePoint now);
    void flush();
    void loop_once(std::chrono::milliseconds wait);
    void publish_progress() noexcept;
    client::TurnClientConfig config_for(std::uint32_t index) const;

    enum class Phase : std::uint8_t { Storming, Holding, Closing };

    const BenchOptions& options_;
    Phase phase_ = Phase::Storming;
    std::uint32_t first_;
    std::uint32_t count_;
    RunControl& control_;
    WorkerProgress& progress_;
    std::unique_ptr<EndpointContext> context_;
    std::vector<std::unique_ptr<TurnEndpoint>> endpoints_;  // tag: the index here; all built before the storm
    std::size_t launched_ = 0;                               // started so far, in order
    std::unique_ptr<SharedUdpPort> shared_port_;             // --multiplex: every client's socket
    std::vector<bool> delete_sent_;
    std::int64_t unix_now_ = 0;

    TimePoint storm_start_{};
    TimePoint last_answer_{};
    std::size_t outstanding_ = 0;  // allocating, or closing
    std::size_t answered_ = 0;     // allocated or failed
    std::size_t next_to_close_ = 0;
    std::size_t closed_ = 0;       // of the allocated ones: closed, or failed while closing
    TimePoint last_timer_sweep_{};
    StormResult result_;
};

}  // namespace tern::bench
