#include "server/config/option_sources.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <system_error>

namespace tern::server::detail {
namespace {

std::string cat(std::initializer_list<std::string_view> parts) {
    std::string out;
    for (std::string_view p : parts) out += p;
    return out;
}

std::string_view trim(std::string_view s) {
    constexpr std::string_view kSpace = " \t\r\n\f\v";
    const auto first = s.find_first_not_of(kSpace);
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// The names an option answers to: its own, then its aliases.
std::vector<std::string_view> names_of(const Option& o) {
    std::vector<std::string_view> names{o.name};
    std::string_view rest = o.aliases;
    while (!rest.empty()) {
        const auto space = rest.find(' ');
        if (space != 0) names.push_back(rest.substr(0, space));
        rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
    }
    return names;
}

}  // namespace

const Option* find_option(std::string_view key) {
    for (const Option& o : option_table())
        for (std::string_view name : names_of(o))
            if (name == key) return &o;
    return nullptr;
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j < row.size(); ++j) row[j] = j;
    for (std::size_t i = 0; i < a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i + 1;
        for (std::size_t j = 0; j < b.size(); ++j) {
            const std::size_t above = row[j + 1];
            row[j + 1] = std::min({above + 1, row[j] + 1, diagonal + (a[i] == b[j] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// "unknown option 'lisen' (did you mean 'listen'?)": typos in a config file are the common case.
std::string unknown_option(std::string_view prefix, std::string_view key) {
    const std::size_t tolerance = std::clamp<std::size_t>(key.size() / 3, 1, 2);
    std::string_view best;
    std::size_t best_distance = tolerance + 1;
    for (const Option& o : option_table())
        for (std::string_view name : names_of(o))
            if (const std::size_t d = edit_distance(key, name); d < best_distance) {
                best = name;
                best_distance = d;
            }
    std::string message = cat({"unknown option '", prefix, key, "'"});
    if (!best.empty()) message += cat({" (did you mean '", prefix, best, "'?)"});
    return message;
}

}  // namespace

std::variant<std::vector<Setting>, ConfigError> read_command_line(std::span<const std::string_view> args) {
    std::vector<Setting> settings;
    for (std::size_t i = 1; i < args.size(); ++i) {
        std::string_view arg = args[i];
        if (!arg.starts_with("--") || arg.size() == 2)
            return ConfigError{std::string(kCommandLine),
                               cat({"unexpected argument '", arg, "' (options start with --)"})};
        arg.remove_prefix(2);
        std::optional<std::string_view> value;
        if (const auto eq = arg.find('='); eq != std::string_view::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        }
        const Option* option = find_option(arg);
        if (option == nullptr) return ConfigError{std::string(kCommandLine), unknown_option("--", arg)};
        // ternd takes no positional arguments, so a following word can only be this option's value. A
        // following --word is taken for the next option, so `--listen --no-udp` reports a missing value.
        if (!value && option->arity() != OptionArity::Flag && i + 1 < args.size() && !args[i + 1].starts_with("--"))
            value = args[++i];
        settings.push_back({option, cat({"--", arg}), value, std::string(kCommandLine)});
    }
    return settings;
}

std::variant<std::string, ConfigError> read_text(const std::string& path) {
    struct Close {
        void operator()(std::FILE* f) const { std::fclose(f); }
    };
    const auto failed = [&] {
        return ConfigError{std::string(kCommandLine),
                           cat({"--config: cannot read '", path, "': ", std::generic_category().message(errno)})};
    };
    errno = 0;
    const std::unique_ptr<std::FILE, Close> file(std::fopen(path.c_str(), "rb"));
    if (!file) return failed();
    std::string text;
    std::array<char, 4096> buffer;
    for (std::size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), file.get())) > 0;)
        text.append(buffer.data(), n);
    if (std::ferror(file.get())) return failed();  // a directory opens, then fails to read (EISDIR)
    return text;
}

std::variant<std::vector<Setting>, ConfigError> read_config_lines(std::string_view path, std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 byte order mark
    std::vector<Setting> settings;
    std::size_t line_number = 0;
    while (!text.empty()) {
        const auto newline = text.find('\n');
        const std::string_view raw = text.substr(0, newline);
        text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
        ++line_number;
        const std::string_view line = trim(raw);
        if (line.empty() || line.front() == '#') continue;

        std::string where = cat({path, ":", std::to_string(line_number)});
        const auto eq = line.find('=');
        const std::string_view key = trim(line.substr(0, eq));
        std::optional<std::string_view> value;
        if (eq != std::string_view::npos) value = trim(line.substr(eq + 1));
        if (key.empty() || key.find_first_of(" \t") != std::string_view::npos)
            return ConfigError{std::move(where), cat({"expected 'KEY = VALUE' or a bare KEY, got '", line, "'"})};
        const Option* option = find_option(key);
        if (option == nullptr) return ConfigError{std::move(where), unknown_option("", key)};
        settings.push_back({option, std::string(key), value, std::move(where), line_number});
    }
    return settings;
}

}  // namespace tern::server::detail
