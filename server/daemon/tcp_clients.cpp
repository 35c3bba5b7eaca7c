#include "server/daemon/tcp_clients.hpp"

#include <sys/socket.h>

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <fmt/core.h>

namespace tern::server {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr std::size_t kMaxOutbox = 4 * 1024 * 1024;  // a client that stops reading loses packets, not memory
constexpr int kFullReadsPerTurn = 4;  // then other connections and sockets get their turn

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
        const auto b = a.is_v4() ? a.to_v4().to_bytes()
                                 : asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_bytes();
        t.ip.family = protocol::AddressFamily::IPv4;
        std::memcpy(t.ip.bytes.data(), b.data(), 4);
    } else {
        const auto b = a.to_v6().to_bytes();
        t.ip.family = protocol::AddressFamily::IPv6;
        std::memcpy(t.ip.bytes.data(), b.data(), 16);
    }
    return t;
}

}  // namespace

TcpClients::TcpClients(asio::io_context& io, const Logger& log) : io_(io), log_(log) {}

TcpClients::~TcpClients() { close(); }

void TcpClients::attach(TurnServer& core, std::uint16_t max_channel_number) {
    core_ = &core;
    max_channel_ = max_channel_number;
}

void TcpClients::close() {
    for (auto& a : acceptors_) {
        boost::system::error_code ignored;
        a->close(ignored);
    }
    acceptors_.clear();
    while (!connections_.empty()) {
        // A copy: drop() erases the map entry, and with it the pointer a reference would name.
        const std::shared_ptr<Connection> c = connections_.begin()->second;
        drop(c, "shutting down");
    }
}

