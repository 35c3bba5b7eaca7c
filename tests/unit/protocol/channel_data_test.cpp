// Relaying without copying: ChannelData and Data indication headers are written in front of a payload
// that already sits in a RelayBuffer, and the result must parse back to the same payload, in place.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "protocol/attributes/all.hpp"
#include "protocol/bytes.hpp"
#include "protocol/channel_data.hpp"
#include "protocol/data_indication.hpp"
#include "protocol/message_view.hpp"
#include "protocol/relay_buffer.hpp"

namespace tern::protocol {

[[maybe_unused]] static void PrintTo(ParseError e, std::ostream* os) { *os << to_string(e); }

namespace {

const TransactionId kTx = {0x5e, 0x11, 0x0a, 0x77, 0x90, 0x01, 0xcd, 0x3b, 0x42, 0x6f, 0x08, 0xe4};

// Unwritten storage is 0xAA, so a byte the framer should not touch, or padding it forgot to zero,
// shows.
constexpr std::uint8_t kUntouched = 0xAA;

template <std::size_t N>
std::span<std::uint8_t> fill_payload(RelayBuffer<N>& buffer, std::size_t size) {
    std::fill(buffer.storage.begin(), buffer.storage.end(), kUntouched);
    const auto payload = buffer.payload_area().first(size);
    for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<std::uint8_t>(0x30 + i);
    return payload;
}

// Everything in `storage` outside [from, to) still holds kUntouched.
bool untouched_outside(std::span<const std::uint8_t> storage, std::size_t from, std::size_t to) {
    const auto is_untouched = [](std::uint8_t b) { return b == kUntouched; };
    return std::all_of(storage.begin(), storage.begin() + static_cast<std::ptrdiff_t>(from), is_untouched) &&
           std::all_of(storage.begin() + static_cast<std::ptrdiff_t>(to), storage.end(), is_untouched);
}

// ---- ChannelData ---------------------------------------------------------------------------------

TEST(ChannelDataChannels, ValidRangeEdges) {
    static_assert(!is_valid_channel(0x0000));
    static_assert(!is_valid_channel(0x3FFF));
    static_assert(is_valid_channel(0x4000));
    static_assert(is_valid_channel(0x4ABC));
    static_assert(is_valid_channel(0x4FFF));
    static_assert(!is_valid_channel(0x5000));
    static_assert(!is_valid_channel(0x7FFF));
    static_assert(!is_valid_channel(0xFFFF));
    EXPECT_EQ(kMinChannel, 0x4000);
    EXPECT_EQ(kMaxChannel, 0x4FFF);
}

TEST(ChannelDataFrameSize, StreamPadsDatagramDoesNot) {
    for (std::size_t n = 0; n < 9; ++n) {
        EXPECT_EQ(channel_data_frame_size(n, Framing::Datagram), 4 + n);
        EXPECT_EQ(channel_data_frame_size(n, Framing::Stream), padded4(4 + n));
    }
}

TEST(ChannelDataRoundTrip, DatagramInPlace) {
    RelayBuffer<16> buffer;
    constexpr std::size_t at = RelayBuffer<16>::kPayloadOffset;
    for (std::size_t n = 0; n <= 9; ++n) {
        SCOPED_TRACE(n);
        const auto payload = fill_payload(buffer, n);
        const auto frame = frame_channel_data(buffer.whole(), at, n, 0x4001, Framing::Datagram);

        // The header lands right before the payload; nothing is written after it.
        ASSERT_EQ(frame.data(), buffer.storage.data() + at - kChannelDataHeaderSize);
        ASSERT_EQ(frame.size(), kChannelDataHeaderSize + n);
        EXPECT_EQ(load_be16(frame.data()), 0x4001);
        EXPECT_EQ(load_be16(frame.data() + 2), n);
        EXPECT_TRUE(untouched_outside(buffer.storage, at - kChannelDataHeaderSize, at + n));

        const auto parsed = ChannelDataView::parse(frame, Framing::Datagram);
        ASSERT_TRUE(parsed) << to_string(parsed.error());
        EXPECT_EQ(parsed->channel, 0x4001);
        EXPECT_EQ(parsed->payload.data(), payload.data()) << "payload must be read in place";
        EXPECT_EQ(parsed->payload.size(), n);
    }
}

TEST(ChannelDataRoundTrip, StreamInPlaceWithZeroPadding) {
    RelayBuffer<16> buffer;
    constexpr std::size_t at = RelayBuffer<16>::kPayloadOffset;
    for (std::size_t n = 0; n <= 9; ++n) {
        SCOPED_TRACE(n);
        const auto payload = fill_payload(buffer, n);
        const auto frame = frame_channel_data(buffer.whole(), at, n, 0x4FFF, Framing::Stream);

        ASSERT_EQ(frame.data(), buffer.storage.data() + at - kChannelDataHeaderSize);
        ASSERT_EQ(frame.size(), padded4(kChannelDataHeaderSize + n));
        EXPECT_EQ(frame.size() % 4, 0u);
        EXPECT_EQ(load_be16(frame.data()), 0x4FFF);
        EXPECT_EQ(load_be16(frame.data() + 2), n) << "the length field excludes the padding";
        for (std::size_t i = kChannelDataHeaderSize + n; i < frame.size(); ++i)
            EXPECT_EQ(frame[i], 0) << "padding byte " << i;
        EXPECT_TRUE(untouched_outside(buffer.storage, at - kChannelDataHeaderSize,
                                      at - kChannelDataHeaderSize + frame.size()));

        const auto parsed = ChannelDataView::parse(frame, Framing::Stream);
        ASSERT_TRUE(parsed) << to_string(parsed.error());
        EXPECT_EQ(parsed->channel, 0x4FFF);
        EXPECT_EQ(parsed->payload.data(), payload.data());
        EXPECT_EQ(parsed->payload.size(), n);
        // Some clients pad over UDP as well; a padded frame is a valid datagram.
        const auto as_datagram = ChannelDataView::parse(frame, Framing::Datagram);
        ASSERT_TRUE(as_datagram) << to_string(as_datagram.error());
        EXPECT_EQ(as_datagram->payload.size(), n);
    }
}

TEST(ChannelDataRoundTrip, PayloadBytesAreUnchanged) {
    RelayBuffer<16> buffer;
    const auto payload = fill_payload(buffer, 7);
    const std::vector<std::uint8_t> before(payload.begin(), payload.end());
    const auto frame = frame_channel_data(buffer.whole(), buffer.kPayloadOffset, 7, 0x4002, Framing::Stream);
    const auto parsed = ChannelDataView::parse(frame, Framing::Stream);
    ASSERT_TRUE(parsed);
    EXPECT_TRUE(std::ranges::equal(parsed->payload, before));
}

TEST(ChannelDataRoundTrip, LargestPayloadFitsTheTailroom) {
    // 65535 bytes of payload take the 4-byte header in front and 1 byte of padding behind, which the
    // buffer's tailroom must hold. On the heap: the buffer is 64 KiB.
    const auto buffer = std::make_unique<RelayBuffer<>>();
    const auto payload = fill_payload(*buffer, kMaxRelayPayload);
    const auto frame =
        frame_channel_data(buffer->whole(), buffer->kPayloadOffset, kMaxRelayPayload, 0x4000, Framing::Stream);
    ASSERT_EQ(frame.size(), 65540u);
    EXPECT_EQ(frame.back(), 0);
    const auto parsed = ChannelDataView::parse(frame, Framing::Stream);
    ASSERT_TRUE(parsed) << to_string(parsed.error());
    EXPECT_EQ(parsed->payload.data(), payload.data());
    EXPECT_EQ(parsed->payload.size(), kMaxRelayPayload);
}

TEST(ChannelDataParse, HeaderFields) {
    const std::array<std::uint8_t, 8> datagram = {0x40, 0x10, 0x00, 0x03, 'a', 'b', 'c', 0x00};
    const auto parsed = ChannelDataView::parse(datagram, Framing::Stream);
    ASSERT_TRUE(parsed) << to_string(parsed.error());
    EXPECT_EQ(parsed->channel, 0x4010);
    ASSERT_EQ(parsed->payload.size(), 3u);
    EXPECT_EQ(parsed->payload.data(), datagram.data() + 4);
    EXPECT_EQ(ChannelDataView::parse(std::span(datagram).first(7), Framing::Datagram)->payload.size(), 3u);
}

// ---- Data indication -----------------------------------------------------------------------------

struct Peer {
    const char* name;
    TransportAddress address;
};

std::vector<Peer> peers() {
    return {{"IPv4", {IpAddress::v4({192, 0, 2, 1}), 5000}},
            {"IPv6", {IpAddress::v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34}), 65535}}};
}

