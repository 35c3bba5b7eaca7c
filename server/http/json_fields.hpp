#pragma once
// Reading the JSON body of a request: one object, and typed fields that answer 400 naming the field
// when they have the wrong type or range. A reader keeps the first error, so a handler reads all its
// fields and checks once.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "server/http/api_error.hpp"

namespace tern::http {

// The body as a JSON object; an empty body is an empty object. 400 when it is not JSON or not an object.
std::variant<boost::json::object, ApiError> parse_json_object(std::string_view body);

class JsonFields {
public:
    explicit JsonFields(const boost::json::object& object) : object_(object) {}

    // Each returns nothing when the field is absent, null, or wrong (then error() says why).
    std::optional<std::int64_t> integer(std::string_view name, std::int64_t min, std::int64_t max);
    std::optional<std::string> string(std::string_view name);
    std::optional<std::vector<std::string>> strings(std::string_view name);

    // Records an error found by the caller (a value out of a set, say), unless one is already kept.
    void fail(ApiError error);
    const std::optional<ApiError>& error() const noexcept { return error_; }

private:
    const boost::json::value* find(std::string_view name) const;

    const boost::json::object& object_;
    std::optional<ApiError> error_;
};

}  // namespace tern::http
