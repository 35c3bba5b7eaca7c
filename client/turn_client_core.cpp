// Inputs, commands, timers and the request side of the sans-I/O TURN client. What answers do is in
// turn_client_responses.cpp.

#include "client/turn_client_core.hpp"

#include <algorithm>
#include <cstring>

#include "protocol/attributes/all.hpp"
#include "protocol/bytes.hpp"
#include "protocol/channel_data.hpp"
#include "protocol/data_indication.hpp"
#include "protocol/message_builder.hpp"

namespace tern::client {

namespace attr = protocol::attr;
using protocol::MessageClass;
using protocol::Method;

namespace {

// Room for the largest request: USERNAME (512), REALM, NONCE and SOFTWARE (763 each), the algorithm
// lists, the TURN attributes, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT, with headers and padding.
constexpr std::size_t kMaxRequestSize = 3072;

}  // namespace

Method TurnClientCore::method_of(RequestKind kind) noexcept {
    switch (kind) {
        case RequestKind::Allocate: return Method::Allocate;
        case RequestKind::CreatePermission: return Method::CreatePermission;
        case RequestKind::ChannelBind: return Method::ChannelBind;
        case RequestKind::Refresh:
        case RequestKind::Delete: break;
    }
    return Method::Refresh;
}

TurnClientCore::TurnClientCore(TurnClientConfig config, ClientIo& io, auth::Random& random)
    : config_(std::move(config)),
      io_(io),
      random_(random),
      auth_(config_.credentials.username, config_.credentials.password, config_.options.prefer_sha256),
      peers_(config_.options.max_permissions, config_.options.max_channels),
      transactions_(std::max<std::size_t>(config_.options.max_pending_requests, 2)),
      // Not initialised: each slot is written before it is sent, and a storm of clients should not pay
      // for zeroing (and faulting in) request room it never uses.
      request_storage_(std::make_unique_for_overwrite<std::uint8_t[]>(transactions_.size() * kMaxRequestSize)),
      max_payload_(std::min(config_.options.max_payload, kMaxPayload)),
      send_buffer_(std::make_unique_for_overwrite<std::uint8_t[]>(protocol::kRelayHeadroom + max_payload_ +
                                                                  protocol::kRelayTailroom)) {
    for (std::size_t i = 0; i < transactions_.size(); ++i)
        transactions_[i].wire = std::span(request_storage_.get() + i * kMaxRequestSize, kMaxRequestSize);
}

// ---------------------------------------------------------------------------------------------------
// Inputs

void TurnClientCore::start(TimePoint now) {
    if (state_ != ClientState::Idle) return;
    state_ = ClientState::Allocating;
    begin_request(RequestKind::Allocate, {}, 0, now);
}

void TurnClientCore::on_bytes_from_server(std::span<const std::uint8_t> bytes, TimePoint now) {
    if (bytes.empty() || state_ == ClientState::Idle) return;
    if ((bytes[0] >> 6) == 0b01) {  // RFC 7983: ChannelData starts with 01
        on_channel_data(bytes);
        return;
    }
    const auto message = protocol::MessageView::parse(bytes);
    if (!message) return;
    switch (message->message_class()) {
        case MessageClass::Indication:
            if (message->method() == Method::Data) on_data_indication(*message);
            return;
        case MessageClass::SuccessResponse:
        case MessageClass::ErrorResponse:
            on_response(*message, now);
            return;
        case MessageClass::Request:
            return;  // a TURN server sends no requests to clients
    }
}

void TurnClientCore::on_timer(TimePoint now) {
    if (state_ == ClientState::Idle || state_ == ClientState::Closed || state_ == ClientState::Failed) return;
    for (auto& t : transactions_) {
        if (!t.active || t.timer.deadline() > now) continue;
        if (t.timer.fire() == RetransmitTimer::Step::Retransmit) io_.send_to_server(t.wire.first(t.size));
        else on_timeout(t, now);
    }
    check_expiry(now);
    start_due_refreshes(now);
}

std::optional<TimePoint> TurnClientCore::next_timer() const noexcept {
    if (state_ == ClientState::Idle || state_ == ClientState::Closed || state_ == ClientState::Failed)
        return std::nullopt;
    std::optional<TimePoint> next;
    const auto consider = [&next](TimePoint t) {
        if (!next || t < *next) next = t;
    };
    bool slot_free = false;
    for (const auto& t : transactions_) {
        if (t.active) consider(t.timer.deadline());
        else slot_free = true;
    }
    if (state_ == ClientState::Allocated) {
        consider(expires_);
        // A refresh due while every slot is busy waits for an answer (or timeout) to free one.
        if (slot_free) {
            if (!refresh_in_flight_) consider(refresh_at_);
            if (const auto peer_refresh = peers_.next_refresh()) consider(*peer_refresh);
        }
    }
    return next;
}

// ---------------------------------------------------------------------------------------------------
// Commands

bool TurnClientCore::create_permission(const protocol::IpAddress& peer, TimePoint now) {
    if (state_ != ClientState::Allocated) return false;
    PermissionEntry* p = peers_.permission(peer);
    if (p == nullptr) p = peers_.add_permission(peer);
    if (p == nullptr) return false;
    p->user_waiting = true;
    if (p->in_flight) return true;  // the outstanding request will report
    p->in_flight = true;
    if (begin_request(RequestKind::CreatePermission, {peer, 0}, 0, now)) return true;
    if ((p = peers_.permission(peer)) != nullptr) {
        p->in_flight = false;
        p->user_waiting = false;
        if (!p->installed) peers_.remove_permission(peer);
    }
    return false;
}

std::optional<std::uint16_t> TurnClientCore::bind_channel(const protocol::TransportAddress& peer, TimePoint now) {
    if (state_ != ClientState::Allocated) return std::nullopt;
    if (const ChannelEntry* existing = peers_.channel_to(peer)) return existing->number;
    // ChannelBind installs the peer's permission too, but a permission lasts 300 s and a channel 600 s:
    // the permission gets its own entry so that it is refreshed on its own schedule.
    const bool had_permission = peers_.permission(peer.ip) != nullptr;
    if (!had_permission && peers_.add_permission(peer.ip) == nullptr) return std::nullopt;
    ChannelEntry* c = peers_.add_channel(peer);
    if (c == nullptr) {
        if (!had_permission) peers_.remove_permission(peer.ip);
        return std::nullopt;
    }
    const std::uint16_t number = c->number;
    c->in_flight = true;
    if (begin_request(RequestKind::ChannelBind, peer, number, now)) return number;
    peers_.remove_channel(number);
    if (!had_permission) peers_.remove_permission(peer.ip);
    return std::nullopt;
}

SendResult TurnClientCore::send(const protocol::TransportAddress& peer, std::span<const std::uint8_t> payload) {
    if (payload.size() > max_payload_) return SendResult::TooLarge;
    const auto area = payload_area();
    if (!payload.empty() && payload.data() != area.data()) std::memmove(area.data(), payload.data(), payload.size());
    return send_in_place(peer, payload.size());
}

SendResult TurnClientCore::send_in_place(const protocol::TransportAddress& peer, std::size_t size) {
    if (state_ != ClientState::Allocated) return SendResult::NotAllocated;
    if (size > max_payload_) return SendResult::TooLarge;
    const std::span storage(send_buffer_.get(), protocol::kRelayHeadroom + max_payload_ + protocol::kRelayTailroom);
    constexpr std::size_t offset = protocol::kRelayHeadroom;

    if (const ChannelEntry* c = peers_.channel_to(peer); c != nullptr && c->bound) {
        const auto framing =
            config_.transport == ServerTransport::Tcp ? protocol::Framing::Stream : protocol::Framing::Datagram;
        io_.send_to_server(protocol::frame_channel_data(storage, offset, size, c->number, framing));
        return SendResult::ViaChannel;
    }
    // The header length field counts at most 65535 bytes after the 20-byte header.
    const std::size_t header = protocol::data_indication_header_size(peer.ip.family);
    if (header - protocol::kHeaderSize + protocol::padded4(size) > protocol::kMaxMessageSize - protocol::kHeaderSize)
        return SendResult::TooLarge;
    // The protocol library frames Data indications in place; a Send indication has the same layout
    // (XOR-PEER-ADDRESS, DATA) and differs only in the message type, which nothing else covers.
    const auto frame = protocol::frame_data_indication(storage, offset, size, peer, indication_transaction_id());
    protocol::store_be16(frame.data(), protocol::MessageType{Method::Send, MessageClass::Indication}.encode());
    io_.send_to_server(frame);
    return SendResult::ViaIndication;
}

void TurnClientCore::close(TimePoint now) {
    switch (state_) {
        case ClientState::Idle: {
            state_ = ClientState::Closed;
            ClientEvent event;
            event.kind = ClientEventKind::Closed;
            io_.on_event(event);
            return;
        }
        case ClientState::Allocating:
            close_when_allocated_ = true;
            return;
        case ClientState::Allocated:
            cancel_requests();
            peers_.clear();
            refresh_in_flight_ = false;
            state_ = ClientState::Closing;
            begin_request(RequestKind::Delete, {}, 0, now);
            return;
        default:
            return;
    }
}

// ---------------------------------------------------------------------------------------------------
// State

std::optional<TimePoint> TurnClientCore::allocation_expires() const noexcept {
    if (state_ != ClientState::Allocated) return std::nullopt;
    return expires_;
}

std::optional<std::uint16_t> TurnClientCore::bound_channel(const protocol::TransportAddress& peer) const noexcept {
    for (const auto& c : peers_.channels())
        if (c.peer == peer && c.bound) return c.number;
    return std::nullopt;
}

bool TurnClientCore::has_permission(const protocol::IpAddress& peer) const noexcept {
    for (const auto& p : peers_.permissions())
        if (p.peer == peer && p.installed) return true;
    return false;
}

std::size_t TurnClientCore::pending_requests() const noexcept {
    return static_cast<std::size_t>(
        std::count_if(transactions_.begin(), transactions_.end(), [](const Transaction& t) { return t.active; }));
}

// ---------------------------------------------------------------------------------------------------
// Requests

bool TurnClientCore::begin_request(RequestKind kind, const protocol::TransportAddress& peer, std::uint16_t channel,
                                   TimePoint now) {
    Transaction* t = free_slot();
    if (t == nullptr) return false;
    t->active = true;
    t->kind = kind;
    t->peer = peer;
    t->channel = channel;
    t->challenges = 0;
    transmit_new(*t, now);
    return true;
}

void TurnClientCore::transmit_new(Transaction& t, TimePoint now) {
    t.id = new_transaction_id();
    write_request(t);
    if (t.size == 0) {
        on_failure(t, {ClientErrorKind::RequestTooLarge, method_of(t.kind), 0, "request does not fit its buffer"},
                   now);
        return;
    }
    t.timer.start(config_.options, config_.transport, now);
    io_.send_to_server(t.wire.first(t.size));
}

void TurnClientCore::write_request(Transaction& t) {
    protocol::MessageBuilder b(t.wire, {method_of(t.kind), MessageClass::Request}, t.id);
    const auto& options = config_.options;
    switch (t.kind) {
        case RequestKind::Allocate:
            b.add(attr::RequestedTransport{attr::RequestedTransport::kUdp});
            if (options.requested_family)
                b.add(attr::RequestedAddressFamily{static_cast<std::uint8_t>(*options.requested_family)});
            if (options.requested_lifetime)
                b.add(attr::Lifetime{static_cast<std::uint32_t>(options.requested_lifetime->count())});
            break;
        case RequestKind::Refresh:
            if (options.requested_lifetime)
                b.add(attr::Lifetime{static_cast<std::uint32_t>(options.requested_lifetime->count())});
            break;
        case RequestKind::Delete:
            b.add(attr::Lifetime{0});
            break;
        case RequestKind::CreatePermission:
            b.add(attr::XorPeerAddress{t.peer});
            break;
        case RequestKind::ChannelBind:
            b.add(attr::ChannelNumber{t.channel});
            b.add(attr::XorPeerAddress{t.peer});
            break;
    }
    if (!options.software.empty()) b.add(attr::Software{options.software});
    t.signed_request = auth_.ready();
    if (t.signed_request) auth_.sign(b);
    if (options.fingerprint) b.add_fingerprint();
    t.size = b.ok() ? b.size() : 0;
}

TurnClientCore::Transaction* TurnClientCore::free_slot() noexcept {
    for (auto& t : transactions_)
        if (!t.active) return &t;
    return nullptr;
}

TurnClientCore::Transaction* TurnClientCore::find_transaction(const protocol::TransactionId& id) noexcept {
    for (auto& t : transactions_)
        if (t.active && t.id == id) return &t;
    return nullptr;
}

void TurnClientCore::cancel_requests() noexcept {
    for (auto& t : transactions_) t.active = false;
}

void TurnClientCore::start_due_refreshes(TimePoint now) {
    if (state_ != ClientState::Allocated) return;
    if (!refresh_in_flight_ && now >= refresh_at_) {
        refresh_in_flight_ = true;
        if (!begin_request(RequestKind::Refresh, {}, 0, now)) refresh_in_flight_ = false;
    }
    // Index loops, keys copied before each request: a failure reported from inside begin_request may
    // remove entries. A full request table ends the pass; the rest waits for a free slot.
    for (std::size_t i = 0; state_ == ClientState::Allocated && i < peers_.permissions().size(); ++i) {
        PermissionEntry& p = peers_.permissions()[i];
        if (!p.installed || p.in_flight || now < p.refresh_at) continue;
        const protocol::IpAddress ip = p.peer;
        p.in_flight = true;
        if (!begin_request(RequestKind::CreatePermission, {ip, 0}, 0, now)) {
            if (PermissionEntry* again = peers_.permission(ip)) again->in_flight = false;
            return;
        }
    }
    for (std::size_t i = 0; state_ == ClientState::Allocated && i < peers_.channels().size(); ++i) {
        ChannelEntry& c = peers_.channels()[i];
        if (!c.bound || c.in_flight || now < c.refresh_at) continue;
        const protocol::TransportAddress peer = c.peer;
        const std::uint16_t number = c.number;
        c.in_flight = true;
        if (!begin_request(RequestKind::ChannelBind, peer, number, now)) {
            if (ChannelEntry* again = peers_.channel_number(number)) again->in_flight = false;
            return;
        }
    }
}

void TurnClientCore::check_expiry(TimePoint now) {
    if (state_ == ClientState::Allocated && now >= expires_)
        fail({ClientErrorKind::AllocationExpired, Method::Refresh, 0, "allocation lifetime ran out"});
}

void TurnClientCore::fail(const ClientError& error) {
    cancel_requests();
    peers_.clear();
    refresh_in_flight_ = false;
    state_ = ClientState::Failed;
    ClientEvent event;
    event.kind = ClientEventKind::Error;
    event.error = error;
    io_.on_event(event);
}

protocol::TransactionId TurnClientCore::new_transaction_id() {
    protocol::TransactionId id{};
    random_.fill(id);
    return id;
}

protocol::TransactionId TurnClientCore::indication_transaction_id() {
    if (indication_ids_used_ + 12 > indication_ids_.size()) {
        random_.fill(indication_ids_);
        indication_ids_used_ = 0;
    }
    protocol::TransactionId id;
    std::memcpy(id.data(), indication_ids_.data() + indication_ids_used_, id.size());
    indication_ids_used_ += 12;
    return id;
}

}  // namespace tern::client
