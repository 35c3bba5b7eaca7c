#pragma once
// Authentication of API requests. Management requests are signed with the access key as ACS clients
// sign them (auth/request_signing.hpp); the relay configuration endpoint also takes, as Tern's
// extension, "Authorization: Bearer <user access token>" with the voip scope.

#include <cstdint>
#include <span>
#include <variant>

#include "auth/request_signing.hpp"
#include "server/http/api_context.hpp"
#include "server/http/api_error.hpp"
#include "server/http/http_message.hpp"
#include "server/http/router.hpp"

namespace tern::http {

// The server's signature check. The method, target, Host and date (x-ms-date, else Date) are taken
// verbatim from the request as received, since the client signed those exact bytes.
auth::SignatureCheck check_signed_request(std::span<const std::uint8_t> access_key, const Request& request,
                                          std::int64_t now_unix);

// 401 when the request proves nothing, 403 when it proves a caller this endpoint does not serve.
std::variant<Caller, ApiError> authenticate(const Request& request, Endpoint endpoint, const ApiContext& context);

}  // namespace tern::http
