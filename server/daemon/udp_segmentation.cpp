#include "server/daemon/udp_segmentation.hpp"

#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

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
