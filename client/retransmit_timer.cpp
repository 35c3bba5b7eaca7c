#include "client/retransmit_timer.hpp"

namespace tern::client {

void RetransmitTimer::start(const ClientOptions& options, ServerTransport transport, TimePoint now) noexcept {
    initial_rto_ = options.initial_rto;
    gap_ = options.initial_rto;
    max_transmissions_ = options.max_transmissions == 0 ? 1 : options.max_transmissions;
    last_wait_multiplier_ = options.last_wait_multiplier;
    transmissions_ = 1;
    reliable_ = transport == ServerTransport::Tcp;
    if (reliable_) deadline_ = now + options.stream_timeout;
    else if (transmissions_ >= max_transmissions_) deadline_ = now + initial_rto_ * last_wait_multiplier_;
    else deadline_ = now + gap_;
}

RetransmitTimer::Step RetransmitTimer::fire() noexcept {
    // Deadlines are computed from the previous deadline, not from when fire() ran, so a late timer does
    // not stretch the schedule.
    if (reliable_ || transmissions_ >= max_transmissions_) return Step::GiveUp;
    ++transmissions_;
    gap_ *= 2;
    if (transmissions_ >= max_transmissions_) deadline_ += initial_rto_ * last_wait_multiplier_;
    else deadline_ += gap_;
    return Step::Retransmit;
}

}  // namespace tern::client
