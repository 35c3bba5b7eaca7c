#include "protocol/transport_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace tern::protocol {

IpAddress IpAddress::v4(std::array<std::uint8_t, 4> octets) noexcept {
    IpAddress a;
    a.family = AddressFamily::IPv4;
    std::memcpy(a.bytes.data(), octets.data(), 4);
    return a;
}

IpAddress IpAddress::v6(std::array<std::uint8_t, 16> octets) noexcept {
    IpAddress a;
    a.family = AddressFamily::IPv6;
    a.bytes = octets;
    return a;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    // inet_pton stops at a NUL, so "10.0.0.1\0junk" would pass for an address.
    if (text.size() >= INET6_ADDRSTRLEN || text.find('\0') != std::string_view::npos) return std::nullopt;
    char buf[INET6_ADDRSTRLEN] = {};
    std::memcpy(buf, text.data(), text.size());
    IpAddress a;
    if (::inet_pton(AF_INET, buf, a.bytes.data()) == 1) {
        a.family = AddressFamily::IPv4;
        return a;
    }
    if (::inet_pton(AF_INET6, buf, a.bytes.data()) == 1) {
        a.family = AddressFamily::IPv6;
        return a;
    }
    return std::nullopt;
}

std::string IpAddress::to_string() const {
    char buf[INET6_ADDRSTRLEN] = {};
    const int af = family == AddressFamily::IPv4 ? AF_INET : AF_INET6;
    if (::inet_ntop(af, bytes.data(), buf, sizeof buf) == nullptr) return "?";
    return buf;
}

std::optional<TransportAddress> TransportAddress::parse(std::string_view text) {
    std::string_view host;
    std::string_view port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') return std::nullopt;
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos || text.find(':') != colon) return std::nullopt;
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    auto ip = IpAddress::parse(host);
    if (!ip || port.empty()) return std::nullopt;
    if (!text.empty() && text.front() == '[' && ip->family != AddressFamily::IPv6) return std::nullopt;
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value > 65535) return std::nullopt;
    return TransportAddress{*ip, static_cast<std::uint16_t>(value)};
}

std::string TransportAddress::to_string() const {
    // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on `"[" + std::string`.
    std::string out;
    const bool v6 = ip.family == AddressFamily::IPv6;
    if (v6) out += '[';
    out += ip.to_string();
    if (v6) out += ']';
    out += ':';
    out += std::to_string(port);
    return out;
}

}  // namespace tern::protocol

namespace {
// FNV-1a: addresses are short, and the tables that use this hash are keyed by values an attacker
// chooses only partly (the server picks relay ports with a CSPRNG).
std::size_t fnv1a(std::size_t h, const std::uint8_t* p, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
    return h;
}
}  // namespace

std::size_t std::hash<tern::protocol::IpAddress>::operator()(const tern::protocol::IpAddress& a) const noexcept {
    const auto f = static_cast<std::uint8_t>(a.family);
    return fnv1a(fnv1a(14695981039346656037ull, &f, 1), a.bytes.data(), a.bytes.size());
}

std::size_t std::hash<tern::protocol::TransportAddress>::operator()(
    const tern::protocol::TransportAddress& a) const noexcept {
    const std::uint8_t port[2] = {static_cast<std::uint8_t>(a.port >> 8), static_cast<std::uint8_t>(a.port)};
    return fnv1a(std::hash<tern::protocol::IpAddress>{}(a.ip), port, 2);
}
