#pragma once
// UDP generic segmentation offload (UDP_SEGMENT, Linux 4.18). Datagrams of one size from one socket
// to one destination can leave in a single sendmsg: the payloads are described back to back and the
// kernel cuts them apart as late as it can (in the NIC, in the driver, or on loopback at the receiving
// socket), so the stack is walked once per run of datagrams instead of once per datagram. Runs happen
// on a relay all the time: a client's burst relayed to its peer, the peer's answers framed for the
// client. The receiver sees ordinary datagrams.

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace tern::server {

inline constexpr std::size_t kMaxSegments = 64;  // UDP_MAX_SEGMENTS of every kernel with UDP GSO
// Larger datagrams go alone: a segment must fit the path MTU (the kernel refuses the whole send with
// EINVAL otherwise), and 1400 bytes with IPv6 and UDP headers fit any Ethernet path.
inline constexpr std::size_t kMaxSegmentSize = 1400;
// The sum of the segments is one UDP datagram as far as the length fields go.
inline constexpr std::size_t kMaxSegmentedBytes = 65000;
// Room for the UDP_SEGMENT control message.
inline constexpr std::size_t kSegmentControlSize = CMSG_SPACE(sizeof(std::uint16_t));

// Writes a UDP_SEGMENT control message (segments of `segment_size` bytes, the last may be shorter)
// at `control`, which must hold kSegmentControlSize bytes and be aligned for cmsghdr; its length.
std::size_t write_segment_size(std::span<std::uint8_t> control, std::uint16_t segment_size) noexcept;

// Whether the kernel offers UDP_SEGMENT on UDP sockets (asked of a throwaway socket).
bool udp_segmentation_supported() noexcept;

}  // namespace tern::server
