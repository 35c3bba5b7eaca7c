#pragma once
// A test bench for the sans-I/O TURN core. Everything around TurnServer is real or a plain value:
//   - RecordingIo, an in-memory ServerIo that copies every packet the core sends, hands out relay ids,
//     can refuse ports (as if another process held them) and records closed relays and events;
//   - CounterRandom, a seeded counter-based generator (an injected dependency, not a mock);
//   - ManualClock, an Instant advanced by hand;
//   - TestClient, which speaks to the core the way a TURN client does: it builds requests with
//     protocol::MessageBuilder, does the long-term credential exchange (401 challenge, then a signed
//     retry) with keys computed by the protocol credential functions, and checks the integrity of
//     every signed answer.
// Nothing here reaches into the core's internals: tests see what a client, a peer and the socket layer
// would see, plus stats() and allocation_count().

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auth/credential_store.hpp"
#include "auth/random.hpp"
#include "protocol/attributes/all.hpp"
#include "protocol/integrity.hpp"
#include "protocol/message_builder.hpp"
#include "protocol/message_view.hpp"
#include "protocol/transport_address.hpp"
#include "server/core/core_config.hpp"
#include "server/core/turn_server.hpp"
#include "server/policy/peer_policy.hpp"

namespace tern::protocol {
// Readable gtest failure messages for addresses.
inline void PrintTo(const IpAddress& a, std::ostream* os) { *os << a.to_string(); }
inline void PrintTo(const TransportAddress& a, std::ostream* os) { *os << a.to_string(); }
}  // namespace tern::protocol

namespace tern::server::test {

using namespace std::chrono_literals;
using protocol::AddressFamily;
using protocol::IpAddress;
using protocol::Method;
using protocol::TransportAddress;
namespace attr = protocol::attr;

// ---- fixed names of the test world -------------------------------------------------------------------

inline constexpr std::string_view kRealm = "tern.test";
inline constexpr std::string_view kSecret = "rest-secret";  // the TURN REST shared secret
inline constexpr std::string_view kAlice = "alice";
inline constexpr std::string_view kAlicePassword = "alice-password";
inline constexpr std::string_view kBob = "bob";
inline constexpr std::string_view kBobPassword = "bob-password";

// Relay IPs: the IPv4 one sits behind a 1:1 NAT (external-ip), so what XOR-RELAYED-ADDRESS says
// differs from where the socket is bound.
inline constexpr std::string_view kRelay4Local = "192.0.2.10";
inline constexpr std::string_view kRelay4Advertised = "198.51.100.10";
inline constexpr std::string_view kRelay6 = "2001:db8::10";

// The first wall-clock second of every test: any fixed value works, this one looks like a real date.
inline constexpr std::int64_t kStartUnix = 1'700'000'000;

IpAddress ip(std::string_view text);
TransportAddress ta(std::string_view text);  // "8.8.8.8:5000", "[2606:4700::1111]:5000"

// Peers the default peer policy allows.
inline TransportAddress peer_a() { return ta("8.8.8.8:5000"); }
inline TransportAddress peer_b() { return ta("1.1.1.1:6000"); }
inline TransportAddress peer_v6() { return ta("[2606:4700::1111]:7000"); }

// Both relay families, static users alice and bob, the REST secret, and small-scale defaults.
CoreConfig default_config();
CoreConfig ipv4_only_config();

// A TURN REST username and its password, as a web service would hand them out.
std::string rest_username(std::int64_t expires_unix, std::string_view id = "user42");
std::string rest_password(std::string_view username, std::string_view secret = kSecret);

// ---- injected dependencies -------------------------------------------------------------------------------

// SplitMix64 over a counter: deterministic, yet spread well enough that port choices look random.
class CounterRandom final : public auth::Random {
public:
    explicit CounterRandom(std::uint64_t seed = 0x7e57'5eed) noexcept : counter_(seed) {}
    void fill(std::span<std::uint8_t> out) override;

private:
    std::uint64_t counter_;
};

class ManualClock {
public:
    Instant now() const noexcept { return now_; }
    void advance(std::chrono::seconds d) noexcept { now_ = now_ + d; }

private:
    // The monotonic clock starts well away from its epoch, as a real one does.
    Instant now_{MonoTime{} + 1000h, kStartUnix};
};

// ---- the socket layer ----------------------------------------------------------------------------------

struct ClientPacket {
    FiveTuple client;
    std::vector<std::uint8_t> bytes;
};

struct PeerPacket {
    RelayId relay = 0;
    TransportAddress peer;
    std::vector<std::uint8_t> bytes;
    bool dont_fragment = false;
};

struct RecordedEvent {
    EventKind kind;
    FiveTuple client;
    std::string username;
    std::string detail;
};

class RecordingIo final : public ServerIo {
public:
    void send_to_client(const FiveTuple& client, std::span<const std::uint8_t> bytes) override;
    std::optional<RelayId> open_relay(const TransportAddress& local) override;
    void close_relay(RelayId relay) override;
    void send_to_peer(RelayId relay, const TransportAddress& peer, std::span<const std::uint8_t> bytes,
                      bool dont_fragment) override;
    void report(const Event& event) override;

