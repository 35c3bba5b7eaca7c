#include "protocol/attributes/turn.hpp"

#include <cstring>

#include "protocol/bytes.hpp"

namespace tern::protocol::attr {

std::optional<ChannelNumber> ChannelNumber::decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept {
    if (v.size() != 4) return std::nullopt;
    return ChannelNumber{load_be16(v.data())};
}

void ChannelNumber::encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept {
    store_be16(out.data(), channel);
    store_be16(out.data() + 2, 0);
}

std::optional<RequestedTransport> RequestedTransport::decode(std::span<const std::uint8_t> v,
                                                             const TransactionId&) noexcept {
    if (v.size() != 4) return std::nullopt;
    return RequestedTransport{v[0]};
}

void RequestedTransport::encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept {
    out[0] = protocol;
    out[1] = out[2] = out[3] = 0;
}

std::optional<EvenPort> EvenPort::decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept {
    if (v.size() != 1) return std::nullopt;
    return EvenPort{(v[0] & 0x80) != 0};
}

void EvenPort::encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept {
    out[0] = reserve_next ? 0x80 : 0x00;
}

std::optional<Icmp> Icmp::decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept {
    if (v.size() != 8) return std::nullopt;
    return Icmp{v[2], v[3], load_be32(v.data() + 4)};
}

void Icmp::encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept {
    out[0] = out[1] = 0;
    out[2] = type;
    out[3] = code;
    store_be32(out.data() + 4, error_data);
}

}  // namespace tern::protocol::attr
