#pragma once
// Every relay socket is a file descriptor, so the open-file limit caps how many allocations a
// process can hold, and the kernel's descriptor table caps how cheaply it gets there.
//
// The table starts small and doubles as descriptors are opened. In a process with more than one
// thread each doubling waits for an RCU grace period (expand_fdtable -> synchronize_rcu), which
// stalls the thread that opened the socket: measured here, 4-21 ms at each of 256, 512, ... 8192
// descriptors, some 60-90 ms on the way to 10,000 relays, against about 250 ms for the whole
// 10,000-allocation storm. Growing the table once, at start-up and before any other thread exists,
// takes those stalls off the packet path.

#include <cstdint>

namespace tern::server {

struct OpenFileCapacity {
    std::uint64_t limit = 0;         // the soft RLIMIT_NOFILE in force afterwards
    std::uint64_t previous_limit = 0;
    std::uint64_t table = 0;         // descriptors the table was grown to hold (0: left as it was)
};

// Raises the soft open-file limit to the hard one (as coturn does: a relay's capacity is its
// descriptors), then grows the descriptor table to hold `wanted` descriptors, or the limit if that
// is lower. Call before starting threads. Never fails: a limit it cannot raise stays as it was.
OpenFileCapacity prepare_open_files(std::uint64_t wanted) noexcept;

}  // namespace tern::server
