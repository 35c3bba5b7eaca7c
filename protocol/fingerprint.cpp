#include "protocol/fingerprint.hpp"

#include <zlib.h>

#include "protocol/constants.hpp"

namespace tern::protocol {

std::uint32_t compute_fingerprint(std::span<const std::uint8_t> prefix) noexcept {
    // zlib's crc32 is the ISO-HDLC CRC that STUN names, with a tuned table implementation.
    const auto crc = ::crc32_z(0L, prefix.data(), prefix.size());
    return static_cast<std::uint32_t>(crc) ^ kFingerprintXor;
}

}  // namespace tern::protocol
