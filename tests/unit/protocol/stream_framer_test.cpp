// StreamFramer: however a TCP stream happens to be cut into reads, the same frames come out, byte for
// byte; and a stream that stops making sense stays an error.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "protocol/attributes/all.hpp"
#include "protocol/bytes.hpp"
#include "protocol/channel_data.hpp"
#include "protocol/message_builder.hpp"
#include "protocol/stream_framer.hpp"

namespace tern::protocol {

[[maybe_unused]] static void PrintTo(ParseError e, std::ostream* os) { *os << to_string(e); }

namespace {

using Bytes = std::vector<std::uint8_t>;
using Status = StreamFramer::Status;

const TransactionId kTx = {0x21, 0x43, 0x65, 0x87, 0xa9, 0xcb, 0xed, 0x0f, 0x11, 0x22, 0x33, 0x44};
const std::array<std::uint8_t, 16> kKey = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                                           0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10};

// A frame as it came out of the framer, copied (the framer's span only lives until the next feed).
struct Frame {
    FrameKind kind;
    Bytes bytes;
    friend bool operator==(const Frame&, const Frame&) = default;
};

[[maybe_unused]] void PrintTo(const Frame& f, std::ostream* os) {
    *os << (f.kind == FrameKind::Stun ? "STUN" : "ChannelData") << " frame of " << f.bytes.size() << " bytes";
}

Bytes binding_request(std::string_view username) {
    std::array<std::uint8_t, 256> storage{};
    MessageBuilder b(storage, {Method::Binding, MessageClass::Request}, kTx);
    if (!username.empty()) b.add(attr::Username{username});
    const auto out = b.bytes();
    return {out.begin(), out.end()};
}

Bytes signed_allocate() {
    std::array<std::uint8_t, 256> storage{};
    MessageBuilder b(storage, {Method::Allocate, MessageClass::Request}, kTx);
    b.add(attr::RequestedTransport{}).add(attr::Username{"bob"}).add_message_integrity(kKey).add_fingerprint();
    const auto out = b.bytes();
    return {out.begin(), out.end()};
}

Bytes send_indication(std::size_t payload_size) {
    std::vector<std::uint8_t> storage(payload_size + 128);
    Bytes payload(payload_size);
    for (std::size_t i = 0; i < payload_size; ++i) payload[i] = static_cast<std::uint8_t>(i * 7);
    MessageBuilder b(storage, {Method::Send, MessageClass::Indication}, kTx);
    b.add(attr::XorPeerAddress{{IpAddress::v4({192, 0, 2, 9}), 4000}}).add(attr::Data{payload});
    const auto out = b.bytes();
    return {out.begin(), out.end()};
}

// A stream-framed ChannelData frame, padding included.
Bytes channel_data_frame(std::uint16_t channel, std::size_t payload_size) {
    Bytes storage(kChannelDataHeaderSize + payload_size + 3);
    for (std::size_t i = 0; i < payload_size; ++i)
        storage[kChannelDataHeaderSize + i] = static_cast<std::uint8_t>(0xF0 + i);
    const auto f = frame_channel_data(storage, kChannelDataHeaderSize, payload_size, channel, Framing::Stream);
    return {f.begin(), f.end()};
}

// STUN messages of several sizes interleaved with ChannelData frames of payload 0..7, so every amount
// of ChannelData padding (0 to 3 bytes) occurs, and frames start at every alignment of the cut points.
std::vector<Frame> mixed_frames() {
    std::vector<Frame> frames;
    const std::array<Bytes, 8> stun = {binding_request(""),  binding_request("a"),      binding_request("ab"),
                                       signed_allocate(),    binding_request("abc"),    send_indication(0),
                                       send_indication(37), binding_request("abcdefg")};
    for (std::size_t i = 0; i < 8; ++i) {
        frames.push_back({FrameKind::Stun, stun[i]});
        frames.push_back({FrameKind::ChannelData, channel_data_frame(static_cast<std::uint16_t>(0x4000 + i), i)});
    }
    return frames;
}

Bytes concatenate(const std::vector<Frame>& frames) {
    Bytes stream;
    for (const auto& f : frames) stream.insert(stream.end(), f.bytes.begin(), f.bytes.end());
    return stream;
}

// Takes every complete frame, as a reader does after each receive. An error fails the test.
void drain(StreamFramer& framer, std::vector<Frame>& out) {
    for (;;) {
        const auto r = framer.next();
        if (r.status == Status::NeedMore) return;
        if (r.status == Status::Error) {
            ADD_FAILURE() << "stream error: " << to_string(r.error);
            return;
        }
        out.push_back({r.frame.kind, {r.frame.bytes.begin(), r.frame.bytes.end()}});
    }
}

// Feeds all of `bytes`, draining whenever the framer is full.
void feed_all(StreamFramer& framer, std::span<const std::uint8_t> bytes, std::vector<Frame>& out) {
    while (!bytes.empty()) {
        const std::size_t taken = framer.feed(bytes);
        bytes = bytes.subspan(taken);
        const std::size_t before = out.size();
        drain(framer, out);
        if (taken == 0 && out.size() == before) {
            ADD_FAILURE() << "framer took nothing and had no frame to give";
            return;
        }
    }
}

TEST(StreamFramerSplitting, AllAtOnce) {
    const auto expected = mixed_frames();
    const auto stream = concatenate(expected);
    StreamFramer framer;
    ASSERT_EQ(framer.feed(stream), stream.size());

    // Spans from next() stay valid until the next receive, so a reader may hold several at once.
    std::vector<StreamFramer::Result> results;
    for (auto r = framer.next(); r.status == Status::Frame; r = framer.next()) results.push_back(r);
    ASSERT_EQ(results.size(), expected.size());
    for (std::size_t i = 0; i < results.size(); ++i) {
        EXPECT_EQ(results[i].frame.kind, expected[i].kind) << "frame " << i;
        EXPECT_TRUE(std::ranges::equal(results[i].frame.bytes, expected[i].bytes)) << "frame " << i;
    }
    EXPECT_EQ(framer.next().status, Status::NeedMore);
    EXPECT_EQ(framer.buffered(), 0u);
}

TEST(StreamFramerSplitting, CutAtEveryByteIntoTwoFeeds) {
    const auto expected = mixed_frames();
    const auto stream = concatenate(expected);
    const std::span<const std::uint8_t> all(stream);
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        SCOPED_TRACE("cut at byte " + std::to_string(cut));
        StreamFramer framer;
        std::vector<Frame> got;
        ASSERT_EQ(framer.feed(all.first(cut)), cut);
        drain(framer, got);
        ASSERT_EQ(framer.feed(all.subspan(cut)), stream.size() - cut);
        drain(framer, got);
        ASSERT_EQ(got, expected);
        ASSERT_EQ(framer.buffered(), 0u);
    }
}

