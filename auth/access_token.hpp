#pragma once
// User access tokens: compact JWS (RFC 7515) with HS256, unpadded base64url, claims at least
// sub (identity id), scp (scopes), iat, exp and a key id in the header (kid). The signing key is
// derived from the access key with HKDF-SHA256 (RFC 5869) under a label of its own, so it differs
// from the key that signs management requests. Verification refuses any alg but HS256 (none
// included), a bad signature, an unknown kid, and an expired token. Revocation is the caller's
// check (identity_store.hpp), since it needs state.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tern::auth {

struct TokenClaims {
    std::string subject;              // sub: the identity id
    std::vector<std::string> scopes;  // scp
    std::int64_t issued_at = 0;       // iat, seconds
    std::int64_t issued_at_ms = 0;    // private claim: milliseconds, so revocation can be exact
    std::int64_t expires_at = 0;      // exp, seconds

    bool has_scope(std::string_view scope) const noexcept;
};

enum class TokenError : std::uint8_t { Malformed, BadAlgorithm, UnknownKey, BadSignature, Expired };
std::string_view to_string(TokenError e) noexcept;

class TokenSigner {
public:
    explicit TokenSigner(std::span<const std::uint8_t> access_key);

    std::string issue(const TokenClaims& claims) const;
    std::variant<TokenClaims, TokenError> verify(std::string_view token, std::int64_t now_unix) const;

    const std::string& key_id() const noexcept { return key_id_; }

private:
    std::vector<std::uint8_t> key_;
    std::string key_id_;
};

// RFC 4648 §5 without padding.
std::string base64url_encode(std::span<const std::uint8_t> bytes);
std::optional<std::vector<std::uint8_t>> base64url_decode(std::string_view text);

}  // namespace tern::auth
