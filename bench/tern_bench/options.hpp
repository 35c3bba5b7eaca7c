#pragma once
// tern-bench's command line: what to drive (a TURN server or the bare forwarder), how (transport,
// credentials, clients, peer, channels or indications) and which measurement (throughput, allocation
// storm, soak, or a plain echo peer for other runs to use).

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "client/client_options.hpp"
#include "protocol/transport_address.hpp"

namespace tern::bench {

enum class Mode : std::uint8_t { Throughput, Storm, Soak, Echo };
enum class Target : std::uint8_t { Turn, Bare };
enum class PeerKind : std::uint8_t {
    BuiltinEcho,   // an echo thread inside tern-bench
    ExternalEcho,  // an echo at --peer IP:PORT (tern-bench --mode echo, turnutils_peer, ...)
    Sink,          // a socket in the worker that verifies and counts, one way
    Relay,         // a second allocation per flow that sends every probe back: relay to relay
};

std::string_view to_string(Mode mode) noexcept;
std::string_view to_string(PeerKind peer) noexcept;

struct BenchOptions {
    Mode mode = Mode::Throughput;
    Target target = Target::Turn;
    protocol::TransportAddress server;  // the TURN server, or the forwarder's listen address
    client::ServerTransport transport = client::ServerTransport::Udp;
    std::string user;  // long-term credential...
    std::string password;
    std::string secret;  // ...or a TURN REST shared secret (usernames "<expiry>:bench<N>")
    unsigned clients = 10;
    PeerKind peer = PeerKind::BuiltinEcho;
    protocol::TransportAddress peer_address;  // ExternalEcho
    protocol::IpAddress local_ip;             // client sockets and built-in peers bind here
    // Where the built-in echo binds (default: local_ip, any port). With --target bare it also says to
    // start the echo at all, at the address the forwarder was given as its --peer.
    std::optional<protocol::TransportAddress> echo_listen;
    bool use_channels = true;                 // false: Send and Data indications
    double rate = 0;                          // probes per second over all flows; 0: max (a window per flow)
    unsigned window = 8;                      // probes in flight per flow at max rate
    std::size_t size = 100;                   // SRTP packet bytes: the relayed payload
    double duration = 5;                      // seconds of measurement
    double warmup = 1;                        // seconds of load before the measurement
    double drain = 1;                         // seconds to wait for the last probes
    double setup_timeout = 30;                // seconds for allocations and channels
    unsigned threads = 1;
    std::optional<pid_t> server_pid;
    std::string json_path;
    bool progress = true;
    std::string label;  // free text, copied into the report
    // Allocation storm.
    unsigned allocations = 1000;
    double allocation_rate = 0;       // new allocations per second; 0: as fast as the window allows
    unsigned allocation_window = 64;  // allocations outstanding at once
    double hold = 1;                  // seconds to hold the target count before releasing (RSS settles)
    bool multiplex = false;           // every client on one socket per worker, own 127.100/16 address
    std::optional<std::chrono::seconds> lifetime;  // LIFETIME asked for
    // Echo mode.
    protocol::TransportAddress listen;
    double seconds = 60;

    // Relay hops per verified probe: 2 through an echo, 4 relay to relay, 1 into a sink.
    unsigned relays_per_delivery() const noexcept;
};

struct UsageError {
    std::string message;
};
struct HelpRequested {};

std::variant<BenchOptions, UsageError, HelpRequested> parse_options(int argc, const char* const* argv);
std::string_view usage_text() noexcept;

// Upper bounds that keep every run finite.
inline constexpr double kMaxSeconds = 24 * 3600.0;
inline constexpr unsigned kMaxClients = 50'000;
inline constexpr unsigned kMaxAllocations = 100'000;

}  // namespace tern::bench
