#include "server/policy/cidr.hpp"

#include <algorithm>
#include <charconv>

namespace tern::server {
namespace {

std::size_t bits_of(const protocol::IpAddress& a) noexcept { return a.size() * 8; }

// True when every bit of `a` from `prefix` on is zero.
bool host_bits_zero(const protocol::IpAddress& a, std::size_t prefix) noexcept {
    for (std::size_t bit = prefix; bit < bits_of(a); ++bit)
        if ((a.bytes[bit / 8] >> (7 - bit % 8)) & 1) return false;
    return true;
}

}  // namespace

Cidr Cidr::of(const protocol::IpAddress& network, std::uint8_t prefix) {
    // A prefix longer than the address would make contains() read past the address bytes.
    Cidr c{network, static_cast<std::uint8_t>(std::min<std::size_t>(prefix, bits_of(network)))};
    for (std::size_t bit = c.prefix; bit < bits_of(network); ++bit)
        c.network.bytes[bit / 8] &= static_cast<std::uint8_t>(~(1u << (7 - bit % 8)));
    return c;
}

std::optional<Cidr> Cidr::parse(std::string_view text) {
    // inet_pton stops at a NUL, so "10.0.0.1\0junk" would otherwise pass as 10.0.0.1.
    if (text.find('\0') != std::string_view::npos) return std::nullopt;
    const auto slash = text.find('/');
    const auto ip = protocol::IpAddress::parse(text.substr(0, slash));
    if (!ip) return std::nullopt;
    std::size_t prefix = bits_of(*ip);
    if (slash != std::string_view::npos) {
        const auto digits = text.substr(slash + 1);
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || value > bits_of(*ip))
            return std::nullopt;
        prefix = value;
    }
    if (!host_bits_zero(*ip, prefix)) return std::nullopt;
    return Cidr{*ip, static_cast<std::uint8_t>(prefix)};
}

bool Cidr::contains(const protocol::IpAddress& a) const noexcept {
    if (a.family != network.family) return false;
    // Cidr is an aggregate, so a hand-built one may carry host bits or too long a prefix: clamp, and
    // mask both sides, so such a value still answers without reading past the address.
    const std::size_t bits = std::min<std::size_t>(prefix, bits_of(a));
    const std::size_t full = bits / 8;
    for (std::size_t i = 0; i < full; ++i)
        if (a.bytes[i] != network.bytes[i]) return false;
    const std::size_t rest = bits % 8;
    if (rest == 0) return true;
    const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
    return ((a.bytes[full] ^ network.bytes[full]) & mask) == 0;
}

std::string Cidr::to_string() const { return network.to_string() + "/" + std::to_string(prefix); }

}  // namespace tern::server
