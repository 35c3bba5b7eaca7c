#include "server/daemon/asio_shell.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/core.h>
#include <variant>

#include "server/daemon/socket_address.hpp"
#include "server/daemon/udp_sockets.hpp"

namespace tern::server {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

constexpr std::size_t kDatagramsPerWakeup = 64;  // bounded work per readiness event keeps the loop fair

}  // namespace

AsioShell::AsioShell(asio::io_context& io, const Logger& log)
    : RelayShell(io, log), io_(io), tcp_(io, log), slots_(kReceiveBatch) {}

AsioShell::~AsioShell() { close(); }

void AsioShell::attach(TurnServer& core, std::uint16_t max_channel_number) {
    core_ = &core;
    tcp_.attach(core, max_channel_number);
}

void AsioShell::close() {
    flush_sends();
    for (auto& l : listeners_) {
        l->closed = true;
        boost::system::error_code ignored;
        l->socket.close(ignored);
    }
    listeners_.clear();
    tcp_.close();
}

// ---------------------------------------------------------------------------------------------------
// UDP: listeners and relays

std::shared_ptr<AsioShell::UdpSocket> AsioShell::open_udp(const protocol::TransportAddress& local, bool listener,
                                                           bool reuse_port, std::string* error) {
    auto opened = open_udp_socket(local, listener, reuse_port, buffers_);
    if (auto* reason = std::get_if<std::string>(&opened)) {
        if (error != nullptr) *error = std::move(*reason);
        return nullptr;
    }
    UniqueFd fd = std::move(std::get<UniqueFd>(opened));
    auto s = std::make_shared<UdpSocket>(io_);
    boost::system::error_code ec;
    s->socket.assign(local.ip.family == protocol::AddressFamily::IPv4 ? udp::v4() : udp::v6(), fd.get(), ec);
    if (ec) {
        if (error != nullptr) *error = ec.message();
        return nullptr;
    }
    (void)fd.release();  // the Asio socket owns it now
    s->local = local;
    s->wildcard = listener && is_unspecified(local.ip);
    return s;
}

void AsioShell::arm(const std::shared_ptr<UdpSocket>& s) {
    s->socket.async_wait(udp::socket::wait_read, [this, s](const boost::system::error_code& ec) {
        if (ec || s->closed) return;
        // Polling needs nothing more than the pass queued: while one is, Asio's reactor checks every
        // socket without blocking.
        if (drain(*s)) idle_poll_.keep_awake();
        if (!s->closed) arm(s);
    });
}

bool AsioShell::drain(UdpSocket& s) {
    std::size_t budget = kDatagramsPerWakeup;
    bool received = false;
    while (budget > 0 && !s.closed) {
        const std::size_t want = std::min(kReceiveBatch, budget);
        for (std::size_t i = 0; i < want; ++i) {
            ReceiveSlot& slot = slots_[i];
            const auto area = slot.buffer.payload_area();
            slot.iov = {area.data(), area.size()};
            msghdr& msg = batch_[i].msg_hdr;
            msg = msghdr{};
            msg.msg_name = &slot.from;
            msg.msg_namelen = sizeof slot.from;
            msg.msg_iov = &slot.iov;
            msg.msg_iovlen = 1;
            if (s.relay == 0) {  // listeners read the destination address from IP_PKTINFO
                msg.msg_control = slot.control;
                msg.msg_controllen = sizeof slot.control;
            }
        }
        const int n = ::recvmmsg(s.socket.native_handle(), batch_.data(), static_cast<unsigned>(want), MSG_DONTWAIT,
                                 nullptr);
        if (n <= 0) return received;  // EAGAIN: drained
        received = true;
        batching_ = true;
        const Instant now = Instant::now();  // one reading per batch, as on the io_uring backend
        for (std::size_t i = 0; i < static_cast<std::size_t>(n) && !s.closed; ++i)
            deliver(s, slots_[i], batch_[i].msg_hdr, batch_[i].msg_len, now);
        batching_ = false;
        flush_sends();  // before the next recvmmsg reuses the slots they point into
        if (static_cast<std::size_t>(n) < want) return true;  // the queue is empty: save the call that says so
        budget -= static_cast<std::size_t>(n);
    }
    return received;
}

