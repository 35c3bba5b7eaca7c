#pragma once
// One non-blocking TCP connection to a TURN server: frames out through a bounded write buffer, frames
// in through protocol::StreamFramer (which cuts STUN messages and padded ChannelData from the stream).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "bench/tern_bench/socket_io.hpp"
#include "protocol/stream_framer.hpp"

namespace tern::bench {

class TcpStream {
public:
    // More unsent bytes than this and append() refuses: the load outruns the connection.
    static constexpr std::size_t kMaxPending = 1 << 20;

    explicit TcpStream(FileDescriptor fd);

    int fd() const noexcept { return fd_.get(); }
    bool connected() const noexcept { return connected_; }
    // Call when the socket first turns writable: 0 once connected, else the connect's errno.
    int finish_connect() noexcept;

    // Queues one whole frame; false (nothing queued) when kMaxPending would be exceeded.
    bool append(std::span<const std::uint8_t> frame);
    // Writes what the kernel takes now. False on a broken connection.
    bool flush() noexcept;
    bool has_pending() const noexcept { return out_begin_ < out_.size(); }

    enum class ReadResult : std::uint8_t { Open, Closed, Broken };
    // Reads what has arrived and calls on_frame(std::span<const std::uint8_t>) for each whole frame.
    template <class OnFrame>
    ReadResult read(OnFrame&& on_frame);

private:
    enum class ReadStep : std::uint8_t { More, Drained, Eof, Failed };
    ReadStep read_some() noexcept;  // one recv() into the framer

    FileDescriptor fd_;
    bool connected_ = false;
    protocol::StreamFramer framer_;
    std::vector<std::uint8_t> out_;
    std::size_t out_begin_ = 0;
};

template <class OnFrame>
TcpStream::ReadResult TcpStream::read(OnFrame&& on_frame) {
    for (int reads = 0; reads < 16; ++reads) {  // bounded: other sockets get their turn
        const ReadStep step = read_some();
        for (;;) {
            const auto next = framer_.next();
            if (next.status == protocol::StreamFramer::Status::Frame) {
                on_frame(next.frame.bytes);
                continue;
            }
            if (next.status == protocol::StreamFramer::Status::Error) return ReadResult::Broken;
            break;
        }
        if (step == ReadStep::Eof) return ReadResult::Closed;
        if (step == ReadStep::Failed) return ReadResult::Broken;
        if (step == ReadStep::Drained) return ReadResult::Open;
    }
    return ReadResult::Open;
}

}  // namespace tern::bench
