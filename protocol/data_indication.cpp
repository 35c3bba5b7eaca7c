#include "protocol/data_indication.hpp"

#include <cstring>

#include "protocol/attributes/address.hpp"
#include "protocol/bytes.hpp"
#include "protocol/message_type.hpp"

namespace tern::protocol {

std::size_t data_indication_header_size(AddressFamily peer_family) noexcept {
    const std::size_t peer_attr = kAttributeHeaderSize + (peer_family == AddressFamily::IPv4 ? 8 : 20);
    return kHeaderSize + peer_attr + kAttributeHeaderSize;
}

std::span<std::uint8_t> frame_data_indication(std::span<std::uint8_t> storage, std::size_t payload_offset,
                                              std::size_t payload_size, const TransportAddress& peer,
                                              const TransactionId& transaction_id) noexcept {
    const std::size_t header = data_indication_header_size(peer.ip.family);
    const std::size_t padded = padded4(payload_size);
    std::uint8_t* p = storage.data() + payload_offset - header;

    store_be16(p, MessageType{Method::Data, MessageClass::Indication}.encode());
    store_be16(p + 2, static_cast<std::uint16_t>(header - kHeaderSize + padded));
    store_be32(p + 4, kMagicCookie);
    std::memcpy(p + 8, transaction_id.data(), kTransactionIdSize);

    const attr::XorPeerAddress peer_attr{peer};
    std::uint8_t* a = p + kHeaderSize;
    store_be16(a, static_cast<std::uint16_t>(AttributeType::XorPeerAddress));
    store_be16(a + 2, static_cast<std::uint16_t>(peer_attr.encoded_size()));
    peer_attr.encode({a + kAttributeHeaderSize, peer_attr.encoded_size()}, transaction_id);

    std::uint8_t* d = a + kAttributeHeaderSize + peer_attr.encoded_size();
    store_be16(d, static_cast<std::uint16_t>(AttributeType::Data));
    store_be16(d + 2, static_cast<std::uint16_t>(payload_size));
    if (padded != payload_size) std::memset(storage.data() + payload_offset + payload_size, 0, padded - payload_size);
    return storage.subspan(payload_offset - header, header + padded);
}

}  // namespace tern::protocol
