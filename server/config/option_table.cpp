// The option table: every option ternd takes, with its coturn spellings, help text and the setter
// that checks and stores its value. options.cpp reads the sources and applies settings through it.

#include "server/config/options.hpp"
#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <initializer_list>
#include <iterator>
#include <map>
#include <memory>
#include <system_error>
#include <type_traits>
#include <utility>
#include "protocol/opaque_string.hpp"
#include "server/config/option_sources.hpp"
#include "server/config/option_builder.hpp"

namespace tern::server {

using protocol::AddressFamily;
using protocol::IpAddress;
using protocol::TransportAddress;
using SetResult = std::optional<std::string>;  // the reason a value is refused
using detail::Builder;
using detail::cat;
using detail::is_unspecified;
using detail::parse_bool;
using detail::unspecified;

namespace {


// ---- Text helpers ----

std::string_view trim(std::string_view s) {
    constexpr std::string_view kSpace = " \t\r\n\f\v";
    const auto first = s.find_first_not_of(kSpace);
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// A whole unsigned number in T's range: no sign, no spaces, no trailing text.
template <class T>
std::optional<T> parse_number(std::string_view s) {
    if (s.empty()) return std::nullopt;
    T value{};
    const char* end = s.data() + s.size();
    const auto [stop, ec] = std::from_chars(s.data(), end, value);
    if (ec != std::errc{} || stop != end) return std::nullopt;
    return value;
}

// An IP address; an IPv6 one may be bracketed, as it is in ADDR:PORT.
std::optional<IpAddress> parse_ip(std::string_view s) {
    if (s.size() > 2 && s.front() == '[' && s.back() == ']') {
        auto ip = IpAddress::parse(s.substr(1, s.size() - 2));
        if (ip && ip->family == AddressFamily::IPv6) return ip;
        return std::nullopt;
    }
    return IpAddress::parse(s);
}


// Non-empty UTF-8 without control characters: what OpaqueString accepts.
bool is_clean_text(std::string_view s) { return protocol::opaque_string_prepare(s).has_value(); }

std::size_t characters(std::string_view utf8) {
    return static_cast<std::size_t>(
        std::ranges::count_if(utf8, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string got(std::string_view expected, std::string_view value) {
    return cat({"expected ", expected, ", got '", value, "'"});
}

template <class T>
std::string join(const std::vector<T>& items, std::string_view separator) {
    std::string out;
    for (const T& item : items) {
        if (!out.empty()) out += separator;
        if constexpr (std::is_convertible_v<const T&, std::string_view>)
            out += item;
        else
            out += item.to_string();
    }
    return out;
}

// ---- Setters: each checks the text, then stores it. ----

SetResult set_config(Builder& b, std::string_view v) {
    b.config().config_file = std::string(v);
    return std::nullopt;
}

SetResult set_listen(Builder& b, std::string_view v) {
    const auto address = TransportAddress::parse(v);
    if (!address) return got("ADDR:PORT (an IPv6 address in brackets, as [::1]:3478)", v);
    b.config().listen.push_back(*address);
    return std::nullopt;
}

SetResult set_no_udp(Builder& b, std::string_view) {
    b.config().udp = false;
    return std::nullopt;
}

SetResult set_no_tcp(Builder& b, std::string_view) {
    b.config().tcp = false;
    return std::nullopt;
}

SetResult set_rfc5766_channels(Builder& b, std::string_view) {
    b.config().rfc5766_channels = true;
    return std::nullopt;
}

SetResult set_relay_ip(Builder& b, std::string_view v) {
    const auto ip = parse_ip(v);
    if (!ip) return got("an IP address", v);
    // A relayed address is told to clients, so it must be one they can reach.
    if (is_unspecified(*ip)) return got("a specific IP address (not 0.0.0.0 or ::)", v);
    b.config().relay_ips.push_back(*ip);
    return std::nullopt;
}

// RELAY=PUBLIC (Tern), PUBLIC/RELAY (coturn), or PUBLIC alone: for every relay ip of its family,
// stored with the unspecified address of that family as the relay.
SetResult set_external_ip(Builder& b, std::string_view v) {
    std::optional<IpAddress> relay;
    std::optional<IpAddress> public_ip;
    if (const auto eq = v.find('='); eq != std::string_view::npos) {
        relay = parse_ip(trim(v.substr(0, eq)));
        public_ip = parse_ip(trim(v.substr(eq + 1)));
    } else if (const auto slash = v.find('/'); slash != std::string_view::npos) {
        public_ip = parse_ip(trim(v.substr(0, slash)));
        relay = parse_ip(trim(v.substr(slash + 1)));
    } else {
        public_ip = parse_ip(v);
        if (public_ip) relay = unspecified(public_ip->family);
    }
    if (!relay || !public_ip) return got("PUBLIC, RELAY=PUBLIC or coturn's PUBLIC/RELAY", v);
    if (relay->family != public_ip->family) return got("a relay and a public address of the same family", v);
    if (is_unspecified(*public_ip)) return got("a specific public address (not 0.0.0.0 or ::)", v);
    b.config().external_ips.push_back({*relay, *public_ip});
    return std::nullopt;
}

SetResult set_relay_ports(Builder& b, std::string_view v) {
    const auto dash = v.find('-');
    std::optional<std::uint16_t> low;
    std::optional<std::uint16_t> high;
    if (dash != std::string_view::npos) {
        low = parse_number<std::uint16_t>(trim(v.substr(0, dash)));
        high = parse_number<std::uint16_t>(trim(v.substr(dash + 1)));
    }
    if (!low || !high || *low == 0 || *low > *high) return got("MIN-MAX with 1 <= MIN <= MAX <= 65535", v);
    b.config().relay_port_min = *low;
    b.config().relay_port_max = *high;
    return std::nullopt;
}

// coturn's min-port and max-port each set one end; finish() checks that the ends are in order.
template <std::uint16_t DaemonConfig::*End>
SetResult set_relay_port_end(Builder& b, std::string_view v) {
    const auto port = parse_number<std::uint16_t>(v);
    if (!port || *port == 0) return got("a PORT from 1 to 65535", v);
    b.config().*End = *port;
    return std::nullopt;
}

SetResult set_realm(Builder& b, std::string_view v) {
    // RFC 8489 §14.9: fewer than 128 characters, OpaqueString text.
    if (!is_clean_text(v) || characters(v) > 127)
        return got("1 to 127 characters of text without control characters", v);
    b.config().realm = std::string(v);
    return std::nullopt;
}

// A coturn "user=name:0x<32 hex digits>" line gives the MD5 key, not a password.
bool looks_like_coturn_key(std::string_view password) {
    return password.size() == 34 && password.starts_with("0x") &&
           std::all_of(password.begin() + 2, password.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
           });
}

// Errors about users never quote the value: it holds a password, and errors end up in logs.
SetResult set_user(Builder& b, std::string_view v) {
    const auto colon = v.find(':');
    if (colon == std::string_view::npos) return "expected NAME:PASSWORD, got no ':' (the value is not shown)";
    const std::string_view name = v.substr(0, colon);
    const std::string_view password = v.substr(colon + 1);
    if (name.empty()) return "expected NAME:PASSWORD with a non-empty NAME";
    // RFC 8489 §14.3: a USERNAME is under 513 bytes.
    if (!is_clean_text(name) || name.size() > 512)
        return cat({"user name '", name, "' must be up to 512 bytes of text without control characters"});
    if (password.empty()) return cat({"user '", name, "' has an empty password"});
    if (!is_clean_text(password))
        return cat({"the password of user '", name, "' is not UTF-8 text without control characters"});
    if (looks_like_coturn_key(password))
        b.notice(
            cat({"user '", name, "': the password looks like a coturn 0x key; Tern takes it as a literal password"}));
    b.config().users.push_back({std::string(name), std::string(password)});
    return std::nullopt;
}

SetResult set_auth_secret(Builder& b, std::string_view v) {
    b.config().auth_secrets.emplace_back(v);
    return std::nullopt;
}

template <std::chrono::seconds DaemonConfig::*Member>
SetResult set_seconds(Builder& b, std::string_view v) {
    // Lifetimes of zero would expire everything at once, so every duration is at least a second.
    const auto n = parse_number<std::uint32_t>(v);
    if (!n || *n == 0) return got("a whole number of SECONDS > 0", v);
    b.config().*Member = std::chrono::seconds{*n};
    return std::nullopt;
}

template <std::chrono::seconds DaemonConfig::*Member>
std::string show_seconds(const DaemonConfig& c) {
    return std::to_string((c.*Member).count());
}

template <std::uint32_t DaemonConfig::*Member>
SetResult set_count(Builder& b, std::string_view v) {
    const auto n = parse_number<std::uint32_t>(v);
    if (!n) return got("a whole number N >= 0 (0: no limit)", v);
    b.config().*Member = *n;
    return std::nullopt;
}

template <std::uint32_t DaemonConfig::*Member>
std::string show_count(const DaemonConfig& c) {
    const std::uint32_t n = c.*Member;
    return n == 0 ? "0 (no limit)" : std::to_string(n);
}

// The idle-poll window: microseconds, at most a millisecond (past that the loop would be polling,
// not waiting, and should say so in its CPU use rather than in an option).
constexpr std::uint32_t kMaxIdlePollMicroseconds = 1000;

SetResult set_idle_poll(Builder& b, std::string_view v) {
    const auto n = parse_number<std::uint32_t>(v);
    if (!n || *n > kMaxIdlePollMicroseconds) return got("microseconds, 0-1000 (0: off)", v);
    b.config().idle_poll = std::chrono::microseconds(*n);
    return std::nullopt;
}

// A socket buffer size: bytes, at most 1 GiB (the kernel doubles what it is given, in an int).
template <std::uint32_t DaemonConfig::*Member>
SetResult set_bytes(Builder& b, std::string_view v) {
    const auto n = parse_number<std::uint32_t>(v);
    if (!n || *n > (1u << 30)) return got("a size in bytes from 0 (the system's default) to 1073741824", v);
    b.config().*Member = *n;
    return std::nullopt;
}

template <std::uint32_t DaemonConfig::*Member>
std::string show_bytes(const DaemonConfig& c) {
    const std::uint32_t n = c.*Member;
    return n == 0 ? "0 (the system's default)" : std::to_string(n);
}

template <class E, std::size_t N>
using Keywords = std::array<std::pair<std::string_view, E>, N>;

constexpr Keywords<ExpiryPolicy, 3> kExpiryPolicies{{
    {"refresh", ExpiryPolicy::Refresh},
    {"allocate", ExpiryPolicy::Allocate},
    {"strict", ExpiryPolicy::Strict},
}};
constexpr Keywords<LogLevel, 4> kLogLevels{{
    {"debug", LogLevel::Debug},
    {"info", LogLevel::Info},
    {"warning", LogLevel::Warning},
    {"error", LogLevel::Error},
}};
constexpr Keywords<LogFormat, 2> kLogFormats{{{"text", LogFormat::Text}, {"json", LogFormat::Json}}};
constexpr Keywords<IoBackend, 2> kIoBackends{{{"uring", IoBackend::Uring}, {"epoll", IoBackend::Epoll}}};

template <auto Member, const auto& Words>
SetResult set_keyword(Builder& b, std::string_view v) {
    std::string expected;
    for (const auto& [word, value] : Words) {
        if (word == v) {
            b.config().*Member = value;
            return std::nullopt;
        }
        expected += cat({expected.empty() ? "one of " : ", ", word});
    }
    return got(expected, v);
}

template <auto Member, const auto& Words>
std::string show_keyword(const DaemonConfig& c) {
    for (const auto& [word, value] : Words)
        if (value == c.*Member) return std::string(word);
    return "?";
}

// Says why text is not a CIDR, recognising coturn's IP1-IP2 ranges and host bits set past the prefix.
std::string cidr_problem(std::string_view v) {
    if (const auto dash = v.find('-');
        dash != std::string_view::npos && parse_ip(trim(v.substr(0, dash))) && parse_ip(trim(v.substr(dash + 1))))
        return cat({"address ranges such as '", v, "' are not supported; write the range as CIDR prefixes (ADDR/LEN)"});
    if (const auto slash = v.find('/'); slash != std::string_view::npos) {
        const auto ip = IpAddress::parse(v.substr(0, slash));
        const auto prefix = parse_number<std::uint8_t>(v.substr(slash + 1));
        if (ip && prefix && *prefix <= ip->size() * 8)
            return cat({"'", v, "' has host bits set past the prefix; did you mean ",
                        Cidr::of(*ip, *prefix).to_string(), "?"});
    }
    return got("a CIDR such as 10.0.0.0/8 or 2001:db8::/32, or one IP address", v);
}

template <std::vector<Cidr> DaemonConfig::*Member>
SetResult set_peers(Builder& b, std::string_view v) {
    const auto cidr = Cidr::parse(v);
    if (!cidr) return cidr_problem(v);
    (b.config().*Member).push_back(*cidr);
    return std::nullopt;
}

SetResult set_software(Builder& b, std::string_view v) {
    // RFC 8489 §14.14: fewer than 128 characters.
    if (!is_clean_text(v) || characters(v) > 127)
        return got("1 to 127 characters of text without control characters", v);
    b.config().software = std::string(v);
    return std::nullopt;
}

// ---- Metrics ----

SetResult set_prometheus(Builder& b, std::string_view) {
    b.config().prometheus = true;
    return std::nullopt;
}

SetResult set_prometheus_address(Builder& b, std::string_view v) {
    const auto ip = IpAddress::parse(v);
    if (!ip) return got("an IP address", v);
    b.config().prometheus_address = *ip;
    return std::nullopt;
}

SetResult set_prometheus_port(Builder& b, std::string_view v) {
    const auto port = parse_number<std::uint16_t>(v);
    if (!port || *port == 0) return got("a PORT from 1 to 65535", v);
    b.config().prometheus_port = *port;
    return std::nullopt;
}

// ---- HTTP API ----

SetResult set_http_listen(Builder& b, std::string_view v) {
    const auto address = TransportAddress::parse(v);
    if (!address || address->port == 0) return got("ADDR:PORT (an IPv6 address in brackets, as [::1]:8080)", v);
    b.config().http_listen = *address;
    return std::nullopt;
}

template <auto Member>  // a std::string or std::optional<std::string> member holding a path
SetResult set_path(Builder& b, std::string_view v) {
    b.config().*Member = std::string(v);
    return std::nullopt;
}

SetResult set_no_relay(Builder& b, std::string_view) {
    b.config().relay = false;
    return std::nullopt;
}

SetResult set_no_http(Builder& b, std::string_view) {
    b.config().http = false;
    return std::nullopt;
}

// RFC 7064/7065 URIs: stun:HOST[:PORT], turn:HOST[:PORT][?transport=udp|tcp], and the same for turns:.
// They are handed to clients as they are, so only their shape is checked.
SetResult set_public_url(Builder& b, std::string_view v) {
    const auto expected = [&] {
        return got("stun:HOST[:PORT], turn:HOST[:PORT][?transport=udp|tcp] or turns:HOST[:PORT][?transport=...]", v);
    };
    const auto colon = v.find(':');
    if (colon == std::string_view::npos) return expected();
    const std::string_view scheme = v.substr(0, colon);
    std::string_view rest = v.substr(colon + 1);
    const auto question = rest.find('?');
    const std::string_view host = rest.substr(0, question);
    const std::string_view query = question == std::string_view::npos ? "" : rest.substr(question + 1);
    const bool host_ok = !host.empty() && host.front() != '/' &&
                         std::ranges::none_of(host, [](char c) { return c <= ' ' || c == '#' || c == 0x7f; });
    const bool query_ok = question == std::string_view::npos ||
                          (scheme != "stun" && (query == "transport=udp" || query == "transport=tcp"));
    if ((scheme != "stun" && scheme != "turn" && scheme != "turns") || !host_ok || !query_ok) return expected();
    b.config().public_urls.emplace_back(v);
    return std::nullopt;
}

SetResult set_help(Builder& b, std::string_view) {
    b.result.help = true;
    return std::nullopt;
}

SetResult set_version(Builder& b, std::string_view) {
    b.result.version = true;
    return std::nullopt;
}

// coturn spellings.

SetResult set_listening_ip(Builder& b, std::string_view v) {
    const auto ip = parse_ip(v);
    if (!ip) return got("an IP address", v);
    b.listening_ips.push_back(*ip);
    return std::nullopt;
}

SetResult set_listening_port(Builder& b, std::string_view v) {
    const auto port = parse_number<std::uint16_t>(v);
    if (!port) return got("a PORT from 0 to 65535", v);
    b.listening_port = *port;
    return std::nullopt;
}

SetResult set_stale_nonce(Builder& b, std::string_view v) {
    if (v.empty()) {
        b.notice(cat({b.spelled, " without a value has no effect in Tern: nonces always expire (nonce-lifetime)"}));
        return std::nullopt;
    }
    return set_seconds<&DaemonConfig::nonce_lifetime>(b, v);
}

template <LogLevel Level>
SetResult set_log_level_to(Builder& b, std::string_view) {
    b.config().log_level = Level;
    return std::nullopt;
}

SetResult set_no_software(Builder& b, std::string_view) {
    b.config().software.clear();
    return std::nullopt;
}

// Explicit deny rules rather than a no-op: the built-in deny list has these ranges already, but only
// an explicit rule also wins over allow-peer, which is what the coturn flag asks for.
SetResult deny_all(Builder& b, std::initializer_list<std::string_view> cidrs) {
    for (std::string_view text : cidrs) b.config().deny_peers.push_back(*Cidr::parse(text));
    return std::nullopt;
}

SetResult set_no_loopback_peers(Builder& b, std::string_view) { return deny_all(b, {"127.0.0.0/8", "::1"}); }
SetResult set_no_multicast_peers(Builder& b, std::string_view) { return deny_all(b, {"224.0.0.0/4", "ff00::/8"}); }

SetResult set_ignored(Builder& b, std::string_view) {
    b.notice(cat({b.spelled, " has no effect in Tern: ", b.current->help}));
    return std::nullopt;
}

std::string show_none(const DaemonConfig&) { return "none"; }

// ---- The table ----

constexpr Option kOptions[] = {
    {.name = "config",
     .placeholder = "FILE",
     .command_line_only = true,
     .help = "Read options from FILE first, then apply the command line on top. Only on the command line.",
     .show_default = show_none,
     .set = set_config},
    {.name = "listen",
     .placeholder = "ADDR:PORT",
     .repeatable = true,
     .help = "Accept clients on ADDR:PORT, over UDP and TCP. Write an IPv6 address in brackets: [::1]:3478.",
     .show_default = [](const DaemonConfig& c) { return join(effective_listen(c), " "); },
     .set = set_listen},
    {.name = "no-udp", .same_in_coturn = true, .help = "Do not accept clients over UDP.", .set = set_no_udp},
    {.name = "no-tcp",
     .same_in_coturn = true,
     .help = "Do not accept clients over TCP (which also rules out TCP allocations, RFC 6062).",
     .set = set_no_tcp},
    {.name = "relay-ip",
     .placeholder = "IP",
     .same_in_coturn = true,
     .repeatable = true,
     .help = "Local address relayed sockets bind to; one per address family is used.",
     .show_default =
         [](const DaemonConfig& c) {
             return c.relay_ips.empty() ? std::string("the IP of each listen address") : join(c.relay_ips, " ");
         },
     .set = set_relay_ip},
    {.name = "external-ip",
     .placeholder = "RELAY=PUBLIC",
     .same_in_coturn = true,
     .repeatable = true,
     .help = "Behind NAT: tell clients PUBLIC instead of the relay ip RELAY. A bare PUBLIC applies to every "
             "relay ip of its family; coturn's PUBLIC/RELAY form is accepted too.",
     .show_default = show_none,
     .set = set_external_ip},
    {.name = "relay-ports",
     .placeholder = "MIN-MAX",
     .help = "Ports relayed addresses are allocated from.",
     .show_default =
         [](const DaemonConfig& c) {
             return cat({std::to_string(c.relay_port_min), "-", std::to_string(c.relay_port_max)});
         },
     .set = set_relay_ports},
    {.name = "realm",
     .placeholder = "TEXT",
     .same_in_coturn = true,
     .help = "Realm of the long-term credentials, sent to clients in 401 responses.",
     .show_default = [](const DaemonConfig& c) { return c.realm; },
     .set = set_realm},
    {.name = "user",
     .placeholder = "NAME:PASSWORD",
     .same_in_coturn = true,
     .repeatable = true,
     .help = "A long-term credential. The password is everything after the first ':', so it may contain ':'. "
             "coturn's 0x-prefixed keys are not understood: give the password.",
     .show_default = show_none,
     .set = set_user},
    {.name = "auth-secret",
     .placeholder = "SECRET",
     .aliases = "static-auth-secret",
     .repeatable = true,
     .help = "Shared secret for time-limited credentials (the TURN REST scheme of coturn's use-auth-secret). "
             "Give several to rotate: a credential made with any of them is accepted.",
     .show_default = show_none,
     .set = set_auth_secret},
    {.name = "expiry-policy",
     .placeholder = "refresh|allocate|strict",
     .help = "When a time-limited credential expires: refresh - its allocation cannot be refreshed and lives out "
             "its lifetime; allocate - it is checked only when allocating; strict - its allocation ends.",
     .show_default = show_keyword<&DaemonConfig::expiry_policy, kExpiryPolicies>,
     .set = set_keyword<&DaemonConfig::expiry_policy, kExpiryPolicies>},
    {.name = "nonce-lifetime",
     .placeholder = "SECONDS",
     .help = "How long a nonce is valid; then the client gets 438 (Stale Nonce) and retries with a new one.",
     .show_default = show_seconds<&DaemonConfig::nonce_lifetime>,
     .set = set_seconds<&DaemonConfig::nonce_lifetime>},
    {.name = "allow-peer",
     .placeholder = "CIDR",
     .aliases = "allowed-peer-ip",
     .repeatable = true,
     .help = "Let clients reach peers in CIDR that the built-in deny list (private, loopback, link-local, "
             "multicast and other special ranges) refuses. One IP means a full-length prefix.",
     .show_default = show_none,
     .set = set_peers<&DaemonConfig::allow_peers>},
    {.name = "deny-peer",
     .placeholder = "CIDR",
     .aliases = "denied-peer-ip",
     .repeatable = true,
     .help = "Refuse peers in CIDR, in addition to the built-in deny list; wins over allow-peer.",
     .show_default = show_none,
     .set = set_peers<&DaemonConfig::deny_peers>},
    {.name = "default-lifetime",
     .placeholder = "SECONDS",
     .help = "Allocation lifetime when the client asks for none; at most max-allocate-lifetime.",
     .show_default = show_seconds<&DaemonConfig::default_lifetime>,
     .set = set_seconds<&DaemonConfig::default_lifetime>},
    {.name = "max-allocate-lifetime",
     .placeholder = "SECONDS",
     .same_in_coturn = true,
     .help = "Longest allocation lifetime granted; longer requests are cut to it.",
     .show_default = show_seconds<&DaemonConfig::max_lifetime>,
     .set = set_seconds<&DaemonConfig::max_lifetime>},
    {.name = "permission-lifetime",
     .placeholder = "SECONDS",
     .same_in_coturn = true,
     .help = "Lifetime of a permission (RFC 8656 fixes 300).",
     .show_default = show_seconds<&DaemonConfig::permission_lifetime>,
     .set = set_seconds<&DaemonConfig::permission_lifetime>},
    {.name = "channel-lifetime",
     .placeholder = "SECONDS",
     .same_in_coturn = true,
     .help = "Lifetime of a channel binding (RFC 8656 fixes 600).",
     .show_default = show_seconds<&DaemonConfig::channel_lifetime>,
     .set = set_seconds<&DaemonConfig::channel_lifetime>},
    {.name = "threads",
     .placeholder = "N",
     .aliases = "relay-threads",
     .help = "Relay shards, each a thread with its own sockets and allocations; 0 means one per core.",
     .show_default = [](const DaemonConfig& c) {
         return c.threads == 0 ? std::string("0 (one per core)") : std::to_string(c.threads);
     },
     .set = set_count<&DaemonConfig::threads>},
    {.name = "io",
     .placeholder = "uring|epoll",
     .help = "How relay shards do socket I/O: uring - io_uring with multishot receives into provided buffers and "
             "batched sends; epoll - Asio's epoll reactor. Without a usable io_uring (old kernel, sandbox), uring "
             "falls back to epoll with a warning.",
     .show_default = show_keyword<&DaemonConfig::io_backend, kIoBackends>,
     .set = set_keyword<&DaemonConfig::io_backend, kIoBackends>},
    {.name = "max-allocations",
     .placeholder = "N",
     .aliases = "total-quota",
     .help = "Most allocations this server holds at once.",
     .show_default = show_count<&DaemonConfig::max_allocations>,
     .set = set_count<&DaemonConfig::max_allocations>},
    {.name = "user-quota",
     .placeholder = "N",
     .same_in_coturn = true,
     .help = "Most allocations one user name holds at once.",
     .show_default = show_count<&DaemonConfig::user_quota>,
     .set = set_count<&DaemonConfig::user_quota>},
    {.name = "udp-receive-buffer",
     .placeholder = "BYTES",
     .help = "Receive buffer (SO_RCVBUF) of every UDP listener and relay socket; a larger one rides out bursts a "
             "busy shard cannot read at once. Above net.core.rmem_max it needs CAP_NET_ADMIN. 0: the system's "
             "default.",
     .show_default = show_bytes<&DaemonConfig::udp_receive_buffer>,
     .set = set_bytes<&DaemonConfig::udp_receive_buffer>},
    {.name = "udp-send-buffer",
     .placeholder = "BYTES",
     .help = "Send buffer (SO_SNDBUF) of every UDP listener and relay socket. Above net.core.wmem_max it needs "
             "CAP_NET_ADMIN. 0: the system's default.",
     .show_default = show_bytes<&DaemonConfig::udp_send_buffer>,
     .set = set_bytes<&DaemonConfig::udp_send_buffer>},
    {.name = "idle-poll-us",
     .placeholder = "MICROSECONDS",
     .help = "After relaying, a shard polls this long for more traffic before it sleeps: the next datagram of "
             "a busy flow then skips a wake-up, which shortens the relay hop. It costs CPU: up to this long per "
             "burst of traffic, nothing while idle. Worth it only where each shard has a core to itself (10 is a "
             "good start); on shared cores or under a CPU quota (a Kubernetes limit) the polling delays others "
             "or is throttled, and the tail gets worse. 0: sleep at once.",
     .show_default = [](const DaemonConfig& c) { return std::to_string(c.idle_poll.count()); },
     .set = set_idle_poll},
    {.name = "rfc5766-channels",
     .help = "Also accept channel numbers 0x5000-0x7FFF, which RFC 5766 clients (coturn's turnutils_uclient "
             "among them) may pick; RFC 8656 allows only 0x4000-0x4FFF.",
     .set = set_rfc5766_channels},
    {.name = "log-level",
     .placeholder = "debug|info|warning|error",
     .help = "Least severe log messages written.",
     .show_default = show_keyword<&DaemonConfig::log_level, kLogLevels>,
     .set = set_keyword<&DaemonConfig::log_level, kLogLevels>},
    {.name = "log-format",
     .placeholder = "text|json",
     .help = "Log lines as text, or as one JSON object each.",
     .show_default = show_keyword<&DaemonConfig::log_format, kLogFormats>,
     .set = set_keyword<&DaemonConfig::log_format, kLogFormats>},
    {.name = "software",
     .placeholder = "TEXT",
     .help = "Value of the SOFTWARE attribute in responses.",
     .show_default = [](const DaemonConfig& c) { return c.software; },
     .set = set_software},
    {.name = "prometheus",
     .same_in_coturn = true,
     .help = "Serve Prometheus metrics at http://prometheus-address:prometheus-port/metrics: requests, "
             "allocations, relayed packets and bytes, authentication failures and dropped packets by reason, "
             "per shard.",
     .set = set_prometheus},
    {.name = "prometheus-address",
     .placeholder = "IP",
     .same_in_coturn = true,
     .help = "Address the metrics listener binds; loopback unless told otherwise.",
     .show_default = [](const DaemonConfig& c) { return c.prometheus_address.to_string(); },
     .set = set_prometheus_address},
    {.name = "prometheus-port",
     .placeholder = "PORT",
     .same_in_coturn = true,
     .help = "Port of the metrics listener.",
     .show_default = [](const DaemonConfig& c) { return std::to_string(c.prometheus_port); },
     .set = set_prometheus_port},
    {.name = "http-listen",
     .placeholder = "ADDR:PORT",
     .help = "Serve the HTTP API (identities, user access tokens, relay configurations) on ADDR:PORT. It manages "
             "identities, so it binds loopback unless told otherwise.",
     .show_default = [](const DaemonConfig& c) { return effective_http_listen(c).to_string(); },
     .set = set_http_listen},
    {.name = "http-cert",
     .placeholder = "FILE",
     .help = "PEM certificate chain; with http-key, the API is served over HTTPS.",
     .show_default = show_none,
     .set = set_path<&DaemonConfig::http_cert>},
    {.name = "http-key",
     .placeholder = "FILE",
     .help = "PEM private key of http-cert.",
     .show_default = show_none,
     .set = set_path<&DaemonConfig::http_key>},
    {.name = "no-relay",
     .help = "Serve the HTTP API only: no STUN/TURN listeners. Give the relay nodes the same auth-secret.",
     .set = set_no_relay},
    {.name = "no-http", .help = "Relay only: no HTTP API.", .set = set_no_http},
    {.name = "access-key-file",
     .placeholder = "FILE",
     .help = "The access key (base64) that signs management requests and user access tokens; give several "
             "API nodes the same file. Without it, a key is generated once and kept in state-dir.",
     .show_default = [](const DaemonConfig&) { return std::string("generated in state-dir"); },
     .set = set_path<&DaemonConfig::access_key_file>},
    {.name = "state-dir",
     .placeholder = "DIR",
     .help = "Where the API keeps its identity database and, when not given, its generated access key and "
             "auth-secret (created with mode 0700, files 0600).",
     .show_default = [](const DaemonConfig& c) { return c.state_dir; },
     .set = set_path<&DaemonConfig::state_dir>},
    {.name = "public-url",
     .placeholder = "URL",
     .repeatable = true,
     .help = "An ICE server URL handed out in relay configurations: stun:HOST:PORT, "
             "turn:HOST:PORT?transport=udp|tcp or turns:HOST:PORT?transport=tcp.",
     .show_default = [](const DaemonConfig&) { return std::string("stun: and turn: URLs of each listen address"); },
     .set = set_public_url},
    {.name = "help", .command_line_only = true, .help = "Print this help and exit.", .set = set_help},
    {.name = "version", .command_line_only = true, .help = "Print the version and exit.", .set = set_version},

    // coturn spellings that do not map one-to-one onto a Tern option.
    {.name = "listening-ip",
     .placeholder = "IP",
     .repeatable = true,
     .group = OptionGroup::Coturn,
     .maps_to = "listen",
     .help = "Listen on IP at listening-port (3478 unless given).",
     .set = set_listening_ip},
    {.name = "listening-port",
     .placeholder = "PORT",
     .group = OptionGroup::Coturn,
     .maps_to = "listen",
     .help = "Port for each listening-ip; without any, for 0.0.0.0 and [::].",
     .set = set_listening_port},
    {.name = "min-port",
     .placeholder = "PORT",
     .group = OptionGroup::Coturn,
     .maps_to = "relay-ports",
     .help = "Low end of relay-ports.",
     .set = set_relay_port_end<&DaemonConfig::relay_port_min>},
    {.name = "max-port",
     .placeholder = "PORT",
     .group = OptionGroup::Coturn,
     .maps_to = "relay-ports",
     .help = "High end of relay-ports.",
     .set = set_relay_port_end<&DaemonConfig::relay_port_max>},
    {.name = "stale-nonce",
     .placeholder = "[SECONDS]",
     .group = OptionGroup::Coturn,
     .maps_to = "nonce-lifetime",
     .help = "nonce-lifetime SECONDS. Without a value it changes nothing, as Tern's nonces always expire; "
             "0 (coturn: never expire) is refused.",
     .set = set_stale_nonce},
    {.name = "verbose",
     .group = OptionGroup::Coturn,
     .maps_to = "log-level",
     .help = "log-level info.",
     .set = set_log_level_to<LogLevel::Info>},
    {.name = "Verbose",
     .group = OptionGroup::Coturn,
     .maps_to = "log-level",
     .help = "log-level debug.",
     .set = set_log_level_to<LogLevel::Debug>},
    {.name = "no-software-attribute",
     .group = OptionGroup::Coturn,
     .maps_to = "software",
     .help = "Send no SOFTWARE attribute.",
     .set = set_no_software},
    {.name = "no-loopback-peers",
     .group = OptionGroup::Coturn,
     .maps_to = "deny-peer",
     .help = "deny-peer 127.0.0.0/8 and ::1: refused by default already, and then allow-peer cannot reopen them.",
     .set = set_no_loopback_peers},
    {.name = "no-multicast-peers",
     .group = OptionGroup::Coturn,
     .maps_to = "deny-peer",
     .help = "deny-peer 224.0.0.0/4 and ff00::/8: refused by default already, and then allow-peer cannot reopen "
             "them.",
     .set = set_no_multicast_peers},

    // coturn flags that ask for what Tern does anyway, or for parts Tern does not have. Their help text
    // is the reason given in the notice.
    {.name = "lt-cred-mech",
     .group = OptionGroup::Ignored,
     .help = "long-term credentials are used whenever user or auth-secret is given.",
     .set = set_ignored},
    {.name = "use-auth-secret",
     .group = OptionGroup::Ignored,
     .maps_to = "auth-secret",
     .help = "auth-secret alone turns time-limited credentials on.",
     .set = set_ignored},
    {.name = "fingerprint",
     .group = OptionGroup::Ignored,
     .help = "FINGERPRINT use follows the protocol and is not configurable.",
     .set = set_ignored},
    {.name = "no-cli",
     .group = OptionGroup::Ignored,
     .help = "Tern has no telnet admin interface.",
     .set = set_ignored},
    {.name = "no-tls",
     .group = OptionGroup::Ignored,
     .help = "Tern has no TLS listener to turn off.",
     .set = set_ignored},
    {.name = "no-dtls",
     .group = OptionGroup::Ignored,
     .help = "Tern has no DTLS listener to turn off.",
     .set = set_ignored},
    {.name = "no-stun-backward-compatibility",
     .group = OptionGroup::Ignored,
     .help = "Tern never answers RFC 3489 requests (those without the magic cookie).",
     .set = set_ignored},
};

}  // namespace

std::span<const Option> option_table() { return kOptions; }

}  // namespace tern::server
