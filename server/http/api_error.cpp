#include "server/http/api_error.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>
#include <string>

namespace tern::http {

ApiError bad_field(std::string_view field, std::string_view message, std::string_view code) {
    std::string text(field);
    text += ": ";
    text += message;
    return ApiError{Status::bad_request, std::string(code), std::move(text), std::string(field), {}};
}

Response json_response(Status status, const boost::json::value& body, unsigned http_version) {
    Response response{status, http_version};
    response.set(beast_http::field::content_type, "application/json; charset=utf-8");
    response.body() = boost::json::serialize(body);
    response.prepare_payload();
    return response;
}

Response empty_response(Status status, unsigned http_version) {
    Response response{status, http_version};
    response.prepare_payload();
    return response;
}

Response error_response(const ApiError& error, unsigned http_version) {
    boost::json::object detail{{"code", error.code}, {"message", error.message}};
    if (!error.target.empty()) detail["target"] = error.target;
    Response response = json_response(error.status, boost::json::object{{"error", std::move(detail)}}, http_version);
    if (!error.allow.empty()) response.set(beast_http::field::allow, error.allow);
    return response;
}

}  // namespace tern::http
