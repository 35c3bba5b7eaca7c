#include "server/daemon/socket_address.hpp"

#include <ifaddrs.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace tern::server {

SocketAddress to_socket_address(const protocol::TransportAddress& a) noexcept {
    SocketAddress out;
    if (a.ip.family == protocol::AddressFamily::IPv4) {
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        sin.sin_port = htons(a.port);
        std::memcpy(&sin.sin_addr, a.ip.bytes.data(), 4);
        std::memcpy(&out.storage, &sin, sizeof sin);
        out.length = sizeof sin;
    } else {
        sockaddr_in6 sin6{};
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(a.port);
        std::memcpy(&sin6.sin6_addr, a.ip.bytes.data(), 16);
        std::memcpy(&out.storage, &sin6, sizeof sin6);
        out.length = sizeof sin6;
    }
    return out;
}

std::optional<protocol::TransportAddress> from_socket_address(const sockaddr* sa, socklen_t length) noexcept {
    protocol::TransportAddress a;
    if (sa->sa_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
        sockaddr_in sin;
        std::memcpy(&sin, sa, sizeof sin);
        a.ip.family = protocol::AddressFamily::IPv4;
        std::memcpy(a.ip.bytes.data(), &sin.sin_addr, 4);
        a.port = ntohs(sin.sin_port);
        return a;
    }
    if (sa->sa_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
        sockaddr_in6 sin6;
        std::memcpy(&sin6, sa, sizeof sin6);
        a.port = ntohs(sin6.sin6_port);
        static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (std::memcmp(&sin6.sin6_addr, kMapped, 12) == 0) {
            a.ip.family = protocol::AddressFamily::IPv4;
            std::memcpy(a.ip.bytes.data(), reinterpret_cast<const std::uint8_t*>(&sin6.sin6_addr) + 12, 4);
        } else {
            a.ip.family = protocol::AddressFamily::IPv6;
            std::memcpy(a.ip.bytes.data(), &sin6.sin6_addr, 16);
        }
        return a;
    }
    return std::nullopt;
}

bool is_unspecified(const protocol::IpAddress& ip) noexcept {
    return std::all_of(ip.bytes.begin(), ip.bytes.end(), [](std::uint8_t b) { return b == 0; });
}

bool is_loopback(const protocol::IpAddress& ip) noexcept {
    if (ip.family == protocol::AddressFamily::IPv4) return ip.bytes[0] == 127;
    static constexpr std::array<std::uint8_t, 16> kLoopback = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return ip.bytes == kLoopback;
}

std::vector<protocol::IpAddress> interface_addresses(protocol::AddressFamily family) {
    std::vector<protocol::IpAddress> found;
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) return found;
    for (const ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
        if (i->ifa_addr == nullptr) continue;
        const socklen_t len = i->ifa_addr->sa_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
        const auto a = from_socket_address(i->ifa_addr, len);
        if (!a || a->ip.family != family) continue;
        // Link-local IPv6 needs a scope id to be usable; skip it.
        if (family == protocol::AddressFamily::IPv6 && a->ip.bytes[0] == 0xfe && (a->ip.bytes[1] & 0xc0) == 0x80)
            continue;
        if (std::find(found.begin(), found.end(), a->ip) == found.end()) found.push_back(a->ip);
    }
    ::freeifaddrs(list);
    std::stable_partition(found.begin(), found.end(), [](const auto& ip) { return !is_loopback(ip); });
    return found;
}

namespace {

// The address field of an in_pktinfo / in6_pktinfo control message's data, as an IpAddress.
template <class Info, class Field>
protocol::IpAddress pktinfo_address(const cmsghdr* c, Field Info::*field, protocol::AddressFamily family) noexcept {
    Info info;
    std::memcpy(&info, CMSG_DATA(c), sizeof info);
    protocol::IpAddress ip;
    ip.family = family;
    std::memcpy(ip.bytes.data(), &(info.*field), sizeof(Field));
    return ip;
}

// One control message (`info` at `level`/`type`) at the start of `control`; its length.
template <class Info>
std::size_t write_control(SourceControl& control, int level, int type, const Info& info) noexcept {
    std::memset(control.bytes, 0, sizeof control.bytes);
    cmsghdr header{};
    header.cmsg_level = level;
    header.cmsg_type = type;
    header.cmsg_len = CMSG_LEN(sizeof info);
    std::memcpy(control.bytes, &header, sizeof header);
    std::memcpy(control.bytes + CMSG_LEN(0), &info, sizeof info);
    return CMSG_SPACE(sizeof info);
}

}  // namespace

std::optional<protocol::IpAddress> destination_of(msghdr& received) noexcept {
    for (cmsghdr* c = CMSG_FIRSTHDR(&received); c != nullptr; c = CMSG_NXTHDR(&received, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO && c->cmsg_len >= CMSG_LEN(sizeof(in_pktinfo)))
            return pktinfo_address(c, &in_pktinfo::ipi_addr, protocol::AddressFamily::IPv4);
        if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
            c->cmsg_len >= CMSG_LEN(sizeof(in6_pktinfo)))
            return pktinfo_address(c, &in6_pktinfo::ipi6_addr, protocol::AddressFamily::IPv6);
    }
    return std::nullopt;
}

std::size_t write_source_pktinfo(SourceControl& control, const protocol::IpAddress& source) noexcept {
    if (source.family == protocol::AddressFamily::IPv4) {
        in_pktinfo info{};
        std::memcpy(&info.ipi_spec_dst, source.bytes.data(), 4);
        return write_control(control, IPPROTO_IP, IP_PKTINFO, info);
    }
    in6_pktinfo info{};
    std::memcpy(&info.ipi6_addr, source.bytes.data(), 16);
    return write_control(control, IPPROTO_IPV6, IPV6_PKTINFO, info);
}

}  // namespace tern::server
