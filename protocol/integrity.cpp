#include "protocol/integrity.hpp"

#include "protocol/bytes.hpp"
#include "protocol/hmac.hpp"

namespace tern::protocol {

IntegrityInput integrity_input(std::span<const std::uint8_t> message, std::size_t attribute_offset,
                               std::size_t value_length) noexcept {
    IntegrityInput in;
    in.type = message.first(2);
    store_be16(in.length.data(),
               static_cast<std::uint16_t>(attribute_offset + kAttributeHeaderSize + value_length - kHeaderSize));
    in.rest = message.subspan(4, attribute_offset - 4);
    return in;
}

IntegrityCheck check_message_integrity(const MessageView& m, std::span<const std::uint8_t> key) noexcept {
    const auto offset = m.message_integrity_offset();
    if (!offset) return IntegrityCheck::Absent;
    const auto bytes = m.bytes();
    const auto in = integrity_input(bytes, *offset, kMessageIntegritySize);
    const auto mac = hmac_sha1(key, {in.type, in.length, in.rest});
    const auto received = bytes.subspan(*offset + kAttributeHeaderSize, kMessageIntegritySize);
    return constant_time_equal(mac, received) ? IntegrityCheck::Valid : IntegrityCheck::Invalid;
}

IntegrityCheck check_message_integrity_sha256(const MessageView& m, std::span<const std::uint8_t> key) noexcept {
    const auto offset = m.message_integrity_sha256_offset();
    if (!offset) return IntegrityCheck::Absent;
    const auto bytes = m.bytes();
    const std::size_t length = load_be16(bytes.data() + *offset + 2);  // 16..32, checked by parse()
    const auto in = integrity_input(bytes, *offset, length);
    const auto mac = hmac_sha256(key, {in.type, in.length, in.rest});
    const auto received = bytes.subspan(*offset + kAttributeHeaderSize, length);
    return constant_time_equal(std::span(mac).first(length), received) ? IntegrityCheck::Valid
                                                                       : IntegrityCheck::Invalid;
}

}  // namespace tern::protocol
