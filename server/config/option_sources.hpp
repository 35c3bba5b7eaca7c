#pragma once
// Reading ternd's two option sources, the command line and the config file, into settings: which
// option, as spelled, with which value text, from where. Values are checked later, when applied.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "server/config/options.hpp"

namespace tern::server::detail {

// One option as found in a source, before its value is checked.
struct Setting {
    const Option* option;
    std::string spelled;                    // as written: "--listen" on the command line, "listen" in a file
    std::optional<std::string_view> value;  // into the arguments or the file text, which outlive it
    std::string where;                      // "command line" or "FILE:LINE"
    std::size_t line = 0;                   // LINE, in a file
};

inline constexpr std::string_view kCommandLine = "command line";

const Option* find_option(std::string_view key);
std::variant<std::vector<Setting>, ConfigError> read_command_line(std::span<const std::string_view> args);
std::variant<std::string, ConfigError> read_text(const std::string& path);
std::variant<std::vector<Setting>, ConfigError> read_config_lines(std::string_view path, std::string_view text);

}  // namespace tern::server::detail
