#pragma once
// Keeps a shard's loop awake for a short window after it has done work, polling instead of sleeping,
// so that the next datagram of a busy flow is picked up without a wake-up. Sleeping and being woken
// costs a relay hop several microseconds of latency (the CPU leaves its idle state, the thread is
// scheduled back), and more on virtual machines whose guests do not poll before halting. It is the
// idle poll of Seastar's reactor and of the kernel's own cpuidle haltpoll, at the level of one loop.
//
// The cost is CPU, and it is bounded: at most one window per burst of work, nothing at all while the
// relay is idle (a window opens only after work), and never more than the shard's core. A pass of
// the window yields the CPU to any other runnable thread, and goes through Asio's queue, whose reactor
// checks every descriptor (TCP, timers) without blocking between passes: nothing else waits for it.
// --idle-poll-us sets the window; 0 turns it off.

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>

#include "server/core/instant.hpp"
#include "server/daemon/handler_slot.hpp"

namespace tern::server {

class IdlePoll {
public:
    explicit IdlePoll(boost::asio::io_context& io) : io_(io) {}
    IdlePoll(const IdlePoll&) = delete;
    IdlePoll& operator=(const IdlePoll&) = delete;

    // `pass` runs on every pass while the window is open (it checks for work, and may call
    // keep_awake() to extend the window); `closed` runs once when a window ends with no work found.
    void on_pass(std::function<void()> pass) { pass_ = std::move(pass); }
    void on_closed(std::function<void()> closed) { closed_ = std::move(closed); }
    void set_window(std::chrono::microseconds window) noexcept { window_ = window; }
    bool enabled() const noexcept { return window_.count() > 0; }

    // Work was just done: poll until `window` from now. False when idle polling is off, and the
    // caller goes to sleep as it would without it.
    bool keep_awake() noexcept;

private:
    void post_pass();
    void run_pass();

    boost::asio::io_context& io_;
    std::chrono::microseconds window_{0};
    MonoTime until_{};
    bool posted_ = false;
    std::function<void()> pass_;
    std::function<void()> closed_;
    // Each pass re-posts the next: the slot keeps that from allocating (handler_slot.hpp).
    std::shared_ptr<HandlerSlot> slot_ = std::make_shared<HandlerSlot>();
};

}  // namespace tern::server
