#include "server/daemon/asio_shell.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <fmt/core.h>

#include "server/daemon/socket_address.hpp"

namespace tern::server {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace {

constexpr int kDatagramsPerWakeup = 64;            // bounded work per readiness event keeps the loop fair
constexpr std::size_t kMaxTcpOutbox = 4 * 1024 * 1024;  // a client that stops reading loses packets, not memory

int af_of(const protocol::IpAddress& ip) { return ip.family == protocol::AddressFamily::IPv4 ? AF_INET : AF_INET6; }

asio::ip::address to_asio(const protocol::IpAddress& ip) {
    if (ip.family == protocol::AddressFamily::IPv4) {
        asio::ip::address_v4::bytes_type b;
        std::memcpy(b.data(), ip.bytes.data(), 4);
        return asio::ip::address_v4(b);
    }
    asio::ip::address_v6::bytes_type b;
    std::memcpy(b.data(), ip.bytes.data(), 16);
    return asio::ip::address_v6(b);
}

protocol::TransportAddress from_asio(const asio::ip::address& a, std::uint16_t port) {
    protocol::TransportAddress t;
    t.port = port;
    if (a.is_v4() || (a.is_v6() && a.to_v6().is_v4_mapped())) {
        const auto b = a.is_v4() ? a.to_v4().to_bytes() : asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_bytes();
        t.ip.family = protocol::AddressFamily::IPv4;
        std::memcpy(t.ip.bytes.data(), b.data(), 4);
    } else {
        const auto b = a.to_v6().to_bytes();
        t.ip.family = protocol::AddressFamily::IPv6;
        std::memcpy(t.ip.bytes.data(), b.data(), 16);
    }
    return t;
}

// Reads the destination address of a datagram from its IP_PKTINFO / IPV6_PKTINFO control message.
std::optional<protocol::IpAddress> destination_of(msghdr& msg) {
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            in_pktinfo info;
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            protocol::IpAddress ip;
            ip.family = protocol::AddressFamily::IPv4;
            std::memcpy(ip.bytes.data(), &info.ipi_addr, 4);
            return ip;
        }
        if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            in6_pktinfo info;
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            protocol::IpAddress ip;
            ip.family = protocol::AddressFamily::IPv6;
            std::memcpy(ip.bytes.data(), &info.ipi6_addr, 16);
            return ip;
        }
    }
    return std::nullopt;
}

}  // namespace

AsioShell::AsioShell(asio::io_context& io, const Logger& log) : io_(io), log_(log) {}

AsioShell::~AsioShell() { close(); }

void AsioShell::attach(TurnServer& core, std::uint16_t max_channel_number) {
    core_ = &core;
    max_channel_ = max_channel_number;
}

void AsioShell::close() {
    for (auto& l : listeners_) {
        l->closed = true;
        boost::system::error_code ignored;
        l->socket.close(ignored);
    }
    listeners_.clear();
    for (auto& a : acceptors_) {
        boost::system::error_code ignored;
        a->close(ignored);
    }
    acceptors_.clear();
    while (!connections_.empty()) drop(connections_.begin()->second, "shutting down");
}

// ---------------------------------------------------------------------------------------------------
// UDP: listeners and relays

