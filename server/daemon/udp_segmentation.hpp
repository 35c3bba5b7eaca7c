#pragma once
// UDP generic segmentation offload (UDP_SEGMENT, Linux 4.18). Datagrams of one size from one socket
// to one destination can leave in a single sendmsg: the payloads are described back to back and the
// kernel cuts them apart as late as it can (in the NIC, in the driver, or on loopback at the receiving
// socket), so the stack is walked once per run of datagrams instead of once per datagram. Runs happen
// on a relay all the time: a client's burst relayed to its peer, the peer's answers framed for the
// client. The receiver sees ordinary datagrams.

#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "protocol/transport_address.hpp"
#include "server/daemon/socket_address.hpp"

namespace tern::server {

inline constexpr std::size_t kMaxSegments = 64;  // UDP_MAX_SEGMENTS of every kernel with UDP GSO
// Larger datagrams go alone: a segment must fit the path MTU (the kernel refuses the whole send with
// EINVAL otherwise), and 1400 bytes with IPv6 and UDP headers fit any Ethernet path.
inline constexpr std::size_t kMaxSegmentSize = 1400;
// The sum of the segments is one UDP datagram as far as the length fields go.
inline constexpr std::size_t kMaxSegmentedBytes = 65000;
// Room for the UDP_SEGMENT control message.
inline constexpr std::size_t kSegmentControlSize = CMSG_SPACE(sizeof(std::uint16_t));

// The datagrams of one send being gathered into a run: where they go, which may join, and the edits
// that turn a one-datagram msghdr into a UDP_SEGMENT one. Both backends keep one per queued send.
class SegmentRun {
public:
    // The send's first datagram, already described in `msg` (one iovec, the source address's control
    // message if any).
    void begin(const protocol::TransportAddress& to, const protocol::IpAddress* source, std::size_t size) noexcept;
    // Whether a datagram of `size` bytes to `to` from `source` may follow: same place, not larger than
    // the first (a shorter one ends the run), within the kernel's limits.
    bool accepts(const protocol::TransportAddress& to, const protocol::IpAddress* source,
                 std::size_t size) const noexcept;
    // Adds the datagram at `bytes` (which must stay put until the send completes) to `msg`.
    void add(msghdr& msg, std::span<const std::uint8_t> bytes) noexcept;

    std::size_t count() const noexcept { return count_; }
    std::span<const iovec> datagrams(const msghdr& msg) const noexcept { return {msg.msg_iov, msg.msg_iovlen}; }
    const protocol::TransportAddress& to() const noexcept { return to_; }
    const protocol::IpAddress* source() const noexcept { return source_ ? &*source_ : nullptr; }

private:
    protocol::TransportAddress to_;
    std::optional<protocol::IpAddress> source_;
    std::array<iovec, kMaxSegments> segments_;
    alignas(cmsghdr) std::array<std::uint8_t, kSourceControlSize + kSegmentControlSize> control_;
    std::size_t count_ = 0;
    std::size_t bytes_ = 0;
    std::uint16_t segment_size_ = 0;
    bool ended_ = true;
};

// Whether a run the kernel refused with `error` means it cannot segment at all (old kernel, a device
// without it): then the sender stops gathering runs.
bool segmentation_refused(int error) noexcept;

// Sends each datagram of a refused run on its own, as send_now() does; how many the kernel refused.
std::size_t send_one_by_one(int fd, const SegmentRun& run, const msghdr& msg) noexcept;

// Writes a UDP_SEGMENT control message (segments of `segment_size` bytes, the last may be shorter)
// at `control`, which must hold kSegmentControlSize bytes and be aligned for cmsghdr; its length.
std::size_t write_segment_size(std::span<std::uint8_t> control, std::uint16_t segment_size) noexcept;

// Whether the kernel offers UDP_SEGMENT on UDP sockets (asked of a throwaway socket).
bool udp_segmentation_supported() noexcept;
// Whether a shell should gather runs: supported, and not switched off with TERN_DISABLE_UDP_GSO (for
// an operator, or a benchmark comparing both).
bool udp_segmentation_wanted() noexcept;

}  // namespace tern::server
