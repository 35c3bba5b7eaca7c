#pragma once
// ERROR-CODE (RFC 8489 §14.8) and TURN's ADDRESS-ERROR-CODE (RFC 8656 §18.12), which adds the address
// family the error is about. Code = class * 100 + number, class 3 to 6.

#include <optional>
#include <string_view>

#include "protocol/attribute_codec.hpp"
#include "protocol/error_code.hpp"
#include "protocol/transport_address.hpp"

namespace tern::protocol::attr {

struct ErrorCode {
    static constexpr AttributeType kType = AttributeType::ErrorCode;
    static constexpr std::size_t kMaxReasonBytes = 763;
    std::uint16_t code = 0;
    std::string_view reason;

    static ErrorCode of(protocol::ErrorCode c) noexcept { return {code_number(c), reason_phrase(c)}; }

    static std::optional<ErrorCode> decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept;
    std::size_t encoded_size() const noexcept { return 4 + reason.size(); }
    void encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept;
};

struct AddressErrorCode {
    static constexpr AttributeType kType = AttributeType::AddressErrorCode;
    AddressFamily family = AddressFamily::IPv4;
    std::uint16_t code = 0;
    std::string_view reason;

    static AddressErrorCode of(AddressFamily f, protocol::ErrorCode c) noexcept {
        return {f, code_number(c), reason_phrase(c)};
    }

    static std::optional<AddressErrorCode> decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept;
    std::size_t encoded_size() const noexcept { return 4 + reason.size(); }
    void encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept;
};

}  // namespace tern::protocol::attr
