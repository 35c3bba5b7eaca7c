#pragma once
// When a STUN request is sent again, and when the client gives up on it (RFC 8489 §6.2). Over UDP the
// gaps double from the initial RTO up to the last transmission, then the client waits a multiple of the
// initial RTO; over TCP the request is sent once and times out after a fixed time. Pure timing.

#include "client/client_options.hpp"

namespace tern::client {

class RetransmitTimer {
public:
    enum class Step : std::uint8_t { Retransmit, GiveUp };

    // The first transmission happened at `now`.
    void start(const ClientOptions& options, ServerTransport transport, TimePoint now) noexcept;

    // When fire() is due.
    TimePoint deadline() const noexcept { return deadline_; }
    unsigned transmissions() const noexcept { return transmissions_; }

    // Called at or after deadline(): send again (and the next deadline is set), or give up.
    Step fire() noexcept;

private:
    std::chrono::milliseconds initial_rto_{500};
    std::chrono::milliseconds gap_{500};
    unsigned max_transmissions_ = 7;
    unsigned last_wait_multiplier_ = 16;
    unsigned transmissions_ = 0;
    bool reliable_ = false;
    TimePoint deadline_{};
};

}  // namespace tern::client
