#pragma once
// Stateless nonces (RFC 8489 §9.2): the server remembers nothing per client before it authenticates.
// A nonce is the RFC 8489 cookie (announcing PASSWORD-ALGORITHMS and USERHASH support), the issue
// time, and an HMAC over both and the client's transport address. Checking it needs only the key.

#include <array>
#include <chrono>
#include <cstdint>
#include <string_view>

#include "protocol/hmac.hpp"
#include "protocol/nonce_cookie.hpp"
#include "protocol/transport_address.hpp"

namespace tern::auth {

enum class NonceCheck : std::uint8_t { Valid, Stale, Forged };

class NonceIssuer {
public:
    static constexpr protocol::SecurityFeatures kFeatures{protocol::SecurityFeatures::kPasswordAlgorithms |
                                                          protocol::SecurityFeatures::kUsernameAnonymity};
    // cookie (13) + hex of 8-byte time (16) + hex of 12-byte MAC (24)
    static constexpr std::size_t kSize = protocol::kNonceCookieSize + 16 + 24;
    using Nonce = std::array<char, kSize>;

    NonceIssuer(std::span<const std::uint8_t, 32> key, std::chrono::seconds lifetime);

    Nonce issue(const protocol::TransportAddress& client, std::int64_t now_unix) const noexcept;
    NonceCheck check(std::string_view nonce, const protocol::TransportAddress& client,
                     std::int64_t now_unix) const noexcept;

private:
    std::array<std::uint8_t, 12> mac(std::span<const std::uint8_t, 8> issued, const protocol::TransportAddress& client) const noexcept;

    protocol::KeyedHmacSha256 mac_;  // one issuer per shard: not shared between threads
    std::chrono::seconds lifetime_;
};

}  // namespace tern::auth
