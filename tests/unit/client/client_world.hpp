#pragma once
// A test world for the sans-I/O TURN client: the REAL sans-I/O server core (server::TurnServer) and
// any number of TurnClientCore instances, wired back to back through in-memory queues, with one
// manual clock for everyone.
//
//   - World is the server's ServerIo. It keeps the relays the core opens; a relay sending to another
//     relay's address is delivered to that relay (relay-to-relay traffic of two clients), anything
//     else is recorded as sent to an outside peer. Tests can drop packets with a filter.
//   - Endpoint is a client's ClientIo: it queues what the client sends and records every event.
//   - Nothing is delivered re-entrantly: sends go to a queue that pump() drains, as sockets would.
//   - run_for(d) advances the clock from deadline to deadline: the clients' next_timer() and the
//     server's one-second tick, draining the queues after each step.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "auth/random.hpp"
#include "client/turn_client_core.hpp"
#include "protocol/message_view.hpp"
#include "server/core/turn_server.hpp"

namespace tern::protocol {
inline void PrintTo(const IpAddress& a, std::ostream* os) { *os << a.to_string(); }
inline void PrintTo(const TransportAddress& a, std::ostream* os) { *os << a.to_string(); }
}  // namespace tern::protocol

namespace tern::client::test {

using namespace std::chrono_literals;
using protocol::IpAddress;
using protocol::Method;
using protocol::TransportAddress;

inline constexpr std::string_view kRealm = "tern.test";
inline constexpr std::string_view kSecret = "rest-secret";
inline constexpr std::string_view kAlice = "alice";
inline constexpr std::string_view kAlicePassword = "alice-password";
inline constexpr std::string_view kBob = "bob";
inline constexpr std::string_view kBobPassword = "bob-password";
inline constexpr std::string_view kRelayIp = "192.0.2.10";   // relay sockets, also what clients are told
inline constexpr std::string_view kServer = "192.0.2.10:3478";
inline constexpr std::int64_t kStartUnix = 1'700'000'000;

IpAddress ip(std::string_view text);
TransportAddress ta(std::string_view text);
std::vector<std::uint8_t> bytes_of(std::string_view text);
std::string text_of(std::span<const std::uint8_t> bytes);

// Public addresses: the default peer policy allows them.
inline TransportAddress outside_peer() { return ta("8.8.8.8:5000"); }
inline TransportAddress other_outside_peer() { return ta("1.1.1.1:6000"); }

// SplitMix64 over a counter: deterministic and well spread.
class CounterRandom final : public auth::Random {
public:
    explicit CounterRandom(std::uint64_t seed) noexcept : counter_(seed) {}
    void fill(std::span<std::uint8_t> out) override;

private:
    std::uint64_t counter_;
};

// One clock for server and clients: monotonic time with sub-second steps, and the Unix seconds that
// go with it.
class ManualClock {
public:
    TimePoint now() const noexcept { return now_; }
    std::int64_t unix_now() const noexcept;
    server::Instant instant() const noexcept { return {now_, unix_now()}; }
    void set(TimePoint t) noexcept { now_ = t; }
    TimePoint start() const noexcept { return start_; }
    // Seconds since the start of the test, for messages.
    double elapsed() const noexcept { return std::chrono::duration<double>(now_ - start_).count(); }

private:
    TimePoint start_{TimePoint{} + 1000h};
    TimePoint now_{start_};
};

class World;

struct RecordedEvent {
    ClientEventKind kind;
    TransportAddress peer;
    std::uint16_t channel = 0;
    std::vector<std::uint8_t> payload;
    AllocationInfo allocation;
    ClientErrorKind error = ClientErrorKind::None;
    std::uint16_t code = 0;
    std::string reason;
    TimePoint at;
};

// What a client sent, as the server received it (or would have: dropped ones are kept too).
struct SentMessage {
    std::vector<std::uint8_t> bytes;
    TimePoint at;
    bool dropped = false;
    std::optional<protocol::MessageView> view() const;  // nullopt for ChannelData
};

class Endpoint final : public ClientIo {
public:
    Endpoint(World& world, server::FiveTuple tuple, TurnClientConfig config, std::uint64_t seed);

