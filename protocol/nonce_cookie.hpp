#pragma once
// The nonce cookie of RFC 8489 §9.2: a server that supports the new security features starts its
// NONCE with "obMatJos2" and four base64 characters holding 24 feature bits. A client that sees it
// knows PASSWORD-ALGORITHMS and USERHASH are understood, and that a downgrade would be detected.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tern::protocol {

inline constexpr std::string_view kNonceCookie = "obMatJos2";
inline constexpr std::size_t kNonceCookieSize = 13;  // the cookie and four base64 characters

// Bits are numbered from the most significant of the 24 (RFC 8489 §18.1 registry).
struct SecurityFeatures {
    static constexpr std::uint32_t kPasswordAlgorithms = 0x800000;  // bit 0
    static constexpr std::uint32_t kUsernameAnonymity = 0x400000;   // bit 1
    std::uint32_t bits = 0;

    bool password_algorithms() const noexcept { return (bits & kPasswordAlgorithms) != 0; }
    bool username_anonymity() const noexcept { return (bits & kUsernameAnonymity) != 0; }
};

// The 13 characters a server puts at the start of its nonce.
std::array<char, kNonceCookieSize> make_nonce_cookie(SecurityFeatures features) noexcept;

// The features a nonce announces, or nullopt when it has no (well-formed) cookie.
std::optional<SecurityFeatures> parse_nonce_cookie(std::string_view nonce) noexcept;

}  // namespace tern::protocol
