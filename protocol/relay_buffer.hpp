#pragma once
// Storage for one relayed payload with room in front for the longest header the relay writes (a Data
// indication to an IPv6 peer) and behind for padding. The socket layer receives a peer's datagram
// straight into payload_area(); framing it for the client then only writes the header bytes in front.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "protocol/constants.hpp"

namespace tern::protocol {

// Data indication: STUN header, XOR-PEER-ADDRESS for IPv6 (4 + 20), DATA attribute header (4).
inline constexpr std::size_t kRelayHeadroom = kHeaderSize + 24 + kAttributeHeaderSize;
inline constexpr std::size_t kRelayTailroom = 4;  // up to 3 padding bytes, rounded to keep alignment
inline constexpr std::size_t kMaxRelayPayload = 65535;

template <std::size_t MaxPayload = kMaxRelayPayload>
struct RelayBuffer {
    static constexpr std::size_t kPayloadOffset = kRelayHeadroom;
    std::array<std::uint8_t, kRelayHeadroom + MaxPayload + kRelayTailroom> storage;  // not zeroed: written before sent

    std::span<std::uint8_t> payload_area() noexcept { return {storage.data() + kPayloadOffset, MaxPayload}; }
    std::span<std::uint8_t> whole() noexcept { return storage; }
};

}  // namespace tern::protocol
