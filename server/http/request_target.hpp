#pragma once
// A request target ("/identities/8%3Aacs%3Ax/:issueAccessToken?api-version=2023-10-01") split into
// percent-decoded path segments and query parameters. Splitting happens before decoding, so an
// encoded '/' inside an identity id stays inside its segment.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tern::http {

struct RequestTarget {
    std::vector<std::string> segments;  // "/a/b/" -> {"a", "b"}
    std::vector<std::pair<std::string, std::string>> query;

    // Nothing when the target is not origin-form ("/...") or holds a bad percent escape.
    static std::optional<RequestTarget> parse(std::string_view target);

    // The first value of a query parameter; names compare case-sensitively, as ACS's do.
    std::optional<std::string_view> query_value(std::string_view name) const;
};

// RFC 3986 percent-decoding; '+' is left alone (paths do not use form encoding, and ACS SDKs encode
// spaces as %20). Nothing on a truncated or non-hex escape.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace tern::http
