#include "auth/access_token.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <memory>

#include "protocol/hmac.hpp"

namespace tern::auth {
namespace {

// HKDF inputs. The label keeps the token key apart from the request-signing key (the access key
// itself) and from any later use of the same access key; "v1" leaves room for a new derivation.
constexpr std::string_view kHkdfSalt = "tern";
constexpr std::string_view kHkdfInfo = "tern user access token v1";
constexpr std::size_t kKeySize = 32;
constexpr std::size_t kKeyIdBytes = 8;
constexpr std::string_view kAlgorithm = "HS256";

struct KdfDeleter {
    void operator()(EVP_KDF* k) const noexcept { EVP_KDF_free(k); }
};
struct KdfCtxDeleter {
    void operator()(EVP_KDF_CTX* c) const noexcept { EVP_KDF_CTX_free(c); }
};

std::span<const std::uint8_t> bytes_of(std::string_view s) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// OSSL_PARAM takes non-const pointers but only reads octet-string inputs.
OSSL_PARAM octets(const char* name, std::span<const std::uint8_t> data) {
    static constexpr std::uint8_t kEmpty = 0;  // HKDF refuses a null key even when it is empty
    void* p = const_cast<std::uint8_t*>(data.empty() ? &kEmpty : data.data());
    return OSSL_PARAM_construct_octet_string(name, p, data.size());
}

std::vector<std::uint8_t> derive_token_key(std::span<const std::uint8_t> access_key) {
    const std::unique_ptr<EVP_KDF, KdfDeleter> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
    if (!kdf) std::abort();  // OpenSSL 3 always has HKDF; without it no token could be checked
    const std::unique_ptr<EVP_KDF_CTX, KdfCtxDeleter> ctx(EVP_KDF_CTX_new(kdf.get()));
    if (!ctx) std::abort();
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
        octets(OSSL_KDF_PARAM_KEY, access_key),
        octets(OSSL_KDF_PARAM_SALT, bytes_of(kHkdfSalt)),
        octets(OSSL_KDF_PARAM_INFO, bytes_of(kHkdfInfo)),
        OSSL_PARAM_construct_end(),
    };
    std::vector<std::uint8_t> key(kKeySize);
    if (EVP_KDF_derive(ctx.get(), key.data(), key.size(), params) != 1) std::abort();
    return key;
}

// A public name for the key that reveals nothing about it, and that every node holding the same
// access key computes alike.
std::string key_id_for(std::span<const std::uint8_t> key) {
    std::array<std::uint8_t, 32> digest{};
    unsigned int len = 0;
    if (EVP_Digest(key.data(), key.size(), digest.data(), &len, EVP_sha256(), nullptr) != 1) std::abort();
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id;
    for (std::size_t i = 0; i < kKeyIdBytes; ++i) {
        id.push_back(kHex[digest[i] >> 4]);
        id.push_back(kHex[digest[i] & 15]);
    }
    return id;
}

std::string encode_json(const boost::json::value& v) {
    const std::string text = boost::json::serialize(v);
    return base64url_encode(bytes_of(text));
}

// A JSON object from a base64url part, or nothing.
std::optional<boost::json::object> decode_object(std::string_view part) {
    const auto bytes = base64url_decode(part);
    if (!bytes) return std::nullopt;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(
        boost::json::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()), ec);
    if (ec || !v.is_object()) return std::nullopt;
    return std::move(v.get_object());
}

std::optional<std::int64_t> integer(const boost::json::object& o, std::string_view key) {
    const boost::json::value* v = o.if_contains(key);
    // Boost.JSON stores every integer that fits as int64; uint64 means too large, double means not an integer.
    if (v == nullptr || !v->is_int64()) return std::nullopt;
    return v->get_int64();
}

