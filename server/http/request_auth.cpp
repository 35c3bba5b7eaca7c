#include "server/http/request_auth.hpp"

#include <boost/beast/http/field.hpp>
#include <string>
#include <string_view>

namespace tern::http {
namespace {

constexpr std::string_view kRelayScope = "voip";

std::string_view header(const Request& request, std::string_view name) {
    const auto it = request.find(name);
    if (it == request.end()) return {};
    return {it->value().data(), it->value().size()};
}

// The token of "Bearer <token>" (scheme case-insensitive, RFC 7235), or nothing for another scheme.
std::optional<std::string_view> bearer_token(std::string_view authorization) {
    constexpr std::string_view kScheme = "bearer ";
    if (authorization.size() <= kScheme.size()) return std::nullopt;
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        const char c = authorization[i];
        const char lower = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
        if (lower != kScheme[i]) return std::nullopt;
    }
    std::string_view token = authorization.substr(kScheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    return token;
}

ApiError unauthorized(std::string_view code, std::string_view message) {
    return ApiError{Status::unauthorized, std::string(code), std::string(message), {}, {}};
}

ApiError forbidden(std::string_view message) {
    return ApiError{Status::forbidden, "Forbidden", std::string(message), {}, {}};
}

ApiError signature_error(auth::SignatureCheck check) {
    using auth::SignatureCheck;
    switch (check) {
    case SignatureCheck::MissingHeaders:
        return unauthorized("InvalidAuthentication",
                            "a signed request needs Authorization, x-ms-date (or Date), Host and x-ms-content-sha256");
    case SignatureCheck::Malformed:
        return unauthorized("InvalidAuthentication",
                            "Authorization must be 'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256"
                            "&Signature=<base64 HMAC-SHA256>'");
    case SignatureCheck::StaleDate:
        return unauthorized("InvalidDate",
                            "x-ms-date (or Date) is unreadable or more than 15 minutes from the server's clock");
    case SignatureCheck::BodyHashMismatch:
        return unauthorized("ContentHashMismatch", "x-ms-content-sha256 is not the SHA-256 of the body");
    case SignatureCheck::BadSignature:
        return unauthorized("InvalidSignature", "the signature does not match the request and the access key");
    case SignatureCheck::Valid:
        break;
    }
    return unauthorized("InvalidAuthentication", "the request signature was not accepted");
}

std::variant<Caller, ApiError> check_bearer(std::string_view token, Endpoint endpoint, const ApiContext& context) {
    const auto verified = context.tokens.verify(token, context.now_seconds());
    if (const auto* error = std::get_if<auth::TokenError>(&verified)) {
        if (*error == auth::TokenError::Expired) return unauthorized("TokenExpired", "the access token has expired");
        return unauthorized("InvalidToken", "the access token was refused: " + std::string(auth::to_string(*error)));
    }
    const auto& claims = std::get<auth::TokenClaims>(verified);
    // Revocations and deletions live in the store; the token alone cannot tell.
    if (!context.identities.token_allowed(claims.subject, claims.issued_at_ms))
        return unauthorized("TokenRevoked", "the access token was revoked, or its identity deleted");
    if (is_identity_endpoint(endpoint))
        return forbidden("a user access token cannot manage identities; sign the request with the access key");
    if (!claims.has_scope(kRelayScope)) return forbidden("the access token lacks the voip scope");
    return Caller{claims};
}

}  // namespace

auth::SignatureCheck check_signed_request(std::span<const std::uint8_t> access_key, const Request& request,
                                          std::int64_t now_unix) {
    std::string_view date = header(request, "x-ms-date");
    if (date.empty()) date = header(request, "Date");
    const auth::RequestToVerify to_verify{
        .method = {request.method_string().data(), request.method_string().size()},
        .path_and_query = {request.target().data(), request.target().size()},
        .host = header(request, "Host"),
        .date = date,
        .content_hash = header(request, "x-ms-content-sha256"),
        .authorization = header(request, "Authorization"),
        .body = request.body(),
    };
    return auth::verify_request(access_key, to_verify, now_unix);
}

std::variant<Caller, ApiError> authenticate(const Request& request, Endpoint endpoint, const ApiContext& context) {
    const std::string_view authorization = header(request, "Authorization");
    if (authorization.empty()) {
        return unauthorized("MissingAuthentication",
                            is_identity_endpoint(endpoint)
                                ? "sign the request with the access key (HMAC-SHA256, as ACS clients do)"
                                : "sign the request with the access key, or send Authorization: Bearer <user "
                                  "access token>");
    }
    if (const auto token = bearer_token(authorization)) return check_bearer(*token, endpoint, context);
    const auto check = check_signed_request(context.access_key, request, context.now_seconds());
    if (check != auth::SignatureCheck::Valid) return signature_error(check);
    return Caller{};
}

}  // namespace tern::http