void AsioShell::deliver(UdpSocket& s, ReceiveSlot& slot, msghdr& received, std::size_t size, Instant now) {
    const auto source = from_socket_address(reinterpret_cast<const sockaddr*>(&slot.from), received.msg_namelen);
    if (!source || core_ == nullptr) return;
    if (s.relay != 0) {
        core_->on_peer_datagram(s.relay, *source, slot.buffer.whole(), slot.buffer.kPayloadOffset, size, now);
        return;
    }
    FiveTuple tuple{*source, s.local, Transport::Udp};
    if (s.wildcard)
        if (const auto dst = destination_of(received)) tuple.server.ip = *dst;
    core_->on_client_message(tuple, slot.buffer.payload_area().first(size), now);
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
    flush_sends();  // queued sends name the descriptor, whose number a new socket may get
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
    if (dont_fragment != s.dont_fragment) {  // toggled only when a client's wish changes, not per packet
        flush_sends();                       // queued datagrams keep the old setting
        set_dont_fragment(s.socket.native_handle(), s.local.ip.family, dont_fragment);
        s.dont_fragment = dont_fragment;
    }
    send_datagram(s.socket.native_handle(), peer, nullptr, bytes);
}

bool AsioShell::in_receive_slot(std::span<const std::uint8_t> bytes) const noexcept {
    // Addresses compared as integers: pointer order is only defined within one object.
    const auto first = reinterpret_cast<std::uintptr_t>(bytes.data());
    for (const ReceiveSlot& slot : slots_) {
        const auto begin = reinterpret_cast<std::uintptr_t>(slot.buffer.storage.data());
        if (first >= begin && first + bytes.size() <= begin + slot.buffer.storage.size()) return true;
    }
    return false;
}

void AsioShell::send_datagram(int fd, const protocol::TransportAddress& to, const protocol::IpAddress* source,
                              std::span<const std::uint8_t> bytes) {
    // Only bytes in a receive slot stay put until the batch ends; replies (written into the core's
    // reply buffer, reused by the next one) and TCP frames go at once.
    if (!batching_ || !in_receive_slot(bytes)) {
        if (!send_now(fd, to, source, bytes)) ++stats_.send_failures;
        return;
    }
    if (join_last(fd, to, source, bytes)) return;
    if (queued_count_ == queued_.size()) flush_sends();
    QueuedSend& q = queued_[queued_count_];
    q.fd = fd;
    q.datagram.describe(send_batch_[queued_count_].msg_hdr, to, source, bytes);
    q.run.begin(to, source, bytes.size());
    ++queued_count_;
}

bool AsioShell::join_last(int fd, const protocol::TransportAddress& to, const protocol::IpAddress* source,
                          std::span<const std::uint8_t> bytes) noexcept {
    if (!segmentation_ || queued_count_ == 0) return false;
    QueuedSend& q = queued_[queued_count_ - 1];
    if (q.fd != fd || !q.run.accepts(to, source, bytes.size())) return false;
    q.run.add(send_batch_[queued_count_ - 1].msg_hdr, bytes);
    return true;
}

void AsioShell::resend_refused_run(std::size_t queued, int error) {
    on_run_refused(error);
    const QueuedSend& q = queued_[queued];
    stats_.send_failures += send_one_by_one(q.fd, q.run, send_batch_[queued].msg_hdr);
}

void AsioShell::flush_sends() {
    std::size_t start = 0;
    while (start < queued_count_) {
        const int fd = queued_[start].fd;
        std::size_t end = start + 1;
        while (end < queued_count_ && queued_[end].fd == fd) ++end;
        while (start < end) {
            const int sent = ::sendmmsg(fd, &send_batch_[start], static_cast<unsigned>(end - start), MSG_DONTWAIT);
            if (sent > 0) {
                start += static_cast<std::size_t>(sent);
                continue;
            }
            const int error = errno;
            if (error == EAGAIN || error == EWOULDBLOCK) {  // socket buffer full: lost, as UDP may
                for (std::size_t i = start; i < end; ++i) stats_.send_failures += queued_[i].run.count();
                start = end;
            } else if (queued_[start].run.count() > 1) {  // a run of segments refused: one by one
                resend_refused_run(start, error);
                ++start;
            } else {  // this one cannot go (no route, too big); the ones behind it still can
                ++stats_.send_failures;
                ++start;
            }
        }
    }
    queued_count_ = 0;
}

// ---------------------------------------------------------------------------------------------------
// Client replies

void AsioShell::send_to_client(const FiveTuple& client, std::span<const std::uint8_t> bytes) {
    if (client.transport != Transport::Udp) return tcp_.send(client, bytes);
    UdpSocket* l = listener_for(client.server);
    if (l == nullptr) return;
    send_datagram(l->socket.native_handle(), client.client, l->wildcard ? &client.server.ip : nullptr, bytes);
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
        if (tcp_on)
            if (auto error = tcp_.listen(a, reuse_port)) return error;
    }
    return std::nullopt;
}

}  // namespace tern::server