std::shared_ptr<AsioShell::UdpSocket> AsioShell::open_udp(const protocol::TransportAddress& local, bool listener,
                                                           bool reuse_port, std::string* error) {
    const int af = af_of(local.ip);
    const int fd = ::socket(af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        if (error != nullptr) *error = std::strerror(errno);
        return nullptr;
    }
    const int one = 1;
    if (af == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (reuse_port) ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    if (listener) {
        // Wildcard listeners learn each datagram's destination so replies leave from that address.
        if (af == AF_INET) ::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
        else ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
    }
    const auto sa = to_socket_address(local);
    if (::bind(fd, sa.get(), sa.length) != 0) {
        if (error != nullptr) *error = std::strerror(errno);
        ::close(fd);
        return nullptr;
    }
    auto s = std::make_shared<UdpSocket>(io_);
    boost::system::error_code ec;
    s->socket.assign(af == AF_INET ? udp::v4() : udp::v6(), fd, ec);
    if (ec) {
        ::close(fd);
        if (error != nullptr) *error = ec.message();
        return nullptr;
    }
    s->local = local;
    s->wildcard = listener && is_unspecified(local.ip);
    return s;
}

void AsioShell::arm(const std::shared_ptr<UdpSocket>& s) {
    s->socket.async_wait(udp::socket::wait_read, [this, s](const boost::system::error_code& ec) {
        if (ec || s->closed) return;
        if (s->relay == 0) drain_listener(*s);
        else drain_relay(*s);
        if (!s->closed) arm(s);
    });
}

void AsioShell::drain_listener(UdpSocket& s) {
    const auto area = receive_buffer_.payload_area();
    for (int i = 0; i < kDatagramsPerWakeup && !s.closed; ++i) {
        sockaddr_storage from{};
        iovec iov{area.data(), area.size()};
        alignas(cmsghdr) std::uint8_t control[128];
        msghdr msg{};
        msg.msg_name = &from;
        msg.msg_namelen = sizeof from;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        const ssize_t n = ::recvmsg(s.socket.native_handle(), &msg, 0);
        if (n < 0) return;  // EAGAIN: drained
        const auto client = from_socket_address(reinterpret_cast<const sockaddr*>(&from), msg.msg_namelen);
        if (!client || core_ == nullptr) continue;
        FiveTuple tuple{*client, s.local, Transport::Udp};
        if (s.wildcard)
            if (const auto dst = destination_of(msg)) tuple.server.ip = *dst;
        core_->on_client_message(tuple, area.first(static_cast<std::size_t>(n)), Instant::now());
    }
}

void AsioShell::drain_relay(UdpSocket& s) {
    const auto whole = receive_buffer_.whole();
    const auto area = receive_buffer_.payload_area();
    for (int i = 0; i < kDatagramsPerWakeup && !s.closed; ++i) {
        sockaddr_storage from{};
        socklen_t from_len = sizeof from;
        const ssize_t n = ::recvfrom(s.socket.native_handle(), area.data(), area.size(), 0,
                                     reinterpret_cast<sockaddr*>(&from), &from_len);
        if (n < 0) return;
        const auto peer = from_socket_address(reinterpret_cast<const sockaddr*>(&from), from_len);
        if (!peer || core_ == nullptr) continue;
        core_->on_peer_datagram(s.relay, *peer, whole, receive_buffer_.kPayloadOffset, static_cast<std::size_t>(n),
                                Instant::now());
    }
}

AsioShell::UdpSocket* AsioShell::listener_for(const protocol::TransportAddress& server_side) noexcept {
    for (auto& l : listeners_) {
        if (l->local.port != server_side.port || l->local.ip.family != server_side.ip.family) continue;
        if (l->wildcard || l->local.ip == server_side.ip) return l.get();
    }
    return nullptr;
}

std::optional<RelayId> AsioShell::open_relay(const protocol::TransportAddress& local) {
    auto s = open_udp(local, false, false, nullptr);
    if (!s) return std::nullopt;
    s->relay = next_relay_++;
    if (next_relay_ == 0) next_relay_ = 1;
    relays_[s->relay] = s;
    arm(s);
    return s->relay;
}

void AsioShell::close_relay(RelayId relay) {
    const auto it = relays_.find(relay);
    if (it == relays_.end()) return;
    it->second->closed = true;
    boost::system::error_code ignored;
    it->second->socket.close(ignored);
    relays_.erase(it);
}

void AsioShell::send_to_peer(RelayId relay, const protocol::TransportAddress& peer,
                             std::span<const std::uint8_t> bytes, bool dont_fragment) {
    const auto it = relays_.find(relay);
    if (it == relays_.end()) return;
    UdpSocket& s = *it->second;
    if (dont_fragment != s.dont_fragment) {
        // Toggled only when a client's wish changes, not per packet.
        const int v4 = dont_fragment ? IP_PMTUDISC_DO : IP_PMTUDISC_WANT;
        const int v6 = dont_fragment ? IPV6_PMTUDISC_DO : IPV6_PMTUDISC_WANT;
        if (s.local.ip.family == protocol::AddressFamily::IPv4)
            ::setsockopt(s.socket.native_handle(), IPPROTO_IP, IP_MTU_DISCOVER, &v4, sizeof v4);
        else
            ::setsockopt(s.socket.native_handle(), IPPROTO_IPV6, IPV6_MTU_DISCOVER, &v6, sizeof v6);
        s.dont_fragment = dont_fragment;
    }
    const auto to = to_socket_address(peer);
    (void)::sendto(s.socket.native_handle(), bytes.data(), bytes.size(), 0, to.get(), to.length);
}

// ---------------------------------------------------------------------------------------------------
// Client replies

void AsioShell::send_to_client(const FiveTuple& client, std::span<const std::uint8_t> bytes) {
    if (client.transport != Transport::Udp) {
        const auto it = connections_.find(client);
        if (it == connections_.end() || it->second->closed) return;
        const auto& c = it->second;
        if (c->outbox_bytes + bytes.size() > kMaxTcpOutbox) return;
        c->outbox.emplace_back(bytes.begin(), bytes.end());
        c->outbox_bytes += bytes.size();
        if (!c->writing) write(c);
        return;
    }
    UdpSocket* l = listener_for(client.server);
    if (l == nullptr) return;
    const auto to = to_socket_address(client.client);
    iovec iov{const_cast<std::uint8_t*>(bytes.data()), bytes.size()};
    msghdr msg{};
    msg.msg_name = const_cast<sockaddr*>(to.get());
    msg.msg_namelen = to.length;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) std::uint8_t control[64] = {};
    if (l->wildcard) {  // answer from the address the client wrote to
        msg.msg_control = control;
        cmsghdr* c = reinterpret_cast<cmsghdr*>(control);
        if (client.server.ip.family == protocol::AddressFamily::IPv4) {
            in_pktinfo info{};
            std::memcpy(&info.ipi_spec_dst, client.server.ip.bytes.data(), 4);
            c->cmsg_level = IPPROTO_IP;
            c->cmsg_type = IP_PKTINFO;
            c->cmsg_len = CMSG_LEN(sizeof info);
            std::memcpy(CMSG_DATA(c), &info, sizeof info);
            msg.msg_controllen = CMSG_SPACE(sizeof info);
        } else {
            in6_pktinfo info{};
            std::memcpy(&info.ipi6_addr, client.server.ip.bytes.data(), 16);
            c->cmsg_level = IPPROTO_IPV6;
            c->cmsg_type = IPV6_PKTINFO;
            c->cmsg_len = CMSG_LEN(sizeof info);
            std::memcpy(CMSG_DATA(c), &info, sizeof info);
            msg.msg_controllen = CMSG_SPACE(sizeof info);
        }
    }
    (void)::sendmsg(l->socket.native_handle(), &msg, 0);
}

