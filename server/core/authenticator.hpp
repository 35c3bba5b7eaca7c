#pragma once
// The long-term credential mechanism of RFC 8489 §9.2 as a pure decision: given a request, say who
// sent it and with which key, or why not and which error answers it. Covers RFC 5389 clients (MD5 key,
// MESSAGE-INTEGRITY) and RFC 8489 ones (PASSWORD-ALGORITHMS, MESSAGE-INTEGRITY-SHA256, USERHASH).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "auth/credential_store.hpp"
#include "auth/long_term_key.hpp"
#include "auth/nonce.hpp"
#include "protocol/error_code.hpp"
#include "protocol/message_view.hpp"
#include "server/core/instant.hpp"

namespace tern::server {

struct AuthOk {
    std::string username;
    auth::LongTermKey key;
    bool sha256_integrity = false;  // the request used MESSAGE-INTEGRITY-SHA256; so does the answer
    std::optional<std::int64_t> credential_expires_unix;
};

enum class AuthFailureReason : std::uint8_t {
    NoCredentials,         // first request of the exchange: the 401 challenge
    MissingAttributes,     // integrity without USERNAME/USERHASH, REALM or NONCE
    StaleNonce,
    ForgedNonce,
    BadPasswordAlgorithm,  // RFC 8489 §9.2.4 downgrade checks
    UnknownUser,
    Expired,
    BadIntegrity,
};
inline constexpr std::size_t kAuthFailureReasons = 8;

std::string_view to_string(AuthFailureReason r) noexcept;

struct AuthFailure {
    AuthFailureReason reason;
    protocol::ErrorCode code;  // 400, 401 or 438
    std::string username;      // as claimed, for the log; may be empty
};

class Authenticator {
public:
    Authenticator(const auth::CredentialStore& credentials, const auth::NonceIssuer& nonces) noexcept
        : credentials_(credentials), nonces_(nonces) {}

    // `check_expiry` false skips the expiry of ephemeral usernames (expiry policy `allocate`).
    std::variant<AuthOk, AuthFailure> authenticate(const protocol::MessageView& request,
                                                   const protocol::TransportAddress& client, Instant now,
                                                   bool check_expiry) const;

private:
    const auth::CredentialStore& credentials_;
    const auth::NonceIssuer& nonces_;
};

}  // namespace tern::server
