#include "server/daemon/open_files.hpp"

#include <algorithm>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace tern::server {

namespace {

// The kernel sizes the table when a descriptor at or above its size is created, so one duplicate
// placed at the top (F_DUPFD takes the lowest free number at or above the one asked for, and never
// replaces an open descriptor as dup2 would) grows it once; closing it keeps the table's size.
void grow_descriptor_table(std::uint64_t size) noexcept {
    if (size < 2) return;
    const int source = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (source < 0) return;
    const int top = ::fcntl(source, F_DUPFD_CLOEXEC, static_cast<int>(size - 1));
    if (top >= 0) ::close(top);
    ::close(source);
}

}  // namespace

OpenFileCapacity prepare_open_files(std::uint64_t wanted) noexcept {
    OpenFileCapacity capacity;
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return capacity;
    capacity.previous_limit = limit.rlim_cur;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    capacity.limit = limit.rlim_cur;
    // A descriptor number is an int, and the kernel's own ceiling (fs.nr_open) is far below that.
    capacity.table = std::min<std::uint64_t>({wanted, capacity.limit, 1u << 30});
    grow_descriptor_table(capacity.table);
    return capacity;
}

}  // namespace tern::server
