#include "protocol/attributes/nat_behavior.hpp"

#include "protocol/bytes.hpp"

namespace tern::protocol::attr {

std::optional<ChangeRequest> ChangeRequest::decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept {
    if (v.size() != 4) return std::nullopt;
    const std::uint32_t flags = load_be32(v.data());
    return ChangeRequest{(flags & kChangeIp) != 0, (flags & kChangePort) != 0};
}

void ChangeRequest::encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept {
    store_be32(out.data(), (change_ip ? kChangeIp : 0) | (change_port ? kChangePort : 0));
}

std::optional<ResponsePort> ResponsePort::decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept {
    // Some implementations send the bare two bytes; accept both.
    if (v.size() != 2 && v.size() != 4) return std::nullopt;
    return ResponsePort{load_be16(v.data())};
}

void ResponsePort::encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept {
    store_be16(out.data(), port);
    store_be16(out.data() + 2, 0);
}

}  // namespace tern::protocol::attr
