#pragma once
// The sans-I/O TURN server of one shard (RFC 8489 Binding, RFC 8656 TURN over UDP relays). It is driven
// by three events, each with the time as a value: a message from a client 5-tuple, a datagram from a
// peer on a relay, and a periodic tick. It answers through ServerIo. No sockets, threads or clocks.

#include <array>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "auth/credential_store.hpp"
#include "auth/nonce.hpp"
#include "auth/random.hpp"
#include "protocol/message_builder.hpp"
#include "protocol/message_view.hpp"
#include "server/core/allocation_table.hpp"
#include "server/core/authenticator.hpp"
#include "server/core/core_config.hpp"
#include "server/core/core_stats.hpp"
#include "server/core/port_pool.hpp"
#include "server/core/response_cache.hpp"
#include "server/core/server_io.hpp"
#include "server/core/shared_state.hpp"
#include "server/policy/peer_policy.hpp"

namespace tern::server {

// What a reload may replace, as immutable snapshots shared by every shard.
struct ServerPolicies {
    std::shared_ptr<const auth::CredentialStore> credentials;
    std::shared_ptr<const PeerPolicy> peers;
};

class TurnServer {
public:
    // `shared` (quota counters, relay port pools) is shared by every shard of one daemon; the first
    // form keeps its own.
    TurnServer(CoreConfig config, ServerPolicies policies, std::span<const std::uint8_t, 32> nonce_key,
               ServerIo& io, auth::Random& random);
    TurnServer(CoreConfig config, ServerPolicies policies, std::span<const std::uint8_t, 32> nonce_key,
               ServerIo& io, auth::Random& random, SharedState& shared);
    ~TurnServer();
    TurnServer(const TurnServer&) = delete;
    TurnServer& operator=(const TurnServer&) = delete;

    // A UDP datagram, or one frame of a TCP/TLS stream, from a client.
    void on_client_message(const FiveTuple& client, std::span<const std::uint8_t> bytes, Instant now);

    // A datagram from `peer` on relay `relay`, received at storage[payload_offset, +payload_size).
    // `storage` has protocol::kRelayHeadroom bytes before the payload and 4 after, so the frame for
    // the client is written in place.
    void on_peer_datagram(RelayId relay, const protocol::TransportAddress& peer, std::span<std::uint8_t> storage,
                          std::size_t payload_offset, std::size_t payload_size, Instant now);

    // Expiry of allocations, permissions, channels and reservations. Call about once a second.
    void on_tick(Instant now);

    // A stream connection ended: its allocation goes with it (RFC 8656 §3.1).
    void on_client_closed(const FiveTuple& client, Instant now);

    // New users, secrets or peer rules. Live allocations stay; permissions and channels to peers the
    // new rules deny are dropped.
    void update_policies(ServerPolicies policies, Instant now);

    const CoreStats& stats() const noexcept { return stats_; }
    std::size_t allocation_count() const noexcept { return allocations_.size(); }

private:
    TurnServer(CoreConfig config, ServerPolicies policies, std::span<const std::uint8_t, 32> nonce_key, ServerIo& io,
               auth::Random& random, std::unique_ptr<SharedState> own, SharedState* shared);

    // Requests and indications.
    void handle_request(const FiveTuple& client, const protocol::MessageView& request, Instant now);
    void handle_binding(const FiveTuple& client, const protocol::MessageView& request, Instant now);
    void handle_allocate(const FiveTuple& client, const protocol::MessageView& request, const AuthOk& auth,
                         Instant now);
    void handle_refresh(const FiveTuple& client, const protocol::MessageView& request, const AuthOk& auth,
                        Instant now);
    void handle_create_permission(const FiveTuple& client, const protocol::MessageView& request,
                                  const AuthOk& auth, Instant now);
    void handle_channel_bind(const FiveTuple& client, const protocol::MessageView& request, const AuthOk& auth,
                             Instant now);
    void handle_send(const FiveTuple& client, const protocol::MessageView& indication, Instant now);
    void handle_channel_data(const FiveTuple& client, std::span<const std::uint8_t> bytes, Instant now);

    // Replies. Every reply is written into reply_buffer_ and sent at once.
    protocol::MessageBuilder begin_reply(const protocol::MessageView& request, protocol::MessageClass cls);
    void send_reply(const FiveTuple& client, const protocol::MessageView& request, protocol::MessageBuilder& reply,
                    const AuthOk* signer, Instant now);
    void send_error(const FiveTuple& client, const protocol::MessageView& request, protocol::ErrorCode code,
                    const AuthOk* signer, Instant now);
    void send_challenge(const FiveTuple& client, const protocol::MessageView& request, protocol::ErrorCode code,
                        Instant now);
    void send_allocate_success(const FiveTuple& client, const protocol::MessageView& request,
                               const Allocation& allocation, const AuthOk& auth,
                               std::optional<std::uint64_t> reservation_token,
                               bool ipv6_unavailable, Instant now);

    // Relays.
    const RelayAddress* relay_address(protocol::AddressFamily family) const noexcept;
    // Binds a relay at a random free port of `address`. With `reserve_next`, port+1 is claimed too
    // (not bound) and stored in `*reserved_next`.
    std::optional<RelayEndpoint> open_relay(const RelayAddress& address, bool even, bool reserve_next,
                                            std::optional<std::uint16_t>* reserved_next);
    // Binds the port a reservation token held; releases it on failure or expiry.
    std::optional<RelayEndpoint> open_reserved_relay(const ReservedPort& reserved, Instant now);
    void close_relay(const RelayEndpoint& endpoint);
    void remove_allocation(Allocation& allocation, std::string_view why);
    void release_relays_and_quota(const Allocation& allocation);
    // The client's allocation, or null; an expired one the sweep has not reached yet is removed.
    Allocation* live_allocation(const FiveTuple& client, Instant now);

    std::chrono::seconds granted_lifetime(const protocol::MessageView& request) const;
    PeerVerdict check_peer(const FiveTuple& client, std::string_view username, const protocol::TransportAddress& peer,
                           bool with_port);
    protocol::TransactionId fresh_transaction_id();

    CoreConfig config_;
    ServerPolicies policies_;
    auth::NonceIssuer nonces_;
    ServerIo& io_;
    auth::Random& random_;

    std::unique_ptr<SharedState> own_shared_;  // when none was given
    SharedState& shared_;
    SharedCounters& counters_;
    AllocationTable allocations_;
    ResponseCache responses_;
    CoreStats stats_;

    std::array<std::uint8_t, 1500> reply_buffer_{};
    std::array<std::uint8_t, 12 * 64> transaction_ids_{};  // random bytes for Data indications, refilled in bulk
    std::size_t transaction_ids_used_ = 12 * 64;
};

}  // namespace tern::server
