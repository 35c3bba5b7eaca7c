#pragma once
// FINGERPRINT (RFC 8489 §14.7): CRC-32 of the message up to the attribute, XOR 0x5354554e.

#include <cstdint>
#include <span>

namespace tern::protocol {

// `prefix` is the message up to (not including) the FINGERPRINT attribute, with the header length
// already covering the FINGERPRINT attribute.
std::uint32_t compute_fingerprint(std::span<const std::uint8_t> prefix) noexcept;

}  // namespace tern::protocol