    // Binding this port (on any relay IP) fails, as if another process held it.
    void refuse_port(std::uint16_t port) { refused_ports_.insert(port); }

    bool is_open(RelayId relay) const { return open.contains(relay); }
    std::optional<RelayId> relay_at(const TransportAddress& local) const;
    std::size_t count(EventKind kind) const;
    const RecordedEvent* last(EventKind kind) const;

    std::vector<ClientPacket> to_client;
    std::vector<PeerPacket> to_peer;
    std::vector<RecordedEvent> events;
    std::map<RelayId, TransportAddress> open;  // relays currently bound
    std::vector<RelayId> closed;               // in closing order
    std::vector<TransportAddress> refused;     // binds that failed

private:
    std::set<std::uint16_t> refused_ports_;
    RelayId next_id_ = 1;
};

// ---- replies --------------------------------------------------------------------------------------------

// One message the core sent to a client, kept as bytes; accessors parse on demand, so attribute views
// returned by get() point into this object and live as long as it does.
class Reply {
public:
    Reply() = default;
    explicit Reply(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {}

    const std::vector<std::uint8_t>& bytes() const noexcept { return bytes_; }
    bool empty() const noexcept { return bytes_.empty(); }
    std::optional<protocol::MessageView> view() const;

    // 0 for a success response, the ERROR-CODE for an error response; 1 when there is no parseable
    // response at all, so that no expectation of a real code can pass by accident.
    int code() const;
    bool is(Method method, protocol::MessageClass cls) const;

    template <class A>
    std::optional<A> get() const {
        const auto v = view();
        if (!v) return std::nullopt;
        return v->template get<A>();
    }
    bool has(protocol::AttributeType type) const {
        const auto v = view();
        return v && v->has(type);
    }
    std::vector<TransportAddress> relayed_addresses() const;  // every XOR-RELAYED-ADDRESS, in order
    std::optional<TransportAddress> relayed(AddressFamily family = AddressFamily::IPv4) const;
    std::optional<std::uint32_t> lifetime() const;

private:
    std::vector<std::uint8_t> bytes_;
};

// ---- attributes for requests ------------------------------------------------------------------------

// An attribute given as type and raw value: for unknown types and deliberately malformed values.
struct RawAttr {
    std::uint16_t type = 0;
    std::vector<std::uint8_t> value;
};

inline void put(protocol::MessageBuilder& b, const RawAttr& a) {
    const auto out = b.reserve(a.type, a.value.size());
    std::copy(a.value.begin(), a.value.end(), out.begin());
}
template <protocol::EncodableAttribute A>
void put(protocol::MessageBuilder& b, const A& a) {
    b.add(a);
}

using AttributeWriter = std::function<void(protocol::MessageBuilder&)>;

template <class... A>
AttributeWriter writer(const A&... attrs) {
    return [&attrs...](protocol::MessageBuilder& b) { (put(b, attrs), ...); };
}

inline attr::RequestedTransport udp_transport() { return {attr::RequestedTransport::kUdp}; }
inline attr::XorPeerAddress peer_attr(const TransportAddress& a) { return {a}; }
inline attr::ChannelNumber channel_attr(std::uint16_t n) { return {n}; }
inline attr::Lifetime lifetime_attr(std::uint32_t seconds) { return {seconds}; }
inline attr::RequestedAddressFamily requested_family(std::uint8_t f) { return {f}; }
inline attr::AdditionalAddressFamily additional_family(std::uint8_t f) { return {f}; }
inline constexpr std::uint8_t kIPv4 = 0x01;
inline constexpr std::uint8_t kIPv6 = 0x02;
attr::ReservationToken token_attr(std::uint64_t token);
std::uint64_t token_value(const attr::ReservationToken& token);

// ---- the harness and its clients ------------------------------------------------------------------

class CoreHarness;

// How a client proves who it is (RFC 8489 §9.2).
enum class AuthStyle : std::uint8_t {
    Classic,        // RFC 5389: USERNAME, MESSAGE-INTEGRITY with the MD5 key, no algorithm attributes
    Md5Negotiated,  // RFC 8489: echoes PASSWORD-ALGORITHMS, picks MD5, MESSAGE-INTEGRITY
    Sha256,         // RFC 8489: echoes PASSWORD-ALGORITHMS, picks SHA-256, MESSAGE-INTEGRITY-SHA256
    Userhash,       // RFC 8489: USERHASH instead of USERNAME, MD5 key, MESSAGE-INTEGRITY
};

class TestClient {
public:
    TestClient(CoreHarness& harness, FiveTuple tuple, std::string username, std::string password,
               AuthStyle style = AuthStyle::Classic);

