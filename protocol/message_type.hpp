#pragma once
// STUN message type: a 12-bit method and a 2-bit class interleaved in 14 bits (RFC 8489 §5).

#include <cstdint>
#include <string_view>

namespace tern::protocol {

enum class Method : std::uint16_t {
    Binding = 0x001,
    Allocate = 0x003,           // RFC 8656
    Refresh = 0x004,
    Send = 0x006,
    Data = 0x007,
    CreatePermission = 0x008,
    ChannelBind = 0x009,
    Connect = 0x00A,            // RFC 6062
    ConnectionBind = 0x00B,
    ConnectionAttempt = 0x00C,
};

enum class MessageClass : std::uint8_t {
    Request = 0b00,
    Indication = 0b01,
    SuccessResponse = 0b10,
    ErrorResponse = 0b11,
};

struct MessageType {
    Method method = Method::Binding;
    MessageClass cls = MessageClass::Request;

    // Bits M0-M3 sit at 0-3, C0 at 4, M4-M6 at 5-7, C1 at 8, M7-M11 at 9-13.
    constexpr std::uint16_t encode() const noexcept {
        const auto m = static_cast<std::uint16_t>(method);
        const auto c = static_cast<std::uint16_t>(cls);
        return static_cast<std::uint16_t>((m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) |
                                          ((c & 0b01) << 4) | ((c & 0b10) << 7));
    }

    static constexpr MessageType decode(std::uint16_t t) noexcept {
        const auto m = static_cast<std::uint16_t>((t & 0x000F) | ((t & 0x00E0) >> 1) | ((t & 0x3E00) >> 2));
        const auto c = static_cast<std::uint8_t>(((t & 0x0010) >> 4) | ((t & 0x0100) >> 7));
        return MessageType{static_cast<Method>(m), static_cast<MessageClass>(c)};
    }

    friend constexpr bool operator==(const MessageType&, const MessageType&) = default;
};

std::string_view method_name(Method m) noexcept;
std::string_view class_name(MessageClass c) noexcept;

}  // namespace tern::protocol
