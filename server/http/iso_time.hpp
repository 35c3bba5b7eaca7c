#pragma once
// expiresOn values as ACS writes them: ISO 8601 in UTC with fractional seconds and an explicit offset,
// "2023-10-10T21:39:39.324+00:00". Clients parse them as DateTimeOffset/Date, so the offset matters.

#include <cstdint>
#include <string>

namespace tern::http {

std::string iso8601_utc(std::int64_t unix_ms);

}  // namespace tern::http
