#pragma once
// Answers of the HTTP API. Errors have ACS's shape, {"error":{"code","message"[,"target"]}}, so SDKs
// surface them as they surface the hosted service's; `target` names the offending field.

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "server/http/http_message.hpp"

namespace tern::http {

struct ApiError {
    Status status = Status::bad_request;
    std::string code;     // "InvalidApiVersion", "IdentityNotFound", ...
    std::string message;  // for people: what was wrong and, where it helps, what is accepted
    std::string target;   // the field or parameter at fault; empty when none
    std::string allow;    // 405 only: the Allow header
};

// A 400 naming the field (or query parameter) at fault.
ApiError bad_field(std::string_view field, std::string_view message, std::string_view code = "InvalidRequest");

Response error_response(const ApiError& error, unsigned http_version = 11);
Response json_response(Status status, const boost::json::value& body, unsigned http_version = 11);
Response empty_response(Status status, unsigned http_version = 11);

}  // namespace tern::http