TEST(StreamFramerSplitting, OneByteAtATime) {
    const auto expected = mixed_frames();
    const auto stream = concatenate(expected);
    StreamFramer framer;
    std::vector<Frame> got;
    for (const std::uint8_t byte : stream) {
        ASSERT_EQ(framer.feed(std::span(&byte, 1)), 1u);
        drain(framer, got);
    }
    EXPECT_EQ(got, expected);
    EXPECT_EQ(framer.buffered(), 0u);
}

TEST(StreamFramerSplitting, ZeroCopyWritableAndCommit) {
    const auto expected = mixed_frames();
    const auto stream = concatenate(expected);
    StreamFramer framer;
    std::vector<Frame> got;
    // Receive in reads of 13 bytes (not a multiple of 4) straight into the framer's own buffer.
    for (std::size_t at = 0; at < stream.size();) {
        const auto room = framer.writable();
        const std::size_t n = std::min({room.size(), std::size_t{13}, stream.size() - at});
        ASSERT_GT(n, 0u);
        std::memcpy(room.data(), stream.data() + at, n);
        framer.commit(n);
        at += n;
        drain(framer, got);
    }
    EXPECT_EQ(got, expected);
}

TEST(StreamFramerSplitting, CommitBeyondTheRoomIsClamped) {
    StreamFramer framer(64);
    const auto room = framer.writable();
    ASSERT_EQ(room.size(), 64u);
    framer.commit(1000);
    EXPECT_EQ(framer.buffered(), 64u);
    EXPECT_TRUE(framer.writable().empty());
}

