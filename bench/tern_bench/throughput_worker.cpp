// The worker's loop and its phases: set up, wait for the schedule, send (paced or windowed) while
// verifying what comes back, drain the probes still in flight, delete the allocations.

#include "bench/tern_bench/throughput_worker.hpp"

#include <algorithm>
#include <cmath>

#include "bench/tern_bench/probe_packet.hpp"
#include "bench/tern_bench/process_usage.hpp"

namespace tern::bench {

namespace {

using namespace std::chrono_literals;

constexpr auto kTimerSweep = 10ms;      // client core timers (retransmissions, refreshes) are checked this often
constexpr auto kStallTimeout = 500ms;   // max rate: a flow with nothing back for this long refills its window
constexpr auto kCloseTimeout = 3s;      // for the deletes at the end

TimePoint to_time_point(std::int64_t ns) { return TimePoint(std::chrono::nanoseconds(ns)); }

}  // namespace

ThroughputWorker::ThroughputWorker(const BenchOptions& options, const SrtpMasterKey& key, std::uint32_t first_flow,
                                   std::uint32_t flow_count, protocol::TransportAddress peer, RunControl& control,
                                   WorkerProgress& progress)
    : options_(options),
      key_(key),
      first_flow_(first_flow),
      flow_count_(flow_count),
      peer_(peer),
      control_(control),
      progress_(progress),
      context_(std::make_unique<EndpointContext>()) {
    flows_.reserve(flow_count);
}

// Endpoints unregister from the loop, so they go before the context.
ThroughputWorker::~ThroughputWorker() {
    endpoints_.clear();
    direct_.reset();
}

void ThroughputWorker::run() {
    const TimePoint setup_start = Clock::now();
    if (!create_flows()) {
        progress_.phase.store(WorkerPhase::Done);
        return;
    }
    // Setup, bounded by --setup-timeout.
    const TimePoint setup_deadline = setup_start + std::chrono::duration_cast<Clock::duration>(
                                                       std::chrono::duration<double>(options_.setup_timeout));
    while (!setup_settled() && Clock::now() < setup_deadline && !control_.abort.load()) {
        start_pending_flows(Clock::now());
        loop_once(10ms);
    }
    const TimePoint setup_end = Clock::now();
    result_.setup_seconds = std::chrono::duration<double>(setup_end - setup_start).count();
    const client::ClientError too_slow{client::ClientErrorKind::Timeout, protocol::Method::Allocate, 0, "setup timeout"};
    for (std::uint32_t local = 0; local < flow_count_; ++local)
        if (flow_states_[local] == FlowState::Pending || flow_states_[local] == FlowState::SettingUp)
            flow_failed(local, too_slow, setup_end);
    progress_.phase.store(WorkerPhase::SetupDone);

    // The coordinator sets the schedule once every worker is set up. Timers keep running meanwhile.
    while (!control_.go.load() && !control_.abort.load()) loop_once(10ms);

    window_ = {control_.window_start_ns.load(), control_.window_end_ns.load()};
    send_start_ns_ = control_.send_start_ns.load();
    const TimePoint window_end = to_time_point(window_.end_ns);
    progress_.phase.store(WorkerPhase::Sending);
    sending_ = true;
    const bool paced = options_.rate > 0;
    bool window_started = false;
    double cpu_at_window_start = 0;
    if (!paced) refill_windows(Clock::now());
    TimePoint last_refill = Clock::now();
    for (TimePoint now = Clock::now(); now < window_end && !control_.abort.load(); now = Clock::now()) {
        if (!window_started && steady_ns(now) >= window_.start_ns) {
            window_started = true;
            cpu_at_window_start = thread_cpu_seconds();
        }
        if (paced) {
            pace(now);
        } else if (now - last_refill >= 50ms) {
            refill_windows(now);
            last_refill = now;
        }
        loop_once(paced ? 1ms : 5ms);
    }
    sending_ = false;
    if (window_started) result_.window_cpu_seconds = thread_cpu_seconds() - cpu_at_window_start;

    // Drain: the probes of the window still in flight may yet arrive.
    progress_.phase.store(WorkerPhase::Draining);
    const TimePoint drain_end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                   std::chrono::duration<double>(options_.drain));
    while (probes_in_flight() > 0 && Clock::now() < drain_end && !control_.abort.load()) loop_once(5ms);

    progress_.phase.store(WorkerPhase::Closing);
    close_everything(Clock::now());
    const TimePoint close_end = Clock::now() + kCloseTimeout;
    while (!everything_closed() && Clock::now() < close_end) loop_once(10ms);
    for (const auto& e : endpoints_) result_.refreshes += e->refreshes();
    publish_progress();
    progress_.phase.store(WorkerPhase::Done);
}

