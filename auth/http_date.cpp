// IMF-fixdate (RFC 7231 §7.1.1.1) formatting and parsing, done by hand: strftime/strptime follow the
// process locale and gmtime/timegm are bounded by time_t, while these dates must be byte-exact
// (they are signed) and the same on every host.
#include "auth/request_signing.hpp"

#include <algorithm>
#include <array>

namespace tern::auth {
namespace {

constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::int64_t kSecondsPerDay = 86400;
// The format spells years with exactly four digits: 0000-01-01T00:00:00 .. 9999-12-31T23:59:59.
constexpr std::int64_t kMinSeconds = -62167219200;
constexpr std::int64_t kMaxSeconds = 253402300799;

struct Civil {
    std::int64_t year;
    unsigned month;  // 1..12
    unsigned day;    // 1..31
};

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, day 0 = 1970-01-01).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

Civil civil_from_days(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

unsigned weekday_from_days(std::int64_t z) noexcept {  // 0 = Sunday; 1970-01-01 was a Thursday
    return static_cast<unsigned>(z >= -4 ? (z + 4) % 7 : (z + 5) % 7 + 6);
}

bool leap(std::int64_t y) noexcept { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
    constexpr std::array<unsigned, 12> kLengths = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : kLengths[m - 1];
}

void put_digits(std::string& out, std::int64_t v, int width) {
    std::array<char, 4> buf{};
    for (int i = width - 1; i >= 0; --i) {
        buf[static_cast<std::size_t>(i)] = static_cast<char>('0' + v % 10);
        v /= 10;
    }
    out.append(buf.data(), static_cast<std::size_t>(width));
}

// The value of a field that must be all ASCII digits (no sign, no spaces).
std::optional<unsigned> read_digits(std::string_view s) noexcept {
    unsigned v = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    return v;
}

template <std::size_t N>
std::optional<unsigned> index_of(const std::array<std::string_view, N>& names, std::string_view s) noexcept {
    for (std::size_t i = 0; i < N; ++i)
        if (names[i] == s) return static_cast<unsigned>(i);
    return std::nullopt;
}

}  // namespace

std::string http_date(std::int64_t unix_seconds) {
    // Outside four-digit years the format has no spelling; clamp rather than emit a malformed date.
    const std::int64_t t = std::clamp(unix_seconds, kMinSeconds, kMaxSeconds);
    std::int64_t days = t / kSecondsPerDay;
    std::int64_t secs = t % kSecondsPerDay;
    if (secs < 0) {
        secs += kSecondsPerDay;
        --days;
    }
    const Civil c = civil_from_days(days);

    std::string out;
    out.reserve(29);
    out.append(kDays[weekday_from_days(days)]).append(", ");
    put_digits(out, c.day, 2);
    out.append(" ").append(kMonths[c.month - 1]).append(" ");
    put_digits(out, c.year, 4);
    out.append(" ");
    put_digits(out, secs / 3600, 2);
    out.append(":");
    put_digits(out, secs / 60 % 60, 2);
    out.append(":");
    put_digits(out, secs % 60, 2);
    out.append(" GMT");
    return out;
}

std::optional<std::int64_t> parse_http_date(std::string_view text) {
    // "Thu, 26 May 2022 07:16:33 GMT": fixed width, names case-sensitive (RFC 7231 §7.1.1.1).
    if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' || text[16] != ' ' ||
        text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT")
        return std::nullopt;
    const auto weekday = index_of(kDays, text.substr(0, 3));
    const auto day = read_digits(text.substr(5, 2));
    const auto month = index_of(kMonths, text.substr(8, 3));
    const auto year = read_digits(text.substr(12, 4));
    const auto hour = read_digits(text.substr(17, 2));
    const auto minute = read_digits(text.substr(20, 2));
    const auto second = read_digits(text.substr(23, 2));
    if (!weekday || !day || !month || !year || !hour || !minute || !second) return std::nullopt;
    // Second 60 is the grammar's leap second; it lands on the next minute's first second.
    if (*day < 1 || *day > days_in_month(*year, *month + 1) || *hour > 23 || *minute > 59 || *second > 60)
        return std::nullopt;

    const std::int64_t days = days_from_civil(*year, *month + 1, *day);
    // A weekday that disagrees with the date means the sender built the string wrongly.
    if (weekday_from_days(days) != *weekday) return std::nullopt;
    return days * kSecondsPerDay + *hour * 3600 + *minute * 60 + *second;
}

}  // namespace tern::auth
