#include "protocol/attributes/unknown_attributes.hpp"

#include <algorithm>

#include "protocol/bytes.hpp"

namespace tern::protocol::attr {

UnknownAttributes UnknownAttributes::of(std::span<const std::uint16_t> list) noexcept {
    UnknownAttributes a;
    a.count = std::min(list.size(), kCapacity);
    std::copy_n(list.begin(), a.count, a.types.begin());
    return a;
}

std::optional<UnknownAttributes> UnknownAttributes::decode(std::span<const std::uint8_t> v,
                                                           const TransactionId&) noexcept {
    if (v.size() % 2 != 0) return std::nullopt;
    UnknownAttributes a;
    a.count = std::min(v.size() / 2, kCapacity);
    for (std::size_t i = 0; i < a.count; ++i) a.types[i] = load_be16(v.data() + 2 * i);
    return a;
}

void UnknownAttributes::encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept {
    for (std::size_t i = 0; i < count; ++i) store_be16(out.data() + 2 * i, types[i]);
}

}  // namespace tern::protocol::attr
