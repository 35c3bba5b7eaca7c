#pragma once
// The probe: one RTP packet (RFC 3550 fixed header, 12 bytes) whose payload carries what the receiver
// needs to measure and verify a relayed datagram: a magic number, the flow's SSRC again, a 64-bit
// sequence number and the send time. The rest of the payload is zero filler up to the requested size.
// SRTP (srtp_session.hpp) then encrypts the payload and appends the auth tag; probes are written and
// read in the clear, before protection and after unprotection.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace tern::bench {

inline constexpr std::size_t kRtpHeaderSize = 12;
inline constexpr std::size_t kProbeBodySize = 24;  // magic 4, SSRC 4, sequence 8, send time 8
inline constexpr std::size_t kMinProbePlainSize = kRtpHeaderSize + kProbeBodySize;
inline constexpr std::uint32_t kProbeMagic = 0x54424E31;  // "TBN1"
inline constexpr std::uint8_t kProbePayloadType = 96;     // first dynamic RTP payload type

struct Probe {
    std::uint32_t ssrc = 0;
    std::uint64_t sequence = 0;
    std::int64_t sent_ns = 0;  // steady clock, nanoseconds: only the sending process can interpret it

    friend bool operator==(const Probe&, const Probe&) = default;
};

// Writes the RTP header, the probe body and filler: `plain_size` bytes in all, which the caller keeps
// at least kMinProbePlainSize and at most out.size(). The RTP sequence number is the low 16 bits of
// the probe's, so SRTP's rollover counter follows the 64-bit count.
void write_probe(std::span<std::uint8_t> out, const Probe& probe, std::size_t plain_size) noexcept;

// The probe in an unprotected packet; nullopt when it is not one of ours (not RTP version 2, too
// short, wrong magic, or a body SSRC or sequence that disagrees with the header).
std::optional<Probe> read_probe(std::span<const std::uint8_t> plain) noexcept;

// The SSRC of an RTP or SRTP packet: SRTP leaves the header in the clear, so the receiver can find the
// flow (and its SRTP context) before unprotecting. nullopt for anything that is not RTP version 2.
std::optional<std::uint32_t> peek_ssrc(std::span<const std::uint8_t> packet) noexcept;

}  // namespace tern::bench
