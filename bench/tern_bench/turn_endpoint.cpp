#include "bench/tern_bench/turn_endpoint.hpp"

#include <sys/socket.h>

#include "protocol/bytes.hpp"
#include "protocol/channel_data.hpp"
#include "protocol/data_indication.hpp"
#include "protocol/message_type.hpp"

namespace tern::bench {

using client::ClientEventKind;
using client::ClientState;
using client::ServerTransport;

TurnEndpoint::TurnEndpoint(EndpointContext& context, EndpointListener& listener, client::TurnClientConfig config,
                           protocol::IpAddress local_ip, std::uint32_t tag, int socket_buffer)
    : context_(context),
      listener_(listener),
      core_(std::move(config), *this, context.random),
      local_ip_(local_ip),
      tag_(tag),
      socket_buffer_(socket_buffer) {}

TurnEndpoint::~TurnEndpoint() {
    stop_watching();
    if (attached_) shared_->detach(local_ip_);
}

void TurnEndpoint::on_shared_datagram(std::span<std::uint8_t> bytes, TimePoint now) {
    if (!finished()) feed_core(bytes, now);
}

void TurnEndpoint::stop_watching() noexcept {
    if (!watched_) return;
    watched_ = false;
    context_.loop.remove(udp_ ? udp_.get() : tcp_->fd());
}

void TurnEndpoint::finish(Stage final_stage) noexcept {
    stage_ = final_stage;
    next_timer_.reset();
    if (attached_) {
        shared_->detach(local_ip_);
        attached_ = false;
    }
    // Out of the loop now (a level-triggered socket that is never read again would wake it forever);
    // the descriptor itself closes with the endpoint.
    stop_watching();
}

bool TurnEndpoint::start(TimePoint now, std::string& error) {
    if (stage_ != Stage::Idle) return false;
    started_at_ = now;
    now_ = now;
    const auto& config = core_.config();
    if (config.transport == ServerTransport::Udp && shared_ != nullptr) {
        shared_->attach(local_ip_, *this);
        attached_ = true;
        stage_ = Stage::Allocating;
        core_.start(now);
        after_core_call();
        return true;
    }
    if (config.transport == ServerTransport::Udp) {
        auto fd = open_udp({local_ip_, 0}, config.server, socket_buffer_, error);
        if (!fd) return false;
        udp_ = std::move(*fd);
        watched_ = context_.loop.add(udp_.get(), *this, EPOLLIN);
        stage_ = Stage::Allocating;
        core_.start(now);
        after_core_call();
        return true;
    }
    auto fd = open_tcp(config.server, error);
    if (!fd) return false;
    tcp_.emplace(std::move(*fd));
    watched_ = context_.loop.add(tcp_->fd(), *this, EPOLLIN | EPOLLOUT);
    watching_writes_ = true;
    stage_ = Stage::Connecting;
    return true;
}

bool TurnEndpoint::open_path(const protocol::TransportAddress& peer, bool use_channel, TimePoint now) {
    if (stage_ != Stage::Allocated) return false;
    now_ = now;
    peer_ = peer;
    stage_ = Stage::OpeningPath;
    const bool asked = use_channel ? core_.bind_channel(peer, now).has_value() : core_.create_permission(peer.ip, now);
    after_core_call();
    if (!asked) stage_ = Stage::Allocated;
    return asked;
}

void TurnEndpoint::close(TimePoint now) {
    if (finished() || stage_ == Stage::Closing) return;
    now_ = now;
    if (stage_ == Stage::Idle || stage_ == Stage::Connecting) {
        finish(Stage::Closed);
        listener_.on_closed(*this, now);
        return;
    }
    stage_ = Stage::Closing;
    core_.close(now);
    after_core_call();
}

void TurnEndpoint::run_timer(TimePoint now) {
    if (finished()) return;
    now_ = now;
    core_.on_timer(now);
    after_core_call();
}

// ---------------------------------------------------------------------------------------------------
// The data path

std::span<std::uint8_t> TurnEndpoint::payload_area() {
    if (udp_) return context_.sends.next_slot().payload_area();
    return context_.stream_scratch->payload_area();
}

bool TurnEndpoint::send_payload(std::size_t size) {
    if (stage_ != Stage::Ready || core_.state() != ClientState::Allocated || attached_) return false;
    constexpr std::size_t offset = SendSlot::kPayloadOffset;
    SendSlot& slot = udp_ ? context_.sends.next_slot() : *context_.stream_scratch;
    const auto framing = udp_ ? protocol::Framing::Datagram : protocol::Framing::Stream;
    std::span<std::uint8_t> frame;
    // The core's own state decides the framing: ChannelData only once the server confirmed the channel.
    if (const auto channel = core_.bound_channel(peer_)) {
        frame = protocol::frame_channel_data(slot.whole(), offset, size, *channel, framing);
    } else {
        // A Send indication has a Data indication's layout with another message type (as the core does).
        frame = protocol::frame_data_indication(slot.whole(), offset, size, peer_, context_.next_indication_id());
        protocol::store_be16(frame.data(),
                             protocol::MessageType{protocol::Method::Send, protocol::MessageClass::Indication}.encode());
    }
    if (udp_) {
        context_.sends.push(udp_.get(), static_cast<std::size_t>(frame.data() - slot.storage.data()), frame.size());
        return true;
    }
    if (!tcp_->append(frame)) return false;
    queue_stream_write();
    return true;
}

// ---------------------------------------------------------------------------------------------------
// ClientIo

void TurnEndpoint::send_to_server(std::span<const std::uint8_t> bytes) {
    if (attached_) {
        shared_->send(local_ip_, bytes);
        return;
    }
    if (udp_) {
        // Requests are few: sent at once rather than batched, so they never wait behind probes.
        ::send(udp_.get(), bytes.data(), bytes.size(), MSG_DONTWAIT);
        return;
    }
    if (tcp_ && tcp_->append(bytes)) queue_stream_write();
}

void TurnEndpoint::on_event(const client::ClientEvent& event) {
    switch (event.kind) {
        case ClientEventKind::Allocated:
            stage_ = Stage::Allocated;
            listener_.on_allocated(*this, now_);
            return;
        case ClientEventKind::PermissionCreated:
        case ClientEventKind::ChannelBound:
            if (stage_ != Stage::OpeningPath) return;
            stage_ = Stage::Ready;
            listener_.on_peer_ready(*this, now_);
            return;
        case ClientEventKind::PermissionFailed:
        case ClientEventKind::ChannelFailed:
            if (stage_ != Stage::OpeningPath && stage_ != Stage::Ready) return;
            // The allocation stands, only the path failed: report it, then delete the allocation.
            stage_ = Stage::Allocated;
            listener_.on_failed(*this, event.error, now_);
            close(now_);
            return;
        case ClientEventKind::AllocationRefreshed:
            ++refreshes_;
            return;
        case ClientEventKind::Data: {
            // The payload is a view into current_input_ (the core copies nothing): find it there to
            // get a writable view of the same bytes.
            const std::uint8_t* input = current_input_.data();
            if (event.payload.data() < input || event.payload.data() + event.payload.size() > input + current_input_.size())
                return;
            const auto offset = static_cast<std::size_t>(event.payload.data() - input);
            listener_.on_payload(*this, current_input_.subspan(offset, event.payload.size()), now_);
            return;
        }
        case ClientEventKind::Error:
            if (stage_ == Stage::Closing) {  // the delete failed or timed out: the allocation is gone either way
                finish(Stage::Closed);
                listener_.on_closed(*this, now_);
                return;
            }
            finish(Stage::Failed);
            listener_.on_failed(*this, event.error, now_);
            return;
        case ClientEventKind::Closed:
            finish(Stage::Closed);
            listener_.on_closed(*this, now_);
            return;
    }
}

// ---------------------------------------------------------------------------------------------------
// Sockets

void TurnEndpoint::on_ready(std::uint32_t events, TimePoint now) {
    if (udp_) {
        read_datagrams(now);
        return;
    }
    if (!tcp_ || finished()) return;
    if (stage_ == Stage::Connecting) {
        if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
        if (tcp_->finish_connect() != 0) return fail_transport("TCP connect failed", now);
        stage_ = Stage::Allocating;
        now_ = now;
        core_.start(now);
        after_core_call();
        write_pending();
        return;
    }
    if ((events & EPOLLOUT) != 0) write_pending();
    if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0) read_stream(now);
}

