#pragma once
// What a TURN client proves its identity with: a long-term username and password (RFC 8489 §9.2), or
// one derived from a TURN REST shared secret, the scheme of coturn's use-auth-secret: the username is
// "<expiry-unix-seconds>:<id>" and the password base64(HMAC-SHA1(secret, username)).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tern::client {

struct Credentials {
    std::string username;
    std::string password;
    // Set for credentials made from a shared secret: after this Unix second the server refuses them
    // (a server with the `strict` expiry policy also ends the allocation then).
    std::optional<std::int64_t> expires_unix;

    static Credentials long_term(std::string username, std::string password);

    // `now_unix` is the current wall-clock time as a value (the library reads no clock): the username
    // is valid for `validity` from then. The same username is used for the whole allocation, since a
    // server refuses to refresh an allocation under another name.
    static Credentials from_shared_secret(std::string_view secret, std::string_view id, std::int64_t now_unix,
                                          std::chrono::seconds validity = std::chrono::hours(24));
};

}  // namespace tern::client