std::optional<TokenClaims> claims_from(const boost::json::object& payload) {
    TokenClaims c;
    const boost::json::value* sub = payload.if_contains("sub");
    if (sub == nullptr || !sub->is_string() || sub->get_string().empty()) return std::nullopt;
    c.subject = std::string(sub->get_string());

    const boost::json::value* scp = payload.if_contains("scp");
    if (scp == nullptr || !scp->is_array()) return std::nullopt;
    for (const boost::json::value& s : scp->get_array()) {
        if (!s.is_string()) return std::nullopt;
        c.scopes.emplace_back(s.get_string());
    }

    const auto iat = integer(payload, "iat");
    const auto exp = integer(payload, "exp");
    if (!iat || !exp) return std::nullopt;
    c.issued_at = *iat;
    c.expires_at = *exp;

    if (payload.contains("tern_iat_ms")) {
        const auto ms = integer(payload, "tern_iat_ms");
        if (!ms) return std::nullopt;
        c.issued_at_ms = *ms;
    } else if (__builtin_mul_overflow(*iat, std::int64_t{1000}, &c.issued_at_ms)) {
        return std::nullopt;
    }
    return c;
}

}  // namespace

bool TokenClaims::has_scope(std::string_view scope) const noexcept {
    return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

std::string_view to_string(TokenError e) noexcept {
    switch (e) {
    case TokenError::Malformed: return "malformed token";
    case TokenError::BadAlgorithm: return "unsupported algorithm";
    case TokenError::UnknownKey: return "unknown key";
    case TokenError::BadSignature: return "bad signature";
    case TokenError::Expired: return "expired";
    }
    return "unknown";
}

TokenSigner::TokenSigner(std::span<const std::uint8_t> access_key)
    : key_(derive_token_key(access_key)), key_id_(key_id_for(key_)) {}

std::string TokenSigner::issue(const TokenClaims& claims) const {
    const boost::json::object header{{"alg", kAlgorithm}, {"kid", key_id_}, {"typ", "JWT"}};
    boost::json::array scopes;
    for (const std::string& s : claims.scopes) scopes.emplace_back(s);
    const boost::json::object payload{
        {"sub", claims.subject},         {"scp", std::move(scopes)},          {"iat", claims.issued_at},
        {"exp", claims.expires_at},      {"tern_iat_ms", claims.issued_at_ms},
    };
    std::string token = encode_json(header);
    token.push_back('.');
    token.append(encode_json(payload));
    const auto mac = protocol::hmac_sha256(key_, {bytes_of(token)});
    token.push_back('.');
    token.append(base64url_encode(mac));
    return token;
}

std::variant<TokenClaims, TokenError> TokenSigner::verify(std::string_view token, std::int64_t now_unix) const {
    const auto dot1 = token.find('.');
    if (dot1 == std::string_view::npos) return TokenError::Malformed;
    const auto dot2 = token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
        return TokenError::Malformed;
    const std::string_view signing_input = token.substr(0, dot2);
    const std::string_view header_part = token.substr(0, dot1);
    const std::string_view payload_part = token.substr(dot1 + 1, dot2 - dot1 - 1);
    const std::string_view signature_part = token.substr(dot2 + 1);

    // The header is read before the signature is checked, as JWS requires; only alg and kid are
    // taken from it, and only to decide whether to go on.
    const auto header = decode_object(header_part);
    if (!header) return TokenError::Malformed;
    const boost::json::value* alg = header->if_contains("alg");
    if (alg == nullptr || !alg->is_string() || alg->get_string() != kAlgorithm) return TokenError::BadAlgorithm;
    // RFC 7515 §4.1.11: extensions marked critical must be understood, and none are.
    if (header->contains("crit")) return TokenError::Malformed;
    const boost::json::value* kid = header->if_contains("kid");
    if (kid == nullptr || !kid->is_string() || kid->get_string() != key_id_) return TokenError::UnknownKey;

    const auto signature = base64url_decode(signature_part);
    if (!signature) return TokenError::Malformed;
    const auto expected = protocol::hmac_sha256(key_, {bytes_of(signing_input)});
    if (!protocol::constant_time_equal(expected, *signature)) return TokenError::BadSignature;

    // Only now is the payload ours.
    const auto payload = decode_object(payload_part);
    if (!payload) return TokenError::Malformed;
    auto claims = claims_from(*payload);
    if (!claims) return TokenError::Malformed;
    if (now_unix >= claims->expires_at) return TokenError::Expired;
    return std::move(*claims);
}

}  // namespace tern::auth