void TurnEndpoint::read_datagrams(TimePoint now) {
    for (int round = 0; round < 4; ++round) {  // bounded: other sockets get their turn
        const std::size_t n = context_.receive.receive(udp_.get());
        for (std::size_t i = 0; i < n && !finished(); ++i) feed_core(context_.receive.datagram(i), now);
        if (n < ReceiveBatch::kMessages || finished()) return;
    }
}

void TurnEndpoint::read_stream(TimePoint now) {
    const auto result = tcp_->read([&](std::span<const std::uint8_t> frame) {
        if (finished()) return;
        // Copied out of the framer, whose buffer is read-only to us, so the payload can be unprotected in place.
        const auto copy = std::span(context_.frame_copy).first(frame.size());
        std::copy(frame.begin(), frame.end(), copy.begin());
        feed_core(copy, now);
    });
    if (result == TcpStream::ReadResult::Open || finished()) return;
    if (stage_ == Stage::Closing) {  // the server may close right after deleting
        finish(Stage::Closed);
        listener_.on_closed(*this, now);
        return;
    }
    fail_transport(result == TcpStream::ReadResult::Closed ? "server closed the TCP connection"
                                                           : "TCP stream broken or unframeable",
                   now);
}

void TurnEndpoint::feed_core(std::span<std::uint8_t> bytes, TimePoint now) {
    if (bytes.empty()) return;
    now_ = now;
    current_input_ = bytes;
    core_.on_bytes_from_server(bytes, now);
    current_input_ = {};
    after_core_call();
}

void TurnEndpoint::queue_stream_write() {
    if (write_queued_) return;
    write_queued_ = true;
    context_.streams_to_flush.push_back(this);
}

void TurnEndpoint::write_pending() {
    write_queued_ = false;
    if (!tcp_ || !tcp_->connected() || finished()) return;
    if (!tcp_->flush()) return fail_transport("TCP write failed", now_);
    const bool want_writes = tcp_->has_pending();
    if (want_writes != watching_writes_) {
        context_.loop.modify(tcp_->fd(), *this, want_writes ? (EPOLLIN | EPOLLOUT) : EPOLLIN);
        watching_writes_ = want_writes;
    }
}

void TurnEndpoint::fail_transport(std::string_view reason, TimePoint now) {
    if (finished()) return;
    if (stage_ == Stage::Closing) {  // deleting anyway: a broken connection ends the allocation too
        finish(Stage::Closed);
        listener_.on_closed(*this, now);
        return;
    }
    finish(Stage::Failed);
    const client::ClientError error{client::ClientErrorKind::Transport, protocol::Method::Allocate, 0, reason};
    listener_.on_failed(*this, error, now);
}

}  // namespace tern::bench
