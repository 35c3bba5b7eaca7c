#pragma once
// One thread's readiness loop: epoll over the worker's sockets, each registered with the object that
// handles it. Handlers run inside poll(); none is destroyed while its loop is polling.

#include <sys/epoll.h>

#include <array>
#include <chrono>
#include <cstdint>

#include "bench/tern_bench/socket_io.hpp"
#include "client/client_options.hpp"

namespace tern::bench {

using client::Clock;
using client::TimePoint;

class Pollable {
public:
    virtual void on_ready(std::uint32_t events, TimePoint now) = 0;

protected:
    ~Pollable() = default;
};

class EpollLoop {
public:
    EpollLoop();  // throws std::runtime_error when epoll_create1 fails

    bool add(int fd, Pollable& handler, std::uint32_t events) noexcept;
    bool modify(int fd, Pollable& handler, std::uint32_t events) noexcept;
    void remove(int fd) noexcept;

    // Waits up to `timeout` (zero: just looks) and calls each ready handler. Returns how many were ready.
    int poll(std::chrono::milliseconds timeout);

private:
    FileDescriptor epoll_;
    std::array<epoll_event, 256> ready_{};
};

}  // namespace tern::bench
