#pragma once
// STUN/TURN error codes (RFC 8489 §14.8, RFC 8656 §19, RFC 6062 §6.3, RFC 8016, RFC 8445) and their
// reason phrases. Phrases are constants so a reply never echoes attacker-chosen text.

#include <cstdint>
#include <string_view>

namespace tern::protocol {

enum class ErrorCode : std::uint16_t {
    TryAlternate = 300,
    BadRequest = 400,
    Unauthorized = 401,
    Forbidden = 403,
    MobilityForbidden = 405,             // RFC 8016
    UnknownAttribute = 420,
    AllocationMismatch = 437,            // RFC 8656
    StaleNonce = 438,
    AddressFamilyNotSupported = 440,     // RFC 8656
    WrongCredentials = 441,              // RFC 8656
    UnsupportedTransportProtocol = 442,  // RFC 8656
    PeerAddressFamilyMismatch = 443,     // RFC 8656
    ConnectionAlreadyExists = 446,       // RFC 6062
    ConnectionTimeoutOrFailure = 447,    // RFC 6062
    AllocationQuotaReached = 486,        // RFC 8656
    RoleConflict = 487,                  // RFC 8445
    ServerError = 500,
    InsufficientCapacity = 508,          // RFC 8656
};

// The RFC's suggested phrase for a known code; "Error" for any other.
std::string_view reason_phrase(ErrorCode code) noexcept;

constexpr std::uint16_t code_number(ErrorCode c) noexcept { return static_cast<std::uint16_t>(c); }

}  // namespace tern::protocol
