#pragma once
// Standard base64 (RFC 4648 §4, with padding), as used by TURN REST passwords and the nonce cookie.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tern::protocol {

std::string base64_encode(std::span<const std::uint8_t> bytes);
// Strict: only the standard alphabet, correct padding, no whitespace.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace tern::protocol
