#pragma once
// PASSWORD-ALGORITHM and PASSWORD-ALGORITHMS (RFC 8489 §14.11, §14.12): which hash turns
// username:realm:password into the long-term key. Both defined algorithms take no parameters.

#include <array>
#include <optional>

#include "protocol/attribute_codec.hpp"

namespace tern::protocol::attr {

enum class PasswordAlgorithmId : std::uint16_t { Md5 = 0x0001, Sha256 = 0x0002 };

struct PasswordAlgorithmEntry {
    std::uint16_t algorithm = 0;
    std::span<const std::uint8_t> parameters;
};

struct PasswordAlgorithm {
    static constexpr AttributeType kType = AttributeType::PasswordAlgorithm;
    PasswordAlgorithmEntry entry;

    static std::optional<PasswordAlgorithm> decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept;
    std::size_t encoded_size() const noexcept;
    void encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept;
};

struct PasswordAlgorithms {
    static constexpr AttributeType kType = AttributeType::PasswordAlgorithms;
    static constexpr std::size_t kCapacity = 8;
    std::array<PasswordAlgorithmEntry, kCapacity> entries{};
    std::size_t count = 0;

    std::span<const PasswordAlgorithmEntry> list() const noexcept { return {entries.data(), count}; }
    bool contains(PasswordAlgorithmId id) const noexcept;

    static std::optional<PasswordAlgorithms> decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept;
    std::size_t encoded_size() const noexcept;
    void encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept;
};

}  // namespace tern::protocol::attr
