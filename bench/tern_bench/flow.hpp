#pragma once
// One measured flow: a stream of SRTP probes with its own SSRC, sent along a ProbePath and verified
// when they come back (or reach the sink). The flow owns both SRTP contexts, the sequence window and
// the count of probes in flight, which the max-rate mode keeps at a fixed window.

#include <cstddef>
#include <cstdint>
#include <span>

#include "bench/tern_bench/probe_path.hpp"
#include "bench/tern_bench/sequence_window.hpp"
#include "bench/tern_bench/srtp_session.hpp"
#include "bench/tern_bench/traffic_stats.hpp"

namespace tern::bench {

// The probes that count: those sent in [start_ns, end_ns) on the steady clock.
struct MeasureWindow {
    std::int64_t start_ns = 0;
    std::int64_t end_ns = 0;
    bool contains(std::int64_t t) const noexcept { return t >= start_ns && t < end_ns; }
};

class Flow {
public:
    // `probe_size`: the SRTP packet's size (what the relay carries as payload), at least kMinProbeSize.
    Flow(std::uint32_t ssrc, const SrtpMasterKey& key, std::size_t probe_size);

    static constexpr std::size_t kMinProbeSize = 36 + kSrtpAuthTagSize;  // RTP header + probe body + tag

    std::uint32_t ssrc() const noexcept { return ssrc_; }
    void set_path(ProbePath* path) noexcept { path_ = path; }
    bool has_path() const noexcept { return path_ != nullptr; }

    // Sends the next probe. False when the path refused it (counted as SendFailed, not as sent).
    bool transmit(std::int64_t now_ns, const MeasureWindow& window, TrafficStats& stats);
    // An SRTP packet carrying this flow's SSRC: verified, unprotected in place and counted. True when
    // it was a valid probe seen for the first time.
    bool receive(std::span<std::uint8_t> packet, std::int64_t now_ns, const MeasureWindow& window, TrafficStats& stats);

    // Probes sent and neither verified back nor written off.
    std::uint64_t in_flight() const noexcept { return in_flight_; }
    // Gives up on the probes in flight (presumed lost), so a fixed window can refill after a loss.
    void write_off_in_flight() noexcept { in_flight_ = 0; }
    // When a probe last came back (or the flow started sending).
    std::int64_t last_progress_ns() const noexcept { return last_progress_ns_; }
    void mark_progress(std::int64_t now_ns) noexcept { last_progress_ns_ = now_ns; }
    std::uint64_t sent_total() const noexcept { return next_sequence_; }

private:
    std::uint32_t ssrc_;
    std::size_t probe_size_;
    SrtpContext sender_;
    SrtpContext receiver_;
    SequenceWindow window_;
    ProbePath* path_ = nullptr;
    std::uint64_t next_sequence_ = 0;
    std::uint64_t in_flight_ = 0;
    std::int64_t last_progress_ns_ = 0;
};

// The ErrorKind for an SRTP verdict other than Ok.
ErrorKind error_of(SrtpVerdict verdict) noexcept;

}  // namespace tern::bench