void AsioShell::report(const Event& event) {
    const std::string client = event.client.client.to_string();
    switch (event.kind) {
        case EventKind::AuthFailed:
            log_.warning("auth failed", {{"client", client}, {"user", event.username}, {"reason", event.detail}});
            break;
        case EventKind::AllocationCreated:
            log_.info("allocation created", {{"client", client}, {"user", event.username}, {"relay", event.detail}});
            break;
        case EventKind::AllocationRefreshed:
            log_.debug("allocation refreshed", {{"client", client}, {"user", event.username}});
            break;
        case EventKind::AllocationDeleted:
            log_.info("allocation deleted", {{"client", client}, {"user", event.username}, {"reason", event.detail}});
            break;
        case EventKind::PeerDenied:
            log_.warning("peer denied", {{"client", client}, {"user", event.username}, {"peer", event.detail}});
            break;
    }
}

// ---------------------------------------------------------------------------------------------------
// TCP

void AsioShell::accept(const std::shared_ptr<tcp::acceptor>& acceptor) {
    acceptor->async_accept([this, acceptor](const boost::system::error_code& ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
        if (!ec) {
            boost::system::error_code e1, e2;
            const auto remote = socket.remote_endpoint(e1);
            const auto local = socket.local_endpoint(e2);
            if (!e1 && !e2) {
                socket.set_option(tcp::no_delay(true), e1);
                auto c = std::make_shared<TcpConnection>(std::move(socket), max_channel_);
                c->tuple = {from_asio(remote.address(), remote.port()), from_asio(local.address(), local.port()),
                            Transport::Tcp};
                connections_[c->tuple] = c;
                read(c);
            }
        }
        accept(acceptor);
    });
}

