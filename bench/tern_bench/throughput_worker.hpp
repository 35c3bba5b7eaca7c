#pragma once
// One thread of a throughput or soak run: its share of the flows, their allocations (or the bare
// load socket), and the loop that sets them up, sends probes at the paced rate or keeps a window of
// them in flight, verifies what comes back, and finally deletes the allocations.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bench/tern_bench/direct_endpoint.hpp"
#include "bench/tern_bench/endpoint_context.hpp"
#include "bench/tern_bench/flow.hpp"
#include "bench/tern_bench/options.hpp"
#include "bench/tern_bench/run_control.hpp"
#include "bench/tern_bench/setup_failures.hpp"
#include "bench/tern_bench/turn_endpoint.hpp"

namespace tern::bench {

inline constexpr std::uint32_t kSsrcBase = 0x7E000000;  // flow n has SSRC kSsrcBase + n

struct ThroughputResult {
    TrafficStats stats;
    FailureCounts setup_failures;
    std::uint64_t flows_ready = 0;
    std::uint64_t allocations_lost = 0;  // during the load: a refresh failed or the connection broke
    std::uint64_t refreshes = 0;         // allocation refreshes the client cores made
    double setup_seconds = 0;
    double window_cpu_seconds = 0;  // this thread's CPU time during the measurement window
    std::string fatal_error;
};

class ThroughputWorker final : public EndpointListener, public DatagramReceiver {
public:
    // Flows first_flow .. first_flow + flow_count - 1 of the run. `peer`: where the flows' allocations
    // send (the echo peer); ignored for the sink and relay peers and the bare target.
    ThroughputWorker(const BenchOptions& options, const SrtpMasterKey& key, std::uint32_t first_flow,
                     std::uint32_t flow_count, protocol::TransportAddress peer, RunControl& control,
                     WorkerProgress& progress);
    ~ThroughputWorker();

    void run();  // on the worker's thread; returns once the allocations are deleted (or abandoned)
    ThroughputResult& result() noexcept { return result_; }

private:
    enum class FlowState : std::uint8_t { Pending, SettingUp, Ready, Failed, Lost };

    // EndpointListener (flow_setup.cpp)
    void on_allocated(TurnEndpoint& endpoint, TimePoint now) override;
    void on_peer_ready(TurnEndpoint& endpoint, TimePoint now) override;
    void on_failed(TurnEndpoint& endpoint, const client::ClientError& error, TimePoint now) override;
    void on_closed(TurnEndpoint& endpoint, TimePoint now) override;
    void on_payload(TurnEndpoint& endpoint, std::span<std::uint8_t> payload, TimePoint now) override;
    // DatagramReceiver: the bare load socket and the sink
    void on_datagram(std::span<std::uint8_t> datagram, TimePoint now) override;

    // Setup (flow_setup.cpp)
    bool create_flows();
    void start_pending_flows(TimePoint now);
    bool start_flow(std::uint32_t local, TimePoint now);
    void flow_failed(std::uint32_t local, const client::ClientError& error, TimePoint now);
    bool setup_settled() const noexcept { return settled_ == flows_.size(); }
    TurnEndpoint* endpoint(std::uint32_t local, unsigned role) noexcept;

    // The loop (throughput_worker.cpp)
    void flush_sends();
    void loop_once(std::chrono::milliseconds wait);
    void run_timers(TimePoint now);
    void pace(TimePoint now);
    void refill_windows(TimePoint now);
    void transmit(std::uint32_t local, std::int64_t now_ns);
    void deliver(std::optional<std::uint32_t> expected, std::span<std::uint8_t> packet, TimePoint now);
    std::uint64_t probes_in_flight() const noexcept;
    void close_everything(TimePoint now);
    bool everything_closed() const noexcept;
    void publish_progress() noexcept;

    const BenchOptions& options_;
    const SrtpMasterKey& key_;
    std::uint32_t first_flow_;
    std::uint32_t flow_count_;
    protocol::TransportAddress peer_;
    RunControl& control_;
    WorkerProgress& progress_;
    std::unique_ptr<EndpointContext> context_;

    std::vector<std::unique_ptr<Flow>> flows_;
    std::vector<FlowState> flow_states_;
    std::vector<std::unique_ptr<TurnEndpoint>> endpoints_;  // flow n: [n] or, relay to relay, [2n] and [2n+1]
    std::unique_ptr<DirectEndpoint> direct_;                // bare load socket, or the sink
    std::vector<std::uint32_t> ready_;                      // flows in the order they became ready
    std::size_t next_pending_ = 0;                          // the next flow to start setting up
    std::size_t setting_up_ = 0;
    std::size_t settled_ = 0;                               // ready or failed

    MeasureWindow window_;
    bool sending_ = false;
    std::int64_t send_start_ns_ = 0;
    std::uint64_t paced_ = 0;         // probes the pacer sent
    std::size_t pace_cursor_ = 0;
    TimePoint last_timer_sweep_{};
    std::uint64_t sent_total_ = 0, received_total_ = 0;
    ThroughputResult result_;
};

}  // namespace tern::bench