void ThroughputWorker::loop_once(std::chrono::milliseconds wait) {
    // Probes paced since the last turn leave before the wait: held back until it ends, a probe would
    // carry the wait in its round trip (up to the whole timeout when no answer wakes the loop).
    flush_sends();
    context_->loop.poll(wait);
    const TimePoint now = Clock::now();
    if (now - last_timer_sweep_ >= kTimerSweep) {
        run_timers(now);
        last_timer_sweep_ = now;
    }
    flush_sends();
    publish_progress();
}

void ThroughputWorker::flush_sends() {
    // Refused datagrams were counted as sent (and will count as lost); this says why.
    const std::size_t refused = context_->flush();
    result_.stats.errors[static_cast<std::size_t>(ErrorKind::SendFailed)] += refused;
}

void ThroughputWorker::run_timers(TimePoint now) {
    for (const auto& e : endpoints_)
        if (const auto due = e->next_timer(); due && *due <= now) e->run_timer(now);
}

// Fixed rate: this worker's share of --rate, spread round robin over its ready flows. A loop that falls
// behind catches up in bursts of at most 1/20 s of probes, so a stall does not become a flood.
void ThroughputWorker::pace(TimePoint now) {
    if (ready_.empty()) return;
    const double share = static_cast<double>(flow_count_) / options_.clients;
    const double rate = options_.rate * share;
    const double elapsed = static_cast<double>(steady_ns(now) - send_start_ns_) / 1e9;
    const auto due = static_cast<std::uint64_t>(std::max(0.0, std::floor(elapsed * rate)));
    const auto burst_limit = static_cast<std::uint64_t>(std::max(1.0, rate / 20));
    if (due > paced_ + burst_limit) paced_ = due - burst_limit;
    const std::int64_t now_ns = steady_ns(now);
    for (std::size_t attempts = 0; paced_ < due && attempts < 4 * burst_limit; ++attempts) {
        const std::uint32_t local = ready_[pace_cursor_++ % ready_.size()];
        if (flow_states_[local] != FlowState::Ready) continue;
        transmit(local, now_ns);
        ++paced_;
    }
}

// Max rate: every flow keeps --window probes in flight; one whose probes stopped coming back writes
// them off (they count as lost) and starts over.
void ThroughputWorker::refill_windows(TimePoint now) {
    const std::int64_t now_ns = steady_ns(now);
    const auto stall_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(kStallTimeout).count();
    for (const std::uint32_t local : ready_) {
        if (flow_states_[local] != FlowState::Ready) continue;
        Flow& flow = *flows_[local];
        if (flow.in_flight() > 0 && now_ns - flow.last_progress_ns() > stall_ns) flow.write_off_in_flight();
        if (flow.in_flight() == 0) flow.mark_progress(now_ns);
        while (flow.in_flight() < options_.window)
            if (!flow.transmit(now_ns, window_, result_.stats)) break;
            else ++sent_total_;
    }
}

void ThroughputWorker::transmit(std::uint32_t local, std::int64_t now_ns) {
    if (flows_[local]->transmit(now_ns, window_, result_.stats)) ++sent_total_;
}

void ThroughputWorker::deliver(std::optional<std::uint32_t> expected, std::span<std::uint8_t> packet, TimePoint now) {
    TrafficStats& stats = result_.stats;
    const auto ssrc = peek_ssrc(packet);
    if (!ssrc) return stats.count_error(ErrorKind::SrtpMalformed);
    const std::uint32_t local = *ssrc - kSsrcBase - first_flow_;  // wraps to a huge value when out of range
    if (*ssrc < kSsrcBase || local >= flow_count_ || (expected && *expected != local))
        return stats.count_error(ErrorKind::WrongFlow);
    Flow& flow = *flows_[local];
    const std::int64_t now_ns = steady_ns(now);
    if (!flow.receive(packet, now_ns, window_, stats)) return;
    ++received_total_;
    if (sending_ && options_.rate <= 0 && flow_states_[local] == FlowState::Ready)
        while (flow.in_flight() < options_.window && flow.transmit(now_ns, window_, stats)) ++sent_total_;
}

std::uint64_t ThroughputWorker::probes_in_flight() const noexcept {
    std::uint64_t total = 0;
    for (const std::uint32_t local : ready_)
        if (flow_states_[local] == FlowState::Ready) total += flows_[local]->in_flight();
    return total;
}

void ThroughputWorker::close_everything(TimePoint now) {
    for (const auto& e : endpoints_) e->close(now);
}

bool ThroughputWorker::everything_closed() const noexcept {
    return std::all_of(endpoints_.begin(), endpoints_.end(), [](const auto& e) { return e->finished(); });
}

void ThroughputWorker::publish_progress() noexcept {
    publish(progress_.sent, sent_total_);
    publish(progress_.received, received_total_);
    publish(progress_.errors, result_.stats.delivery_errors());
    publish(progress_.ready, result_.flows_ready);
    publish(progress_.failed, settled_ - result_.flows_ready);
}

}  // namespace tern::bench
