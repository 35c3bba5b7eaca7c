#pragma once
// A parse result: a value, or the ParseError that explains why there is none. (std::expected is C++23.)

#include <optional>
#include <utility>

#include "protocol/parse_error.hpp"

namespace tern::protocol {

template <class T>
class Parsed {
public:
    Parsed(T value) noexcept : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
    Parsed(ParseError error) noexcept : error_(error) {}    // NOLINT(google-explicit-constructor)

    explicit operator bool() const noexcept { return value_.has_value(); }
    bool ok() const noexcept { return value_.has_value(); }
    ParseError error() const noexcept { return error_; }

    const T& operator*() const noexcept { return *value_; }
    T& operator*() noexcept { return *value_; }
    const T* operator->() const noexcept { return &*value_; }
    T* operator->() noexcept { return &*value_; }

private:
    std::optional<T> value_;
    ParseError error_ = ParseError::None;
};

}  // namespace tern::protocol
