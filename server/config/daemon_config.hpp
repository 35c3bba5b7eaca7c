#pragma once
// Everything ternd can be told, as one value. Filled from the command line and the config file by
// options.hpp; read by the daemon at start-up and again on SIGHUP (the reloadable parts).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/transport_address.hpp"
#include "server/policy/cidr.hpp"

namespace tern::server {

enum class ExpiryPolicy : std::uint8_t {
    Refresh,   // an expired ephemeral credential cannot refresh; the allocation lives out its lifetime
    Allocate,  // the credential is checked only when allocating
    Strict,    // like Refresh, and the allocation ends when its credential expires
};

enum class LogLevel : std::uint8_t { Debug, Info, Warning, Error };
enum class LogFormat : std::uint8_t { Text, Json };

// How shards wait for sockets: io_uring (multishot receive into provided buffers, batched sends) or
// Asio's epoll reactor, for kernels and sandboxes without io_uring.
enum class IoBackend : std::uint8_t { Uring, Epoll };

struct StaticUser {
    std::string name;
    std::string password;
    friend bool operator==(const StaticUser&, const StaticUser&) = default;
};

struct ExternalIp {
    protocol::IpAddress relay;   // a --relay-ip; unspecified (0.0.0.0 or ::): every relay ip of its family
    protocol::IpAddress public_ip;  // what clients are told instead
    friend bool operator==(const ExternalIp&, const ExternalIp&) = default;
};

struct DaemonConfig {
    std::optional<std::string> config_file;

    // Listeners and relay addresses.
    std::vector<protocol::TransportAddress> listen;  // empty means 0.0.0.0:3478 and [::]:3478
    bool udp = true;
    bool tcp = true;
    std::vector<protocol::IpAddress> relay_ips;      // empty means each listen address's IP
    std::vector<ExternalIp> external_ips;
    std::uint16_t relay_port_min = 49152;
    std::uint16_t relay_port_max = 65535;

    // Authentication.
    std::string realm = "tern";
    std::vector<StaticUser> users;
    std::vector<std::string> auth_secrets;
    ExpiryPolicy expiry_policy = ExpiryPolicy::Refresh;
    std::chrono::seconds nonce_lifetime{600};

    // Peer policy.
    std::vector<Cidr> allow_peers;
    std::vector<Cidr> deny_peers;

    // Lifetimes and quotas.
    std::chrono::seconds default_lifetime{600};
    std::chrono::seconds max_lifetime{3600};
    std::chrono::seconds permission_lifetime{300};
    std::chrono::seconds channel_lifetime{600};
    std::uint32_t threads = 0;          // relay shards; 0: one per core
    IoBackend io_backend = IoBackend::Uring;  // falls back to Epoll when io_uring cannot be set up
    std::uint32_t max_allocations = 0;  // 0: no limit
    std::uint32_t user_quota = 0;       // 0: no limit
    bool rfc5766_channels = false;      // accept channel numbers 0x5000-0x7FFF too
    // SO_RCVBUF / SO_SNDBUF of every UDP socket (listeners and relays), in bytes; 0: the system's default.
    std::uint32_t udp_receive_buffer = 0;
    std::uint32_t udp_send_buffer = 0;
    // How long a shard polls for more traffic after UDP work before it sleeps (idle_poll.hpp); off by
    // default: it pays only on cores the relay has to itself.
    std::chrono::microseconds idle_poll{0};

    // Prometheus metrics (coturn's option names): off unless asked for; loopback unless told otherwise.
    bool prometheus = false;
    protocol::IpAddress prometheus_address = protocol::IpAddress::v4({127, 0, 0, 1});
    std::uint16_t prometheus_port = 9641;  // coturn's default

    // HTTP API: identities, user access tokens and relay configurations (ACS-shaped). The relay and
    // the API run in one process by default; either can be turned off, so an API node and relay nodes
    // can share one access key and one auth secret.
    bool relay = true;                                      // false (--no-relay): serve the API only
    bool http = true;                                       // false (--no-http): relay only
    std::optional<protocol::TransportAddress> http_listen;  // unset: 127.0.0.1:8080
    std::optional<std::string> http_cert;                   // PEM chain; with http_key, HTTPS
    std::optional<std::string> http_key;                    // PEM private key
    std::optional<std::string> access_key_file;             // unset: generated in state_dir
    std::string state_dir = "./tern-state";                 // access key, auth secret, identities
    std::vector<std::string> public_urls;                   // ICE URLs; empty: derived from listen

    // Operations.
    LogLevel log_level = LogLevel::Info;
    LogFormat log_format = LogFormat::Text;
    std::string software = "Tern";  // SOFTWARE attribute value; empty sends none
};

}  // namespace tern::server
