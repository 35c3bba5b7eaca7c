#include "server/http/iso_time.hpp"

#include <chrono>
#include <cstdio>

namespace tern::http {

std::string iso8601_utc(std::int64_t unix_ms) {
    using namespace std::chrono;
    const sys_time<milliseconds> instant{milliseconds{unix_ms}};
    const auto day = floor<days>(instant);
    const year_month_day date{day};
    const hh_mm_ss<milliseconds> time{instant - day};
    char text[40];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03d+00:00", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()), static_cast<int>(time.subseconds().count()));
    return text;
}

}  // namespace tern::http
