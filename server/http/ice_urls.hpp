#pragma once
// The ICE server URLs a relay configuration hands out when no --public-url is given: stun: and turn:
// URLs (RFC 7064/7065) for each listen address, so the default works on a single host. A wildcard
// listen address is named by the relay address of its family; an address behind --external-ip by its
// public address.

#include <string>
#include <vector>

#include "protocol/transport_address.hpp"
#include "server/core/core_config.hpp"

namespace tern::http {

std::vector<std::string> derive_ice_urls(const std::vector<protocol::TransportAddress>& listen,
                                         const std::vector<server::RelayAddress>& relays, bool udp, bool tcp);

}  // namespace tern::http
