#pragma once
// Why bytes were refused. Each refusal has its own value so that logs, counters and tests can tell
// a truncated packet from a forged one.

#include <cstdint>
#include <string_view>

namespace tern::protocol {

enum class ParseError : std::uint8_t {
    None = 0,
    // STUN header
    TruncatedHeader,            // fewer than 20 bytes
    NotStun,                    // first two bits not zero
    BadMagicCookie,
    LengthNotMultipleOf4,
    LengthPastEnd,              // header length says more than was received
    TrailingBytes,              // more bytes received than the header length covers
    // attributes
    TruncatedAttributeHeader,
    AttributePastEnd,           // value plus padding runs beyond the message
    BadIntegrityLength,         // MESSAGE-INTEGRITY not 20 bytes, or -SHA256 not 16..32 in steps of 4
    MisplacedIntegrity,         // MESSAGE-INTEGRITY repeated or after MESSAGE-INTEGRITY-SHA256
    BadFingerprintLength,
    FingerprintNotLast,
    FingerprintMismatch,
    UnknownComprehensionRequired,
    // ChannelData
    TruncatedChannelData,
    BadChannelNumber,           // outside 0x4000-0x4FFF
    ChannelDataPastEnd,
    // byte streams (TCP/TLS)
    StreamGarbage,              // a frame starts with bits that are neither STUN nor ChannelData
    StreamFrameTooLarge,        // a frame larger than the framer's buffer
};

std::string_view to_string(ParseError e) noexcept;

}  // namespace tern::protocol
