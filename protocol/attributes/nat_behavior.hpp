#pragma once
// RFC 5780 attributes for NAT behaviour discovery: CHANGE-REQUEST and RESPONSE-PORT. (PADDING is in
// opaque.hpp; RESPONSE-ORIGIN and OTHER-ADDRESS in address.hpp.)

#include <optional>

#include "protocol/attribute_codec.hpp"

namespace tern::protocol::attr {

struct ChangeRequest {
    static constexpr AttributeType kType = AttributeType::ChangeRequest;
    static constexpr std::uint32_t kChangeIp = 0x4;    // flag A
    static constexpr std::uint32_t kChangePort = 0x2;  // flag B
    bool change_ip = false;
    bool change_port = false;

    static std::optional<ChangeRequest> decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept;
    std::size_t encoded_size() const noexcept { return 4; }
    void encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept;
};

// A 16-bit port followed by two bytes of padding inside the value.
struct ResponsePort {
    static constexpr AttributeType kType = AttributeType::ResponsePort;
    std::uint16_t port = 0;

    static std::optional<ResponsePort> decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept;
    std::size_t encoded_size() const noexcept { return 4; }
    void encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept;
};

}  // namespace tern::protocol::attr
