// POST /networkTraversal/:issueRelayConfiguration: a time-limited TURN credential in the TURN REST
// scheme ("<expiry>:<identity>", base64(HMAC-SHA1(auth-secret, username))), so every relay node
// holding the auth secret accepts it without asking this node or its database.

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <string>

#include "protocol/credentials.hpp"
#include "server/http/api_handlers.hpp"
#include "server/http/iso_time.hpp"
#include "server/http/json_fields.hpp"

namespace tern::http {
namespace {

constexpr std::int64_t kMaxTtlSeconds = 172800;  // 48 hours, ACS's default and limit
constexpr std::array<std::string_view, 2> kRouteTypes = {"any", "nearest"};

// A name for credentials nobody asked to tie to an identity; random so that two callers' credentials
// differ and quotas per user name do not lump them together.
std::string anonymous_id(auth::Random& random) {
    std::array<std::uint8_t, 12> bytes{};
    random.fill(bytes);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id = "anonymous-";
    for (const auto b : bytes) {
        id += kHex[b >> 4];
        id += kHex[b & 15];
    }
    return id;
}

}  // namespace

Response issue_relay_configuration(const ApiContext& context, const Caller& caller, const boost::json::object& body) {
    JsonFields fields(body);
    const auto id = fields.string("id");
    const auto route_type = fields.string("routeType").value_or("any");
    const std::int64_t ttl = fields.integer("ttl", 0, kMaxTtlSeconds).value_or(kMaxTtlSeconds);
    if (std::ranges::find(kRouteTypes, route_type) == kRouteTypes.end())
        fields.fail(bad_field("routeType", "'" + route_type + "' is not a route type; use any or nearest"));
    if (id && id->empty()) fields.fail(bad_field("id", "must not be empty"));
    if (fields.error()) return error_response(*fields.error());

    std::int64_t expires = context.now_seconds() + ttl;
    std::string identity;
    if (caller.user) {
        // A user gets credentials for itself only, and never past its own token.
        if (id && *id != caller.user->subject)
            return error_response(ApiError{Status::forbidden, "Forbidden",
                                           "id must be the access token's own identity", "id", {}});
        identity = caller.user->subject;
        expires = std::min(expires, caller.user->expires_at);
    } else if (id) {
        if (auto error = check_identity(context, *id)) return error_response(*error);
        identity = *id;
    } else {
        identity = anonymous_id(context.random);
    }
    if (context.relay.urls.empty() || context.relay.auth_secret.empty())
        return error_response(ApiError{Status::service_unavailable, "NoRelay",
                                       "no relay is configured: public-url and auth-secret are needed", {}, {}});

    const std::string username = std::to_string(expires) + ":" + identity;
    boost::json::array urls;
    for (const auto& url : context.relay.urls) urls.emplace_back(url);
    boost::json::object server{
        {"urls", std::move(urls)},
        {"username", username},
        {"credential", protocol::turn_rest_password(context.relay.auth_secret, username)},
        {"routeType", route_type},
    };
    boost::json::array servers;
    servers.emplace_back(std::move(server));
    boost::json::object answer;
    answer["iceServers"] = std::move(servers);
    answer["expiresOn"] = iso8601_utc(expires * 1000);
    return json_response(Status::ok, answer);
}

}  // namespace tern::http
