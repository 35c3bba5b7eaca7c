#pragma once
// Checking MESSAGE-INTEGRITY (HMAC-SHA1) and MESSAGE-INTEGRITY-SHA256 of a parsed message against a
// key (RFC 8489 §14.5, §14.6). The key is the short-term password or the long-term key.

#include <array>
#include <cstdint>
#include <span>

#include "protocol/message_view.hpp"

namespace tern::protocol {

enum class IntegrityCheck : std::uint8_t { Absent, Valid, Invalid };

IntegrityCheck check_message_integrity(const MessageView& m, std::span<const std::uint8_t> key) noexcept;

// Accepts the truncations RFC 8489 allows (16 to 32 bytes in steps of 4): compares that many bytes.
IntegrityCheck check_message_integrity_sha256(const MessageView& m, std::span<const std::uint8_t> key) noexcept;

// The HMAC input of an integrity attribute at `attribute_offset`: the message up to the attribute,
// with the header length counting up to the end of the attribute (`value_length` bytes of value).
// Exposed for the builder, which signs with the same rule.
struct IntegrityInput {
    std::span<const std::uint8_t> type;    // header bytes 0-1
    std::array<std::uint8_t, 2> length{};  // the patched length field
    std::span<const std::uint8_t> rest;    // header byte 4 up to the attribute
};
IntegrityInput integrity_input(std::span<const std::uint8_t> message, std::size_t attribute_offset,
                               std::size_t value_length) noexcept;

}  // namespace tern::protocol
