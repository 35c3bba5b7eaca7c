#pragma once
// One io_uring instance with one ring of provided buffers (buffer group 0), and an eventfd the kernel
// signals whenever a completion (or work that ends in one) is waiting, so an Asio loop can wait for
// the ring. RAII: every kernel resource is released in the destructor, after every request still in
// flight has been cancelled, so the kernel never writes into memory that is gone.
//
// Provided buffers: the kernel picks a free one for each datagram a multishot receive takes in and
// names it in the completion. From then on it is counted: taken() gives it one reference, hold() one
// more (a send that names its bytes), and release() returns it to the kernel's ring with the last.

#include <liburing.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "server/daemon/udp_sockets.hpp"

namespace tern::server {

namespace detail {
struct QueueExit {
    void operator()(io_uring* ring) const noexcept;
};
struct Unmap {
    std::size_t size = 0;
    void operator()(void* memory) const noexcept;
};
}  // namespace detail

class UringRing {
public:
    struct Settings {
        unsigned submission_entries = 256;
        unsigned completion_entries = 4096;  // room for a burst of multishot completions between turns
        std::uint16_t buffer_count = 1024;   // a power of two, at most 32768
        std::uint32_t buffer_size = 4096;
        std::uint32_t buffer_tailroom = 0;   // bytes at the end of each buffer the kernel never fills
    };
    static constexpr std::uint16_t kBufferGroup = 0;

    // The ring, or why the kernel (or a sandbox's seccomp policy) refused one.
    static std::variant<std::unique_ptr<UringRing>, std::string> create(const Settings& settings);
    ~UringRing();
    UringRing(const UringRing&) = delete;
    UringRing& operator=(const UringRing&) = delete;

    io_uring* get() noexcept { return ring_.get(); }
    // Signalled (counter incremented) when the kernel posts a completion or, with deferred task
    // running, queues the work that will post one.
    int event_fd() const noexcept { return event_fd_.get(); }
    // Binds the ring to the calling thread, which alone may submit and reap from then on. Before it,
    // the ring takes no submissions (they wait in the queue). Once per ring.
    std::optional<std::string> start_on_this_thread();
    // Runs the receive work the kernel deferred to this thread, posting its completions.
    void run_deferred_work() noexcept {
        if (IO_URING_READ_ONCE(*ring_->sq.kflags) & (IORING_SQ_TASKRUN | IORING_SQ_CQ_OVERFLOW))
            io_uring_get_events(ring_.get());
    }

    // A free submission entry, submitting the queued ones first if the queue is full; null only if
    // even that fails.
    io_uring_sqe* next_sqe() noexcept;
    // Submits every queued entry; the number submitted or -errno.
    int submit() noexcept;
    // How many times queued entries have been handed to the kernel: entries prepared since the count
    // last changed may still be edited.
    std::uint64_t submissions() const noexcept { return submissions_; }
    // Stops signalling the eventfd: the caller is awake and draining anyway.
    void pause_notifications() noexcept { io_uring_cq_eventfd_toggle(ring_.get(), false); }
    // Signals the eventfd again from now on; true if work arrived while it was off, which nothing
    // will signal (the caller must reap it). The fence orders the flag's store before the load of
    // the ring's state: the kernel does the mirror image (records the work, then reads the flag),
    // and without it (x86 lets a load pass an earlier store) both sides could miss the other and the
    // loop would sleep with work waiting.
    bool resume_notifications() noexcept {
        io_uring_cq_eventfd_toggle(ring_.get(), true);
        std::atomic_thread_fence(std::memory_order_seq_cst);
        return has_work();
    }
    // Completions to reap, or work the kernel does once the thread enters it (task work, overflow).
    bool has_work() const noexcept {
        return io_uring_cq_ready(ring_.get()) > 0 ||
               (IO_URING_READ_ONCE(*ring_->sq.kflags) & (IORING_SQ_TASKRUN | IORING_SQ_CQ_OVERFLOW)) != 0;
    }
    // Cancels the request tagged `user_data` and returns once it is gone (Linux 6.0). False if there
    // was none (it already ended).
    bool cancel(std::uint64_t user_data) noexcept;

    // Provided buffers.
    std::uint16_t buffer_count() const noexcept { return settings_.buffer_count; }
    std::uint32_t buffer_size() const noexcept { return settings_.buffer_size; }
    std::span<std::uint8_t> buffer(std::uint16_t id) noexcept;
    // The buffer holding all of `bytes`, if they lie in one.
    std::optional<std::uint16_t> buffer_holding(std::span<const std::uint8_t> bytes) const noexcept;
    void taken(std::uint16_t id) noexcept;  // a completion handed it out
    void hold(std::uint16_t id) noexcept { ++references_[id]; }
    void release(std::uint16_t id) noexcept;
    // Buffers out of the kernel's ring; at buffer_count() a receive would end at once with ENOBUFS.
    std::uint32_t buffers_out() const noexcept { return buffers_out_; }

private:
    using Mapping = std::unique_ptr<void, detail::Unmap>;

    explicit UringRing(const Settings& settings) : settings_(settings) {}
    std::optional<std::string> set_up();
    void cancel_everything() noexcept;

    Settings settings_;
    // Declared first so they are released last: the ring (destroyed first) must be gone before the
    // memory the kernel may write to is.
    Mapping buffers_;     // buffer_count * buffer_size bytes
    Mapping buffer_ring_; // the ring of io_uring_buf entries shared with the kernel
    UniqueFd event_fd_;
    std::unique_ptr<io_uring, detail::QueueExit> ring_;
    io_uring_buf_ring* buffer_ring_entries_ = nullptr;
    bool buffer_ring_registered_ = false;
    std::vector<std::uint16_t> references_;  // per buffer
    std::uint32_t buffers_out_ = 0;
    std::uint64_t submissions_ = 0;
};

}  // namespace tern::server
