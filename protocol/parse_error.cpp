#include "protocol/parse_error.hpp"

namespace tern::protocol {

std::string_view to_string(ParseError e) noexcept {
    switch (e) {
        case ParseError::None: return "ok";
        case ParseError::TruncatedHeader: return "truncated STUN header";
        case ParseError::NotStun: return "first two bits are not zero";
        case ParseError::BadMagicCookie: return "bad magic cookie";
        case ParseError::LengthNotMultipleOf4: return "message length not a multiple of 4";
        case ParseError::LengthPastEnd: return "message length past the received bytes";
        case ParseError::TrailingBytes: return "bytes after the message";
        case ParseError::TruncatedAttributeHeader: return "truncated attribute header";
        case ParseError::AttributePastEnd: return "attribute runs past the message";
        case ParseError::BadIntegrityLength: return "message integrity of wrong length";
        case ParseError::MisplacedIntegrity: return "message integrity out of place";
        case ParseError::BadFingerprintLength: return "fingerprint of wrong length";
        case ParseError::FingerprintNotLast: return "fingerprint not the last attribute";
        case ParseError::FingerprintMismatch: return "fingerprint does not match";
        case ParseError::UnknownComprehensionRequired: return "unknown comprehension-required attribute";
        case ParseError::TruncatedChannelData: return "truncated ChannelData header";
        case ParseError::BadChannelNumber: return "channel number outside 0x4000-0x4FFF";
        case ParseError::ChannelDataPastEnd: return "ChannelData length past the received bytes";
        case ParseError::StreamGarbage: return "stream frame is neither STUN nor ChannelData";
        case ParseError::StreamFrameTooLarge: return "stream frame larger than the buffer";
    }
    return "unknown error";
}

}  // namespace tern::protocol