TEST(DataIndicationHeaderSize, PerFamily) {
    EXPECT_EQ(data_indication_header_size(AddressFamily::IPv4), 20u + 4u + 8u + 4u);
    EXPECT_EQ(data_indication_header_size(AddressFamily::IPv6), 20u + 4u + 20u + 4u);
    // The relay buffer's headroom is sized for the longer one.
    EXPECT_EQ(data_indication_header_size(AddressFamily::IPv6), kRelayHeadroom);
}

TEST(DataIndicationRoundTrip, EveryPayloadSizeForBothFamilies) {
    RelayBuffer<16> buffer;
    constexpr std::size_t at = RelayBuffer<16>::kPayloadOffset;
    for (const Peer& peer : peers()) {
        for (std::size_t n = 0; n <= 9; ++n) {
            SCOPED_TRACE(std::string(peer.name) + " payload " + std::to_string(n));
            const auto payload = fill_payload(buffer, n);
            const std::vector<std::uint8_t> expected(payload.begin(), payload.end());
            const auto frame = frame_data_indication(buffer.whole(), at, n, peer.address, kTx);

            const std::size_t header = data_indication_header_size(peer.address.ip.family);
            ASSERT_EQ(frame.data(), buffer.storage.data() + at - header) << "header must end where the payload starts";
            ASSERT_EQ(frame.size(), header + padded4(n));
            EXPECT_TRUE(untouched_outside(buffer.storage, at - header, at - header + frame.size()));
            for (std::size_t i = header + n; i < frame.size(); ++i) EXPECT_EQ(frame[i], 0) << "padding byte " << i;

            const auto m = MessageView::parse(frame);
            ASSERT_TRUE(m) << to_string(m.error());
            EXPECT_EQ(m->method(), Method::Data);
            EXPECT_EQ(m->message_class(), MessageClass::Indication);
            EXPECT_EQ(m->transaction_id(), kTx);
            EXPECT_TRUE(m->unknown_comprehension_required().empty());

            const auto from = m->get<attr::XorPeerAddress>();
            ASSERT_TRUE(from);
            EXPECT_EQ(from->address, peer.address);

            const auto data = m->find(AttributeType::Data);
            ASSERT_TRUE(data);
            EXPECT_EQ(data->value.data(), payload.data()) << "the payload was moved";
            EXPECT_TRUE(std::ranges::equal(data->value, expected));

            // Exactly these two attributes, in this order, and nothing else.
            std::vector<std::uint16_t> types;
            for (const RawAttribute a : m->attributes()) types.push_back(a.type);
            EXPECT_EQ(types, (std::vector<std::uint16_t>{static_cast<std::uint16_t>(AttributeType::XorPeerAddress),
                                                         static_cast<std::uint16_t>(AttributeType::Data)}));
        }
    }
}

TEST(DataIndicationRoundTrip, ParsesFromAnExactCopy) {
    // The in-place frame sits inside a larger buffer, where an over-read would go unnoticed. Parse a
    // copy in a block of exactly its size as well, so AddressSanitizer would see one.
    RelayBuffer<16> buffer;
    for (const Peer& peer : peers()) {
        for (std::size_t n = 0; n <= 9; ++n) {
            fill_payload(buffer, n);
            const auto frame = frame_data_indication(buffer.whole(), buffer.kPayloadOffset, n, peer.address, kTx);
            const auto copy = std::make_unique<std::uint8_t[]>(frame.size());
            std::copy(frame.begin(), frame.end(), copy.get());
            const auto m = MessageView::parse({copy.get(), frame.size()});
            ASSERT_TRUE(m) << peer.name << " payload " << n << ": " << to_string(m.error());
            const auto data = m->get<attr::Data>();
            ASSERT_TRUE(data);
            EXPECT_EQ(data->value.size(), n);
        }
    }
}

}  // namespace
}  // namespace tern::protocol
