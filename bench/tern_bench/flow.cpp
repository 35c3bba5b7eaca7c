#include "bench/tern_bench/flow.hpp"

#include "bench/tern_bench/probe_packet.hpp"

namespace tern::bench {

static_assert(Flow::kMinProbeSize == kMinProbePlainSize + kSrtpAuthTagSize);

ErrorKind error_of(SrtpVerdict verdict) noexcept {
    switch (verdict) {
        case SrtpVerdict::AuthFailed: return ErrorKind::SrtpAuthFailed;
        case SrtpVerdict::Replayed: return ErrorKind::SrtpReplayed;
        case SrtpVerdict::TooOld: return ErrorKind::SrtpTooOld;
        case SrtpVerdict::Ok:
        case SrtpVerdict::Malformed: break;
    }
    return ErrorKind::SrtpMalformed;
}

Flow::Flow(std::uint32_t ssrc, const SrtpMasterKey& key, std::size_t probe_size)
    : ssrc_(ssrc), probe_size_(probe_size), sender_(ssrc, key), receiver_(ssrc, key) {}

bool Flow::transmit(std::int64_t now_ns, const MeasureWindow& window, TrafficStats& stats) {
    if (path_ == nullptr) return false;
    const auto area = path_->payload_area();
    const std::size_t plain_size = probe_size_ - kSrtpAuthTagSize;
    write_probe(area, {ssrc_, next_sequence_, now_ns}, plain_size);
    // The sequence is used up even if the send fails: SRTP refuses to protect an index twice.
    ++next_sequence_;
    const auto protected_size = sender_.protect(area, plain_size);
    if (!protected_size || !path_->send_payload(*protected_size)) {
        stats.count_error(ErrorKind::SendFailed);
        return false;
    }
    ++in_flight_;
    if (window.contains(now_ns)) ++stats.sent;
    return true;
}

bool Flow::receive(std::span<std::uint8_t> packet, std::int64_t now_ns, const MeasureWindow& window,
                   TrafficStats& stats) {
    const std::size_t wire_size = packet.size();
    std::size_t plain_size = 0;
    const SrtpVerdict verdict = receiver_.unprotect(packet, plain_size);
    if (verdict != SrtpVerdict::Ok) {
        stats.count_error(error_of(verdict));
        return false;
    }
    const auto probe = read_probe(packet.first(plain_size));
    if (!probe || probe->ssrc != ssrc_) {
        stats.count_error(ErrorKind::NotAProbe);
        return false;
    }
    const auto arrival = window_.record(probe->sequence);
    if (arrival == SequenceWindow::Arrival::Duplicate) {
        stats.count_error(ErrorKind::Duplicate);
        return false;
    }

    if (in_flight_ > 0) --in_flight_;
    last_progress_ns_ = now_ns;
    if (!window.contains(probe->sent_ns)) return true;
    ++stats.received;
    stats.received_bytes += wire_size;
    if (arrival == SequenceWindow::Arrival::Reordered) ++stats.reordered;
    if (arrival == SequenceWindow::Arrival::TooOld) ++stats.late;
    stats.latency.record(now_ns - probe->sent_ns);
    return true;
}

}  // namespace tern::bench
