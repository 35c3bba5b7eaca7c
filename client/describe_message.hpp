#pragma once
// Human-readable description of a STUN message or ChannelData frame, for `tern decode`.

#include <cstdint>
#include <span>
#include <string>

namespace tern::client {

std::string describe_message(std::span<const std::uint8_t> bytes);

}  // namespace tern::client
