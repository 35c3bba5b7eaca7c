#include "protocol/error_code.hpp"

namespace tern::protocol {

std::string_view reason_phrase(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::TryAlternate: return "Try Alternate";
        case ErrorCode::BadRequest: return "Bad Request";
        case ErrorCode::Unauthorized: return "Unauthorized";
        case ErrorCode::Forbidden: return "Forbidden";
        case ErrorCode::MobilityForbidden: return "Mobility Forbidden";
        case ErrorCode::UnknownAttribute: return "Unknown Attribute";
        case ErrorCode::AllocationMismatch: return "Allocation Mismatch";
        case ErrorCode::StaleNonce: return "Stale Nonce";
        case ErrorCode::AddressFamilyNotSupported: return "Address Family not Supported";
        case ErrorCode::WrongCredentials: return "Wrong Credentials";
        case ErrorCode::UnsupportedTransportProtocol: return "Unsupported Transport Protocol";
        case ErrorCode::PeerAddressFamilyMismatch: return "Peer Address Family Mismatch";
        case ErrorCode::ConnectionAlreadyExists: return "Connection Already Exists";
        case ErrorCode::ConnectionTimeoutOrFailure: return "Connection Timeout or Failure";
        case ErrorCode::AllocationQuotaReached: return "Allocation Quota Reached";
        case ErrorCode::RoleConflict: return "Role Conflict";
        case ErrorCode::ServerError: return "Server Error";
        case ErrorCode::InsufficientCapacity: return "Insufficient Capacity";
    }
    return "Error";
}

}  // namespace tern::protocol
