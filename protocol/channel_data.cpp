#include "protocol/channel_data.hpp"

#include <cstring>

#include "protocol/bytes.hpp"

namespace tern::protocol {

Parsed<ChannelDataView> ChannelDataView::parse(std::span<const std::uint8_t> bytes, Framing framing,
                                               std::uint16_t max_channel) noexcept {
    if (bytes.size() < kChannelDataHeaderSize) return ParseError::TruncatedChannelData;
    const std::uint16_t channel = load_be16(bytes.data());
    if (!is_valid_channel(channel, max_channel)) return ParseError::BadChannelNumber;
    const std::size_t length = load_be16(bytes.data() + 2);
    const std::size_t available = bytes.size() - kChannelDataHeaderSize;
    if (length > available) return ParseError::ChannelDataPastEnd;
    const std::size_t frame = channel_data_frame_size(length, framing);
    // A stream frame short of its padding is truncated, not followed by extra bytes.
    if (framing == Framing::Stream && bytes.size() < frame) return ParseError::ChannelDataPastEnd;
    if (framing == Framing::Stream ? bytes.size() != frame : available - length > 3) return ParseError::TrailingBytes;
    return ChannelDataView{channel, bytes.subspan(kChannelDataHeaderSize, length)};
}

std::span<std::uint8_t> frame_channel_data(std::span<std::uint8_t> storage, std::size_t payload_offset,
                                           std::size_t payload_size, std::uint16_t channel, Framing framing) noexcept {
    std::uint8_t* header = storage.data() + payload_offset - kChannelDataHeaderSize;
    store_be16(header, channel);
    store_be16(header + 2, static_cast<std::uint16_t>(payload_size));
    const std::size_t frame = channel_data_frame_size(payload_size, framing);
    const std::size_t padding = frame - kChannelDataHeaderSize - payload_size;
    if (padding != 0) std::memset(storage.data() + payload_offset + payload_size, 0, padding);
    return storage.subspan(payload_offset - kChannelDataHeaderSize, frame);
}

}  // namespace tern::protocol
