#include "bench/tern_bench/process_usage.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace tern::bench {

namespace {

std::optional<std::string> read_text(const std::string& path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

double seconds_of(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }

double cpu_of(int who) {
    rusage usage{};
    if (::getrusage(who, &usage) != 0) return 0.0;
    return seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
}

}  // namespace

std::optional<double> parse_stat_cpu_seconds(std::string_view stat_text, long ticks_per_second) {
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields are counted from
    // the last ')'. utime and stime are fields 14 and 15, i.e. the 12th and 13th after the state.
    const auto paren = stat_text.rfind(')');
    if (paren == std::string_view::npos || ticks_per_second <= 0) return std::nullopt;
    std::string_view rest = stat_text.substr(paren + 1);
    unsigned long long ticks[2] = {0, 0};
    for (int field = 3; field <= 15; ++field) {
        const auto start = rest.find_first_not_of(' ');
        if (start == std::string_view::npos) return std::nullopt;
        rest.remove_prefix(start);
        const auto end = std::min(rest.find(' '), rest.size());
        if (field >= 14) {
            const auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + end, ticks[field - 14]);
            if (ec != std::errc{} || ptr != rest.data() + end) return std::nullopt;
        }
        rest.remove_prefix(end);
    }
    return static_cast<double>(ticks[0] + ticks[1]) / static_cast<double>(ticks_per_second);
}

std::optional<long> parse_status_rss_kib(std::string_view status_text) {
    const auto at = status_text.find("VmRSS:");
    if (at == std::string_view::npos) return std::nullopt;
    std::string_view rest = status_text.substr(at + 6);
    const auto start = rest.find_first_not_of(" \t");
    if (start == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(start);
    long kib = 0;
    const auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), kib);
    if (ec != std::errc{}) return std::nullopt;
    return kib;
}

std::optional<std::uint64_t> parse_schedstat_run_ns(std::string_view schedstat_text) {
    std::uint64_t ns = 0;
    const auto [ptr, ec] = std::from_chars(schedstat_text.data(), schedstat_text.data() + schedstat_text.size(), ns);
    if (ec != std::errc{} || ptr == schedstat_text.data()) return std::nullopt;
    return ns;
}

std::optional<double> process_cpu_seconds(pid_t pid) {
    const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
    std::error_code ec;
    std::uint64_t run_ns = 0;
    bool any = false;
    for (const auto& task : std::filesystem::directory_iterator(tasks, ec)) {
        const auto text = read_text(task.path() / "schedstat");
        const auto ns = text ? parse_schedstat_run_ns(*text) : std::nullopt;
        if (!ns) continue;  // a thread that ended meanwhile, or no schedstat in this kernel
        run_ns += *ns;
        any = true;
    }
    if (any) return static_cast<double>(run_ns) / 1e9;
    const auto text = read_text("/proc/" + std::to_string(pid) + "/stat");
    if (!text) return std::nullopt;
    return parse_stat_cpu_seconds(*text, ::sysconf(_SC_CLK_TCK));
}

std::optional<long> process_rss_kib(pid_t pid) {
    const auto text = read_text("/proc/" + std::to_string(pid) + "/status");
    if (!text) return std::nullopt;
    return parse_status_rss_kib(*text);
}

double self_cpu_seconds() { return cpu_of(RUSAGE_SELF); }
double thread_cpu_seconds() { return cpu_of(RUSAGE_THREAD); }

}  // namespace tern::bench

namespace tern::bench {

UsageMark take_usage_mark(std::optional<pid_t> server_pid) {
    UsageMark mark;
    mark.at = std::chrono::steady_clock::now();
    if (server_pid) {
        mark.server_cpu_seconds = process_cpu_seconds(*server_pid);
        mark.server_rss_kib = process_rss_kib(*server_pid);
    }
    mark.self_cpu_seconds = self_cpu_seconds();
    return mark;
}

std::optional<double> server_cores_between(const UsageMark& from, const UsageMark& to) noexcept {
    const double wall = std::chrono::duration<double>(to.at - from.at).count();
    if (!from.server_cpu_seconds || !to.server_cpu_seconds || wall <= 0) return std::nullopt;
    return (*to.server_cpu_seconds - *from.server_cpu_seconds) / wall;
}

double self_cores_between(const UsageMark& from, const UsageMark& to) noexcept {
    const double wall = std::chrono::duration<double>(to.at - from.at).count();
    return wall > 0 ? (to.self_cpu_seconds - from.self_cpu_seconds) / wall : 0.0;
}

}  // namespace tern::bench
