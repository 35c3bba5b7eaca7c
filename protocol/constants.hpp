#pragma once
// Fixed numbers of the STUN wire format (RFC 8489 §5, §6).

#include <array>
#include <cstddef>
#include <cstdint>

namespace tern::protocol {

inline constexpr std::uint32_t kMagicCookie = 0x2112A442;
inline constexpr std::size_t kHeaderSize = 20;
inline constexpr std::size_t kAttributeHeaderSize = 4;
inline constexpr std::size_t kTransactionIdSize = 12;
// The header's 16-bit length field bounds a message to 20 + 65535 bytes; lengths are multiples of 4.
inline constexpr std::size_t kMaxMessageSize = kHeaderSize + 65532;

inline constexpr std::uint32_t kFingerprintXor = 0x5354554E;
inline constexpr std::size_t kMessageIntegritySize = 20;         // HMAC-SHA1
inline constexpr std::size_t kMessageIntegritySha256Size = 32;   // HMAC-SHA256, untruncated
inline constexpr std::size_t kMessageIntegritySha256MinSize = 16;  // RFC 8489 §14.6 truncation floor
inline constexpr std::size_t kFingerprintSize = 4;

using TransactionId = std::array<std::uint8_t, kTransactionIdSize>;

}  // namespace tern::protocol
