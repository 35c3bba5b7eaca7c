#pragma once
// ternd's options. One table (option_table()) drives the command line, the config file and --help:
// each entry has its name, the coturn spellings it also answers to, a value placeholder, its help
// text, and a setter that checks the text and stores it into DaemonConfig.
//
// Why not Boost.program_options or getopt_long: neither reports a config file error as `file:line`,
// neither keeps coturn's spellings next to ours, and with either the help text would live apart from
// the parser. A small table of our own is the single source of truth for all three uses.
//
// Config file syntax: one option per line, `name = value` or `name=value`, or a bare `name` for a
// flag. Surrounding whitespace is trimmed. A line whose first non-blank character is `#` is a comment;
// `#` anywhere else is part of the value, since passwords and secrets may contain it. Values are taken
// literally (no quotes are removed).
//
// external-ip: RELAY=PUBLIC, coturn's PUBLIC/RELAY, or a bare PUBLIC, which is stored with the relay
// set to the unspecified address of its family (0.0.0.0 or ::), meaning every relay ip of that family.
//
// Precedence: the file (--config FILE, which only the command line may give) is applied first, then
// the command line: a single-valued option on the command line replaces the file's; repeatable options
// collect from both. A single-valued option given twice in one source is an error.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/transport_address.hpp"
#include "server/config/daemon_config.hpp"

namespace tern::server {

struct ConfigError {
    std::string source;   // "ternd.conf:12", or "command line"
    std::string message;  // "relay-ports: expected MIN-MAX ..."

    std::string to_string() const;  // "ternd.conf:12: relay-ports: expected MIN-MAX ..."
};

struct ParsedConfig {
    DaemonConfig config;
    // Things the daemon should log, each starting with its source: coturn options accepted with no
    // effect, and values Tern reads differently from coturn.
    std::vector<std::string> notices;
    bool help = false;     // --help was given: nothing else was read
    bool version = false;  // --version was given: nothing else was read
};

// Parses the command line (args[0], the program name, is skipped), reading --config FILE first when
// given. Pure apart from reading that file, so SIGHUP can call it again with the same arguments.
std::variant<ParsedConfig, ConfigError> parse_options(std::span<const std::string_view> args);
std::variant<ParsedConfig, ConfigError> parse_options(int argc, const char* const* argv);

// What `ternd --help` prints: every option with its value, default and coturn spellings.
std::string help_text();

// The addresses to listen on: config.listen, or 0.0.0.0:3478 and [::]:3478 when it is empty.
std::vector<protocol::TransportAddress> effective_listen(const DaemonConfig& config);

// The HTTP API's address: config.http_listen, or 127.0.0.1:8080 (loopback, as the API manages
// identities) when it is unset.
protocol::TransportAddress effective_http_listen(const DaemonConfig& config);

// ---- The table, exposed so tests (and a future config dump) can walk it. ----

namespace detail {
struct Builder;  // parse state: the config being built and coturn values waiting to be combined
}  // namespace detail

enum class OptionArity : std::uint8_t { Flag, Value, OptionalValue };

enum class OptionGroup : std::uint8_t {
    Tern,     // a Tern option
    Coturn,   // a coturn spelling that does not map one-to-one (min-port sets one end of relay-ports)
    Ignored,  // a coturn flag that is already Tern's behaviour or means nothing here: a notice only
};

struct Option {
    std::string_view name{};         // no dashes; case matters (coturn has both verbose and Verbose)
    std::string_view placeholder{};  // "ADDR:PORT"; empty for a flag; bracketed ("[SECONDS]") if optional
    std::string_view aliases{};      // other accepted names (coturn's), separated by spaces
    bool same_in_coturn = false;     // coturn spells this option the same way
    bool repeatable = false;
    bool command_line_only = false;
    OptionGroup group = OptionGroup::Tern;
    std::string_view maps_to{};  // Coturn and Ignored entries: the Tern option this stands for, if any
    std::string_view help{};
    // The default as --help shows it, rendered from DaemonConfig{} so it cannot drift; null for none.
    std::string (*show_default)(const DaemonConfig&) = nullptr;
    // Checks `value` and stores it; returns the reason when the value is refused. A flag gets "", and
    // so does an optional value left out.
    std::optional<std::string> (*set)(detail::Builder&, std::string_view value) = nullptr;

    OptionArity arity() const noexcept {
        if (placeholder.empty()) return OptionArity::Flag;
        return placeholder.front() == '[' ? OptionArity::OptionalValue : OptionArity::Value;
    }
};

std::span<const Option> option_table();

}  // namespace tern::server
