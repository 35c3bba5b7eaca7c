#include "bench/tern_bench/storm_worker.hpp"

#include <algorithm>
#include <cmath>

#include "bench/tern_bench/process_usage.hpp"

namespace tern::bench {

namespace {

using namespace std::chrono_literals;

constexpr auto kCloseTimeout = 15s;  // deletes still unanswered then are abandoned (they expire on the server)

}  // namespace

StormWorker::StormWorker(const BenchOptions& options, std::uint32_t first_allocation, std::uint32_t count,
                         RunControl& control, WorkerProgress& progress)
    : options_(options),
      first_(first_allocation),
      count_(count),
      control_(control),
      progress_(progress),
      context_(std::make_unique<EndpointContext>()) {
    endpoints_.reserve(count);
    delete_sent_.resize(count);
    unix_now_ = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

StormWorker::~StormWorker() { endpoints_.clear(); }

client::TurnClientConfig StormWorker::config_for(std::uint32_t index) const {
    client::TurnClientConfig config;
    config.server = options_.server;
    config.transport = options_.transport;
    config.credentials = options_.secret.empty()
                             ? client::Credentials::long_term(options_.user, options_.password)
                             : client::Credentials::from_shared_secret(options_.secret, "storm" + std::to_string(index),
                                                                       unix_now_);
    config.options.requested_lifetime = options_.lifetime;
    config.options.software = "tern-bench";
    config.options.max_permissions = 1;
    config.options.max_channels = 1;
    config.options.max_pending_requests = 2;
    config.options.max_payload = 0;  // a storm sends no data
    return config;
}

void StormWorker::run() {
    // Every client is built before the clock starts: its memory (a few KiB, grown page by page in this
    // thread's arena) is the generator's setup, not part of the storm.
    if (options_.multiplex) shared_port_ = std::make_unique<SharedUdpPort>(context_->loop, options_.server);
    for (std::uint32_t index = 0; index < count_; ++index) {
        const protocol::IpAddress local =
            shared_port_ ? SharedUdpPort::client_address(first_ + index) : options_.local_ip;
        endpoints_.push_back(
            std::make_unique<TurnEndpoint>(*context_, *this, config_for(first_ + index), local, index, 0));
        if (shared_port_) endpoints_.back()->use_shared_port(*shared_port_);
    }
    const double cpu_start = thread_cpu_seconds();
    storm_start_ = Clock::now();
    last_answer_ = storm_start_;
    const TimePoint deadline = storm_start_ + std::chrono::duration_cast<Clock::duration>(
                                                  std::chrono::duration<double>(options_.setup_timeout));
    while (answered_ < count_ && Clock::now() < deadline && !control_.abort.load()) {
        launch(Clock::now());
        loop_once(1ms);
    }
    // Whatever is still outstanding at the deadline counts as a timeout.
    for (const auto& e : endpoints_)
        if (e->stage() == TurnEndpoint::Stage::Allocating || e->stage() == TurnEndpoint::Stage::Connecting) {
            ++result_.failures["timeout"];
            e->close(Clock::now());
        }
    result_.storm_seconds = std::chrono::duration<double>(last_answer_ - storm_start_).count();
    result_.cpu_seconds = thread_cpu_seconds() - cpu_start;
    publish_progress();
    phase_ = Phase::Holding;
    progress_.phase.store(WorkerPhase::SetupDone);

    // Hold: the coordinator samples the server while every allocation stands.
    while (!control_.release.load() && !control_.abort.load()) loop_once(10ms);

    phase_ = Phase::Closing;
    progress_.phase.store(WorkerPhase::Closing);
    outstanding_ = 0;
    const TimePoint close_deadline = Clock::now() + kCloseTimeout;
    while (closed_ < result_.allocated && Clock::now() < close_deadline) {
        close_some(Clock::now());
        loop_once(5ms);
    }
    publish_progress();
    progress_.phase.store(WorkerPhase::Done);
}

void StormWorker::launch(TimePoint now) {
    const double elapsed = std::chrono::duration<double>(now - storm_start_).count();
    const auto allowed_by_rate = options_.allocation_rate > 0
                                     ? static_cast<std::size_t>(std::floor(elapsed * options_.allocation_rate)) + 1
                                     : std::size_t{count_};
    while (launched_ < count_ && outstanding_ < options_.allocation_window && launched_ < allowed_by_rate) {
        TurnEndpoint& endpoint = *endpoints_[launched_++];
        ++result_.attempted;
        ++outstanding_;
        std::string error;
        if (!endpoint.start(now, error)) {
            --outstanding_;
            ++answered_;
            ++result_.failures["socket"];
        }
    }
}

void StormWorker::close_some(TimePoint now) {
    while (next_to_close_ < endpoints_.size() && outstanding_ < options_.allocation_window) {
        TurnEndpoint& e = *endpoints_[next_to_close_++];
        if (e.stage() != TurnEndpoint::Stage::Allocated) continue;
        delete_sent_[e.tag()] = true;
        ++outstanding_;
        e.close(now);
    }
}

void StormWorker::on_allocated(TurnEndpoint& endpoint, TimePoint now) {
    if (phase_ != Phase::Storming) return;
    --outstanding_;
    ++answered_;
    ++result_.allocated;
    last_answer_ = now;
    result_.allocation_latency.record(
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - endpoint.started_at()).count());
}

void StormWorker::on_failed(TurnEndpoint&, const client::ClientError& error, TimePoint now) {
    switch (phase_) {
        case Phase::Storming:
            --outstanding_;
            ++answered_;
            last_answer_ = now;
            ++result_.failures[failure_key(error)];
            return;
        case Phase::Holding:
        case Phase::Closing:  // one not yet being closed (those end in on_closed)
            ++result_.lost;
            ++closed_;  // nothing left to delete
            return;
    }
}

void StormWorker::on_closed(TurnEndpoint& endpoint, TimePoint) {
    // Others are allocations abandoned at the storm's deadline, closing as their answers come in.
    if (phase_ != Phase::Closing || !delete_sent_[endpoint.tag()]) return;
    --outstanding_;
    ++closed_;
    ++result_.deleted;
}

void StormWorker::loop_once(std::chrono::milliseconds wait) {
    // Requests launched since the last turn leave before the wait, not after it.
    flush();
    context_->loop.poll(wait);
    const TimePoint now = Clock::now();
    if (now - last_timer_sweep_ >= 10ms) {
        for (const auto& e : endpoints_)
            if (const auto due = e->next_timer(); due && *due <= now) e->run_timer(now);
        last_timer_sweep_ = now;
    }
    flush();
    publish_progress();
}

void StormWorker::flush() {
    context_->flush();
    if (shared_port_) shared_port_->flush();
}

void StormWorker::publish_progress() noexcept {
    publish(progress_.ready, result_.allocated);
    std::uint64_t failed = 0;
    for (const auto& [key, n] : result_.failures) failed += n;
    publish(progress_.failed, failed);
}

}  // namespace tern::bench
