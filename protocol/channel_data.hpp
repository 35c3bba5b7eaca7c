#pragma once
// ChannelData (RFC 8656 §12.4): a 4-byte header (channel number, payload length) and the payload. Over
// UDP the datagram may end right after the payload; over TCP and TLS the frame is padded to a multiple
// of four bytes so the next frame starts aligned.

#include <cstddef>
#include <cstdint>
#include <span>

#include "protocol/parsed.hpp"

namespace tern::protocol {

inline constexpr std::size_t kChannelDataHeaderSize = 4;
inline constexpr std::uint16_t kMinChannel = 0x4000;
inline constexpr std::uint16_t kMaxChannel = 0x4FFF;
// RFC 5766 allowed numbers up to 0x7FFF; RFC 8656 reserved 0x5000-0x7FFF. Some clients still pick
// from the old range (coturn's turnutils_uclient among them), so servers may opt in to accept it.
inline constexpr std::uint16_t kMaxChannelRfc5766 = 0x7FFF;

constexpr bool is_valid_channel(std::uint16_t c, std::uint16_t max_channel = kMaxChannel) noexcept {
    return c >= kMinChannel && c <= max_channel;
}

enum class Framing : std::uint8_t { Datagram, Stream };

struct ChannelDataView {
    std::uint16_t channel = 0;
    std::span<const std::uint8_t> payload;

    // Datagram: the payload may be followed by up to 3 padding bytes (some clients pad over UDP too);
    // anything longer is refused. Stream: `bytes` must be exactly one padded frame.
    static Parsed<ChannelDataView> parse(std::span<const std::uint8_t> bytes, Framing framing,
                                         std::uint16_t max_channel = kMaxChannel) noexcept;
};

// Size of a whole frame carrying `payload_size` bytes.
constexpr std::size_t channel_data_frame_size(std::size_t payload_size, Framing framing) noexcept {
    const std::size_t n = kChannelDataHeaderSize + payload_size;
    return framing == Framing::Stream ? (n + 3) & ~std::size_t{3} : n;
}

// Writes the header in the 4 bytes before `payload_offset` and, for streams, zero padding after the
// payload, all inside `storage`. Returns the frame. The caller guarantees the headroom and tailroom
// (RelayBuffer does), so relaying a payload never copies it.
std::span<std::uint8_t> frame_channel_data(std::span<std::uint8_t> storage, std::size_t payload_offset,
                                           std::size_t payload_size, std::uint16_t channel, Framing framing) noexcept;

}  // namespace tern::protocol
