#include "server/http/ice_urls.hpp"

#include <algorithm>
#include <optional>

namespace tern::http {
namespace {

bool is_unspecified(const protocol::IpAddress& ip) { return ip == protocol::IpAddress{ip.family, {}}; }

// The address clients should use for a listen address, if there is one.
std::optional<protocol::TransportAddress> public_address(const protocol::TransportAddress& listen,
                                                         const std::vector<server::RelayAddress>& relays) {
    for (const auto& r : relays) {
        if (r.local == listen.ip || (is_unspecified(listen.ip) && r.local.family == listen.ip.family))
            return protocol::TransportAddress{r.advertised, listen.port};
    }
    if (is_unspecified(listen.ip)) return std::nullopt;
    return listen;
}

}  // namespace

std::vector<std::string> derive_ice_urls(const std::vector<protocol::TransportAddress>& listen,
                                         const std::vector<server::RelayAddress>& relays, bool udp, bool tcp) {
    std::vector<std::string> urls;
    const auto add = [&](std::string url) {
        if (std::ranges::find(urls, url) == urls.end()) urls.push_back(std::move(url));
    };
    for (const auto& l : listen) {
        const auto address = public_address(l, relays);
        if (!address) continue;
        const std::string host_port = address->to_string();  // IPv6 comes bracketed
        if (udp) add("stun:" + host_port);
        if (udp) add("turn:" + host_port + "?transport=udp");
        if (tcp) add("turn:" + host_port + "?transport=tcp");
    }
    return urls;
}

}  // namespace tern::http
