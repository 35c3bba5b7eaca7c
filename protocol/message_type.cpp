#include "protocol/message_type.hpp"

namespace tern::protocol {

std::string_view method_name(Method m) noexcept {
    switch (m) {
        case Method::Binding: return "Binding";
        case Method::Allocate: return "Allocate";
        case Method::Refresh: return "Refresh";
        case Method::Send: return "Send";
        case Method::Data: return "Data";
        case Method::CreatePermission: return "CreatePermission";
        case Method::ChannelBind: return "ChannelBind";
        case Method::Connect: return "Connect";
        case Method::ConnectionBind: return "ConnectionBind";
        case Method::ConnectionAttempt: return "ConnectionAttempt";
    }
    return "Unknown";
}

std::string_view class_name(MessageClass c) noexcept {
    switch (c) {
        case MessageClass::Request: return "request";
        case MessageClass::Indication: return "indication";
        case MessageClass::SuccessResponse: return "success response";
        case MessageClass::ErrorResponse: return "error response";
    }
    return "unknown";
}

}  // namespace tern::protocol
