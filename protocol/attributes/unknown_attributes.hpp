#pragma once
// UNKNOWN-ATTRIBUTES (RFC 8489 §14.9): the comprehension-required types a 420 answer refused.

#include <array>
#include <optional>

#include "protocol/attribute_codec.hpp"

namespace tern::protocol::attr {

struct UnknownAttributes {
    static constexpr AttributeType kType = AttributeType::UnknownAttributes;
    static constexpr std::size_t kCapacity = 16;  // a longer list is cut; the first ones tell the story
    std::array<std::uint16_t, kCapacity> types{};
    std::size_t count = 0;

    static UnknownAttributes of(std::span<const std::uint16_t> list) noexcept;
    std::span<const std::uint16_t> list() const noexcept { return {types.data(), count}; }

    static std::optional<UnknownAttributes> decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept;
    std::size_t encoded_size() const noexcept { return 2 * count; }
    void encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept;
};

}  // namespace tern::protocol::attr