std::optional<std::string> TcpClients::listen(const protocol::TransportAddress& address, bool reuse_port) {
    auto acceptor = std::make_shared<tcp::acceptor>(io_);
    const tcp::endpoint endpoint(to_asio(address.ip), address.port);
    boost::system::error_code ec;
    acceptor->open(endpoint.protocol(), ec);
    if (!ec && address.ip.family == protocol::AddressFamily::IPv6) acceptor->set_option(asio::ip::v6_only(true), ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec && reuse_port) {
        const int one = 1;
        if (::setsockopt(acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)
            ec.assign(errno, boost::system::system_category());
    }
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return fmt::format("tcp {}: {}", address.to_string(), ec.message());
    acceptors_.push_back(acceptor);
    accept(acceptor);
    return std::nullopt;
}

void TcpClients::send(const FiveTuple& client, std::span<const std::uint8_t> bytes) {
    const auto it = connections_.find(client);
    if (it == connections_.end() || it->second->closed) return;
    Connection& c = *it->second;
    if (c.outbox.size() - c.written + bytes.size() > kMaxOutbox) return;
    if (c.written > 0 && c.outbox.size() + bytes.size() > c.outbox.capacity()) {
        // Move what is left to the front rather than grow.
        c.outbox.erase(c.outbox.begin(), c.outbox.begin() + static_cast<std::ptrdiff_t>(c.written));
        c.written = 0;
    }
    c.outbox.insert(c.outbox.end(), bytes.begin(), bytes.end());
    if (c.queued || c.waiting_writable) return;
    c.queued = true;
    to_write_.push_back(it->second);
    if (!flush_posted_) {
        // After the handlers already queued: frames relayed in the same turn go out together.
        flush_posted_ = true;
        asio::post(io_, flush_slot_->bind_to([this, keep = flush_slot_] { flush(); }));
    }
}

void TcpClients::flush() {
    flush_posted_ = false;
    for (std::size_t i = 0; i < to_write_.size(); ++i) {  // by index: write() may drop, never adds
        const std::shared_ptr<Connection>& c = to_write_[i];
        c->queued = false;
        if (!c->closed) write(c);
    }
    to_write_.clear();
}

void TcpClients::accept(const std::shared_ptr<tcp::acceptor>& acceptor) {
    acceptor->async_accept([this, acceptor](const boost::system::error_code& ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
        if (!ec) {
            boost::system::error_code e1, e2;
            const auto remote = socket.remote_endpoint(e1);
            const auto local = socket.local_endpoint(e2);
            if (!e1 && !e2) {
                socket.set_option(tcp::no_delay(true), e1);
                auto c = std::make_shared<Connection>(std::move(socket), max_channel_);
                c->tuple = {from_asio(remote.address(), remote.port()), from_asio(local.address(), local.port()),
                            Transport::Tcp};
                connections_[c->tuple] = c;
                read(c);
            }
        }
        accept(acceptor);
    });
}

void TcpClients::read(const std::shared_ptr<Connection>& c) {
    // Readiness, then non-blocking reads of our own. Asio's async_read_some would try a speculative
    // recv() each time it is started, which after a drained socket is one wasted system call (EAGAIN)
    // per burst. A read that leaves room in the buffer emptied the socket: the next burst raises a new
    // edge, which the wait queued before this handler returns will see (one thread runs the loop).
    c->socket.async_wait(tcp::socket::wait_read, c->read_slot.bind_to([this, c](const boost::system::error_code& ec) {
        if (c->closed || ec == asio::error::operation_aborted) return;
        if (ec) return drop(c, "read error");
        read_available(c);
    }));
}

void TcpClients::read_available(const std::shared_ptr<Connection>& c) {
    const Instant now = Instant::now();  // one reading for the frames of this turn
    for (int full_reads = 0; full_reads < kFullReadsPerTurn; ++full_reads) {
        const auto room = c->framer.writable();
        if (room.empty()) return drop(c, "frame larger than the stream buffer");  // the framer refuses those first
        const ssize_t n = ::recv(c->socket.native_handle(), room.data(), room.size(), MSG_DONTWAIT);
        if (n == 0) return drop(c, "closed by client");
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return read(c);
            return drop(c, "read error");
        }
        c->framer.commit(static_cast<std::size_t>(n));
        for (;;) {
            const auto r = c->framer.next();
            if (r.status == protocol::StreamFramer::Status::NeedMore) break;
            if (r.status == protocol::StreamFramer::Status::Error) return drop(c, protocol::to_string(r.error));
            if (core_ != nullptr) core_->on_client_message(c->tuple, r.frame.bytes, now);
            if (c->closed) return;
        }
        if (static_cast<std::size_t>(n) < room.size()) return read(c);  // the socket is empty: wait
    }
    // Still full after a turn's share: the bytes left raise no new edge, so read on without waiting,
    // after the other handlers.
    asio::post(io_, c->read_slot.bind_to([this, c] {
        if (!c->closed) read_available(c);
    }));
}

void TcpClients::write(const std::shared_ptr<Connection>& c) {
    while (c->written < c->outbox.size()) {
        const ssize_t n = ::send(c->socket.native_handle(), c->outbox.data() + c->written,
                                 c->outbox.size() - c->written, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) {
            c->written += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            c->waiting_writable = true;
            c->socket.async_wait(tcp::socket::wait_write,
                                 c->write_slot.bind_to([this, c](const boost::system::error_code& ec) {
                                     c->waiting_writable = false;
                                     if (c->closed || ec == asio::error::operation_aborted) return;
                                     if (ec) return drop(c, "write error");
                                     write(c);
                                 }));
            return;
        }
        return drop(c, "write error");
    }
    c->outbox.clear();  // keeps its capacity
    c->written = 0;
}

void TcpClients::drop(const std::shared_ptr<Connection>& c, std::string_view why) {
    if (c->closed) return;
    c->closed = true;
    boost::system::error_code ignored;
    c->socket.close(ignored);
    connections_.erase(c->tuple);
    log_.debug("tcp connection closed", {{"client", c->tuple.client.to_string()}, {"reason", why}});
    if (core_ != nullptr) core_->on_client_closed(c->tuple, Instant::now());
}

}  // namespace tern::server
