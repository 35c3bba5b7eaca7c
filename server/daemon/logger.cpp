#include "server/daemon/logger.hpp"

#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <ctime>

namespace tern::server {

std::string_view to_string(LogLevel level) noexcept {
    switch (level) {
        case LogLevel::Debug: return "debug";
        case LogLevel::Info: return "info";
        case LogLevel::Warning: return "warning";
        case LogLevel::Error: return "error";
    }
    return "info";
}

namespace {

std::string utc_timestamp() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[80];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    return buf;
}

// Text values with spaces, quotes or '=' are quoted so a line splits back into its fields.
void append_text_value(std::string& out, std::string_view v) {
    const bool plain = !v.empty() && v.find_first_of(" \"=\t\n") == std::string_view::npos;
    if (plain) {
        out += v;
        return;
    }
    out += '"';
    for (const char c : v) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    out += '"';
}

}  // namespace

void Logger::configure(LogLevel level, LogFormat format) noexcept {
    level_.store(level, std::memory_order_relaxed);
    format_.store(format, std::memory_order_relaxed);
}

std::string Logger::format_line(LogLevel level, std::string_view message, std::initializer_list<LogField> fields,
                                std::string_view timestamp) const {
    if (format_.load(std::memory_order_relaxed) == LogFormat::Json) {
        boost::json::object o;
        o["ts"] = timestamp;
        o["level"] = to_string(level);
        o["msg"] = message;
        for (const auto& [k, v] : fields) o[k] = v;
        return boost::json::serialize(o);
    }
    std::string out;
    out.reserve(64 + message.size());
    out += timestamp;
    out += ' ';
    out += to_string(level);
    out += ' ';
    out += message;
    for (const auto& [k, v] : fields) {
        out += ' ';
        out += k;
        out += '=';
        append_text_value(out, v);
    }
    return out;
}

void Logger::log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) const {
    if (!enabled(level)) return;
    std::string line = format_line(level, message, fields, utc_timestamp());
    line += '\n';
    // One write per line keeps lines whole when several threads log.
    const ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
    (void)ignored;
}

}  // namespace tern::server
