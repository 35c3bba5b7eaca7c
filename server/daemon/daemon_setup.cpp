#include "server/daemon/daemon_setup.hpp"

#include <algorithm>
#include <fmt/core.h>

#include "server/config/options.hpp"
#include "server/daemon/socket_address.hpp"

namespace tern::server {
namespace {

// Relay IPs: the configured ones, or each listen address's IP; a wildcard becomes the host's first
// non-loopback address of that family (loopback if it has none).
std::vector<protocol::IpAddress> relay_ips(const DaemonConfig& config,
                                           const std::vector<protocol::TransportAddress>& listen) {
    std::vector<protocol::IpAddress> ips = config.relay_ips;
    if (ips.empty())
        for (const auto& l : listen)
            if (std::find(ips.begin(), ips.end(), l.ip) == ips.end()) ips.push_back(l.ip);
    std::vector<protocol::IpAddress> resolved;
    for (const auto& ip : ips) {
        if (!is_unspecified(ip)) {
            resolved.push_back(ip);
            continue;
        }
        const auto host = interface_addresses(ip.family);
        if (!host.empty()) resolved.push_back(host.front());
    }
    return resolved;
}

protocol::IpAddress advertised_for(const DaemonConfig& config, const protocol::IpAddress& relay) {
    for (const auto& e : config.external_ips)
        if (e.relay == relay) return e.public_ip;
    for (const auto& e : config.external_ips)  // "PUBLIC" alone: for every relay IP of its family
        if (is_unspecified(e.relay) && e.relay.family == relay.family) return e.public_ip;
    return relay;
}

}  // namespace

ServerPolicies plan_policies(const DaemonConfig& config, const std::vector<protocol::TransportAddress>& listen) {
    PeerPolicy::Rules rules;
    rules.allow = config.allow_peers;
    rules.deny = config.deny_peers;
    // The HTTP API's address too: a relay must not become a way to reach the management API.
    std::vector<protocol::TransportAddress> own = listen;
    if (config.http) own.push_back(effective_http_listen(config));
    for (const auto& l : own) {
        rules.own_addresses.push_back(l);
        if (!is_unspecified(l.ip)) continue;
        for (const auto& ip : interface_addresses(l.ip.family)) rules.own_addresses.push_back({ip, l.port});
    }
    std::vector<auth::CredentialStore::User> users;
    for (const auto& u : config.users) users.push_back({u.name, u.password});
    return ServerPolicies{
        std::make_shared<const auth::CredentialStore>(config.realm, std::move(users), config.auth_secrets),
        std::make_shared<const PeerPolicy>(std::move(rules)),
    };
}

DaemonPlan plan_daemon(const DaemonConfig& config) {
    DaemonPlan plan;
    plan.listen = effective_listen(config);
    plan.socket_buffers = {config.udp_receive_buffer, config.udp_send_buffer};
    plan.idle_poll = config.idle_poll;

    CoreConfig& core = plan.core;
    for (const auto& ip : relay_ips(config, plan.listen)) {
        const bool family_taken = std::any_of(core.relay_addresses.begin(), core.relay_addresses.end(),
                                              [&](const RelayAddress& r) { return r.local.family == ip.family; });
        if (family_taken) {
            plan.warnings.push_back(
                fmt::format("relay-ip {} ignored: one relay address per family is used", ip.to_string()));
            continue;
        }
        core.relay_addresses.push_back({ip, advertised_for(config, ip)});
    }
    if (core.relay_addresses.empty()) plan.warnings.push_back("no relay address: Allocate requests will get 440");
    core.relay_port_min = config.relay_port_min;
    core.relay_port_max = config.relay_port_max;
    core.default_lifetime = config.default_lifetime;
    core.max_lifetime = config.max_lifetime;
    core.permission_lifetime = config.permission_lifetime;
    core.channel_lifetime = config.channel_lifetime;
    core.nonce_lifetime = config.nonce_lifetime;
    core.max_allocations = config.max_allocations;
    core.user_quota = config.user_quota;
    core.expiry_policy = config.expiry_policy;
    core.max_channel_number = config.rfc5766_channels ? 0x7FFF : 0x4FFF;
    core.software = config.software;

    plan.policies = plan_policies(config, plan.listen);
    if (config.users.empty() && config.auth_secrets.empty())
        plan.warnings.push_back("no user and no auth-secret: STUN Binding works, TURN requests get 401");
    return plan;
}

}  // namespace tern::server