void AsioShell::read(const std::shared_ptr<TcpConnection>& c) {
    const auto room = c->framer.writable();
    c->socket.async_read_some(asio::buffer(room.data(), room.size()),
                              [this, c](const boost::system::error_code& ec, std::size_t n) {
                                  if (c->closed) return;
                                  if (ec) return drop(c, ec == asio::error::eof ? "closed by client" : "read error");
                                  c->framer.commit(n);
                                  for (;;) {
                                      const auto r = c->framer.next();
                                      if (r.status == protocol::StreamFramer::Status::NeedMore) break;
                                      if (r.status == protocol::StreamFramer::Status::Error)
                                          return drop(c, protocol::to_string(r.error));
                                      if (core_ != nullptr)
                                          core_->on_client_message(c->tuple, r.frame.bytes, Instant::now());
                                      if (c->closed) return;
                                  }
                                  read(c);
                              });
}

void AsioShell::write(const std::shared_ptr<TcpConnection>& c) {
    c->writing = true;
    asio::async_write(c->socket, asio::buffer(c->outbox.front()),
                      [this, c](const boost::system::error_code& ec, std::size_t) {
                          if (c->closed) return;
                          if (ec) return drop(c, "write error");
                          c->outbox_bytes -= c->outbox.front().size();
                          c->outbox.pop_front();
                          if (c->outbox.empty()) c->writing = false;
                          else write(c);
                      });
}

void AsioShell::drop(const std::shared_ptr<TcpConnection>& c, std::string_view why) {
    if (c->closed) return;
    c->closed = true;
    boost::system::error_code ignored;
    c->socket.close(ignored);
    connections_.erase(c->tuple);
    log_.debug("tcp connection closed", {{"client", c->tuple.client.to_string()}, {"reason", why}});
    if (core_ != nullptr) core_->on_client_closed(c->tuple, Instant::now());
}

// ---------------------------------------------------------------------------------------------------

std::optional<std::string> AsioShell::listen(const std::vector<protocol::TransportAddress>& addresses, bool udp_on,
                                             bool tcp_on, bool reuse_port) {
    for (const auto& a : addresses) {
        if (udp_on) {
            std::string error;
            auto s = open_udp(a, true, reuse_port, &error);
            if (!s) return fmt::format("udp {}: {}", a.to_string(), error);
            listeners_.push_back(s);
            arm(s);
        }
        if (tcp_on) {
            auto acceptor = std::make_shared<tcp::acceptor>(io_);
            const tcp::endpoint endpoint(to_asio(a.ip), a.port);
            boost::system::error_code ec;
            acceptor->open(endpoint.protocol(), ec);
            if (!ec && a.ip.family == protocol::AddressFamily::IPv6) acceptor->set_option(asio::ip::v6_only(true), ec);
            if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
            if (!ec && reuse_port) {
                const int one = 1;
                if (::setsockopt(acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)
                    ec.assign(errno, boost::system::system_category());
            }
            if (!ec) acceptor->bind(endpoint, ec);
            if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
            if (ec) return fmt::format("tcp {}: {}", a.to_string(), ec.message());
            acceptors_.push_back(acceptor);
            accept(acceptor);
        }
    }
    return std::nullopt;
}

}  // namespace tern::server
