#include "bench/tern_bench/epoll_loop.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace tern::bench {

EpollLoop::EpollLoop() : epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (!epoll_) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
}

bool EpollLoop::add(int fd, Pollable& handler, std::uint32_t events) noexcept {
    epoll_event event{};
    event.events = events;
    event.data.ptr = &handler;
    return ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) == 0;
}

bool EpollLoop::modify(int fd, Pollable& handler, std::uint32_t events) noexcept {
    epoll_event event{};
    event.events = events;
    event.data.ptr = &handler;
    return ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &event) == 0;
}

void EpollLoop::remove(int fd) noexcept { ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr); }

int EpollLoop::poll(std::chrono::milliseconds timeout) {
    const int ready = ::epoll_wait(epoll_.get(), ready_.data(), static_cast<int>(ready_.size()),
                                   static_cast<int>(timeout.count()));
    if (ready <= 0) return 0;  // EINTR counts as nothing ready
    const TimePoint now = Clock::now();
    for (int i = 0; i < ready; ++i)
        static_cast<Pollable*>(ready_[static_cast<std::size_t>(i)].data.ptr)->on_ready(ready_[static_cast<std::size_t>(i)].events, now);
    return ready;
}

}  // namespace tern::bench
