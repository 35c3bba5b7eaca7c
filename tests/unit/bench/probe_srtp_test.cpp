// Probes through SRTP and back: the round trip, and what the receiver makes of a corrupted, a
// duplicated, a replayed and a foreign packet.

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "bench/tern_bench/probe_packet.hpp"
#include "bench/tern_bench/srtp_session.hpp"

namespace tern::bench {
namespace {

constexpr std::uint32_t kSsrc = 0x7E000042;

SrtpMasterKey fixed_key(std::uint8_t seed) {
    SrtpMasterKey key{};
    for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(seed + i * 7);
    return key;
}

// A protected probe of `size` bytes (SRTP), as the sender puts it on the wire.
std::vector<std::uint8_t> protect_probe(SrtpContext& sender, std::uint64_t sequence, std::size_t size = 100) {
    std::vector<std::uint8_t> buffer(size + kSrtpMaxTrailer);
    write_probe(buffer, {kSsrc, sequence, 1'000'000 + static_cast<std::int64_t>(sequence)}, size - kSrtpAuthTagSize);
    const auto protected_size = sender.protect(buffer, size - kSrtpAuthTagSize);
    EXPECT_TRUE(protected_size.has_value());
    buffer.resize(protected_size.value_or(0));
    return buffer;
}

TEST(Probe, WriteThenReadGivesItBack) {
    std::array<std::uint8_t, 100> packet{};
    const Probe probe{kSsrc, 0x123456789ULL, 987654321};
    write_probe(packet, probe, packet.size());
    const auto read = read_probe(packet);
    ASSERT_TRUE(read.has_value());
    EXPECT_EQ(*read, probe);
    EXPECT_EQ(peek_ssrc(packet), kSsrc);
    EXPECT_EQ(packet[0] >> 6, 2);  // RTP version 2
}

TEST(Probe, NotAProbeIsRefused) {
    std::array<std::uint8_t, 64> packet{};
    EXPECT_FALSE(read_probe(packet).has_value());  // version 0
    write_probe(packet, {kSsrc, 5, 0}, packet.size());
    EXPECT_FALSE(read_probe(std::span(packet).first(kMinProbePlainSize - 1)).has_value());  // short
    auto bad_ssrc = packet;
    bad_ssrc[12 + 4] ^= 1;  // the body's SSRC no longer matches the header's
    EXPECT_FALSE(read_probe(bad_ssrc).has_value());
    auto bad_sequence = packet;
    bad_sequence[3] ^= 1;  // header sequence disagrees with the body's
    EXPECT_FALSE(read_probe(bad_sequence).has_value());
    EXPECT_FALSE(peek_ssrc(std::span(packet).first(11)).has_value());
}

TEST(Srtp, ProtectThenUnprotectRestoresTheProbe) {
    SrtpContext sender(kSsrc, fixed_key(1)), receiver(kSsrc, fixed_key(1));
    auto packet = protect_probe(sender, 0);
    EXPECT_EQ(packet.size(), 100u);
    EXPECT_FALSE(read_probe(packet).has_value());  // the body is encrypted on the wire
    std::size_t plain = 0;
    ASSERT_EQ(receiver.unprotect(packet, plain), SrtpVerdict::Ok);
    EXPECT_EQ(plain, 100 - kSrtpAuthTagSize);
    const auto probe = read_probe(std::span(packet).first(plain));
    ASSERT_TRUE(probe.has_value());
    EXPECT_EQ(probe->sequence, 0u);
    EXPECT_EQ(probe->ssrc, kSsrc);
}

TEST(Srtp, EveryCorruptedByteIsRefused) {
    SrtpContext sender(kSsrc, fixed_key(2)), receiver(kSsrc, fixed_key(2));
    for (std::size_t at = 0; at < 100; ++at) {
        auto packet = protect_probe(sender, at);
        packet[at] ^= 0x10;
        std::size_t plain = 0;
        const SrtpVerdict verdict = receiver.unprotect(packet, plain);
        // A flipped bit in the payload or tag fails the tag. In the header it may instead make the
        // packet unparseable or name another SSRC (no such stream): refused either way.
        if (at >= kRtpHeaderSize) EXPECT_EQ(verdict, SrtpVerdict::AuthFailed) << "byte " << at;
        else EXPECT_NE(verdict, SrtpVerdict::Ok) << "byte " << at;
    }
}

TEST(Srtp, TruncatedPacketIsRefused) {
    SrtpContext sender(kSsrc, fixed_key(3)), receiver(kSsrc, fixed_key(3));
    auto packet = protect_probe(sender, 0);
    packet.resize(packet.size() - 1);
    std::size_t plain = 0;
    EXPECT_EQ(receiver.unprotect(packet, plain), SrtpVerdict::AuthFailed);
    std::vector<std::uint8_t> tiny(8);
    EXPECT_EQ(receiver.unprotect(tiny, plain), SrtpVerdict::Malformed);
}

TEST(Srtp, DuplicateIsDetected) {
    SrtpContext sender(kSsrc, fixed_key(4)), receiver(kSsrc, fixed_key(4));
    const auto packet = protect_probe(sender, 0);
    auto first = packet, second = packet;
    std::size_t plain = 0;
    EXPECT_EQ(receiver.unprotect(first, plain), SrtpVerdict::Ok);
    EXPECT_EQ(receiver.unprotect(second, plain), SrtpVerdict::Replayed);
}

TEST(Srtp, ReplayOfAnOldPacketIsDetected) {
    SrtpContext sender(kSsrc, fixed_key(5)), receiver(kSsrc, fixed_key(5));
    const auto old_packet = protect_probe(sender, 0);
    auto copy = old_packet;
    std::size_t plain = 0;
    ASSERT_EQ(receiver.unprotect(copy, plain), SrtpVerdict::Ok);
    // Well past the replay window, then the recorded packet comes back.
    for (std::uint64_t s = 1; s <= kSrtpReplayWindow + 10; ++s) {
        auto p = protect_probe(sender, s);
        ASSERT_EQ(receiver.unprotect(p, plain), SrtpVerdict::Ok) << s;
    }
    copy = old_packet;
    EXPECT_EQ(receiver.unprotect(copy, plain), SrtpVerdict::TooOld);
}

TEST(Srtp, ReorderingWithinTheWindowIsAccepted) {
    SrtpContext sender(kSsrc, fixed_key(6)), receiver(kSsrc, fixed_key(6));
    auto p0 = protect_probe(sender, 0), p1 = protect_probe(sender, 1), p2 = protect_probe(sender, 2);
    std::size_t plain = 0;
    EXPECT_EQ(receiver.unprotect(p0, plain), SrtpVerdict::Ok);
    EXPECT_EQ(receiver.unprotect(p2, plain), SrtpVerdict::Ok);
    EXPECT_EQ(receiver.unprotect(p1, plain), SrtpVerdict::Ok);
}

TEST(Srtp, AnotherKeyFailsAuthentication) {
    SrtpContext sender(kSsrc, fixed_key(7)), stranger(kSsrc, fixed_key(8));
    auto packet = protect_probe(sender, 0);
    std::size_t plain = 0;
    EXPECT_EQ(stranger.unprotect(packet, plain), SrtpVerdict::AuthFailed);
}

TEST(Srtp, SequencesPastThe16BitWrapStillVerify) {
    SrtpContext sender(kSsrc, fixed_key(9)), receiver(kSsrc, fixed_key(9));
    std::size_t plain = 0;
    for (std::uint64_t s = 0; s < 70'000; s += 1) {
        auto p = protect_probe(sender, s, 46);
        if (s % 1000 != 0 && s < 65'000) continue;  // the receiver sees a sample, with gaps under 2^15
        ASSERT_EQ(receiver.unprotect(p, plain), SrtpVerdict::Ok) << s;
        ASSERT_EQ(read_probe(std::span(p).first(plain))->sequence, s);
    }
}

TEST(Srtp, RandomKeysDiffer) { EXPECT_NE(random_master_key(), random_master_key()); }

}  // namespace
}  // namespace tern::bench
