#include "server/daemon/relay_shell.hpp"

namespace tern::server {

std::string_view to_string(IoBackend backend) noexcept { return backend == IoBackend::Uring ? "uring" : "epoll"; }

void RelayShell::report(const Event& event) {
    const std::string client = event.client.client.to_string();
    switch (event.kind) {
        case EventKind::AuthFailed:
            log_.warning("auth failed", {{"client", client}, {"user", event.username}, {"reason", event.detail}});
            break;
        case EventKind::AllocationCreated:
            log_.info("allocation created", {{"client", client}, {"user", event.username}, {"relay", event.detail}});
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

}  // namespace tern::server
