#include "bench/tern_bench/shared_udp_port.hpp"

#include <arpa/inet.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace tern::bench {

namespace {

std::uint32_t host_order(const protocol::IpAddress& ip) noexcept {
    return (std::uint32_t{ip.bytes[0]} << 24) | (std::uint32_t{ip.bytes[1]} << 16) | (std::uint32_t{ip.bytes[2]} << 8) |
           ip.bytes[3];
}

}  // namespace

SharedUdpPort::SharedUdpPort(EpollLoop& loop, const protocol::TransportAddress& server)
    : loop_(loop), outgoing_(kBatch * 4), send_headers_(kBatch * 4), incoming_(kBatch), receive_headers_(kBatch) {
    if (server.ip.family != protocol::AddressFamily::IPv4 || server.ip.bytes[0] != 127)
        throw std::runtime_error("--multiplex needs an IPv4 loopback server (127.0.0.0/8)");
    fd_ = FileDescriptor(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd_) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    const int one = 1;
    ::setsockopt(fd_.get(), IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
    const int buffer = 4 << 20;  // a whole storm window of answers may arrive between two reads
    ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    ::setsockopt(fd_.get(), SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
    sockaddr_in any{};
    any.sin_family = AF_INET;
    any.sin_addr.s_addr = htonl(INADDR_ANY);  // every 127.100.x.y source, on one port
    if (::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&any), sizeof any) != 0)
        throw std::runtime_error(std::string("bind: ") + std::strerror(errno));
    server_.sin_family = AF_INET;
    server_.sin_port = htons(server.port);
    std::memcpy(&server_.sin_addr, server.ip.bytes.data(), 4);
    for (std::size_t i = 0; i < incoming_.size(); ++i) {
        Incoming& in = incoming_[i];
        in.iov = {in.bytes.data(), in.bytes.size()};
        receive_headers_[i] = {};
    }
    if (!loop_.add(fd_.get(), *this, EPOLLIN)) throw std::runtime_error("epoll_ctl failed");
}

SharedUdpPort::~SharedUdpPort() { loop_.remove(fd_.get()); }

protocol::IpAddress SharedUdpPort::client_address(std::uint32_t index) noexcept {
    const std::uint32_t host = (127u << 24) + (100u << 16) + 1 + index;
    return protocol::IpAddress::v4({static_cast<std::uint8_t>(host >> 24), static_cast<std::uint8_t>(host >> 16),
                                    static_cast<std::uint8_t>(host >> 8), static_cast<std::uint8_t>(host)});
}

void SharedUdpPort::attach(const protocol::IpAddress& client, SharedPortClient& receiver) {
    clients_[host_order(client)] = &receiver;
}

void SharedUdpPort::detach(const protocol::IpAddress& client) noexcept { clients_.erase(host_order(client)); }

void SharedUdpPort::send(const protocol::IpAddress& client, std::span<const std::uint8_t> bytes) {
    if (bytes.size() > kDatagram) return;  // a storm's requests are a few hundred bytes
    if (queued_ == outgoing_.size()) flush();
    Outgoing& out = outgoing_[queued_];
    std::memcpy(out.bytes.data(), bytes.data(), bytes.size());
    out.iov = {out.bytes.data(), bytes.size()};
    const std::size_t control_length = server::write_source_pktinfo(out.control, client);  // sends from `client`
    msghdr& msg = send_headers_[queued_].msg_hdr;
    msg = {};
    msg.msg_name = &server_;
    msg.msg_namelen = sizeof server_;
    msg.msg_iov = &out.iov;
    msg.msg_iovlen = 1;
    msg.msg_control = out.control.bytes;
    msg.msg_controllen = control_length;
    ++queued_;
}

std::size_t SharedUdpPort::flush() noexcept {
    std::size_t refused = 0;
    std::size_t start = 0;
    while (start < queued_) {
        const int sent = ::sendmmsg(fd_.get(), &send_headers_[start], static_cast<unsigned>(queued_ - start), 0);
        if (sent > 0) {
            start += static_cast<std::size_t>(sent);
            continue;
        }
        ++refused;  // this one cannot go; the ones behind it still can (a request is retransmitted)
        ++start;
    }
    queued_ = 0;
    return refused;
}

void SharedUdpPort::on_ready(std::uint32_t, TimePoint now) {
    for (int round = 0; round < 8; ++round) {  // bounded: timers and sends get their turn
        for (std::size_t i = 0; i < incoming_.size(); ++i) {
            Incoming& in = incoming_[i];
            msghdr& msg = receive_headers_[i].msg_hdr;
            msg = {};
            msg.msg_iov = &in.iov;
            msg.msg_iovlen = 1;
            msg.msg_control = in.control.data();
            msg.msg_controllen = in.control.size();
        }
        const int n = ::recvmmsg(fd_.get(), receive_headers_.data(), static_cast<unsigned>(receive_headers_.size()),
                                 MSG_DONTWAIT, nullptr);
        if (n <= 0) return;
        for (int i = 0; i < n; ++i) {
            msghdr& msg = receive_headers_[static_cast<std::size_t>(i)].msg_hdr;
            if ((msg.msg_flags & MSG_TRUNC) != 0) continue;
            const auto client = server::destination_of(msg);  // which client the answer was sent to
            if (!client || client->family != protocol::AddressFamily::IPv4) continue;
            const auto found = clients_.find(host_order(*client));
            if (found == clients_.end()) continue;
            Incoming& in = incoming_[static_cast<std::size_t>(i)];
            found->second->on_shared_datagram({in.bytes.data(), receive_headers_[static_cast<std::size_t>(i)].msg_len}, now);
        }
        if (static_cast<std::size_t>(n) < receive_headers_.size()) return;
    }
}

}  // namespace tern::bench