    FiveTuple tuple;
    std::string username;
    std::string password;
    AuthStyle style;
    bool fingerprint = false;  // append FINGERPRINT to requests

    // What the last challenge said; tests may tamper with them.
    std::string realm;
    std::string nonce;
    std::vector<std::uint8_t> offered_algorithms;  // PASSWORD-ALGORITHMS value, echoed back verbatim

    std::vector<std::uint8_t> last_request;  // bytes of the last request sent

    // The whole exchange: a first unauthenticated try when no nonce is known yet (401 → learn realm and
    // nonce), the signed request, and one retry on 438. Every answer other than 401/438 must carry a
    // valid integrity attribute of the style's kind; a missing or bad one fails the test.
    Reply request_with(Method method, const AttributeWriter& attrs);
    template <class... A>
    Reply request(Method method, const A&... attrs) {
        return request_with(method, writer(attrs...));
    }

    // One signed request with the current realm and nonce: no challenge, no retry, no checks.
    Reply signed_once_with(Method method, const AttributeWriter& attrs);
    template <class... A>
    Reply signed_once(Method method, const A&... attrs) {
        return signed_once_with(method, writer(attrs...));
    }

    // A request without any credentials.
    Reply unauthenticated_with(Method method, const AttributeWriter& attrs);
    template <class... A>
    Reply unauthenticated(Method method, const A&... attrs) {
        return unauthenticated_with(method, writer(attrs...));
    }

    // Takes REALM, NONCE and PASSWORD-ALGORITHMS from a 401 or 438 answer; false if it is none.
    bool learn(const Reply& challenge);

    // The same bytes again, as a client whose answer got lost would send them.
    Reply retransmit();

    template <class... A>
    Reply allocate(const A&... extra) {
        return request(Method::Allocate, udp_transport(), extra...);
    }
    template <class... A>
    Reply refresh(const A&... extra) {
        return request(Method::Refresh, extra...);
    }
    Reply create_permission(std::initializer_list<TransportAddress> peers);
    Reply channel_bind(std::uint16_t channel, const TransportAddress& peer);

