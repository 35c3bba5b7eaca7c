#include "protocol/stream_framer.hpp"

#include <algorithm>
#include <cstring>

#include "protocol/bytes.hpp"
#include "protocol/channel_data.hpp"

namespace tern::protocol {

StreamFramer::StreamFramer(std::size_t capacity, std::uint16_t max_channel)
    : capacity_(std::max(capacity, kHeaderSize)), max_channel_(max_channel), buffer_(std::make_unique_for_overwrite<std::uint8_t[]>(capacity_)) {}

void StreamFramer::compact() noexcept {
    if (begin_ == 0) return;
    std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
}

std::span<std::uint8_t> StreamFramer::writable() noexcept {
    compact();
    return {buffer_.get() + end_, capacity_ - end_};
}

void StreamFramer::commit(std::size_t n) noexcept { end_ += std::min(n, capacity_ - end_); }

std::size_t StreamFramer::feed(std::span<const std::uint8_t> bytes) noexcept {
    const auto room = writable();
    const std::size_t n = std::min(room.size(), bytes.size());
    if (n != 0) std::memcpy(room.data(), bytes.data(), n);
    commit(n);
    return n;
}

StreamFramer::Result StreamFramer::next() noexcept {
    if (error_ != ParseError::None) return {Status::Error, {}, error_};
    const std::uint8_t* p = buffer_.get() + begin_;
    const std::size_t have = end_ - begin_;
    if (have == 0) return {};

    const auto fail = [this](ParseError e) {
        error_ = e;
        return Result{Status::Error, {}, e};
    };

    FrameKind kind;
    std::size_t frame_size = 0;
    switch (p[0] >> 6) {
        case 0b00:  // STUN: the header's length field, checked as far as the bytes allow
            if (have < 4) return {};
            if (load_be16(p + 2) % 4 != 0) return fail(ParseError::LengthNotMultipleOf4);
            if (have >= 8 && load_be32(p + 4) != kMagicCookie) return fail(ParseError::BadMagicCookie);
            kind = FrameKind::Stun;
            frame_size = kHeaderSize + load_be16(p + 2);
            break;
        case 0b01:  // ChannelData, padded to 4 on streams
            if (have < 2) return {};
            if (!is_valid_channel(load_be16(p), max_channel_)) return fail(ParseError::BadChannelNumber);
            if (have < kChannelDataHeaderSize) return {};
            kind = FrameKind::ChannelData;
            frame_size = channel_data_frame_size(load_be16(p + 2), Framing::Stream);
            break;
        default:
            return fail(ParseError::StreamGarbage);
    }
    if (frame_size > capacity_) return fail(ParseError::StreamFrameTooLarge);
    if (have < frame_size) return {};
    begin_ += frame_size;
    if (begin_ == end_) begin_ = end_ = 0;  // the frame's bytes stay in place until the next receive
    return {Status::Frame, {kind, {p, frame_size}}, ParseError::None};
}

}  // namespace tern::protocol