    server::FiveTuple tuple;
    CounterRandom random;
    TurnClientCore core;
    std::vector<RecordedEvent> events;
    std::vector<SentMessage> sent;
    // Called from on_event, so tests can react as an application would (e.g. send on ChannelBound).
    std::function<void(const ClientEvent&)> reaction;
    // Quiet mode records and delivers nothing, only counts (without allocating): for the test that
    // counts heap allocations on the data path.
    bool quiet = false;
    std::size_t quiet_sends = 0;
    std::size_t quiet_data_events = 0;

    void send_to_server(std::span<const std::uint8_t> bytes) override;
    void on_event(const ClientEvent& event) override;

    // Events of a kind, and requests of a method (with any class) that the client sent.
    std::vector<const RecordedEvent*> events_of(ClientEventKind kind) const;
    std::size_t count(ClientEventKind kind) const { return events_of(kind).size(); }
    const RecordedEvent* last(ClientEventKind kind) const;
    std::vector<const SentMessage*> requests(Method method) const;
    // Payloads of Data events, as text.
    std::vector<std::string> received_text() const;

private:
    World* world_;
};

class World final : public server::ServerIo {
public:
    explicit World(server::CoreConfig config = default_config());
    ~World() override;

    static server::CoreConfig default_config();
    static TurnClientConfig client_config(ServerTransport transport = ServerTransport::Udp,
                                          std::string_view user = kAlice, std::string_view password = kAlicePassword);

    ManualClock clock;
    CounterRandom server_random{0x5e7e7};

    // Dropping: return true to lose the packet. `to_server` tells the direction.
    std::function<bool(const server::FiveTuple& client, std::span<const std::uint8_t> bytes, bool to_server)> drop;

    // Clients: tuple n is 203.0.113.n:4000n over the given transport.
    Endpoint& add_client(int n, TurnClientConfig config = client_config());
    static server::FiveTuple tuple_for(int n, ServerTransport transport);

    // Starts the client and delivers everything that follows until the queues are empty.
    void start(Endpoint& e);
    // Starts and expects an Allocated event.
    void allocate(Endpoint& e);
    void pump();
    // Advances the clock deadline by deadline (client timers, server ticks) up to now + d.
    void run_for(std::chrono::milliseconds d);
    void run_until(TimePoint t);

    // A datagram from an outside peer arriving on a relay.
    void peer_sends(const TransportAddress& relay_address, const TransportAddress& from,
                    std::span<const std::uint8_t> payload);

    struct PeerDatagram {
        TransportAddress relay;  // the relay it left from
        TransportAddress peer;
        std::vector<std::uint8_t> bytes;
    };
    std::vector<PeerDatagram> to_outside;  // what relays sent to peers other than relays
    std::vector<std::uint16_t> error_codes_to_clients;  // ERROR-CODE of every error answer sent
    std::size_t dropped = 0;

    server::TurnServer& server() { return *server_; }
    bool relay_open(const TransportAddress& address) const;

    // ServerIo
    void send_to_client(const server::FiveTuple& client, std::span<const std::uint8_t> bytes) override;
    std::optional<server::RelayId> open_relay(const TransportAddress& local) override;
    void close_relay(server::RelayId relay) override;
    void send_to_peer(server::RelayId relay, const TransportAddress& peer, std::span<const std::uint8_t> bytes,
                      bool dont_fragment) override;
    void report(const server::Event& event) override;

    std::vector<std::string> server_events;  // "AllocationDeleted: why", in order

private:
    enum class Hop : std::uint8_t { ToServer, ToClient, RelayToRelay };
    struct Packet {
        Hop hop;
        server::FiveTuple client;  // ToServer, ToClient
        server::RelayId relay = 0; // RelayToRelay: the receiving relay
        TransportAddress from;     // RelayToRelay: the sending relay's address
        std::vector<std::uint8_t> bytes;
    };
    friend class Endpoint;
    void enqueue_to_server(const server::FiveTuple& client, std::span<const std::uint8_t> bytes);
    void deliver_to_relay(server::RelayId relay, const TransportAddress& from, std::span<const std::uint8_t> payload);
    std::optional<TimePoint> next_client_timer() const;

    server::CoreConfig config_;
    std::unique_ptr<server::TurnServer> server_;
    std::map<server::RelayId, TransportAddress> relays_;
    server::RelayId next_relay_ = 1;
    std::deque<Packet> queue_;
    std::vector<std::unique_ptr<Endpoint>> clients_;
    TimePoint next_tick_;
};

}  // namespace tern::client::test
