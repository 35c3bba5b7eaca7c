#include "auth/nonce.hpp"

#include <algorithm>

#include "protocol/bytes.hpp"
#include "protocol/hmac.hpp"

namespace tern::auth {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void write_hex(std::span<const std::uint8_t> in, char* out) noexcept {
    for (const std::uint8_t b : in) {
        *out++ = kHex[b >> 4];
        *out++ = kHex[b & 15];
    }
}

bool read_hex(std::string_view in, std::span<std::uint8_t> out) noexcept {
    if (in.size() != 2 * out.size()) return false;
    const auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = nibble(in[2 * i]);
        const int lo = nibble(in[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return true;
}

}  // namespace

NonceIssuer::NonceIssuer(std::span<const std::uint8_t, 32> key, std::chrono::seconds lifetime)
    : mac_(key), lifetime_(lifetime) {}

std::array<std::uint8_t, 12> NonceIssuer::mac(std::span<const std::uint8_t, 8> issued,
                                              const protocol::TransportAddress& client) const noexcept {
    std::uint8_t address[19];
    address[0] = static_cast<std::uint8_t>(client.ip.family);
    std::copy(client.ip.bytes.begin(), client.ip.bytes.end(), address + 1);
    protocol::store_be16(address + 17, client.port);
    const auto full = mac_.compute({issued, address});
    std::array<std::uint8_t, 12> out{};
    std::copy_n(full.begin(), out.size(), out.begin());
    return out;
}

NonceIssuer::Nonce NonceIssuer::issue(const protocol::TransportAddress& client, std::int64_t now_unix) const noexcept {
    Nonce n{};
    const auto cookie = protocol::make_nonce_cookie(kFeatures);
    std::copy(cookie.begin(), cookie.end(), n.begin());
    std::array<std::uint8_t, 8> issued{};
    protocol::store_be64(issued.data(), static_cast<std::uint64_t>(now_unix));
    write_hex(issued, n.data() + protocol::kNonceCookieSize);
    write_hex(mac(issued, client), n.data() + protocol::kNonceCookieSize + 16);
    return n;
}

NonceCheck NonceIssuer::check(std::string_view nonce, const protocol::TransportAddress& client,
                              std::int64_t now_unix) const noexcept {
    if (nonce.size() != kSize || nonce.substr(0, protocol::kNonceCookie.size()) != protocol::kNonceCookie)
        return NonceCheck::Forged;
    std::array<std::uint8_t, 8> issued{};
    std::array<std::uint8_t, 12> received{};
    if (!read_hex(nonce.substr(protocol::kNonceCookieSize, 16), issued) ||
        !read_hex(nonce.substr(protocol::kNonceCookieSize + 16), received))
        return NonceCheck::Forged;
    // The cookie's feature bits are covered too: they are part of what we issued.
    const auto cookie = protocol::make_nonce_cookie(kFeatures);
    if (nonce.substr(0, cookie.size()) != std::string_view(cookie.data(), cookie.size())) return NonceCheck::Forged;
    if (!protocol::constant_time_equal(mac(issued, client), received)) return NonceCheck::Forged;
    const auto issued_at = static_cast<std::int64_t>(protocol::load_be64(issued.data()));
    if (now_unix < issued_at - 5 || now_unix - issued_at >= lifetime_.count()) return NonceCheck::Stale;
    return NonceCheck::Valid;
}

}  // namespace tern::auth
