#pragma once
// What a typed attribute is: a value struct with its type number, a decoder from the received value
// bytes, and an encoder into exactly encoded_size() bytes. Variable-length values hold views into the
// message (decode) or into the caller's data (encode), so neither direction allocates.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "protocol/attribute_type.hpp"
#include "protocol/constants.hpp"

namespace tern::protocol {

template <class A>
concept EncodableAttribute = requires(const A& a, std::span<std::uint8_t> out, const TransactionId& tx) {
    { A::kType } -> std::convertible_to<AttributeType>;
    { a.encoded_size() } -> std::same_as<std::size_t>;
    { a.encode(out, tx) } -> std::same_as<void>;
};

template <class A>
concept DecodableAttribute = requires(std::span<const std::uint8_t> value, const TransactionId& tx) {
    { A::decode(value, tx) } -> std::same_as<std::optional<A>>;
};

template <class A>
concept AttributeCodec = EncodableAttribute<A> && DecodableAttribute<A>;

}  // namespace tern::protocol
