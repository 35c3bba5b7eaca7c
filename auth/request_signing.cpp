#include "auth/request_signing.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdlib>

#include "protocol/base64.hpp"
#include "protocol/hmac.hpp"

namespace tern::auth {
namespace {

constexpr std::string_view kScheme = "HMAC-SHA256";
constexpr std::string_view kSignedHeaders = "x-ms-date;host;x-ms-content-sha256";

std::span<const std::uint8_t> bytes_of(std::string_view s) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// ASCII only and locale-free: scheme, parameter and header names are ASCII tokens.
bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

// Splits "SignedHeaders=...&Signature=..." (either order, parameter names case-insensitive) and
// returns the signature, or nothing when the value is not exactly that shape. Signing any other
// header list is refused rather than honoured: the string to sign below only covers these three.
std::optional<std::string_view> signature_from_authorization(std::string_view auth) {
    if (auth.size() <= kScheme.size() || !iequals(auth.substr(0, kScheme.size()), kScheme)) return std::nullopt;
    auth.remove_prefix(kScheme.size());
    if (auth.front() != ' ') return std::nullopt;
    while (!auth.empty() && auth.front() == ' ') auth.remove_prefix(1);

    std::optional<std::string_view> signed_headers;
    std::optional<std::string_view> signature;
    while (!auth.empty()) {
        const auto amp = auth.find('&');
        const std::string_view param = auth.substr(0, amp);
        auth = amp == std::string_view::npos ? std::string_view{} : auth.substr(amp + 1);
        if (amp != std::string_view::npos && auth.empty()) return std::nullopt;  // trailing '&'

        const auto eq = param.find('=');
        if (eq == std::string_view::npos) return std::nullopt;
        const std::string_view name = param.substr(0, eq);
        const std::string_view value = param.substr(eq + 1);
        std::optional<std::string_view>* slot = nullptr;
        if (iequals(name, "SignedHeaders")) slot = &signed_headers;
        else if (iequals(name, "Signature")) slot = &signature;
        else return std::nullopt;
        if (slot->has_value()) return std::nullopt;  // a repeated parameter is ambiguous
        *slot = value;
    }
    if (!signed_headers || !signature || signature->empty()) return std::nullopt;
    // Header names are case-insensitive, so only the case may differ; order and set may not.
    if (!iequals(*signed_headers, kSignedHeaders)) return std::nullopt;
    return signature;
}

// |a - b| <= limit without overflowing for any inputs.
bool within(std::int64_t a, std::int64_t b, std::int64_t limit) noexcept {
    if (limit < 0) return false;
    std::int64_t diff = 0;
    if (__builtin_sub_overflow(a, b, &diff)) return false;
    if (diff == INT64_MIN) return false;
    return (diff < 0 ? -diff : diff) <= limit;
}

}  // namespace

std::string content_hash(std::string_view body) {
    std::array<std::uint8_t, 32> digest{};
    unsigned int len = 0;
    // OpenSSL wants a non-null pointer even for an empty body.
    static constexpr char kEmpty = 0;
    const void* data = body.empty() ? &kEmpty : body.data();
    if (EVP_Digest(data, body.size(), digest.data(), &len, EVP_sha256(), nullptr) != 1 || len != digest.size())
        std::abort();  // OpenSSL without SHA-256 cannot authenticate anything
    return protocol::base64_encode(digest);
}

std::string string_to_sign(std::string_view method, std::string_view path_and_query, std::string_view date,
                           std::string_view host, std::string_view content_hash) {
    std::string s;
    s.reserve(method.size() + path_and_query.size() + date.size() + host.size() + content_hash.size() + 4);
    s.append(method).append("\n").append(path_and_query).append("\n");
    s.append(date).append(";").append(host).append(";").append(content_hash);
    return s;
}

std::string sign(std::span<const std::uint8_t> key, std::string_view string_to_sign) {
    return protocol::base64_encode(protocol::hmac_sha256(key, {bytes_of(string_to_sign)}));
}

std::string authorization_header(std::string_view signature) {
    std::string h;
    h.append(kScheme).append(" SignedHeaders=").append(kSignedHeaders).append("&Signature=").append(signature);
    return h;
}

std::string_view to_string(SignatureCheck c) noexcept {
    switch (c) {
    case SignatureCheck::Valid: return "valid";
    case SignatureCheck::MissingHeaders: return "missing headers";
    case SignatureCheck::Malformed: return "malformed authorization";
    case SignatureCheck::StaleDate: return "stale date";
    case SignatureCheck::BodyHashMismatch: return "body hash mismatch";
    case SignatureCheck::BadSignature: return "bad signature";
    }
    return "unknown";
}

SignatureCheck verify_request(std::span<const std::uint8_t> key, const RequestToVerify& request,
                              std::int64_t now_unix, std::int64_t max_skew_seconds) {
    if (request.authorization.empty() || request.date.empty() || request.host.empty() ||
        request.content_hash.empty())
        return SignatureCheck::MissingHeaders;

    const auto given = signature_from_authorization(request.authorization);
    if (!given) return SignatureCheck::Malformed;
    const auto given_mac = protocol::base64_decode(*given);
    if (!given_mac || given_mac->size() != protocol::Sha256Mac{}.size()) return SignatureCheck::Malformed;

    // The date bounds how long a captured request can be replayed.
    const auto date = parse_http_date(request.date);
    if (!date || !within(*date, now_unix, max_skew_seconds)) return SignatureCheck::StaleDate;

    // The signature covers the hash header, not the body; this check ties the two together.
    if (!protocol::constant_time_equal(bytes_of(content_hash(request.body)), bytes_of(request.content_hash)))
        return SignatureCheck::BodyHashMismatch;

    const std::string sts =
        string_to_sign(request.method, request.path_and_query, request.date, request.host, request.content_hash);
    const auto expected = protocol::hmac_sha256(key, {bytes_of(sts)});
    if (!protocol::constant_time_equal(expected, *given_mac)) return SignatureCheck::BadSignature;
    return SignatureCheck::Valid;
}

}  // namespace tern::auth