// ---- Errors --------------------------------------------------------------------------------------

// Feeds `bytes` and expects the framer to report `error`, and to keep reporting it.
void expect_sticky_error(StreamFramer& framer, std::span<const std::uint8_t> bytes, ParseError error) {
    framer.feed(bytes);
    auto r = framer.next();
    ASSERT_EQ(r.status, Status::Error);
    EXPECT_EQ(r.error, error);
    EXPECT_EQ(framer.error(), error);
    // A desynchronised stream cannot be resynchronised: even a valid frame afterwards is not framed.
    framer.feed(binding_request("x"));
    for (int i = 0; i < 3; ++i) {
        r = framer.next();
        EXPECT_EQ(r.status, Status::Error);
        EXPECT_EQ(r.error, error);
    }
}

TEST(StreamFramerErrors, GarbageFirstByte) {
    for (const std::uint8_t first : {std::uint8_t{0x80}, std::uint8_t{0xC0}, std::uint8_t{0xFF}}) {
        SCOPED_TRACE(static_cast<int>(first));
        StreamFramer framer;
        const std::array<std::uint8_t, 1> byte = {first};  // one byte already decides it
        expect_sticky_error(framer, byte, ParseError::StreamGarbage);
    }
}

TEST(StreamFramerErrors, GarbageAfterAGoodFrame) {
    StreamFramer framer;
    Bytes stream = binding_request("a");
    stream.push_back(0x80);
    framer.feed(stream);
    const auto good = framer.next();
    ASSERT_EQ(good.status, Status::Frame);
    EXPECT_EQ(good.frame.bytes.size(), stream.size() - 1);
    const auto bad = framer.next();
    EXPECT_EQ(bad.status, Status::Error);
    EXPECT_EQ(bad.error, ParseError::StreamGarbage);
}

TEST(StreamFramerErrors, StunBadMagicCookie) {
    Bytes m = binding_request("abc");
    m[4] ^= 0x01;
    StreamFramer framer;
    expect_sticky_error(framer, m, ParseError::BadMagicCookie);
}

TEST(StreamFramerErrors, StunBadMagicCookieSeenBeforeTheWholeFrame) {
    Bytes m = binding_request("abc");
    m[7] ^= 0x01;
    StreamFramer framer;
    framer.feed(std::span(m).first(7));
    EXPECT_EQ(framer.next().status, Status::NeedMore);  // the cookie is not all there yet
    framer.feed(std::span(m).subspan(7, 1));
    const auto r = framer.next();
    EXPECT_EQ(r.status, Status::Error);
    EXPECT_EQ(r.error, ParseError::BadMagicCookie);
}

TEST(StreamFramerErrors, StunLengthNotMultipleOf4) {
    Bytes m = binding_request("abc");
    store_be16(m.data() + 2, 6);
    StreamFramer framer;
    expect_sticky_error(framer, std::span(m).first(4), ParseError::LengthNotMultipleOf4);
}

TEST(StreamFramerErrors, ChannelDataBadChannel) {
    for (const std::uint16_t channel : {std::uint16_t{0x5000}, std::uint16_t{0x7FFF}}) {
        SCOPED_TRACE(channel);
        StreamFramer framer;
        expect_sticky_error(framer, channel_data_frame(channel, 4), ParseError::BadChannelNumber);
    }
}

