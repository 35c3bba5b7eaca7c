#pragma once
// The UDP echo peer: every datagram goes back to where it came from, unchanged, in batches (recvmmsg,
// sendmmsg). It stands behind the relay (the relay's allocation sends to it) or behind the bare
// forwarder. It runs on a thread of its own, or as the whole process with --mode echo.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "bench/tern_bench/socket_io.hpp"

namespace tern::bench {

class EchoPeer {
public:
    // Binds `address` (port 0: any free port). Throws std::runtime_error when it cannot.
    explicit EchoPeer(const protocol::TransportAddress& address);
    ~EchoPeer();  // stops the thread, if started
    EchoPeer(const EchoPeer&) = delete;
    EchoPeer& operator=(const EchoPeer&) = delete;

    const protocol::TransportAddress& address() const noexcept { return address_; }

    // Echoes on a thread until stop() or until `limit` has passed.
    void start(std::chrono::duration<double> limit);
    void stop();
    // Echoes on the calling thread until `limit` has passed (or stop() from a signal handler's flag).
    void run(std::chrono::duration<double> limit);

    std::uint64_t echoed() const noexcept { return echoed_.load(std::memory_order_relaxed); }
    // CPU seconds of the echo thread, as it measured them when it stopped.
    double cpu_seconds() const noexcept { return cpu_seconds_.load(std::memory_order_relaxed); }

private:
    FileDescriptor fd_;
    protocol::TransportAddress address_;
    std::atomic<bool> stopping_{false};
    std::atomic<std::uint64_t> echoed_{0};
    std::atomic<double> cpu_seconds_{0};
    std::thread thread_;
};

}  // namespace tern::bench
