#pragma once
// The sans-I/O TURN client (RFC 8656 over RFC 8489): one allocation on one server, its permissions and
// channels, and the data path to and from peers. No sockets, clocks or threads: the caller hands in
// bytes from the server and the time, and gets bytes for the server and events through ClientIo.
//
// Driving it:
//   - start(now) sends the Allocate (first without credentials; the 401 supplies realm and nonce).
//   - on_bytes_from_server(bytes, now) for every UDP datagram, or every frame a protocol::StreamFramer
//     cuts from the TCP stream.
//   - next_timer() after every call: when set, call on_timer(now) at (or after) that time. Timers
//     cover retransmissions, transaction timeouts and the refreshes of the allocation (before it
//     expires), of permissions (every 240 s) and of channels (every 540 s), 438 Stale Nonce included.
//   - Commands once allocated: create_permission, bind_channel, send, close.
//
// The data path (send, send_in_place, received ChannelData and Data indications) never allocates:
// payloads are framed in a buffer reserved at construction. Requests are kept, for retransmission, in
// slots reserved at construction too.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "auth/random.hpp"
#include "client/client_events.hpp"
#include "client/client_options.hpp"
#include "client/credentials.hpp"
#include "client/long_term_auth.hpp"
#include "client/peer_bindings.hpp"
#include "client/retransmit_timer.hpp"
#include "protocol/message_view.hpp"
#include "protocol/relay_buffer.hpp"

namespace tern::client {

struct TurnClientConfig {
    protocol::TransportAddress server;  // for the socket layer; the core itself sends through ClientIo
    ServerTransport transport = ServerTransport::Udp;
    Credentials credentials;
    ClientOptions options;
};

enum class ClientState : std::uint8_t {
    Idle,        // constructed, start() not called
    Allocating,  // Allocate outstanding
    Allocated,   // the allocation is live: commands work
    Closing,     // close() sent Refresh with lifetime 0
    Closed,      // the allocation is gone (or never existed): final
    Failed,      // allocation refused, timed out or lost (an Error event said why): final
};

enum class SendResult : std::uint8_t {
    ViaChannel,     // a ChannelData frame (a channel to the peer is bound)
    ViaIndication,  // a Send indication (needs a permission for the peer's IP on the server)
    NotAllocated,   // no live allocation
    TooLarge,       // the payload does not fit one frame
};

class TurnClientCore {
public:
    // The largest payload send() can ever take (a ChannelData frame's limit; an indication carries a
    // little less). ClientOptions::max_payload sets this core's own limit, max_payload() below.
    static constexpr std::size_t kMaxPayload = protocol::kMaxRelayPayload;

    TurnClientCore(TurnClientConfig config, ClientIo& io, auth::Random& random);
    TurnClientCore(const TurnClientCore&) = delete;
    TurnClientCore& operator=(const TurnClientCore&) = delete;

    // ---- inputs
    void start(TimePoint now);
    void on_bytes_from_server(std::span<const std::uint8_t> bytes, TimePoint now);
    void on_timer(TimePoint now);
    std::optional<TimePoint> next_timer() const noexcept;

    // ---- commands (while Allocated)
    // Installs and keeps refreshing a permission for `peer` (the port is irrelevant); reports
    // PermissionCreated or PermissionFailed. False when not allocated or the table is full.
    bool create_permission(const protocol::IpAddress& peer, TimePoint now);
    // Binds the next channel number to `peer` (which installs its permission too) and keeps both
    // refreshed; reports ChannelBound or ChannelFailed. Returns the number (the existing one if the
    // peer already has a channel); nullopt when not allocated or out of channels.
    std::optional<std::uint16_t> bind_channel(const protocol::TransportAddress& peer, TimePoint now);
    // Copies `payload` into the send buffer and frames it: ChannelData when a channel to `peer` is
    // bound, a Send indication otherwise.
    SendResult send(const protocol::TransportAddress& peer, std::span<const std::uint8_t> payload);
    // Zero-copy variant: write up to max_payload() bytes into payload_area(), then send the first `size`.
    std::span<std::uint8_t> payload_area() noexcept {
        return {send_buffer_.get() + protocol::kRelayHeadroom, max_payload_};
    }
    std::size_t max_payload() const noexcept { return max_payload_; }
    SendResult send_in_place(const protocol::TransportAddress& peer, std::size_t size);
    // Deletes the allocation (Refresh with LIFETIME 0); reports Closed when answered or timed out.
    void close(TimePoint now);

