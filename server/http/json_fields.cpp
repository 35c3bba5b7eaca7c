#include "server/http/json_fields.hpp"

#include <boost/json/parse.hpp>
#include <string>

namespace tern::http {

std::variant<boost::json::object, ApiError> parse_json_object(std::string_view body) {
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return boost::json::object{};
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(body, ec);
    if (ec) return ApiError{Status::bad_request, "InvalidRequest", "the body is not JSON: " + ec.message(), {}, {}};
    if (!value.is_object())
        return ApiError{Status::bad_request, "InvalidRequest", "the body must be a JSON object", {}, {}};
    return std::move(value.as_object());
}

const boost::json::value* JsonFields::find(std::string_view name) const {
    const auto* value = object_.if_contains(name);
    if (value == nullptr || value->is_null()) return nullptr;
    return value;
}

void JsonFields::fail(ApiError error) {
    if (!error_) error_ = std::move(error);
}

std::optional<std::int64_t> JsonFields::integer(std::string_view name, std::int64_t min, std::int64_t max) {
    const auto* value = find(name);
    if (value == nullptr) return std::nullopt;
    const std::string range = "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max);
    std::optional<std::int64_t> number;
    if (value->is_int64()) number = value->as_int64();
    else if (value->is_uint64() && value->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        number = static_cast<std::int64_t>(value->as_uint64());
    if (!number || *number < min || *number > max) {
        fail(bad_field(name, range));
        return std::nullopt;
    }
    return number;
}

std::optional<std::string> JsonFields::string(std::string_view name) {
    const auto* value = find(name);
    if (value == nullptr) return std::nullopt;
    if (!value->is_string()) {
        fail(bad_field(name, "must be a string"));
        return std::nullopt;
    }
    return std::string(value->as_string());
}

std::optional<std::vector<std::string>> JsonFields::strings(std::string_view name) {
    const auto* value = find(name);
    if (value == nullptr) return std::nullopt;
    std::vector<std::string> out;
    if (value->is_array()) {
        for (const auto& item : value->as_array()) {
            if (!item.is_string()) break;
            out.emplace_back(item.as_string());
        }
        if (out.size() == value->as_array().size()) return out;
    }
    fail(bad_field(name, "must be an array of strings"));
    return std::nullopt;
}

}  // namespace tern::http
