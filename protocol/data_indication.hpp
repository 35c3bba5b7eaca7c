#pragma once
// Framing a relayed payload as a Data indication (RFC 8656 §11.4) in place: the STUN header,
// XOR-PEER-ADDRESS and the DATA attribute header are written in the headroom in front of the payload,
// and zero padding behind it. Used when no channel is bound to the peer.

#include <cstddef>
#include <cstdint>
#include <span>

#include "protocol/constants.hpp"
#include "protocol/transport_address.hpp"

namespace tern::protocol {

// Bytes written in front of the payload for a peer of this family.
std::size_t data_indication_header_size(AddressFamily peer_family) noexcept;

std::span<std::uint8_t> frame_data_indication(std::span<std::uint8_t> storage, std::size_t payload_offset,
                                              std::size_t payload_size, const TransportAddress& peer,
                                              const TransactionId& transaction_id) noexcept;

}  // namespace tern::protocol
