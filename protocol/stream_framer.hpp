#pragma once
// Splits a TCP or TLS byte stream into STUN messages and ChannelData frames (RFC 8656 §12.5). The
// buffer is allocated once per connection with a fixed capacity; a frame that could never fit, or a
// frame that starts with neither STUN nor ChannelData bits, is a stream error and stays one: the only
// safe reaction to a desynchronised stream is closing it.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "protocol/constants.hpp"
#include "protocol/parse_error.hpp"

namespace tern::protocol {

enum class FrameKind : std::uint8_t { Stun, ChannelData };

struct StreamFrame {
    FrameKind kind = FrameKind::Stun;
    std::span<const std::uint8_t> bytes;  // the whole frame; ChannelData includes its padding
};

class StreamFramer {
public:
    // Room for the largest STUN message; a padded ChannelData frame of 65535 bytes is smaller.
    static constexpr std::size_t kDefaultCapacity = kMaxMessageSize;

    // `max_channel`: the highest ChannelData number accepted (see channel_data.hpp).
    explicit StreamFramer(std::size_t capacity = kDefaultCapacity, std::uint16_t max_channel = 0x4FFF);

    // Zero-copy receive: read into writable(), then commit() what arrived.
    std::span<std::uint8_t> writable() noexcept;
    void commit(std::size_t n) noexcept;
    // Copying receive, for callers that already hold the bytes. Returns how many were taken (less
    // than offered when the buffer is full: take frames with next() and feed the rest again).
    std::size_t feed(std::span<const std::uint8_t> bytes) noexcept;

    enum class Status : std::uint8_t { NeedMore, Frame, Error };
    struct Result {
        Status status = Status::NeedMore;
        StreamFrame frame;
        ParseError error = ParseError::None;
    };
    // The next complete frame. Its bytes stay valid until the next writable(), commit() or feed().
    Result next() noexcept;

    ParseError error() const noexcept { return error_; }
    std::size_t buffered() const noexcept { return end_ - begin_; }
    std::size_t capacity() const noexcept { return capacity_; }

private:
    void compact() noexcept;

    std::size_t capacity_;
    std::uint16_t max_channel_;
    std::unique_ptr<std::uint8_t[]> buffer_;
    std::size_t begin_ = 0;  // first unconsumed byte
    std::size_t end_ = 0;    // one past the last received byte
    ParseError error_ = ParseError::None;
};

}  // namespace tern::protocol
