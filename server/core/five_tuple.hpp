#pragma once
// A client's 5-tuple (RFC 8656 §2): its address, the server address it reached, and the transport.
// It names an allocation: one allocation per 5-tuple.

#include <cstdint>
#include <functional>

#include "protocol/transport_address.hpp"

namespace tern::server {

enum class Transport : std::uint8_t { Udp, Tcp, Tls };

struct FiveTuple {
    protocol::TransportAddress client;
    protocol::TransportAddress server;
    Transport transport = Transport::Udp;

    bool is_stream() const noexcept { return transport != Transport::Udp; }
    friend bool operator==(const FiveTuple&, const FiveTuple&) = default;
};

}  // namespace tern::server

template <>
struct std::hash<tern::server::FiveTuple> {
    std::size_t operator()(const tern::server::FiveTuple& t) const noexcept {
        const std::size_t a = std::hash<tern::protocol::TransportAddress>{}(t.client);
        const std::size_t b = std::hash<tern::protocol::TransportAddress>{}(t.server);
        return a ^ (b * 0x9E3779B97F4A7C15ull) ^ static_cast<std::size_t>(t.transport);
    }
};
