#pragma once
// The API's endpoints, one function each, called once the request is routed, authenticated and its
// body parsed. Shapes follow the ACS Identity and Network Traversal REST APIs.

#include <boost/json/object.hpp>
#include <optional>
#include <string_view>

#include "server/http/api_context.hpp"
#include "server/http/api_error.hpp"

namespace tern::http {

// POST /identities: {"createTokenWithScopes"?: [...], "expiresInMinutes"?} ->
// 201 {"identity": {"id"}, "accessToken"?: {"token", "expiresOn"}}.
Response create_identity(const ApiContext& context, const boost::json::object& body);

// POST /identities/{id}/:issueAccessToken: {"scopes": [...], "expiresInMinutes"?} -> 200 {"token", "expiresOn"}.
Response issue_access_token(const ApiContext& context, std::string_view id, const boost::json::object& body);

// POST /identities/{id}/:revokeAccessTokens -> 204, durable before it is sent.
Response revoke_access_tokens(const ApiContext& context, std::string_view id);

// DELETE /identities/{id} -> 204; its tokens stop working too. Deleting it again is still 204.
Response delete_identity(const ApiContext& context, std::string_view id);

// 404 IdentityNotFound for an id never made here; 409 IdentityDeleted for one that was deleted (the
// id exists, but in a state that allows nothing more).
std::optional<ApiError> check_identity(const ApiContext& context, std::string_view id);

// POST /networkTraversal/:issueRelayConfiguration: {"id"?, "routeType"?, "ttl"?} ->
// 200 {"iceServers": [{"urls", "username", "credential", "routeType"}], "expiresOn"}.
Response issue_relay_configuration(const ApiContext& context, const Caller& caller, const boost::json::object& body);

}  // namespace tern::http
