#include "protocol/attributes/address.hpp"

#include <cstring>

#include "protocol/bytes.hpp"

namespace tern::protocol::attr::detail {
namespace {
// The XOR pad: the magic cookie followed by the transaction id (RFC 8489 §14.2).
std::array<std::uint8_t, 16> xor_pad(const TransactionId& tx) noexcept {
    std::array<std::uint8_t, 16> pad{};
    store_be32(pad.data(), kMagicCookie);
    std::memcpy(pad.data() + 4, tx.data(), tx.size());
    return pad;
}
}  // namespace

std::optional<TransportAddress> decode_address(std::span<const std::uint8_t> v, const TransactionId* xor_id) {
    if (v.size() < 4) return std::nullopt;
    const std::uint8_t family = v[1];
    std::size_t ip_size = 0;
    if (family == static_cast<std::uint8_t>(AddressFamily::IPv4)) ip_size = 4;
    else if (family == static_cast<std::uint8_t>(AddressFamily::IPv6)) ip_size = 16;
    else return std::nullopt;
    if (v.size() != 4 + ip_size) return std::nullopt;

    TransportAddress a;
    a.ip.family = static_cast<AddressFamily>(family);
    a.port = load_be16(v.data() + 2);
    std::memcpy(a.ip.bytes.data(), v.data() + 4, ip_size);
    if (xor_id != nullptr) {
        const auto pad = xor_pad(*xor_id);
        a.port ^= static_cast<std::uint16_t>(kMagicCookie >> 16);
        for (std::size_t i = 0; i < ip_size; ++i) a.ip.bytes[i] ^= pad[i];
    }
    return a;
}

std::size_t address_size(const TransportAddress& a) noexcept { return 4 + a.ip.size(); }

void encode_address(const TransportAddress& a, std::span<std::uint8_t> out, const TransactionId* xor_id) noexcept {
    const std::size_t ip_size = a.ip.size();
    out[0] = 0;
    out[1] = static_cast<std::uint8_t>(a.ip.family);
    std::uint16_t port = a.port;
    std::memcpy(out.data() + 4, a.ip.bytes.data(), ip_size);
    if (xor_id != nullptr) {
        const auto pad = xor_pad(*xor_id);
        port ^= static_cast<std::uint16_t>(kMagicCookie >> 16);
        for (std::size_t i = 0; i < ip_size; ++i) out[4 + i] ^= pad[i];
    }
    store_be16(out.data() + 2, port);
}

}  // namespace tern::protocol::attr::detail