    // ---- state
    ClientState state() const noexcept { return state_; }
    const AllocationInfo& allocation() const noexcept { return allocation_; }
    std::optional<TimePoint> allocation_expires() const noexcept;
    std::optional<std::uint16_t> bound_channel(const protocol::TransportAddress& peer) const noexcept;
    bool has_permission(const protocol::IpAddress& peer) const noexcept;  // installed on the server
    const PeerBindings& bindings() const noexcept { return peers_; }
    const LongTermAuth& authentication() const noexcept { return auth_; }
    const TurnClientConfig& config() const noexcept { return config_; }
    std::size_t pending_requests() const noexcept;

private:
    enum class RequestKind : std::uint8_t { Allocate, Refresh, Delete, CreatePermission, ChannelBind };

    struct Transaction {
        bool active = false;
        RequestKind kind = RequestKind::Allocate;
        protocol::TransactionId id{};
        protocol::TransportAddress peer;  // CreatePermission (IP only), ChannelBind
        std::uint16_t channel = 0;
        bool signed_request = false;
        unsigned challenges = 0;  // 401/438 answers that led to a new attempt
        RetransmitTimer timer;
        std::span<std::uint8_t> wire;  // this slot's part of request_storage_
        std::size_t size = 0;
    };

    static protocol::Method method_of(RequestKind kind) noexcept;

    // Requests (turn_client_core.cpp).
    bool begin_request(RequestKind kind, const protocol::TransportAddress& peer, std::uint16_t channel, TimePoint now);
    void transmit_new(Transaction& t, TimePoint now);
    void write_request(Transaction& t);
    Transaction* free_slot() noexcept;
    Transaction* find_transaction(const protocol::TransactionId& id) noexcept;
    void cancel_requests() noexcept;
    void start_due_refreshes(TimePoint now);
    void check_expiry(TimePoint now);
    void fail(const ClientError& error);
    protocol::TransactionId new_transaction_id();
    protocol::TransactionId indication_transaction_id();

    // Inbound (turn_client_responses.cpp).
    void on_channel_data(std::span<const std::uint8_t> bytes);
    void on_data_indication(const protocol::MessageView& m);
    void on_response(const protocol::MessageView& m, TimePoint now);
    void on_challenge(Transaction& t, const protocol::MessageView& m, std::uint16_t code, TimePoint now);
    void on_success(Transaction& t, const protocol::MessageView& m, TimePoint now);
    void on_failure(Transaction& t, const ClientError& error, TimePoint now);
    void on_timeout(Transaction& t, TimePoint now);
    void allocation_granted(std::chrono::seconds lifetime, TimePoint now);

    TurnClientConfig config_;
    ClientIo& io_;
    auth::Random& random_;
    LongTermAuth auth_;
    PeerBindings peers_;

    ClientState state_ = ClientState::Idle;
    bool close_when_allocated_ = false;  // close() came while the Allocate was outstanding
    AllocationInfo allocation_;
    TimePoint expires_{};
    TimePoint refresh_at_{};
    bool refresh_in_flight_ = false;

    std::vector<Transaction> transactions_;
    std::unique_ptr<std::uint8_t[]> request_storage_;
    std::size_t max_payload_;
    // kRelayHeadroom + max_payload_ + kRelayTailroom bytes, not initialised: only written bytes are sent.
    std::unique_ptr<std::uint8_t[]> send_buffer_;
    std::array<std::uint8_t, 12 * 64> indication_ids_{};  // random bytes for Send indications, refilled in bulk
    std::size_t indication_ids_used_ = 12 * 64;
};

}  // namespace tern::client
