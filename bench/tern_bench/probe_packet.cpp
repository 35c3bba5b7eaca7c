#include "bench/tern_bench/probe_packet.hpp"

#include <cstring>

#include "protocol/bytes.hpp"

namespace tern::bench {

namespace {

constexpr std::uint8_t kRtpVersion2 = 0x80;  // V=2, no padding, no extension, no CSRC
constexpr std::uint32_t kRtpTimestampPerProbe = 160;  // as if 20 ms of 8 kHz audio per packet

}  // namespace

void write_probe(std::span<std::uint8_t> out, const Probe& probe, std::size_t plain_size) noexcept {
    std::uint8_t* p = out.data();
    p[0] = kRtpVersion2;
    p[1] = kProbePayloadType;
    protocol::store_be16(p + 2, static_cast<std::uint16_t>(probe.sequence & 0xFFFF));
    protocol::store_be32(p + 4, static_cast<std::uint32_t>(probe.sequence * kRtpTimestampPerProbe));
    protocol::store_be32(p + 8, probe.ssrc);
    std::uint8_t* body = p + kRtpHeaderSize;
    protocol::store_be32(body, kProbeMagic);
    protocol::store_be32(body + 4, probe.ssrc);
    protocol::store_be64(body + 8, probe.sequence);
    protocol::store_be64(body + 16, static_cast<std::uint64_t>(probe.sent_ns));
    if (plain_size > kMinProbePlainSize) std::memset(p + kMinProbePlainSize, 0, plain_size - kMinProbePlainSize);
}

std::optional<Probe> read_probe(std::span<const std::uint8_t> plain) noexcept {
    if (plain.size() < kMinProbePlainSize) return std::nullopt;
    const std::uint8_t* p = plain.data();
    if ((p[0] & 0xC0) != kRtpVersion2 || (p[1] & 0x7F) != kProbePayloadType) return std::nullopt;
    const std::uint8_t* body = p + kRtpHeaderSize;
    if (protocol::load_be32(body) != kProbeMagic) return std::nullopt;
    Probe probe;
    probe.ssrc = protocol::load_be32(body + 4);
    probe.sequence = protocol::load_be64(body + 8);
    probe.sent_ns = static_cast<std::int64_t>(protocol::load_be64(body + 16));
    if (probe.ssrc != protocol::load_be32(p + 8)) return std::nullopt;
    if (static_cast<std::uint16_t>(probe.sequence & 0xFFFF) != protocol::load_be16(p + 2)) return std::nullopt;
    return probe;
}

std::optional<std::uint32_t> peek_ssrc(std::span<const std::uint8_t> packet) noexcept {
    if (packet.size() < kRtpHeaderSize || (packet[0] & 0xC0) != kRtpVersion2) return std::nullopt;
    return protocol::load_be32(packet.data() + 8);
}

}  // namespace tern::bench
