#include "client/client_events.hpp"

namespace tern::client {

std::string_view to_string(ClientEventKind kind) noexcept {
    switch (kind) {
        case ClientEventKind::Allocated: return "allocated";
        case ClientEventKind::AllocationRefreshed: return "allocation refreshed";
        case ClientEventKind::PermissionCreated: return "permission created";
        case ClientEventKind::PermissionFailed: return "permission failed";
        case ClientEventKind::ChannelBound: return "channel bound";
        case ClientEventKind::ChannelFailed: return "channel failed";
        case ClientEventKind::Data: return "data";
        case ClientEventKind::Error: return "error";
        case ClientEventKind::Closed: return "closed";
    }
    return "?";
}

std::string_view to_string(ClientErrorKind kind) noexcept {
    switch (kind) {
        case ClientErrorKind::None: return "none";
        case ClientErrorKind::ErrorResponse: return "error response";
        case ClientErrorKind::Timeout: return "timeout";
        case ClientErrorKind::AuthenticationFailed: return "authentication failed";
        case ClientErrorKind::BadResponse: return "bad response";
        case ClientErrorKind::AllocationExpired: return "allocation expired";
        case ClientErrorKind::RequestTooLarge: return "request too large";
        case ClientErrorKind::Transport: return "transport error";
    }
    return "?";
}

}  // namespace tern::client
