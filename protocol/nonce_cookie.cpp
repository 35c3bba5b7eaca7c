#include "protocol/nonce_cookie.hpp"

#include <algorithm>

namespace tern::protocol {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sextet(char c) noexcept {
    const auto pos = kAlphabet.find(c);
    return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

}  // namespace

std::array<char, kNonceCookieSize> make_nonce_cookie(SecurityFeatures features) noexcept {
    std::array<char, kNonceCookieSize> out{};
    std::copy(kNonceCookie.begin(), kNonceCookie.end(), out.begin());
    const std::uint32_t bits = features.bits & 0xFFFFFF;
    for (std::size_t k = 0; k < 4; ++k) out[kNonceCookie.size() + k] = kAlphabet[(bits >> (18 - 6 * k)) & 0x3F];
    return out;
}

std::optional<SecurityFeatures> parse_nonce_cookie(std::string_view nonce) noexcept {
    if (nonce.size() < kNonceCookieSize || nonce.substr(0, kNonceCookie.size()) != kNonceCookie)
        return std::nullopt;
    std::uint32_t bits = 0;
    for (std::size_t k = 0; k < 4; ++k) {
        const int v = sextet(nonce[kNonceCookie.size() + k]);
        if (v < 0) return std::nullopt;
        bits = (bits << 6) | static_cast<std::uint32_t>(v);
    }
    return SecurityFeatures{bits};
}

}  // namespace tern::protocol
