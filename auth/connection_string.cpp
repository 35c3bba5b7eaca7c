// The ACS connection string, "endpoint=https://HOST[:PORT][/];accesskey=BASE64", parsed strictly:
// anything this does not understand is refused rather than guessed at, since a mistyped endpoint
// would send signed requests somewhere else.
#include <arpa/inet.h>

#include <array>

#include "auth/request_signing.hpp"
#include "protocol/base64.hpp"

namespace tern::auth {
namespace {

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowered(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lower(c);
    return out;
}

bool hostname_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_';
}

std::optional<std::uint16_t> parse_port(std::string_view s) noexcept {
    if (s.empty() || s.size() > 5) return std::nullopt;
    unsigned v = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (v == 0 || v > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(v);
}

// Fills scheme, host and port from "http(s)://host[:port][/]"; a path, query, fragment or user
// info is refused (the management API lives at the root).
bool parse_endpoint(std::string_view url, ConnectionString& out) {
    const auto sep = url.find("://");
    if (sep == std::string_view::npos) return false;
    out.scheme = lowered(url.substr(0, sep));
    if (out.scheme == "https") out.port = 443;
    else if (out.scheme == "http") out.port = 80;
    else return false;

    std::string_view rest = url.substr(sep + 3);
    const auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    if (slash != std::string_view::npos && rest.substr(slash) != "/") return false;

    std::string_view host;
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return false;
        host = authority.substr(1, close - 1);
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return false;
            port = after.substr(1);
            if (port.empty()) return false;
        }
        std::array<unsigned char, 16> addr{};
        if (host.empty() || host.size() > 45 || inet_pton(AF_INET6, std::string(host).c_str(), addr.data()) != 1)
            return false;
    } else {
        const auto colon = authority.find(':');
        host = authority.substr(0, colon);
        if (colon != std::string_view::npos) {
            port = authority.substr(colon + 1);
            if (port.empty()) return false;
        }
        // Also rejects '@' (user info), '?', '#' and a second ':'.
        if (host.empty() || host.size() > 253) return false;
        for (const char c : host)
            if (!hostname_char(c)) return false;
    }
    if (!port.empty()) {
        const auto p = parse_port(port);
        if (!p) return false;
        out.port = *p;
    }
    // Host names are case-insensitive; one spelling keeps the signed Host header predictable.
    out.host = lowered(host);
    return true;
}

}  // namespace

std::optional<ConnectionString> ConnectionString::parse(std::string_view text) {
    if (!text.empty() && text.back() == ';') text.remove_suffix(1);  // one trailing ';' is customary
    std::optional<std::string_view> endpoint;
    std::optional<std::string_view> access_key;
    for (;;) {
        const auto semi = text.find(';');
        const std::string_view part = text.substr(0, semi);
        const auto eq = part.find('=');
        if (eq == std::string_view::npos) return std::nullopt;  // also catches empty parts
        const std::string name = lowered(part.substr(0, eq));
        std::optional<std::string_view>* slot = nullptr;
        if (name == "endpoint") slot = &endpoint;
        else if (name == "accesskey") slot = &access_key;
        else return std::nullopt;
        if (slot->has_value()) return std::nullopt;  // which of two values would be meant?
        *slot = part.substr(eq + 1);  // the key's own '=' padding stays in the value
        if (semi == std::string_view::npos) break;
        text.remove_prefix(semi + 1);
    }
    if (!endpoint || !access_key) return std::nullopt;

    ConnectionString cs;
    cs.endpoint = std::string(*endpoint);
    if (!parse_endpoint(*endpoint, cs)) return std::nullopt;
    auto key = protocol::base64_decode(*access_key);
    if (!key || key->empty()) return std::nullopt;
    cs.access_key = std::move(*key);
    return cs;
}

std::string ConnectionString::host_header() const {
    const bool ipv6 = host.find(':') != std::string::npos;
    std::string h = ipv6 ? "[" + host + "]" : host;
    const std::uint16_t default_port = scheme == "http" ? 80 : 443;
    if (port != default_port) h.append(":").append(std::to_string(port));
    return h;
}

}  // namespace tern::auth
