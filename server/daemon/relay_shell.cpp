#include "server/daemon/relay_shell.hpp"

#include <cstring>

namespace tern::server {

std::string_view to_string(IoBackend backend) noexcept { return backend == IoBackend::Uring ? "uring" : "epoll"; }

namespace {

LogLevel level_of(EventKind kind) noexcept {
    switch (kind) {
        case EventKind::AuthFailed:
        case EventKind::PeerDenied: return LogLevel::Warning;
        case EventKind::AllocationRefreshed: return LogLevel::Debug;
        case EventKind::AllocationCreated:
        case EventKind::AllocationDeleted: break;
    }
    return LogLevel::Info;
}

}  // namespace

void RelayShell::report(const Event& event) {
    // Formatting addresses costs more than the rest of an Allocate: only for lines that get written.
    if (!log_.enabled(level_of(event.kind))) return;
    const std::string client = event.client.client.to_string();
    switch (event.kind) {
        case EventKind::AuthFailed:
            log_.warning("auth failed", {{"client", client}, {"user", event.username}, {"reason", event.detail}});
            break;
        case EventKind::AllocationCreated:
            log_.info("allocation created", {{"client", client}, {"user", event.username}, {"relay", event.address ? event.address->to_string() : std::string(event.detail)}});
            break;
        case EventKind::AllocationRefreshed:
            log_.debug("allocation refreshed", {{"client", client}, {"user", event.username}});
            break;
        case EventKind::AllocationDeleted:
            log_.info("allocation deleted", {{"client", client}, {"user", event.username}, {"reason", event.detail}});
            break;
        case EventKind::PeerDenied:
            log_.warning("peer denied", {{"client", client}, {"user", event.username}, {"peer", event.detail}});
            break;
    }
}

void RelayShell::on_run_refused(int error) {
    if (!segmentation_ || !segmentation_refused(error)) return;
    segmentation_ = false;
    log_.warning("udp segmentation offload refused by the kernel; sending datagrams one by one",
                 {{"detail", std::strerror(error)}});
}

}  // namespace tern::server
