#include "server/http/router.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>

namespace tern::http {
namespace {

constexpr std::array<std::string_view, 5> kIdentityVersions = {"2021-03-07", "2022-06-01", "2022-10-01",
                                                               "2023-08-01", "2023-10-01"};
// Network Traversal was released as previews and 2022-02-01; later ones added routeType and ttl.
constexpr std::array<std::string_view, 5> kRelayVersions = {"2021-06-21-preview", "2021-10-08-preview",
                                                            "2022-02-01", "2022-03-01-preview", "2023-10-01"};

bool iequals(std::string_view a, std::string_view b) noexcept {
    return std::ranges::equal(a, b, [](char x, char y) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        return lower(x) == lower(y);
    });
}

ApiError not_found(std::string_view what) {
    return ApiError{Status::not_found, "NotFound", std::string(what), {}, {}};
}

// A path that exists but not with this method.
std::variant<Route, ApiError> only(beast_http::verb method, beast_http::verb allowed, Route route) {
    if (method == allowed) return route;
    const std::string name(beast_http::to_string(allowed));
    return ApiError{Status::method_not_allowed, "MethodNotAllowed", "this path takes " + name + " only", {}, name};
}

}  // namespace

std::variant<Route, ApiError> route(beast_http::verb method, const RequestTarget& target) {
    const auto& s = target.segments;
    using beast_http::verb;
    if (s.size() == 2 && iequals(s[0], "networkTraversal") && iequals(s[1], ":issueRelayConfiguration"))
        return only(method, verb::post, {Endpoint::IssueRelayConfiguration, {}});
    if (s.empty() || !iequals(s[0], "identities")) return not_found("no endpoint has this path");
    if (s.size() == 1) return only(method, verb::post, {Endpoint::CreateIdentity, {}});
    if (s.size() == 2) return only(method, verb::delete_, {Endpoint::DeleteIdentity, s[1]});
    if (s.size() == 3 && iequals(s[2], ":issueAccessToken"))
        return only(method, verb::post, {Endpoint::IssueAccessToken, s[1]});
    if (s.size() == 3 && iequals(s[2], ":revokeAccessTokens"))
        return only(method, verb::post, {Endpoint::RevokeAccessTokens, s[1]});
    return not_found("no endpoint has this path");
}

std::span<const std::string_view> accepted_api_versions(Endpoint endpoint) {
    if (is_identity_endpoint(endpoint)) return kIdentityVersions;
    return kRelayVersions;
}

std::optional<ApiError> check_api_version(Endpoint endpoint, const RequestTarget& target) {
    const auto given = target.query_value("api-version");
    const auto accepted = accepted_api_versions(endpoint);
    std::string list;
    for (const auto v : accepted) list.append(list.empty() ? "" : ", ").append(v);
    if (!given || given->empty())
        return bad_field("api-version", "the query parameter is required; accepted: " + list, "MissingApiVersion");
    if (std::ranges::find(accepted, *given) == accepted.end())
        return bad_field("api-version", fmt::format("'{}' is not supported; accepted: {}", *given, list),
                         "InvalidApiVersion");
    return std::nullopt;
}

}  // namespace tern::http
