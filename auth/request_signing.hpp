#pragma once
// HMAC-SHA256 request signing as Azure Communication Services clients do it, so their SDKs' signing
// code works against Tern's management API. One implementation serves both sides: the server
// verifies with it and the `tern` CLI signs with it.
//
//   x-ms-content-sha256: base64(SHA-256(body))
//   string to sign:      VERB "\n" path-and-query "\n" date ";" host ";" content-hash
//   Authorization:       HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<base64>
//   signature:           HMAC-SHA256(base64-decoded access key, string to sign)
// The received Host and date strings are used verbatim.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tern::auth {

// base64(SHA-256(body)): the x-ms-content-sha256 header value.
std::string content_hash(std::string_view body);

std::string string_to_sign(std::string_view method, std::string_view path_and_query, std::string_view date,
                           std::string_view host, std::string_view content_hash);

// base64(HMAC-SHA256(key, string_to_sign)).
std::string sign(std::span<const std::uint8_t> key, std::string_view string_to_sign);

// The Authorization header value for a signature.
std::string authorization_header(std::string_view signature);

// RFC 7231 IMF-fixdate ("Thu, 26 May 2022 07:16:33 GMT"), as x-ms-date and Date carry it.
std::string http_date(std::int64_t unix_seconds);
std::optional<std::int64_t> parse_http_date(std::string_view text);

struct RequestToVerify {
    std::string_view method;
    std::string_view path_and_query;  // as received, e.g. "/identities?api-version=2023-10-01"
    std::string_view host;            // the Host header, verbatim
    std::string_view date;            // x-ms-date, or Date when x-ms-date is absent
    std::string_view content_hash;    // x-ms-content-sha256
    std::string_view authorization;   // the Authorization header
    std::string_view body;
};

enum class SignatureCheck : std::uint8_t {
    Valid,
    MissingHeaders,    // no Authorization, date, host or content hash
    Malformed,         // Authorization not of the HMAC-SHA256 form, or signing other headers
    StaleDate,         // unparseable, or more than the allowed skew from now
    BodyHashMismatch,  // x-ms-content-sha256 is not the hash of the body
    BadSignature,
};

std::string_view to_string(SignatureCheck c) noexcept;

// Constant-time comparison of the signature; `max_skew_seconds` either side of `now_unix`.
SignatureCheck verify_request(std::span<const std::uint8_t> key, const RequestToVerify& request,
                              std::int64_t now_unix, std::int64_t max_skew_seconds = 15 * 60);

// "endpoint=https://HOST:PORT/;accesskey=BASE64" (keys case-insensitive, order free).
struct ConnectionString {
    std::string endpoint;  // "https://host:port/" as given
    std::string scheme;    // "https" or "http"
    std::string host;      // without port; lowercased; an IPv6 literal without its brackets
    std::uint16_t port = 443;
    std::vector<std::uint8_t> access_key;

    static std::optional<ConnectionString> parse(std::string_view text);
    std::string host_header() const;  // "host" or "host:port" when the port is not the scheme's default
};

}  // namespace tern::auth
