#pragma once
// The parse state the option setters write into: the config being built, where each option came
// from, and coturn values waiting to be combined. Shared by the option table and the parser.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/config/options.hpp"

namespace tern::server::detail {

// Joins pieces into one string. Used instead of `"literal" + std::string`, on which GCC 12 warns
// falsely (-Wrestrict).
inline std::string cat(std::initializer_list<std::string_view> parts) {
    std::string out;
    for (std::string_view p : parts) out += p;
    return out;
}

struct Builder {
    ParsedConfig result;
    const Option* current = nullptr;  // the option being applied,
    std::string_view spelled;         // as it was written
    std::string_view where;           // at this source, for notices
    // coturn's listening-ip and listening-port, combined into listen addresses once both sources are
    // read, so that a port given on the command line applies to addresses from the file.
    std::vector<protocol::IpAddress> listening_ips;
    std::optional<std::uint16_t> listening_port;
    // Where each applied option came from, in order: cross-field errors blame the last line involved.
    std::vector<std::pair<std::string_view, std::string>> applied;

    DaemonConfig& config() { return result.config; }
    void notice(std::string_view text) { result.notices.push_back(cat({where, ": ", text})); }
};

// coturn treats a value given to a flag in its config file as a boolean.
inline std::optional<bool> parse_bool(std::string_view s) {
    for (std::string_view yes : {"yes", "true", "on", "1"})
        if (s == yes) return true;
    for (std::string_view no : {"no", "false", "off", "0"})
        if (s == no) return false;
    return std::nullopt;
}

inline protocol::IpAddress unspecified(protocol::AddressFamily family) {
    protocol::IpAddress a;
    a.family = family;
    return a;
}

inline bool is_unspecified(const protocol::IpAddress& a) { return a == unspecified(a.family); }

}  // namespace tern::server::detail
