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
#include "server/config/option_builder.hpp"
#include "server/config/option_sources.hpp"

namespace tern::server {

using protocol::AddressFamily;
using protocol::IpAddress;
using protocol::TransportAddress;
using detail::Builder;
using detail::cat;
using detail::is_unspecified;
using detail::parse_bool;
using detail::unspecified;
using detail::kCommandLine;
using detail::Setting;
using detail::read_command_line;
using detail::read_config_lines;
using detail::read_text;

namespace {

// ---- Applying ----

std::optional<ConfigError> apply(Builder& b, std::span<const Setting> settings, bool in_file) {
    std::map<const Option*, std::size_t> first_on;  // single-valued options seen in this source: their line
    for (const Setting& s : settings) {
        const Option& option = *s.option;
        const auto fail = [&](std::string_view why) { return ConfigError{s.where, cat({s.spelled, ": ", why})}; };
        std::string_view value = s.value.value_or(std::string_view{});
        switch (option.arity()) {
            case OptionArity::Flag:
                if (s.value) {
                    const auto on = parse_bool(value);
                    if (!on) return fail(cat({"takes no value (or yes/no), got '", value, "'"}));
                    if (!*on) continue;  // coturn's `flag = false`: as if absent
                    value = {};
                }
                break;
            case OptionArity::Value:
                if (value.empty()) return fail(cat({"missing value (expected ", option.placeholder, ")"}));
                break;
            case OptionArity::OptionalValue:
                break;
        }
        if (option.command_line_only && in_file) return fail("allowed on the command line only");
        if (!option.repeatable) {
            const auto [first, inserted] = first_on.try_emplace(&option, s.line);
            if (!inserted)
                return fail(in_file ? cat({"given twice (first on line ", std::to_string(first->second), ")"})
                                    : "given twice");
        }
        b.current = &option;
        b.spelled = s.spelled;
        b.where = s.where;
        if (auto why = option.set(b, value)) return fail(*why);
        b.applied.emplace_back(option.name, s.where);
    }
    return std::nullopt;
}

// Removes exact repeats, keeping the first: the same address from the file and the command line must
// not be bound twice.
template <class T>
void drop_repeats(std::vector<T>& items) {
    std::vector<T> kept;
    for (T& item : items)
        if (std::find(kept.begin(), kept.end(), item) == kept.end()) kept.push_back(std::move(item));
    items = std::move(kept);
}

// Combines coturn spellings and checks what no single option can check alone. (Lifetimes > 0 and a
// sane relay-ports value are already enforced by their setters.)
std::optional<ConfigError> finish(Builder& b) {
    DaemonConfig& c = b.config();
    if (!b.listening_ips.empty() || b.listening_port) {
        std::vector<IpAddress> ips = b.listening_ips;
        if (ips.empty()) ips = {unspecified(AddressFamily::IPv4), unspecified(AddressFamily::IPv6)};
        for (const IpAddress& ip : ips) c.listen.push_back({ip, b.listening_port.value_or(3478)});
    }
    drop_repeats(c.listen);
    drop_repeats(c.relay_ips);
    drop_repeats(c.external_ips);
    drop_repeats(c.users);
    drop_repeats(c.auth_secrets);
    drop_repeats(c.allow_peers);
    drop_repeats(c.deny_peers);
    drop_repeats(c.public_urls);

    // The source of the last of these options applied; the message names the options itself.
    const auto blame = [&](std::initializer_list<std::string_view> names) {
        for (auto it = b.applied.rbegin(); it != b.applied.rend(); ++it)
            if (std::ranges::find(names, it->first) != names.end()) return it->second;
        return std::string("configuration");
    };
    if (!c.udp && !c.tcp)
        return ConfigError{blame({"no-udp", "no-tcp"}), "no-udp and no-tcp leave nothing to listen on"};
    if (!c.relay && !c.http)
        return ConfigError{blame({"no-relay", "no-http"}), "no-relay and no-http leave nothing to serve"};
    if (c.http_cert.has_value() != c.http_key.has_value())
        return ConfigError{blame({"http-cert", "http-key"}), "http-cert and http-key must be given together"};
    if (c.relay_port_min > c.relay_port_max)
        return ConfigError{blame({"relay-ports", "min-port", "max-port"}),
                           cat({"relay-ports: MIN ", std::to_string(c.relay_port_min), " is above MAX ",
                                std::to_string(c.relay_port_max)})};
    if (c.default_lifetime > c.max_lifetime)
        return ConfigError{blame({"default-lifetime", "max-allocate-lifetime"}),
                           cat({"default-lifetime ", std::to_string(c.default_lifetime.count()),
                                " is above max-allocate-lifetime ", std::to_string(c.max_lifetime.count())})};
    for (std::size_t i = 0; i < c.users.size(); ++i)
        for (std::size_t j = i + 1; j < c.users.size(); ++j)
            if (c.users[i].name == c.users[j].name)
                return ConfigError{blame({"user"}),
                                   cat({"user '", c.users[i].name, "' is given twice with different passwords"})};
    for (std::size_t i = 0; i < c.external_ips.size(); ++i) {
        const ExternalIp& e = c.external_ips[i];
        for (std::size_t j = i + 1; j < c.external_ips.size(); ++j)
            if (c.external_ips[j].relay == e.relay)
                return ConfigError{blame({"external-ip"}),
                                   cat({"external-ip: relay ip ", e.relay.to_string(), " is mapped to both ",
                                        e.public_ip.to_string(), " and ", c.external_ips[j].public_ip.to_string()})};
        // Catches a typo in RELAY, which would otherwise leave the real relay ip unmapped.
        if (!is_unspecified(e.relay) && !c.relay_ips.empty() &&
            std::ranges::find(c.relay_ips, e.relay) == c.relay_ips.end())
            return ConfigError{blame({"external-ip"}),
                               cat({"external-ip: ", e.relay.to_string(), " is not a relay-ip"})};
    }
    return std::nullopt;
}

}  // namespace

// ---- Public ----

std::string ConfigError::to_string() const { return cat({source, ": ", message}); }


std::vector<TransportAddress> effective_listen(const DaemonConfig& config) {
    if (!config.listen.empty()) return config.listen;
    return {{unspecified(AddressFamily::IPv4), 3478}, {unspecified(AddressFamily::IPv6), 3478}};
}

TransportAddress effective_http_listen(const DaemonConfig& config) {
    return config.http_listen.value_or(TransportAddress{IpAddress::v4({127, 0, 0, 1}), 8080});
}

std::variant<ParsedConfig, ConfigError> parse_options(std::span<const std::string_view> args) {
    auto command_line = read_command_line(args);
    if (auto* error = std::get_if<ConfigError>(&command_line)) return std::move(*error);
    const auto& given = std::get<std::vector<Setting>>(command_line);

    Builder b;
    // --help and --version answer without reading anything else, so they work even with a broken
    // config file.
    std::vector<Setting> early;
    std::ranges::copy_if(given, std::back_inserter(early),
                         [](const Setting& s) { return s.option->name == "help" || s.option->name == "version"; });
    if (!early.empty()) {
        if (auto error = apply(b, early, false)) return std::move(*error);
        return std::move(b.result);
    }

    std::string file_text;  // the file's settings point into it
    std::vector<Setting> from_file;
    std::vector<Setting> configs;
    std::ranges::copy_if(given, std::back_inserter(configs),
                         [](const Setting& s) { return s.option->name == "config"; });
    if (!configs.empty()) {
        // Checked here, before the file is read, as the file's path comes from it.
        if (auto error = apply(b, configs, false)) return std::move(*error);
        const std::string& path = *b.config().config_file;
        auto text = read_text(path);
        if (auto* error = std::get_if<ConfigError>(&text)) return std::move(*error);
        file_text = std::move(std::get<std::string>(text));
        auto lines = read_config_lines(path, file_text);
        if (auto* error = std::get_if<ConfigError>(&lines)) return std::move(*error);
        from_file = std::move(std::get<std::vector<Setting>>(lines));
    }

    if (auto error = apply(b, from_file, true)) return std::move(*error);
    if (auto error = apply(b, given, false)) return std::move(*error);
    if (auto error = finish(b)) return std::move(*error);
    return std::move(b.result);
}

std::variant<ParsedConfig, ConfigError> parse_options(int argc, const char* const* argv) {
    std::vector<std::string_view> args;
    for (int i = 0; i < argc; ++i) args.emplace_back(argv[i]);
    return parse_options(args);
}

}  // namespace tern::server
