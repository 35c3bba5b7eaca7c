#pragma once
// Batched UDP: ReceiveBatch takes up to 64 datagrams from a socket in one recvmmsg; SendQueue collects
// framed datagrams for many connected sockets and sends them with one sendmmsg per run of the same
// socket. Each queued datagram is framed in place in its own slot, a RelayBuffer with headroom for the
// TURN header, so a probe is written once and never copied before the kernel takes it.

#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "protocol/relay_buffer.hpp"
#include "protocol/transport_address.hpp"

namespace tern::bench {

// The largest SRTP probe (the relayed payload) tern-bench sends; the slot's payload area adds room for
// libsrtp's trailer.
inline constexpr std::size_t kMaxProbeSize = 3900;
inline constexpr std::size_t kSlotPayload = 4096;
using SendSlot = protocol::RelayBuffer<kSlotPayload>;

class ReceiveBatch {
public:
    static constexpr std::size_t kMessages = 64;
    static constexpr std::size_t kBufferSize = 8192;  // any probe with its TURN header, any STUN answer

    ReceiveBatch();

    // recvmmsg without waiting; returns how many datagrams arrived (0 when none or on error).
    std::size_t receive(int fd) noexcept;
    // Datagram i of the last receive (truncated ones come back empty).
    std::span<std::uint8_t> datagram(std::size_t i) noexcept;
    const sockaddr_storage& source(std::size_t i) const noexcept { return sources_[i]; }

private:
    std::vector<std::uint8_t> storage_;
    std::array<sockaddr_storage, kMessages> sources_{};
    std::array<iovec, kMessages> iov_{};
    std::array<mmsghdr, kMessages> headers_{};
};

class SendQueue {
public:
    explicit SendQueue(std::size_t slots = 256);

    // The slot the next push() sends from. When every slot is queued this flushes first.
    SendSlot& next_slot();
    // Queues `size` bytes at `offset` of next_slot() for the connected socket `fd`.
    void push(int fd, std::size_t offset, std::size_t size) noexcept;
    // Sends everything queued; returns how many datagrams the kernel refused (full socket buffer).
    std::size_t flush() noexcept;
    std::size_t queued() const noexcept { return queued_; }
    // Datagrams refused since construction (what flush() returned, summed, including automatic flushes).
    std::uint64_t refused() const noexcept { return refused_; }

private:
    std::vector<std::unique_ptr<SendSlot>> slots_;
    std::vector<int> fds_;
    std::vector<iovec> iov_;
    std::vector<mmsghdr> headers_;
    std::size_t queued_ = 0;
    std::uint64_t refused_ = 0;
};

}  // namespace tern::bench
