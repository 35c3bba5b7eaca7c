#pragma once
// Credential math of the long-term mechanism (RFC 8489 §9.2) and of TURN REST shared secrets
// (the scheme of coturn's use-auth-secret): pure functions of strings, OpenSSL for the hashes.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace tern::protocol {

using Md5Key = std::array<std::uint8_t, 16>;
using Sha256Key = std::array<std::uint8_t, 32>;

// MD5(username ":" realm ":" password); PASSWORD-ALGORITHM 0x0001 and the RFC 5389 default.
// The password must already be OpaqueString-prepared (see opaque_string.hpp).
Md5Key long_term_key_md5(std::string_view username, std::string_view realm, std::string_view password);
// SHA-256 of the same string; PASSWORD-ALGORITHM 0x0002.
Sha256Key long_term_key_sha256(std::string_view username, std::string_view realm, std::string_view password);
// USERHASH = SHA-256(username ":" realm).
Sha256Key userhash(std::string_view username, std::string_view realm);

// TURN REST ephemeral password: base64(HMAC-SHA1(secret, username)), username "<expiry>:<id>".
std::string turn_rest_password(std::string_view secret, std::string_view username);

}  // namespace tern::protocol
