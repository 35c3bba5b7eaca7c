#pragma once
// Turns the operator's DaemonConfig into what the core runs on: relay addresses (wildcards resolved
// to interface addresses, external IPs applied), the peer policy with the daemon's own addresses, and
// the credential store. Used at start-up and again on SIGHUP.

#include <chrono>
#include <string>
#include <vector>

#include "server/config/daemon_config.hpp"
#include "server/core/core_config.hpp"
#include "server/core/turn_server.hpp"
#include "server/daemon/udp_sockets.hpp"

namespace tern::server {

struct DaemonPlan {
    std::vector<protocol::TransportAddress> listen;
    CoreConfig core;
    ServerPolicies policies;
    SocketBuffers socket_buffers;
    std::chrono::microseconds idle_poll{0};
    std::vector<std::string> warnings;  // for the log: odd but workable settings
};

DaemonPlan plan_daemon(const DaemonConfig& config);

// Only the parts SIGHUP may change: users, secrets, realm, peer policy. The peer policy's own
// addresses are the listen addresses and, when the HTTP API runs, its address.
ServerPolicies plan_policies(const DaemonConfig& config, const std::vector<protocol::TransportAddress>& listen);

}  // namespace tern::server
