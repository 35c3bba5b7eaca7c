// Dispatch, the data paths, expiry and replies of the sans-I/O TURN server. The request handlers that
// change allocation state are in turn_requests.cpp.

#include "server/core/turn_server.hpp"

#include <algorithm>

#include "protocol/attributes/all.hpp"
#include "protocol/channel_data.hpp"
#include "protocol/data_indication.hpp"

namespace tern::server {

using protocol::ErrorCode;
using protocol::MessageClass;
using protocol::MessageView;
using protocol::Method;
namespace attr = protocol::attr;

std::string_view to_string(DropReason r) noexcept {
    switch (r) {
        case DropReason::Malformed: return "malformed";
        case DropReason::NoAllocation: return "no_allocation";
        case DropReason::NoPermission: return "no_permission";
        case DropReason::NoChannel: return "no_channel";
        case DropReason::PeerDenied: return "peer_denied";
        case DropReason::FamilyMismatch: return "family_mismatch";
        case DropReason::NotARequest: return "not_a_request";
    }
    return "unknown";
}

TurnServer::TurnServer(CoreConfig config, ServerPolicies policies, std::span<const std::uint8_t, 32> nonce_key,
                       ServerIo& io, auth::Random& random)
    : TurnServer(config, std::move(policies), nonce_key, io, random, std::make_unique<SharedState>(config), nullptr) {}

TurnServer::TurnServer(CoreConfig config, ServerPolicies policies, std::span<const std::uint8_t, 32> nonce_key,
                       ServerIo& io, auth::Random& random, SharedState& shared)
    : TurnServer(std::move(config), std::move(policies), nonce_key, io, random, nullptr, &shared) {}

TurnServer::TurnServer(CoreConfig config, ServerPolicies policies, std::span<const std::uint8_t, 32> nonce_key,
                       ServerIo& io, auth::Random& random, std::unique_ptr<SharedState> own, SharedState* shared)
    : config_(std::move(config)),
      policies_(std::move(policies)),
      nonces_(nonce_key, config_.nonce_lifetime),
      io_(io),
      random_(random),
      own_shared_(std::move(own)),
      shared_(shared != nullptr ? *shared : *own_shared_),
      counters_(shared_.counters()) {}

TurnServer::~TurnServer() {
    allocations_.for_each([this](Allocation& a) { release_relays_and_quota(a); });
}

// ---------------------------------------------------------------------------------------------------
// Client messages

void TurnServer::on_client_message(const FiveTuple& client, std::span<const std::uint8_t> bytes, Instant now) {
    if (bytes.empty()) return;
    if ((bytes[0] >> 6) == 0b01) {
        handle_channel_data(client, bytes, now);
        return;
    }
    const auto message = MessageView::parse(bytes);
    if (!message) {
        stats_.count_drop(DropReason::Malformed);
        return;
    }
    switch (message->message_class()) {
        case MessageClass::Request:
            handle_request(client, *message, now);
            return;
        case MessageClass::Indication:
            if (message->method() == Method::Send) handle_send(client, *message, now);
            else stats_.count_drop(DropReason::NotARequest);  // Binding indications are keep-alives
            return;
        default:
            stats_.count_drop(DropReason::NotARequest);
            return;
    }
}

void TurnServer::handle_request(const FiveTuple& client, const MessageView& request, Instant now) {
    ++stats_.requests;
    if (const auto cached = responses_.find(client, request.transaction_id(), now.mono)) {
        ++stats_.retransmissions_answered;
        io_.send_to_client(client, *cached);
        return;
    }
    const Method method = request.method();
    if (method == Method::Binding) {
        handle_binding(client, request, now);
        return;
    }
    const bool turn_method = method == Method::Allocate || method == Method::Refresh ||
                             method == Method::CreatePermission || method == Method::ChannelBind;
    if (!turn_method) {  // includes RFC 6062 Connect and ConnectionBind: no TCP allocations yet
        send_error(client, request, ErrorCode::BadRequest, nullptr, now);
        return;
    }

    const bool check_expiry = config_.expiry_policy != ExpiryPolicy::Allocate || method == Method::Allocate;
    const Authenticator authenticator(*policies_.credentials, nonces_);
    auto result = authenticator.authenticate(request, client.client, now, check_expiry);
    if (auto* failure = std::get_if<AuthFailure>(&result)) {
        stats_.count_auth_failure(failure->reason);
        if (failure->reason != AuthFailureReason::NoCredentials)
            io_.report({EventKind::AuthFailed, client, failure->username, to_string(failure->reason)});
        if (failure->code == ErrorCode::BadRequest) send_error(client, request, failure->code, nullptr, now);
        else send_challenge(client, request, failure->code, now);
        return;
    }
    const AuthOk& auth = std::get<AuthOk>(result);

    if (!request.unknown_comprehension_required().empty()) {
        auto reply = begin_reply(request, MessageClass::ErrorResponse);
        reply.add(attr::ErrorCode::of(ErrorCode::UnknownAttribute));
        reply.add(attr::UnknownAttributes::of(request.unknown_comprehension_required()));
        send_reply(client, request, reply, &auth, now);
        return;
    }

    switch (method) {
        case Method::Allocate: handle_allocate(client, request, auth, now); break;
        case Method::Refresh: handle_refresh(client, request, auth, now); break;
        case Method::CreatePermission: handle_create_permission(client, request, auth, now); break;
        case Method::ChannelBind: handle_channel_bind(client, request, auth, now); break;
        default: break;
    }
}

void TurnServer::handle_binding(const FiveTuple& client, const MessageView& request, Instant now) {
    ++stats_.binding_requests;
    if (!request.unknown_comprehension_required().empty()) {
        auto reply = begin_reply(request, MessageClass::ErrorResponse);
        reply.add(attr::ErrorCode::of(ErrorCode::UnknownAttribute));
        reply.add(attr::UnknownAttributes::of(request.unknown_comprehension_required()));
        send_reply(client, request, reply, nullptr, now);
        return;
    }
    auto reply = begin_reply(request, MessageClass::SuccessResponse);
    reply.add(attr::XorMappedAddress{client.client});
    send_reply(client, request, reply, nullptr, now);
}

// ---------------------------------------------------------------------------------------------------
// Data paths: no allocation, no copy of the payload.

void TurnServer::handle_send(const FiveTuple& client, const MessageView& indication, Instant now) {
    Allocation* allocation = live_allocation(client, now);
    if (allocation == nullptr) return stats_.count_drop(DropReason::NoAllocation);
    const auto peer = indication.get<attr::XorPeerAddress>();
    const auto data = indication.get<attr::Data>();
    if (!peer || !data) return stats_.count_drop(DropReason::Malformed);
    const RelayEndpoint* relay = allocation->relay_for(peer->address.ip.family);
    if (relay == nullptr) return stats_.count_drop(DropReason::FamilyMismatch);
    if (policies_.peers->check(peer->address) != PeerVerdict::Allowed)
        return stats_.count_drop(DropReason::PeerDenied);
    if (!allocation->has_permission(peer->address.ip, now.mono)) return stats_.count_drop(DropReason::NoPermission);
    ++stats_.packets_to_peers;
    stats_.bytes_to_peers += data->value.size();
    io_.send_to_peer(relay->id, peer->address, data->value, indication.has(protocol::AttributeType::DontFragment));
}

void TurnServer::handle_channel_data(const FiveTuple& client, std::span<const std::uint8_t> bytes, Instant now) {
    const auto frame = protocol::ChannelDataView::parse(
        bytes, client.is_stream() ? protocol::Framing::Stream : protocol::Framing::Datagram,
        config_.max_channel_number);
    if (!frame) return stats_.count_drop(DropReason::Malformed);
    Allocation* allocation = live_allocation(client, now);
    if (allocation == nullptr) return stats_.count_drop(DropReason::NoAllocation);
    const ChannelBinding* channel = allocation->active_channel(frame->channel, now.mono);
    if (channel == nullptr) return stats_.count_drop(DropReason::NoChannel);
    const RelayEndpoint* relay = allocation->relay_for(channel->peer.ip.family);
    if (relay == nullptr) return stats_.count_drop(DropReason::FamilyMismatch);
    ++stats_.packets_to_peers;
    stats_.bytes_to_peers += frame->payload.size();
    io_.send_to_peer(relay->id, channel->peer, frame->payload, false);
}

void TurnServer::on_peer_datagram(RelayId relay, const protocol::TransportAddress& peer,
                                  std::span<std::uint8_t> storage, std::size_t payload_offset,
                                  std::size_t payload_size, Instant now) {
    Allocation* allocation = allocations_.find_by_relay(relay);
    if (allocation == nullptr || allocation->expires <= now.mono) return stats_.count_drop(DropReason::NoAllocation);
    if (!allocation->has_permission(peer.ip, now.mono)) return stats_.count_drop(DropReason::NoPermission);

    std::span<const std::uint8_t> frame;
    if (const ChannelBinding* channel = allocation->active_channel_to(peer, now.mono)) {
        const auto framing = allocation->client.is_stream() ? protocol::Framing::Stream : protocol::Framing::Datagram;
        frame = protocol::frame_channel_data(storage, payload_offset, payload_size, channel->number, framing);
    } else {
        frame = protocol::frame_data_indication(storage, payload_offset, payload_size, peer, fresh_transaction_id());
    }
    ++stats_.packets_to_clients;
    stats_.bytes_to_clients += payload_size;
    io_.send_to_client(allocation->client, frame);
}

protocol::TransactionId TurnServer::fresh_transaction_id() {
    if (transaction_ids_used_ + 12 > transaction_ids_.size()) {
        random_.fill(transaction_ids_);
        transaction_ids_used_ = 0;
    }
    protocol::TransactionId id;
    std::copy_n(transaction_ids_.begin() + static_cast<std::ptrdiff_t>(transaction_ids_used_), 12, id.begin());
    transaction_ids_used_ += 12;
    return id;
}

// ---------------------------------------------------------------------------------------------------
// Expiry and lifecycle

void TurnServer::on_tick(Instant now) {
    const bool strict = config_.expiry_policy == ExpiryPolicy::Strict;
    allocations_.sweep(
        [&](Allocation& a) {
            if (a.expires <= now.mono) return false;
            if (strict && a.credential_expires_unix && *a.credential_expires_unix <= now.unix_seconds) return false;
            a.sweep(now.mono);
            return true;
        },
        [&](Allocation& a) {
            const bool credential = a.expires > now.mono;
            ++stats_.allocations_expired;
            io_.report({EventKind::AllocationDeleted, a.client, a.username,
                        credential ? "credential expired" : "lifetime expired"});
            release_relays_and_quota(a);
        });
    shared_.reservations().expire(mono_seconds(now), [this](const ReservedPort& r) {
        if (PortPool* pool = shared_.pool_at(r.pool)) pool->release(r.port);
    });
}

void TurnServer::on_client_closed(const FiveTuple& client, Instant) {
    if (Allocation* a = allocations_.find(client)) remove_allocation(*a, "connection closed");
}

void TurnServer::update_policies(ServerPolicies policies, Instant) {
    policies_ = std::move(policies);
    allocations_.for_each([this](Allocation& a) {
        std::erase_if(a.permissions,
                      [this](const Permission& p) { return policies_.peers->check(p.peer) != PeerVerdict::Allowed; });
        std::erase_if(a.channels, [this](const ChannelBinding& c) {
            return policies_.peers->check(c.peer) != PeerVerdict::Allowed;
        });
    });
}

Allocation* TurnServer::live_allocation(const FiveTuple& client, Instant now) {
    Allocation* a = allocations_.find(client);
    if (a == nullptr || a->expires > now.mono) return a;
    // Expired but not yet swept: it is gone for every request, as if the tick had just run.
    ++stats_.allocations_expired;
    io_.report({EventKind::AllocationDeleted, a->client, a->username, "lifetime expired"});
    release_relays_and_quota(*a);
    allocations_.erase(client);
    return nullptr;
}

void TurnServer::release_relays_and_quota(const Allocation& allocation) {
    for (std::size_t i = 0; i < allocation.relay_count; ++i) close_relay(allocation.relays[i]);
    counters_.remove(allocation.username);
}

void TurnServer::remove_allocation(Allocation& allocation, std::string_view why) {
    ++stats_.allocations_deleted;
    io_.report({EventKind::AllocationDeleted, allocation.client, allocation.username, why});
    release_relays_and_quota(allocation);
    const FiveTuple key = allocation.client;
    allocations_.erase(key);
}

// ---------------------------------------------------------------------------------------------------
// Replies

protocol::MessageBuilder TurnServer::begin_reply(const MessageView& request, MessageClass cls) {
    return protocol::MessageBuilder(reply_buffer_, {request.method(), cls}, request.transaction_id());
}

void TurnServer::send_reply(const FiveTuple& client, const MessageView& request, protocol::MessageBuilder& reply,
                            const AuthOk* signer, Instant now) {
    if (!config_.software.empty()) reply.add(attr::Software{config_.software});
    if (signer != nullptr) {
        if (signer->sha256_integrity) reply.add_message_integrity_sha256(signer->key.bytes());
        else reply.add_message_integrity(signer->key.bytes());
    }
    if (request.fingerprint_offset()) reply.add_fingerprint();
    if (!reply.ok()) return;  // cannot happen with our attribute sizes; never send a partial message
    const auto bytes = reply.bytes();
    // Authenticated answers are remembered so a retransmission gets the same bytes back.
    if (signer != nullptr)
        responses_.store(client, request.transaction_id(), bytes, now.mono + config_.response_cache_lifetime);
    io_.send_to_client(client, bytes);
}

void TurnServer::send_error(const FiveTuple& client, const MessageView& request, ErrorCode code,
                            const AuthOk* signer, Instant now) {
    auto reply = begin_reply(request, MessageClass::ErrorResponse);
    reply.add(attr::ErrorCode::of(code));
    send_reply(client, request, reply, signer, now);
}

void TurnServer::send_challenge(const FiveTuple& client, const MessageView& request, ErrorCode code, Instant now) {
    auto reply = begin_reply(request, MessageClass::ErrorResponse);
    const auto nonce = nonces_.issue(client.client, now.unix_seconds);
    attr::PasswordAlgorithms algorithms;
    algorithms.entries[0] = {static_cast<std::uint16_t>(attr::PasswordAlgorithmId::Md5), {}};
    algorithms.entries[1] = {static_cast<std::uint16_t>(attr::PasswordAlgorithmId::Sha256), {}};
    algorithms.count = 2;
    reply.add(attr::ErrorCode::of(code));
    reply.add(attr::Realm{policies_.credentials->realm()});
    reply.add(attr::Nonce{std::string_view(nonce.data(), nonce.size())});
    reply.add(algorithms);
    send_reply(client, request, reply, nullptr, now);
}

}  // namespace tern::server
