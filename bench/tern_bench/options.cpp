#include "bench/tern_bench/options.hpp"

#include <charconv>
#include <cmath>
#include <functional>
#include <map>

#include "bench/tern_bench/datagram_batch.hpp"
#include "bench/tern_bench/flow.hpp"

namespace tern::bench {

namespace {

constexpr std::string_view kUsage = R"(usage: tern-bench [--mode throughput|storm|soak|echo] [OPTION]...

Drives a TURN server (Tern, coturn, any RFC 8656 server) or the bare forwarder baseline with SRTP
probes and reports relayed packets/s, loss, reordering and round-trip percentiles; or storms it with
authenticated allocations. Everything stops by itself after the durations given.

Target:
  --server IP:PORT          TURN server (or, with --target bare, the forwarder's listen address)
  --target turn|bare        bare: probes go unframed to tern-bare-forwarder, one load socket [turn]
  --transport udp|tcp       to the TURN server [udp]
  --user NAME:PASSWORD      long-term credential
  --secret SECRET           TURN REST shared secret (usernames <expiry>:bench<N>)
  --server-pid PID          sample the server's CPU and RSS from /proc
Load:
  --clients N               flows, each with its own allocation [10]
  --peer echo|sink|relay|IP:PORT
                            echo: built-in UDP echo thread; sink: built-in one-way receiver;
                            relay: a second allocation per flow sends each probe back (relay to
                            relay); IP:PORT: an external echo, e.g. tern-bench --mode echo [echo]
  --local-ip IP             client sockets and built-in peers bind here [127.0.0.1]
  --echo-listen IP:PORT     bind the built-in echo here; with --target bare, start it at all
                            (give the forwarder's --peer address) [LOCAL-IP:any]
  --indications             Send/Data indications instead of channels
  --rate PPS                probes per second over all flows; 0 = max rate [0]
  --window N                probes in flight per flow at max rate [8]
  --size BYTES              SRTP packet size, the relayed payload (46..3900) [100]
  --duration S              measured seconds [5; soak 60]
  --warmup S                load before measuring [1]
  --drain S                 wait for late probes [1]
  --setup-timeout S         for allocations, permissions and channels [30]
  --threads N               worker threads, flows split between them [1]
  --lifetime S              LIFETIME asked for in Allocate and Refresh
Allocation storm (--mode storm):
  --allocations N           target count [1000]
  --allocation-rate R       new allocations per second; 0 = as fast as the window allows [0]
  --allocation-window N     allocations outstanding at once [64]
  --hold S                  hold the target count before deleting them all [1]
  --multiplex               every client of a worker on one UDP socket, each with its own source
                            address in 127.100.0.0/16 (IPv4 loopback servers): no socket per
                            allocation in the generator
Echo peer (--mode echo):
  --listen IP:PORT          where to echo [127.0.0.1:0, printed]
  --seconds S               then exit [60]
Output:
  --json FILE               the full report as JSON
  --label TEXT              copied into the report
  --quiet                   no live progress line
)";

std::optional<double> to_number(std::string_view text) {
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
    return value;
}

using Setter = std::function<std::optional<std::string>(BenchOptions&, std::string_view)>;

// A setter for a number in [low, high], stored through `store`.
template <class T>
Setter number(T BenchOptions::*field, double low, double high) {
    return [field, low, high](BenchOptions& o, std::string_view v) -> std::optional<std::string> {
        const auto n = to_number(v);
        if (!n || *n < low || *n > high) return "wants a number from " + std::to_string(low) + " to " + std::to_string(high);
        o.*field = static_cast<T>(*n);
        return std::nullopt;
    };
}

std::optional<std::string> set_address(protocol::TransportAddress& out, std::string_view v) {
    const auto a = protocol::TransportAddress::parse(v);
    if (!a) return "wants IP:PORT (IPv6 in brackets)";
    out = *a;
    return std::nullopt;
}

const std::map<std::string_view, Setter>& setters() {
    static const std::map<std::string_view, Setter> table = {
        {"--mode", [](BenchOptions& o, std::string_view v) -> std::optional<std::string> {
             if (v == "throughput") o.mode = Mode::Throughput;
             else if (v == "storm") o.mode = Mode::Storm;
             else if (v == "soak") o.mode = Mode::Soak;
             else if (v == "echo") o.mode = Mode::Echo;
             else return "is throughput, storm, soak or echo";
             return std::nullopt;
         }},
        {"--server", [](BenchOptions& o, std::string_view v) { return set_address(o.server, v); }},
        {"--target", [](BenchOptions& o, std::string_view v) -> std::optional<std::string> {
             if (v == "turn") o.target = Target::Turn;
             else if (v == "bare") o.target = Target::Bare;
             else return "is turn or bare";
             return std::nullopt;
         }},
        {"--transport", [](BenchOptions& o, std::string_view v) -> std::optional<std::string> {
             if (v == "udp") o.transport = client::ServerTransport::Udp;
             else if (v == "tcp") o.transport = client::ServerTransport::Tcp;
             else return "is udp or tcp";
             return std::nullopt;
         }},
        {"--user", [](BenchOptions& o, std::string_view v) -> std::optional<std::string> {
             const auto colon = v.find(':');
             if (colon == std::string_view::npos || colon == 0) return "wants NAME:PASSWORD";
             o.user = std::string(v.substr(0, colon));
             o.password = std::string(v.substr(colon + 1));
             return std::nullopt;
         }},
        {"--secret", [](BenchOptions& o, std::string_view v) -> std::optional<std::string> {
             if (v.empty()) return "wants a secret";
             o.secret = std::string(v);
             return std::nullopt;
         }},
        {"--server-pid", [](BenchOptions& o, std::string_view v) -> std::optional<std::string> {
             const auto n = to_number(v);
             if (!n || *n < 1 || *n != std::floor(*n)) return "wants a process id";
             o.server_pid = static_cast<pid_t>(*n);
             return std::nullopt;
         }},
        {"--clients", number(&BenchOptions::clients, 1, kMaxClients)},
        {"--peer", [](BenchOptions& o, std::string_view v) -> std::optional<std::string> {
             if (v == "echo") o.peer = PeerKind::BuiltinEcho;
             else if (v == "sink") o.peer = PeerKind::Sink;
             else if (v == "relay") o.peer = PeerKind::Relay;
             else if (!set_address(o.peer_address, v)) o.peer = PeerKind::ExternalEcho;
             else return "is echo, sink, relay or IP:PORT";
             return std::nullopt;
         }},
        {"--local-ip", [](BenchOptions& o, std::string_view v) -> std::optional<std::string> {
             const auto ip = protocol::IpAddress::parse(v);
             if (!ip) return "wants an IP address";
             o.local_ip = *ip;
             return std::nullopt;
         }},
        {"--echo-listen", [](BenchOptions& o, std::string_view v) -> std::optional<std::string> {
             protocol::TransportAddress a;
             if (auto problem = set_address(a, v)) return problem;
             o.echo_listen = a;
             return std::nullopt;
         }},
        {"--rate", number(&BenchOptions::rate, 0, 1e8)},
        {"--window", number(&BenchOptions::window, 1, 1024)},
        {"--size", number(&BenchOptions::size, static_cast<double>(Flow::kMinProbeSize), static_cast<double>(kMaxProbeSize))},
        {"--duration", number(&BenchOptions::duration, 0.1, kMaxSeconds)},
        {"--warmup", number(&BenchOptions::warmup, 0, 3600)},
        {"--drain", number(&BenchOptions::drain, 0.05, 60)},
        {"--setup-timeout", number(&BenchOptions::setup_timeout, 1, 3600)},
        {"--threads", number(&BenchOptions::threads, 1, 64)},
        {"--lifetime", [](BenchOptions& o, std::string_view v) -> std::optional<std::string> {
             const auto n = to_number(v);
             if (!n || *n < 1 || *n > 86400) return "wants seconds from 1 to 86400";
             o.lifetime = std::chrono::seconds(static_cast<long>(*n));
             return std::nullopt;
         }},
        {"--allocations", number(&BenchOptions::allocations, 1, kMaxAllocations)},
        {"--allocation-rate", number(&BenchOptions::allocation_rate, 0, 1e7)},
        {"--allocation-window", number(&BenchOptions::allocation_window, 1, 10000)},
        {"--hold", number(&BenchOptions::hold, 0, 3600)},
        {"--listen", [](BenchOptions& o, std::string_view v) { return set_address(o.listen, v); }},
        {"--seconds", number(&BenchOptions::seconds, 0.1, kMaxSeconds)},
        {"--json", [](BenchOptions& o, std::string_view v) -> std::optional<std::string> {
             o.json_path = std::string(v);
             return std::nullopt;
         }},
        {"--label", [](BenchOptions& o, std::string_view v) -> std::optional<std::string> {
             o.label = std::string(v);
             return std::nullopt;
         }},
    };
    return table;
}

}  // namespace

std::string_view to_string(Mode mode) noexcept {
    switch (mode) {
        case Mode::Throughput: return "throughput";
        case Mode::Storm: return "storm";
        case Mode::Soak: return "soak";
        case Mode::Echo: return "echo";
    }
    return "?";
}

std::string_view to_string(PeerKind peer) noexcept {
    switch (peer) {
        case PeerKind::BuiltinEcho: return "echo";
        case PeerKind::ExternalEcho: return "external-echo";
        case PeerKind::Sink: return "sink";
        case PeerKind::Relay: return "relay";
    }
    return "?";
}

unsigned BenchOptions::relays_per_delivery() const noexcept {
    if (target == Target::Bare) return 2;
    switch (peer) {
        case PeerKind::Sink: return 1;
        case PeerKind::Relay: return 4;
        default: return 2;
    }
}

std::string_view usage_text() noexcept { return kUsage; }

std::variant<BenchOptions, UsageError, HelpRequested> parse_options(int argc, const char* const* argv) {
    BenchOptions o;
    o.local_ip = protocol::IpAddress::v4({127, 0, 0, 1});
    o.listen = {o.local_ip, 0};
    bool have_server = false, duration_given = false, rate_given = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") return HelpRequested{};
        if (arg == "--indications") { o.use_channels = false; continue; }
        if (arg == "--quiet") { o.progress = false; continue; }
        if (arg == "--multiplex") { o.multiplex = true; continue; }
        const auto setter = setters().find(arg);
        if (setter == setters().end()) return UsageError{"unknown option " + std::string(arg)};
        if (i + 1 >= argc) return UsageError{std::string(arg) + " needs a value"};
        const std::string_view value = argv[++i];
        if (auto problem = setter->second(o, value)) return UsageError{std::string(arg) + " " + *problem};
        have_server |= arg == "--server";
        duration_given |= arg == "--duration";
        rate_given |= arg == "--rate";
    }
    if (o.mode == Mode::Echo) return o;
    if (o.multiplex && (o.mode != Mode::Storm || o.transport != client::ServerTransport::Udp))
        return UsageError{"--multiplex is for UDP allocation storms (--mode storm)"};
    if (!have_server) return UsageError{"--server is required"};
    if (o.target == Target::Turn && o.user.empty() == o.secret.empty() && o.mode != Mode::Echo)
        return UsageError{"a TURN target needs one of --user or --secret"};
    if (o.target == Target::Bare) {
        if (o.mode == Mode::Storm) return UsageError{"the bare forwarder has no allocations to storm"};
        if (o.peer == PeerKind::Relay || o.peer == PeerKind::Sink)
            return UsageError{"--target bare relays to the forwarder's own --peer: use the built-in or an external echo"};
        // The forwarder returns everything to the last client address it saw: one load socket.
        o.threads = 1;
    }
    if (o.mode == Mode::Soak) {
        if (!duration_given) o.duration = 60;
        if (!rate_given && o.rate == 0) o.rate = 100.0 * o.clients;  // steady, not saturating
    }
    if (o.threads > o.clients && o.mode != Mode::Storm) o.threads = o.clients;
    if (o.peer == PeerKind::Relay && o.clients * 2 > kMaxClients) return UsageError{"too many clients for relay mode"};
    return o;
}

}  // namespace tern::bench
