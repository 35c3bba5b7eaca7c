#include "protocol/attributes/error_code.hpp"

#include <cstring>

namespace tern::protocol::attr {
namespace {

struct CodeAndReason {
    std::uint16_t code;
    std::string_view reason;
};

// Bytes 2-3 carry the class in the low three bits and the number; bytes 0-1 are the caller's.
std::optional<CodeAndReason> decode_code(std::span<const std::uint8_t> v) noexcept {
    if (v.size() < 4 || v.size() - 4 > ErrorCode::kMaxReasonBytes) return std::nullopt;
    const unsigned cls = v[2] & 0x07;
    const unsigned number = v[3];
    if (cls < 3 || cls > 6 || number > 99) return std::nullopt;
    return CodeAndReason{static_cast<std::uint16_t>(cls * 100 + number),
                         {reinterpret_cast<const char*>(v.data() + 4), v.size() - 4}};
}

void encode_code(std::uint16_t code, std::string_view reason, std::span<std::uint8_t> out) noexcept {
    out[2] = static_cast<std::uint8_t>((code / 100) & 0x07);
    out[3] = static_cast<std::uint8_t>(code % 100);
    if (!reason.empty()) std::memcpy(out.data() + 4, reason.data(), reason.size());
}

}  // namespace

std::optional<ErrorCode> ErrorCode::decode(std::span<const std::uint8_t> v, const TransactionId&) noexcept {
    const auto c = decode_code(v);
    if (!c) return std::nullopt;
    return ErrorCode{c->code, c->reason};
}

void ErrorCode::encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept {
    out[0] = 0;
    out[1] = 0;
    encode_code(code, reason, out);
}

std::optional<AddressErrorCode> AddressErrorCode::decode(std::span<const std::uint8_t> v,
                                                         const TransactionId&) noexcept {
    const auto c = decode_code(v);
    if (!c) return std::nullopt;
    if (v[0] != static_cast<std::uint8_t>(AddressFamily::IPv4) && v[0] != static_cast<std::uint8_t>(AddressFamily::IPv6))
        return std::nullopt;
    return AddressErrorCode{static_cast<AddressFamily>(v[0]), c->code, c->reason};
}

void AddressErrorCode::encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept {
    out[0] = static_cast<std::uint8_t>(family);
    out[1] = 0;
    encode_code(code, reason, out);
}

}  // namespace tern::protocol::attr
