// The identity endpoints: create, issue a user access token, revoke tokens, delete.

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <string>

#include "server/http/api_handlers.hpp"
#include "server/http/iso_time.hpp"
#include "server/http/json_fields.hpp"

namespace tern::http {
namespace {

// The scopes ACS defines; tokens carry them for the app's own use, and "voip" buys relay configurations.
constexpr std::array<std::string_view, 5> kScopes = {"chat", "voip", "chat.join", "chat.join.limited", "voip.join"};
constexpr std::int64_t kMinTokenMinutes = 60;
constexpr std::int64_t kMaxTokenMinutes = 1440;

// The scopes of `field`, checked: present, not empty, each one known.
std::vector<std::string> read_scopes(JsonFields& fields, std::string_view field, bool required) {
    auto scopes = fields.strings(field);
    if (!scopes) {
        if (required && !fields.error()) fields.fail(bad_field(field, "is required: a list of scopes such as [\"voip\"]"));
        return {};
    }
    if (scopes->empty() && required) fields.fail(bad_field(field, "must name at least one scope"));
    for (const auto& scope : *scopes) {
        if (std::ranges::find(kScopes, scope) != kScopes.end()) continue;
        std::string known;
        for (const auto s : kScopes) known.append(known.empty() ? "" : ", ").append(s);
        fields.fail(bad_field(field, "'" + scope + "' is not a scope; known scopes: " + known));
    }
    return std::move(*scopes);
}

std::int64_t read_minutes(JsonFields& fields) {
    return fields.integer("expiresInMinutes", kMinTokenMinutes, kMaxTokenMinutes).value_or(kMaxTokenMinutes);
}

boost::json::object issue_token(const ApiContext& context, std::string_view id, std::vector<std::string> scopes,
                                std::int64_t minutes) {
    auth::TokenClaims claims;
    claims.subject = std::string(id);
    claims.scopes = std::move(scopes);
    claims.issued_at = context.now_seconds();
    claims.issued_at_ms = context.now_ms;
    claims.expires_at = claims.issued_at + minutes * 60;
    return {{"token", context.tokens.issue(claims)}, {"expiresOn", iso8601_utc(claims.expires_at * 1000)}};
}

ApiError identity_not_found(std::string_view id) {
    return ApiError{Status::not_found, "IdentityNotFound", "no identity '" + std::string(id) + "'", "id", {}};
}

ApiError identity_deleted(std::string_view id) {
    return ApiError{Status::conflict, "IdentityDeleted", "the identity '" + std::string(id) + "' was deleted", "id",
                    {}};
}

}  // namespace

std::optional<ApiError> check_identity(const ApiContext& context, std::string_view id) {
    const auto record = context.identities.find(id);
    if (!record) return identity_not_found(id);
    if (record->deleted) return identity_deleted(id);
    return std::nullopt;
}

Response create_identity(const ApiContext& context, const boost::json::object& body) {
    JsonFields fields(body);
    auto scopes = read_scopes(fields, "createTokenWithScopes", false);
    const std::int64_t minutes = read_minutes(fields);
    if (fields.error()) return error_response(*fields.error());

    const auth::IdentityRecord identity = context.identities.create(context.now_ms);
    boost::json::object answer{{"identity", boost::json::object{{"id", identity.id}}}};
    if (!scopes.empty()) answer["accessToken"] = issue_token(context, identity.id, std::move(scopes), minutes);
    return json_response(Status::created, answer);
}

Response issue_access_token(const ApiContext& context, std::string_view id, const boost::json::object& body) {
    JsonFields fields(body);
    auto scopes = read_scopes(fields, "scopes", true);
    const std::int64_t minutes = read_minutes(fields);
    if (fields.error()) return error_response(*fields.error());
    if (auto error = check_identity(context, id)) return error_response(*error);
    return json_response(Status::ok, issue_token(context, id, std::move(scopes), minutes));
}

Response revoke_access_tokens(const ApiContext& context, std::string_view id) {
    if (auto error = check_identity(context, id)) return error_response(*error);
    // Returns once the revocation is on disk: the 204 must not outlive a crash.
    // False only if another node sharing the database deleted the identity since the check.
    if (!context.identities.revoke_tokens(id, context.now_ms)) return error_response(identity_deleted(id));
    return empty_response(Status::no_content);
}

Response delete_identity(const ApiContext& context, std::string_view id) {
    const auto record = context.identities.find(id);
    if (!record) return error_response(identity_not_found(id));
    if (!record->deleted) context.identities.remove(id, context.now_ms);
    return empty_response(Status::no_content);
}

}  // namespace tern::http
