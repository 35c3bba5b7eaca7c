#include "server/http/api_service.hpp"

#include <boost/beast/http/field.hpp>
#include <chrono>
#include <exception>
#include <string_view>

#include "server/http/api_handlers.hpp"
#include "server/http/json_fields.hpp"
#include "server/http/request_auth.hpp"
#include "server/http/router.hpp"

namespace tern::http {
namespace {

// "application/json", in any case, with or without parameters such as "; charset=utf-8".
bool is_json_media_type(std::string_view content_type) {
    constexpr std::string_view kJson = "application/json";
    const std::string_view media = content_type.substr(0, content_type.find(';'));
    std::string_view trimmed = media;
    while (!trimmed.empty() && trimmed.back() == ' ') trimmed.remove_suffix(1);
    if (trimmed.size() != kJson.size()) return false;
    for (std::size_t i = 0; i < kJson.size(); ++i) {
        const char c = trimmed[i];
        if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kJson[i]) return false;
    }
    return true;
}

}  // namespace

ApiService::ApiService(std::vector<std::uint8_t> access_key, std::unique_ptr<auth::IdentityStore> identities,
                       RelaySettings relay, auth::Random& random, Clock clock)
    : access_key_(std::move(access_key)),
      tokens_(access_key_),
      identities_(std::move(identities)),
      relay_(std::move(relay)),
      random_(random),
      clock_(std::move(clock)) {}

std::int64_t ApiService::system_clock_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Response ApiService::handle(const Request& request) {
    const ApiContext context{access_key_, tokens_, *identities_, relay_, random_, clock_()};
    Response response;
    try {
        response = dispatch(request, context);
    } catch (const std::exception& e) {
        // The store throws when the database fails (disk full, I/O error): nothing was promised yet.
        response = error_response(
            ApiError{Status::internal_server_error, "InternalError", std::string("the request failed: ") + e.what(), {}, {}});
    }
    response.version(request.version());
    response.keep_alive(request.keep_alive());
    return response;
}

Response ApiService::dispatch(const Request& request, const ApiContext& context) {
    const auto target = RequestTarget::parse({request.target().data(), request.target().size()});
    if (!target)
        return error_response(ApiError{Status::bad_request, "InvalidRequest", "the request target is malformed", {}, {}});
    const auto routed = route(request.method(), *target);
    if (const auto* error = std::get_if<ApiError>(&routed)) return error_response(*error);
    const Route& where = std::get<Route>(routed);
    if (auto error = check_api_version(where.endpoint, *target)) return error_response(*error);

    const auto caller = authenticate(request, where.endpoint, context);
    if (const auto* error = std::get_if<ApiError>(&caller)) return error_response(*error);

    if (!request.body().empty()) {
        const auto type = request.find(beast_http::field::content_type);
        if (type == request.end() || !is_json_media_type({type->value().data(), type->value().size()}))
            return error_response(ApiError{Status::unsupported_media_type, "UnsupportedMediaType",
                                           "a request body must be Content-Type: application/json", {}, {}});
    }
    const auto body = parse_json_object(request.body());
    if (const auto* error = std::get_if<ApiError>(&body)) return error_response(*error);
    const auto& object = std::get<boost::json::object>(body);

    switch (where.endpoint) {
    case Endpoint::CreateIdentity: return create_identity(context, object);
    case Endpoint::IssueAccessToken: return issue_access_token(context, where.identity_id, object);
    case Endpoint::RevokeAccessTokens: return revoke_access_tokens(context, where.identity_id);
    case Endpoint::DeleteIdentity: return delete_identity(context, where.identity_id);
    case Endpoint::IssueRelayConfiguration:
        return issue_relay_configuration(context, std::get<Caller>(caller), object);
    }
    return error_response(ApiError{Status::not_found, "NotFound", "no endpoint has this path", {}, {}});
}

}  // namespace tern::http
