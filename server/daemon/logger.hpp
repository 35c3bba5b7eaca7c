#pragma once
// ternd's log: one line per event on stderr, as text for people or JSON for collectors. Fields are
// key/value pairs so both formats carry the same information. Level and format can change at runtime
// (SIGHUP); the daemon's threads each log whole lines with one write.

#include <atomic>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "server/config/daemon_config.hpp"

namespace tern::server {

using LogField = std::pair<std::string_view, std::string_view>;

class Logger {
public:
    void configure(LogLevel level, LogFormat format) noexcept;
    bool enabled(LogLevel level) const noexcept { return level >= level_.load(std::memory_order_relaxed); }

    void log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {}) const;
    void debug(std::string_view m, std::initializer_list<LogField> f = {}) const { log(LogLevel::Debug, m, f); }
    void info(std::string_view m, std::initializer_list<LogField> f = {}) const { log(LogLevel::Info, m, f); }
    void warning(std::string_view m, std::initializer_list<LogField> f = {}) const { log(LogLevel::Warning, m, f); }
    void error(std::string_view m, std::initializer_list<LogField> f = {}) const { log(LogLevel::Error, m, f); }

    // The line as it would be written, without the trailing newline (for tests).
    std::string format_line(LogLevel level, std::string_view message, std::initializer_list<LogField> fields,
                            std::string_view timestamp) const;

private:
    std::atomic<LogLevel> level_{LogLevel::Info};
    std::atomic<LogFormat> format_{LogFormat::Text};
};

std::string_view to_string(LogLevel level) noexcept;

}  // namespace tern::server