TEST(StreamFramerErrors, FrameLargerThanCapacity) {
    {
        StreamFramer framer(64);
        const Bytes big = binding_request(std::string(45, 'u'));  // 20 + 4 + 48 = 72
        ASSERT_EQ(big.size(), 72u);
        // The header alone shows the frame cannot fit: no waiting for bytes that would never come.
        expect_sticky_error(framer, std::span(big).first(kHeaderSize), ParseError::StreamFrameTooLarge);
    }
    {
        StreamFramer framer(64);
        const Bytes big = channel_data_frame(0x4001, 61);  // padded to 68
        expect_sticky_error(framer, std::span(big).first(kChannelDataHeaderSize), ParseError::StreamFrameTooLarge);
    }
}

TEST(StreamFramerErrors, FrameOfExactlyCapacityFits) {
    StreamFramer framer(64);
    const Bytes stun = binding_request(std::string(40, 'u'));  // 20 + 4 + 40 = 64
    const Bytes channel = channel_data_frame(0x4001, 60);      // 4 + 60 = 64
    for (const Bytes* f : {&stun, &channel}) {
        ASSERT_EQ(f->size(), 64u);
        ASSERT_EQ(framer.feed(*f), 64u);
        const auto r = framer.next();
        ASSERT_EQ(r.status, Status::Frame) << to_string(r.error);
        EXPECT_TRUE(std::ranges::equal(r.frame.bytes, *f));
    }
}

// ---- A full buffer -------------------------------------------------------------------------------

TEST(StreamFramerBackpressure, FeedTakesWhatFitsAndTheRestAfterDraining) {
    // Frames of at most 40 bytes through a 64-byte framer: a long feed must be taken in parts.
    std::vector<Frame> expected;
    for (std::size_t i = 0; i < 12; ++i) {
        if (i % 2 == 0)
            expected.push_back({FrameKind::Stun, binding_request(std::string(i + 1, 'p'))});
        else
            expected.push_back({FrameKind::ChannelData, channel_data_frame(0x4100, i * 3)});
    }
    const auto stream = concatenate(expected);
    ASSERT_GT(stream.size(), 64u);

    StreamFramer framer(64);
    const std::size_t first = framer.feed(stream);
    EXPECT_EQ(first, 64u) << "a full framer takes only what fits";
    EXPECT_EQ(framer.feed(std::span(stream).subspan(first)), 0u) << "and nothing more until drained";

    std::vector<Frame> got;
    drain(framer, got);
    ASSERT_FALSE(got.empty());
    feed_all(framer, std::span(stream).subspan(first), got);
    EXPECT_EQ(got, expected);
    EXPECT_EQ(framer.buffered(), 0u);
}

TEST(StreamFramerBackpressure, PartialFrameIsKeptWhenTheBufferCompacts) {
    // A 44-byte frame, then the first 20 bytes of a 48-byte one: after the first is taken, the partial
    // second frame must move to the front intact to make room for the rest.
    const Bytes a = binding_request(std::string(17, 'a'));  // 20 + 4 + 20 = 44
    const Bytes b = binding_request(std::string(21, 'b'));  // 20 + 4 + 24 = 48
    Bytes stream = a;
    stream.insert(stream.end(), b.begin(), b.end());

    StreamFramer framer(64);
    ASSERT_EQ(framer.feed(stream), 64u);
    auto r = framer.next();
    ASSERT_EQ(r.status, Status::Frame);
    EXPECT_TRUE(std::ranges::equal(r.frame.bytes, a));
    EXPECT_EQ(framer.next().status, Status::NeedMore);
    ASSERT_EQ(framer.feed(std::span(stream).subspan(64)), stream.size() - 64);
    r = framer.next();
    ASSERT_EQ(r.status, Status::Frame);
    EXPECT_TRUE(std::ranges::equal(r.frame.bytes, b));
}

}  // namespace
}  // namespace tern::protocol
