#pragma once
// The request and response types of the HTTP API, and the limits every connection is held to. Bodies
// are whole strings: the parser refuses anything over kMaxBodyBytes before a handler sees it.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstddef>

namespace tern::http {

namespace beast_http = boost::beast::http;
using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;
using Status = beast_http::status;

// Management bodies are a few hundred bytes; 64 KiB leaves room without letting a client make the
// single-threaded daemon buffer much.
inline constexpr std::size_t kMaxBodyBytes = 64 * 1024;
inline constexpr std::size_t kMaxHeaderBytes = 16 * 1024;
// A connection that sends nothing (or too slowly) for this long is closed, so idle connections
// cannot pile up.
inline constexpr std::chrono::seconds kReadTimeout{30};
inline constexpr std::chrono::seconds kWriteTimeout{30};

}  // namespace tern::http
