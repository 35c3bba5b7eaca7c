#pragma once
// Which endpoint a request names, and whether it carries an api-version that endpoint speaks. Paths
// follow the ACS Identity and Network Traversal REST APIs; their literal parts compare
// case-insensitively, as the hosted service's do.
//
//   POST   /identities                                  CreateIdentity
//   DELETE /identities/{id}                             DeleteIdentity
//   POST   /identities/{id}/:issueAccessToken           IssueAccessToken
//   POST   /identities/{id}/:revokeAccessTokens         RevokeAccessTokens
//   POST   /networkTraversal/:issueRelayConfiguration   IssueRelayConfiguration

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "server/http/api_error.hpp"
#include "server/http/request_target.hpp"

namespace tern::http {

enum class Endpoint : std::uint8_t {
    CreateIdentity,
    DeleteIdentity,
    IssueAccessToken,
    RevokeAccessTokens,
    IssueRelayConfiguration,
};

struct Route {
    Endpoint endpoint{};
    std::string identity_id;  // the {id} segment, percent-decoded; empty when the path has none
};

// 404 for a path no endpoint has, 405 (with Allow) for a method the path does not take.
std::variant<Route, ApiError> route(beast_http::verb method, const RequestTarget& target);

// The api-version values each family of endpoints accepts.
std::span<const std::string_view> accepted_api_versions(Endpoint endpoint);

// 400 MissingApiVersion or InvalidApiVersion (target "api-version") unless the query names one of
// accepted_api_versions(endpoint).
std::optional<ApiError> check_api_version(Endpoint endpoint, const RequestTarget& target);

// Whether a management endpoint (identities) as opposed to the relay configuration endpoint.
constexpr bool is_identity_endpoint(Endpoint e) noexcept { return e != Endpoint::IssueRelayConfiguration; }

}  // namespace tern::http
