#pragma once
// The `tern` CLI's client of ternd's HTTP API: signs management requests as ACS clients do (with the
// same auth/request_signing code ternd verifies with) and sends them over HTTP or HTTPS.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "auth/request_signing.hpp"

namespace tern::client {

// The headers that sign a management request: Host, x-ms-date, x-ms-content-sha256, Authorization.
struct SignedHeaders {
    std::string host;
    std::string date;
    std::string content_hash;
    std::string authorization;
};

// The CLI's signer: what `tern` sends with every request it signs with the access key.
SignedHeaders sign_request(const auth::ConnectionString& connection, std::string_view method,
                           std::string_view path_and_query, std::string_view body, std::int64_t now_unix);

struct ApiRequest {
    std::string method;          // "POST", "DELETE"
    std::string path_and_query;  // "/identities?api-version=2023-10-01"
    std::string body;            // JSON, or empty
    std::optional<std::string> bearer_token;  // set: "Authorization: Bearer", instead of signing
};

struct ApiReply {
    unsigned status = 0;
    std::string body;
};

struct TransportOptions {
    bool insecure = false;  // HTTPS without certificate verification (self-signed test servers)
    std::chrono::seconds timeout{30};
};

// Sends one request and reads the reply; the reason when no reply came (refused, timed out, TLS).
std::variant<ApiReply, std::string> call_api(const auth::ConnectionString& connection, const ApiRequest& request,
                                             const TransportOptions& options);

}  // namespace tern::client
