// What arrives from the server: ChannelData and Data indications (the data path), and answers to the
// client's requests, including the 401/438 exchanges of RFC 8489 §9.2 and the transaction timeouts.

#include <algorithm>

#include "client/turn_client_core.hpp"
#include "protocol/attributes/all.hpp"
#include "protocol/channel_data.hpp"

namespace tern::client {

namespace attr = protocol::attr;
using protocol::MessageClass;
using protocol::Method;

namespace {

// A 401 to the first, unsigned request, then 438s when nonces go stale between attempts: more than
// this many challenges for one request means the server will not accept it.
constexpr unsigned kMaxChallenges = 3;

bool receiving(ClientState s) noexcept { return s == ClientState::Allocated || s == ClientState::Closing; }

}  // namespace

// ---------------------------------------------------------------------------------------------------
// The data path: no allocation, the payload stays in the caller's buffer.

void TurnClientCore::on_channel_data(std::span<const std::uint8_t> bytes) {
    if (!receiving(state_)) return;
    const auto framing =
        config_.transport == ServerTransport::Tcp ? protocol::Framing::Stream : protocol::Framing::Datagram;
    const auto frame = protocol::ChannelDataView::parse(bytes, framing);
    if (!frame) return;
    const ChannelEntry* channel = peers_.channel_number(frame->channel);
    if (channel == nullptr) return;  // not a number this client bound: nobody to attribute it to
    ClientEvent event;
    event.kind = ClientEventKind::Data;
    event.peer = channel->peer;
    event.channel = channel->number;
    event.payload = frame->payload;
    io_.on_event(event);
}

void TurnClientCore::on_data_indication(const protocol::MessageView& m) {
    if (!receiving(state_)) return;
    const auto peer = m.get<attr::XorPeerAddress>();
    const auto data = m.get<attr::Data>();
    if (!peer || !data) return;
    ClientEvent event;
    event.kind = ClientEventKind::Data;
    event.peer = peer->address;
    event.payload = data->value;
    io_.on_event(event);
}

// ---------------------------------------------------------------------------------------------------
// Answers

void TurnClientCore::on_response(const protocol::MessageView& m, TimePoint now) {
    Transaction* t = find_transaction(m.transaction_id());
    if (t == nullptr || m.method() != method_of(t->kind)) return;  // late, duplicate or unrelated

    if (m.message_class() == MessageClass::ErrorResponse) {
        const auto error = m.get<attr::ErrorCode>();
        const std::uint16_t code = error ? error->code : 0;
        if (code == 401 || code == 438) return on_challenge(*t, m, code, now);
        // Other errors to authenticated requests are signed; a signature that does not verify is a
        // forgery or corruption, and the real answer (or the timeout) is still to come.
        if (!LongTermAuth::unsigned_answer(m) && !auth_.verifies(m)) return;
        return on_failure(*t, {ClientErrorKind::ErrorResponse, m.method(), code, error ? error->reason : ""}, now);
    }
    // RFC 8489 §9.2.5: a success answer to a signed request must carry a valid integrity attribute.
    if (!auth_.verifies(m)) return;
    on_success(*t, m, now);
}

void TurnClientCore::on_challenge(Transaction& t, const protocol::MessageView& m, std::uint16_t code,
                                  TimePoint now) {
    const Method method = method_of(t.kind);
    // A 401 to a signed request: the server knows the realm and nonce we used, so it refused the
    // credentials themselves (unknown user, wrong password, expired REST username).
    if (code == 401 && t.signed_request)
        return on_failure(t, {ClientErrorKind::AuthenticationFailed, method, code, "credentials refused"}, now);
    if (t.challenges >= kMaxChallenges)
        return on_failure(t, {ClientErrorKind::AuthenticationFailed, method, code, "too many challenges"}, now);
    switch (auth_.learn(m)) {
        case LongTermAuth::Learned::Ok: break;
        case LongTermAuth::Learned::MissingRealmOrNonce:
            return on_failure(t, {ClientErrorKind::AuthenticationFailed, method, code, "challenge without realm or nonce"},
                              now);
        case LongTermAuth::Learned::NoUsableAlgorithm:
            return on_failure(t, {ClientErrorKind::AuthenticationFailed, method, code, "no usable password algorithm"},
                              now);
    }
    ++t.challenges;
    transmit_new(t, now);  // a new transaction: the old id was answered
}

void TurnClientCore::allocation_granted(std::chrono::seconds lifetime, TimePoint now) {
    expires_ = now + lifetime;
    // Refresh at the margin before expiry or at 3/4 of the lifetime, whichever is earlier.
    std::chrono::seconds before = std::max(config_.options.refresh_margin, lifetime / 4);
    if (before >= lifetime) before = lifetime / 2;
    refresh_at_ = expires_ - before;
}

void TurnClientCore::on_success(Transaction& t, const protocol::MessageView& m, TimePoint now) {
    const RequestKind kind = t.kind;
    const protocol::TransportAddress peer = t.peer;
    const std::uint16_t number = t.channel;
    t.active = false;  // before any event: a handler may issue requests that need the slot
    const auto& options = config_.options;
    ClientEvent event;

    switch (kind) {
        case RequestKind::Allocate: {
            const auto relayed = m.get<attr::XorRelayedAddress>();
            const auto mapped = m.get<attr::XorMappedAddress>();
            const auto lifetime = m.get<attr::Lifetime>();
            if (!relayed || !lifetime || lifetime->value == 0)
                return fail({ClientErrorKind::BadResponse, Method::Allocate, 0,
                             "Allocate success without XOR-RELAYED-ADDRESS or LIFETIME"});
            allocation_.relayed = relayed->address;
            allocation_.mapped = mapped ? mapped->address : protocol::TransportAddress{};
            allocation_.lifetime = std::chrono::seconds(lifetime->value);
            state_ = ClientState::Allocated;
            allocation_granted(allocation_.lifetime, now);
            if (close_when_allocated_) return close(now);
            event.kind = ClientEventKind::Allocated;
            event.allocation = allocation_;
            break;
        }
        case RequestKind::Refresh: {
            refresh_in_flight_ = false;
            if (const auto lifetime = m.get<attr::Lifetime>(); lifetime && lifetime->value != 0)
                allocation_.lifetime = std::chrono::seconds(lifetime->value);
            allocation_granted(allocation_.lifetime, now);
            event.kind = ClientEventKind::AllocationRefreshed;
            event.allocation = allocation_;
            break;
        }
        case RequestKind::Delete:
            state_ = ClientState::Closed;
            event.kind = ClientEventKind::Closed;
            break;
        case RequestKind::CreatePermission: {
            PermissionEntry* p = peers_.permission(peer.ip);
            if (p == nullptr) return;
            const bool report = p->user_waiting;
            p->installed = true;
            p->in_flight = false;
            p->user_waiting = false;
            p->valid_until = now + std::chrono::seconds(300);  // RFC 8656 §9: fixed permission lifetime
            p->refresh_at = now + options.permission_refresh;
            if (!report) return;
            event.kind = ClientEventKind::PermissionCreated;
            event.peer = {peer.ip, 0};
            break;
        }
        case RequestKind::ChannelBind: {
            ChannelEntry* c = peers_.channel_number(number);
            if (c == nullptr) return;
            const bool first = !c->bound;
            c->bound = true;
            c->in_flight = false;
            c->valid_until = now + std::chrono::seconds(600);  // RFC 8656 §12: channel lifetime
            c->refresh_at = now + options.channel_refresh;
            // ChannelBind refreshed the peer's permission as well (RFC 8656 §12.2).
            if (PermissionEntry* p = peers_.permission(peer.ip); p != nullptr && !p->in_flight) {
                p->installed = true;
                p->valid_until = now + std::chrono::seconds(300);
                p->refresh_at = now + options.permission_refresh;
            }
            if (!first) return;
            event.kind = ClientEventKind::ChannelBound;
            event.peer = peer;
            event.channel = number;
            break;
        }
    }
    io_.on_event(event);
}

void TurnClientCore::on_failure(Transaction& t, const ClientError& error, TimePoint) {
    const RequestKind kind = t.kind;
    const protocol::TransportAddress peer = t.peer;
    const std::uint16_t number = t.channel;
    t.active = false;
    ClientEvent event;
    event.error = error;

    switch (kind) {
        case RequestKind::Allocate:
            if (close_when_allocated_) {
                state_ = ClientState::Closed;
                event.kind = ClientEventKind::Closed;
                break;
            }
            return fail(error);
        case RequestKind::Refresh:
            return fail(error);  // 437: the allocation is gone; anything else: it cannot be kept
        case RequestKind::Delete:
            state_ = ClientState::Closed;  // 437 included: the allocation is gone either way
            event.kind = ClientEventKind::Closed;
            break;
        case RequestKind::CreatePermission:
            peers_.remove_permission(peer.ip);
            event.kind = ClientEventKind::PermissionFailed;
            event.peer = {peer.ip, 0};
            break;
        case RequestKind::ChannelBind: {
            peers_.remove_channel(number);
            // The permission entry bind_channel() added for it goes too, unless it stands on its own.
            if (const PermissionEntry* p = peers_.permission(peer.ip);
                p != nullptr && !p->installed && !p->in_flight && !p->user_waiting)
                peers_.remove_permission(peer.ip);
            event.kind = ClientEventKind::ChannelFailed;
            event.peer = peer;
            event.channel = number;
            break;
        }
    }
    io_.on_event(event);
}

void TurnClientCore::on_timeout(Transaction& t, TimePoint now) {
    const ClientError timeout{ClientErrorKind::Timeout, method_of(t.kind), 0, "no answer"};
    switch (t.kind) {
        case RequestKind::Allocate:
        case RequestKind::Delete:
            return on_failure(t, timeout, now);
        case RequestKind::Refresh:
            // Still alive: try again at once (start_due_refreshes runs after the timers).
            t.active = false;
            refresh_in_flight_ = false;
            if (now < expires_) refresh_at_ = now;
            return;  // check_expiry reports the loss when the lifetime has run out
        case RequestKind::CreatePermission:
            if (PermissionEntry* p = peers_.permission(t.peer.ip); p != nullptr && p->installed && now < p->valid_until) {
                t.active = false;
                p->in_flight = false;
                p->refresh_at = now;
                return;
            }
            return on_failure(t, timeout, now);
        case RequestKind::ChannelBind:
            if (ChannelEntry* c = peers_.channel_number(t.channel); c != nullptr && c->bound && now < c->valid_until) {
                t.active = false;
                c->in_flight = false;
                c->refresh_at = now;
                return;
            }
            return on_failure(t, timeout, now);
    }
}

}  // namespace tern::client
