#include "server/daemon/udp_segmentation.hpp"

#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "server/daemon/udp_sockets.hpp"

namespace tern::server {

std::size_t write_segment_size(std::span<std::uint8_t> control, std::uint16_t segment_size) noexcept {
    if (control.size() < kSegmentControlSize) return 0;
    std::memset(control.data(), 0, kSegmentControlSize);
    cmsghdr header{};
    header.cmsg_level = SOL_UDP;
    header.cmsg_type = UDP_SEGMENT;
    header.cmsg_len = CMSG_LEN(sizeof segment_size);
    std::memcpy(control.data(), &header, sizeof header);
    std::memcpy(control.data() + CMSG_LEN(0), &segment_size, sizeof segment_size);
    return kSegmentControlSize;
}

void SegmentRun::begin(const protocol::TransportAddress& to, const protocol::IpAddress* source,
                       std::size_t size) noexcept {
    to_ = to;
    source_ = source != nullptr ? std::optional(*source) : std::nullopt;
    count_ = 1;
    bytes_ = size;
    segment_size_ = static_cast<std::uint16_t>(std::min<std::size_t>(size, kMaxSegmentSize));
    ended_ = size == 0 || size > kMaxSegmentSize;  // too big to be a segment: goes alone
}

bool SegmentRun::accepts(const protocol::TransportAddress& to, const protocol::IpAddress* source,
                         std::size_t size) const noexcept {
    if (ended_ || count_ >= kMaxSegments || size == 0 || size > segment_size_ || bytes_ + size > kMaxSegmentedBytes)
        return false;
    return to == to_ && (source != nullptr ? source_ == *source : !source_);
}

void SegmentRun::add(msghdr& msg, std::span<const std::uint8_t> bytes) noexcept {
    if (count_ == 1) {  // the second datagram: from one iovec to a list, and the UDP_SEGMENT message
        segments_[0] = msg.msg_iov[0];
        msg.msg_iov = segments_.data();
        const std::size_t source_control = msg.msg_controllen;
        if (source_control > 0) std::memcpy(control_.data(), msg.msg_control, source_control);
        msg.msg_control = control_.data();
        msg.msg_controllen = source_control + write_segment_size(std::span(control_).subspan(source_control), segment_size_);
    }
    segments_[count_++] = {const_cast<std::uint8_t*>(bytes.data()), bytes.size()};  // sendmsg only reads them
    msg.msg_iovlen = count_;
    bytes_ += bytes.size();
    ended_ = bytes.size() < segment_size_;
}

bool segmentation_refused(int error) noexcept {
    return error == EINVAL || error == EOPNOTSUPP || error == ENOPROTOOPT || error == EIO;
}

std::size_t send_one_by_one(int fd, const SegmentRun& run, const msghdr& msg) noexcept {
    std::size_t refused = 0;
    for (const iovec& datagram : run.datagrams(msg))
        if (!send_now(fd, run.to(), run.source(), {static_cast<const std::uint8_t*>(datagram.iov_base), datagram.iov_len}))
            ++refused;
    return refused;
}

bool udp_segmentation_wanted() noexcept {
    const char* disabled = std::getenv("TERN_DISABLE_UDP_GSO");
    return (disabled == nullptr || *disabled == '\0') && udp_segmentation_supported();
}

bool udp_segmentation_supported() noexcept {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    int value = 0;
    socklen_t length = sizeof value;
    const bool supported = ::getsockopt(fd, SOL_UDP, UDP_SEGMENT, &value, &length) == 0;
    ::close(fd);
    return supported;
}

}  // namespace tern::server
