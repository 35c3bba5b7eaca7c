// The TURN requests that change allocation state: Allocate and Refresh (RFC 8656 §7), CreatePermission
// (§9) and ChannelBind (§11). Each runs after authentication; checks follow the RFC's order.

#include <algorithm>

#include "protocol/attributes/all.hpp"
#include "protocol/bytes.hpp"
#include "protocol/channel_data.hpp"
#include "server/core/turn_server.hpp"

namespace tern::server {

using protocol::AddressFamily;
using protocol::AttributeType;
using protocol::ErrorCode;
using protocol::MessageClass;
using protocol::MessageView;
namespace attr = protocol::attr;

namespace {

// True when the attribute is present but does not decode: the request is malformed (400).
template <class A>
bool malformed(const MessageView& m) {
    return m.has(A::kType) && !m.get<A>();
}

std::optional<std::uint64_t> token_value(const MessageView& m) {
    const auto token = m.get<attr::ReservationToken>();
    if (!token) return std::nullopt;
    return protocol::load_be64(token->value.data());
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Relay sockets

const RelayAddress* TurnServer::relay_address(AddressFamily family) const noexcept {
    for (const auto& r : config_.relay_addresses)
        if (r.local.family == family) return &r;
    return nullptr;
}

std::optional<RelayEndpoint> TurnServer::open_relay(const RelayAddress& address, bool even, bool reserve_next,
                                                    std::optional<std::uint16_t>* reserved_next) {
    PortPool* found = shared_.pool_for(address.local);
    if (found == nullptr) return std::nullopt;
    PortPool& pool = *found;

    // Another shard may claim the port between pick and try_take, and another process may hold it
    // (the bind fails; the port stays marked): either way, try another.
    for (int attempt = 0; attempt < 8; ++attempt) {
        const auto port = pool.pick(random_, even, reserve_next);
        if (!port) return std::nullopt;
        if (!pool.try_take(*port)) continue;
        const protocol::TransportAddress local{address.local, *port};
        const auto id = io_.open_relay(local);
        if (!id) continue;
        if (reserve_next) {
            const auto next_port = static_cast<std::uint16_t>(*port + 1);
            if (!pool.try_take(next_port)) {
                io_.close_relay(*id);
                pool.release(*port);
                continue;
            }
            *reserved_next = next_port;
        }
        return RelayEndpoint{*id, local, {address.advertised, *port}};
    }
    return std::nullopt;
}

std::optional<RelayEndpoint> TurnServer::open_reserved_relay(const ReservedPort& reserved, Instant now) {
    PortPool* pool = shared_.pool_at(reserved.pool);
    const protocol::IpAddress* ip = shared_.pool_ip(reserved.pool);
    if (pool == nullptr || ip == nullptr) return std::nullopt;
    const RelayAddress* address = relay_address(ip->family);
    const auto id = reserved.expires_at > mono_seconds(now) && address != nullptr
                        ? io_.open_relay({*ip, reserved.port})
                        : std::nullopt;
    if (!id) {
        pool->release(reserved.port);
        return std::nullopt;
    }
    return RelayEndpoint{*id, {*ip, reserved.port}, {address->advertised, reserved.port}};
}

void TurnServer::close_relay(const RelayEndpoint& endpoint) {
    io_.close_relay(endpoint.id);
    if (PortPool* pool = shared_.pool_for(endpoint.local.ip)) pool->release(endpoint.local.port);
}

std::chrono::seconds TurnServer::granted_lifetime(const MessageView& request) const {
    const auto requested = request.get<attr::Lifetime>();
    if (!requested) return config_.default_lifetime;
    // RFC 8656 §7.2: no less than the default, no more than the maximum.
    const auto asked = std::chrono::seconds(requested->value);
    return std::clamp(asked, config_.default_lifetime, config_.max_lifetime);
}

PeerVerdict TurnServer::check_peer(const FiveTuple& client, std::string_view username,
                                   const protocol::TransportAddress& peer, bool with_port) {
    const PeerVerdict verdict = with_port ? policies_.peers->check(peer) : policies_.peers->check(peer.ip);
    if (verdict != PeerVerdict::Allowed) {
        const std::string detail = (with_port ? peer.to_string() : peer.ip.to_string()) + ": " +
                                   std::string(to_string(verdict));
        io_.report({EventKind::PeerDenied, client, username, detail});
    }
    return verdict;
}

// ---------------------------------------------------------------------------------------------------
// Allocate

void TurnServer::send_allocate_success(const FiveTuple& client, const MessageView& request,
                                       const Allocation& allocation, const AuthOk& auth,
                                       std::optional<std::uint64_t> reservation_token, bool ipv6_unavailable,
                                       Instant now) {
    auto reply = begin_reply(request, MessageClass::SuccessResponse);
    for (std::size_t i = 0; i < allocation.relay_count; ++i)
        reply.add(attr::XorRelayedAddress{allocation.relays[i].advertised});
    const auto remaining = std::chrono::duration_cast<std::chrono::seconds>(allocation.expires - now.mono);
    reply.add(attr::Lifetime{static_cast<std::uint32_t>(std::max<std::int64_t>(remaining.count(), 0))});
    if (reservation_token) {
        attr::ReservationToken token;
        protocol::store_be64(token.value.data(), *reservation_token);
        reply.add(token);
    }
    if (ipv6_unavailable)
        reply.add(attr::AddressErrorCode::of(AddressFamily::IPv6, ErrorCode::AddressFamilyNotSupported));
    reply.add(attr::XorMappedAddress{client.client});
    send_reply(client, request, reply, &auth, now);
}

void TurnServer::handle_allocate(const FiveTuple& client, const MessageView& request, const AuthOk& auth,
                                 Instant now) {
    if (const Allocation* existing = live_allocation(client, now)) {
        // A retransmission whose cached answer was evicted gets the success again; anything else
        // on a live 5-tuple is a mismatch.
        if (existing->created_by == request.transaction_id() && existing->username == auth.username)
            return send_allocate_success(client, request, *existing, auth, std::nullopt, false, now);
        return send_error(client, request, ErrorCode::AllocationMismatch, &auth, now);
    }

    const auto transport = request.get<attr::RequestedTransport>();
    if (!transport) return send_error(client, request, ErrorCode::BadRequest, &auth, now);
    if (transport->protocol != attr::RequestedTransport::kUdp)
        return send_error(client, request, ErrorCode::UnsupportedTransportProtocol, &auth, now);

    if (malformed<attr::EvenPort>(request) || malformed<attr::ReservationToken>(request) ||
        malformed<attr::RequestedAddressFamily>(request) || malformed<attr::AdditionalAddressFamily>(request) ||
        malformed<attr::Lifetime>(request) || malformed<attr::DontFragment>(request))
        return send_error(client, request, ErrorCode::BadRequest, &auth, now);

    const auto even_port = request.get<attr::EvenPort>();
    const auto token = token_value(request);
    const auto requested_family = request.get<attr::RequestedAddressFamily>();
    const auto additional_family = request.get<attr::AdditionalAddressFamily>();

    // Combinations RFC 8656 §7.2 forbids.
    if (token && (even_port || requested_family || additional_family))
        return send_error(client, request, ErrorCode::BadRequest, &auth, now);
    if (even_port && additional_family) return send_error(client, request, ErrorCode::BadRequest, &auth, now);
    if (requested_family && additional_family) return send_error(client, request, ErrorCode::BadRequest, &auth, now);
    if (additional_family && additional_family->known_family() != AddressFamily::IPv6)
        return send_error(client, request, ErrorCode::BadRequest, &auth, now);

    AddressFamily family = AddressFamily::IPv4;
    if (requested_family) {
        const auto known = requested_family->known_family();
        if (!known) return send_error(client, request, ErrorCode::AddressFamilyNotSupported, &auth, now);
        family = *known;
    }
    const RelayAddress* primary_address = relay_address(family);
    if (!token && primary_address == nullptr)
        return send_error(client, request, ErrorCode::AddressFamilyNotSupported, &auth, now);

    // The quota slot is taken now and given back on any failure below, so shards racing for the
    // last slot cannot both win.
    switch (counters_.try_add(auth.username, config_.max_allocations, config_.user_quota)) {
        case SharedCounters::Refusal::User:
            return send_error(client, request, ErrorCode::AllocationQuotaReached, &auth, now);
        case SharedCounters::Refusal::Total:
            return send_error(client, request, ErrorCode::InsufficientCapacity, &auth, now);
        case SharedCounters::Refusal::None:
            break;
    }
    const auto refuse = [&](ErrorCode code) {
        counters_.remove(auth.username);
        send_error(client, request, code, &auth, now);
    };

    Allocation allocation;
    allocation.client = client;
    allocation.username = auth.username;
    allocation.credential_expires_unix = auth.credential_expires_unix;
    allocation.created_by = request.transaction_id();
    allocation.dont_fragment = request.has(AttributeType::DontFragment);
    allocation.expires = now.mono + granted_lifetime(request);

    std::optional<std::uint64_t> new_token;
    if (token) {
        const auto reserved = shared_.reservations().take(*token);
        const auto endpoint = reserved ? open_reserved_relay(*reserved, now) : std::nullopt;
        if (!endpoint) return refuse(ErrorCode::InsufficientCapacity);
        allocation.relays[allocation.relay_count++] = *endpoint;
    } else {
        std::optional<std::uint16_t> reserved_next;
        const bool reserve_next = even_port && even_port->reserve_next;
        const auto endpoint = open_relay(*primary_address, even_port.has_value(), reserve_next, &reserved_next);
        if (!endpoint) return refuse(ErrorCode::InsufficientCapacity);
        allocation.relays[allocation.relay_count++] = *endpoint;
        if (reserved_next) {
            std::uint64_t value = 0;
            do {  // 0 and 1 mark free and busy slots of the table
                std::array<std::uint8_t, 8> bytes{};
                random_.fill(bytes);
                value = protocol::load_be64(bytes.data());
            } while (value <= 1 || shared_.reservations().contains(value));
            const ReservedPort held{*shared_.pool_index(primary_address->local), *reserved_next,
                                    mono_seconds(now + config_.reservation_lifetime)};
            if (!shared_.reservations().put(value, held, held.expires_at)) {
                shared_.pool_at(held.pool)->release(held.port);
                close_relay(*endpoint);
                return refuse(ErrorCode::InsufficientCapacity);
            }
            new_token = value;
        }
    }

    bool ipv6_unavailable = false;
    if (additional_family) {
        const RelayAddress* v6 = relay_address(AddressFamily::IPv6);
        const auto endpoint = v6 != nullptr ? open_relay(*v6, false, false, nullptr) : std::nullopt;
        if (endpoint) allocation.relays[allocation.relay_count++] = *endpoint;
        else ipv6_unavailable = true;
    }

    ++stats_.allocations_created;
    const Allocation& stored = allocations_.insert(std::move(allocation));
    io_.report({EventKind::AllocationCreated, client, stored.username, {}, &stored.relays[0].advertised});
    send_allocate_success(client, request, stored, auth, new_token, ipv6_unavailable, now);
}

// ---------------------------------------------------------------------------------------------------
// Refresh

void TurnServer::handle_refresh(const FiveTuple& client, const MessageView& request, const AuthOk& auth,
                                Instant now) {
    Allocation* allocation = live_allocation(client, now);
    if (allocation == nullptr) return send_error(client, request, ErrorCode::AllocationMismatch, &auth, now);
    if (allocation->username != auth.username)
        return send_error(client, request, ErrorCode::WrongCredentials, &auth, now);
    if (malformed<attr::Lifetime>(request) || malformed<attr::RequestedAddressFamily>(request))
        return send_error(client, request, ErrorCode::BadRequest, &auth, now);

    const auto family_attr = request.get<attr::RequestedAddressFamily>();
    std::optional<AddressFamily> family;
    if (family_attr) {
        family = family_attr->known_family();
        if (!family || allocation->relay_for(*family) == nullptr)
            return send_error(client, request, ErrorCode::PeerAddressFamilyMismatch, &auth, now);
    }

    const auto requested = request.get<attr::Lifetime>();
    std::uint32_t granted = 0;
    if (requested && requested->value == 0) {
        if (family && allocation->relay_count > 1) {
            // Dual-stack: lifetime 0 with a family ends only that family's relayed address.
            const RelayEndpoint* relay = allocation->relay_for(*family);
            close_relay(*relay);
            allocations_.erase_relay(*allocation, *family);
            io_.report({EventKind::AllocationRefreshed, client, auth.username,
                        *family == AddressFamily::IPv6 ? "IPv6 relay released" : "IPv4 relay released"});
            const auto remaining = std::chrono::duration_cast<std::chrono::seconds>(allocation->expires - now.mono);
            granted = static_cast<std::uint32_t>(std::max<std::int64_t>(remaining.count(), 0));
        } else {
            remove_allocation(*allocation, "refreshed with lifetime 0");
            allocation = nullptr;
        }
    } else {
        const auto lifetime = granted_lifetime(request);
        allocation->expires = now.mono + lifetime;
        allocation->credential_expires_unix = auth.credential_expires_unix;
        granted = static_cast<std::uint32_t>(lifetime.count());
        io_.report({EventKind::AllocationRefreshed, client, auth.username, {}});
    }

    auto reply = begin_reply(request, MessageClass::SuccessResponse);
    reply.add(attr::Lifetime{granted});
    send_reply(client, request, reply, &auth, now);
}

// ---------------------------------------------------------------------------------------------------
// CreatePermission

void TurnServer::handle_create_permission(const FiveTuple& client, const MessageView& request, const AuthOk& auth,
                                          Instant now) {
    Allocation* allocation = live_allocation(client, now);
    if (allocation == nullptr) return send_error(client, request, ErrorCode::AllocationMismatch, &auth, now);
    if (allocation->username != auth.username)
        return send_error(client, request, ErrorCode::WrongCredentials, &auth, now);

    // Every peer is checked before any permission is installed: the request succeeds or fails whole.
    std::size_t peers = 0;
    std::vector<protocol::IpAddress> added;  // peers with no permission entry yet, each once
    const auto tx = request.transaction_id();
    for (const protocol::RawAttribute a : request.attributes()) {
        if (a.type != static_cast<std::uint16_t>(AttributeType::XorPeerAddress)) continue;
        const auto peer = attr::XorPeerAddress::decode(a.value, tx);
        if (!peer) return send_error(client, request, ErrorCode::BadRequest, &auth, now);
        if (allocation->relay_for(peer->address.ip.family) == nullptr)
            return send_error(client, request, ErrorCode::PeerAddressFamilyMismatch, &auth, now);
        if (check_peer(client, auth.username, peer->address, false) != PeerVerdict::Allowed)
            return send_error(client, request, ErrorCode::Forbidden, &auth, now);
        ++peers;
        const auto& ip = peer->address.ip;
        const bool present = std::any_of(allocation->permissions.begin(), allocation->permissions.end(),
                                         [&ip](const Permission& p) { return p.peer == ip; });
        if (!present && std::find(added.begin(), added.end(), ip) == added.end()) added.push_back(ip);
    }
    if (peers == 0) return send_error(client, request, ErrorCode::BadRequest, &auth, now);
    // The capacity too, so that a 508 leaves no permission behind.
    if (allocation->permissions.size() + added.size() > config_.max_permissions)
        return send_error(client, request, ErrorCode::InsufficientCapacity, &auth, now);

    const MonoTime expires = now.mono + config_.permission_lifetime;
    for (const protocol::RawAttribute a : request.attributes()) {
        if (a.type != static_cast<std::uint16_t>(AttributeType::XorPeerAddress)) continue;
        const auto peer = attr::XorPeerAddress::decode(a.value, tx);
        if (!allocation->grant_permission(peer->address.ip, expires, config_.max_permissions))
            return send_error(client, request, ErrorCode::InsufficientCapacity, &auth, now);
    }
    auto reply = begin_reply(request, MessageClass::SuccessResponse);
    send_reply(client, request, reply, &auth, now);
}

// ---------------------------------------------------------------------------------------------------
// ChannelBind

void TurnServer::handle_channel_bind(const FiveTuple& client, const MessageView& request, const AuthOk& auth,
                                     Instant now) {
    Allocation* allocation = live_allocation(client, now);
    if (allocation == nullptr) return send_error(client, request, ErrorCode::AllocationMismatch, &auth, now);
    if (allocation->username != auth.username)
        return send_error(client, request, ErrorCode::WrongCredentials, &auth, now);

    const auto channel = request.get<attr::ChannelNumber>();
    const auto peer = request.get<attr::XorPeerAddress>();
    if (!channel || !peer || !protocol::is_valid_channel(channel->channel, config_.max_channel_number))
        return send_error(client, request, ErrorCode::BadRequest, &auth, now);
    if (allocation->relay_for(peer->address.ip.family) == nullptr)
        return send_error(client, request, ErrorCode::PeerAddressFamilyMismatch, &auth, now);
    if (check_peer(client, auth.username, peer->address, true) != PeerVerdict::Allowed)
        return send_error(client, request, ErrorCode::Forbidden, &auth, now);

    // RFC 8656 §11.2: a number stays with its peer, and a peer with its number, while bound and for
    // the reuse delay after.
    // A binding past its reuse delay no longer holds its number or peer, even before the sweep.
    std::erase_if(allocation->channels, [&](const ChannelBinding& c) { return c.reusable <= now.mono; });
    ChannelBinding* by_number = allocation->binding_with_number(channel->channel);
    ChannelBinding* by_peer = allocation->binding_with_peer(peer->address);
    if ((by_number != nullptr && by_number->peer != peer->address) ||
        (by_peer != nullptr && by_peer->number != channel->channel))
        return send_error(client, request, ErrorCode::BadRequest, &auth, now);

    // Capacity before any change, so that a 508 installs nothing (not even the permission). A failed
    // grant_permission changes nothing either.
    if (by_number == nullptr && allocation->channels.size() >= config_.max_channels)
        return send_error(client, request, ErrorCode::InsufficientCapacity, &auth, now);
    const MonoTime expires = now.mono + config_.channel_lifetime;
    if (!allocation->grant_permission(peer->address.ip, now.mono + config_.permission_lifetime,
                                      config_.max_permissions))
        return send_error(client, request, ErrorCode::InsufficientCapacity, &auth, now);
    if (by_number != nullptr) {
        by_number->expires = expires;
        by_number->reusable = expires + config_.channel_reuse_delay;
    } else {
        allocation->channels.push_back(
            {channel->channel, peer->address, expires, expires + config_.channel_reuse_delay});
    }
    auto reply = begin_reply(request, MessageClass::SuccessResponse);
    send_reply(client, request, reply, &auth, now);
}

}  // namespace tern::server