    void send_indication(const TransportAddress& peer, std::span<const std::uint8_t> payload,
                         bool dont_fragment = false);
    // Framed as the 5-tuple's transport wants: padded for streams.
    void send_channel_data(std::uint16_t channel, std::span<const std::uint8_t> payload);

    // The long-term key for the style's algorithm, from the realm the server announced.
    std::vector<std::uint8_t> key() const;
    // True when the reply carries the integrity attribute this client's style calls for (and only
    // that one) and it verifies with key().
    bool verifies(const Reply& reply) const;

private:
    std::vector<std::uint8_t> build_signed(Method method, const AttributeWriter& attrs);

    CoreHarness* harness_;
};

class CoreHarness {
public:
    explicit CoreHarness(CoreConfig config = default_config(), PeerPolicy::Rules peer_rules = {});
    CoreHarness(const CoreHarness&) = delete;
    CoreHarness& operator=(const CoreHarness&) = delete;

    // Declared in construction order: the server holds references to io and random.
    RecordingIo io;
    CounterRandom random;
    ManualClock clock;

private:
    CoreConfig config_;
    std::shared_ptr<const auth::CredentialStore> credentials_;
    std::shared_ptr<const PeerPolicy> peers_;
    CounterRandom transaction_ids_{0xC11E47};  // the clients' own randomness, apart from the server's

public:
    TurnServer server;

    const CoreConfig& config() const noexcept { return config_; }
    Instant now() const noexcept { return clock.now(); }
    void advance(std::chrono::seconds d) { clock.advance(d); }
    void tick() { server.on_tick(clock.now()); }
    // Moves the clock and runs the periodic tick, as the daemon's timer would.
    void advance_and_tick(std::chrono::seconds d) {
        advance(d);
        tick();
    }
    void set_peer_rules(PeerPolicy::Rules rules);

    // Client endpoints: distinct addresses reaching the same listener.
    static FiveTuple udp_client(int n);
    static FiveTuple tcp_client(int n);
    TestClient client(int n, std::string_view username = kAlice, std::string_view password = kAlicePassword,
                      AuthStyle style = AuthStyle::Classic);
    TestClient client(const FiveTuple& tuple, std::string_view username = kAlice,
                      std::string_view password = kAlicePassword, AuthStyle style = AuthStyle::Classic);

    protocol::TransactionId new_transaction_id();

    // Hands bytes to the core as received from `from`.
    void deliver(const FiveTuple& from, std::span<const std::uint8_t> bytes);
    // Delivers a request and returns the one answer it must produce (to `from`); fails the test if
    // there is not exactly one.
    Reply exchange(const FiveTuple& from, std::span<const std::uint8_t> bytes);

    // A datagram from `peer` arriving on relay `relay`, received into a RelayBuffer as the socket
    // layer does (payload at kPayloadOffset, headroom in front).
    void peer_sends(RelayId relay, const TransportAddress& peer, std::span<const std::uint8_t> payload);

    // The relay socket behind an advertised (XOR-RELAYED-ADDRESS) address.
    std::optional<RelayId> relay_id(const TransportAddress& advertised) const;
    // The relay socket of an Allocate answer for that family; fails the test if there is none.
    RelayId relay_of(const Reply& allocate_reply, AddressFamily family = AddressFamily::IPv4) const;

    std::uint64_t drops(DropReason reason) const { return server.stats().drops[static_cast<std::size_t>(reason)]; }
    std::uint64_t auth_failures(AuthFailureReason reason) const {
        return server.stats().auth_failures[static_cast<std::size_t>(reason)];
    }

private:
    static std::shared_ptr<const auth::CredentialStore> make_credentials();
};

// Bytes of a string, for payloads.
std::vector<std::uint8_t> bytes_of(std::string_view text);

// What the client got for a relayed peer datagram: a Data indication or a ChannelData frame.
struct DataIndication {
    TransportAddress peer;
    std::vector<std::uint8_t> data;
};
std::optional<DataIndication> parse_data_indication(std::span<const std::uint8_t> bytes);

}  // namespace tern::server::test
