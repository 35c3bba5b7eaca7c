#include "server/daemon/uring_udp.hpp"

#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/core.h>

namespace tern::server {

namespace {

std::string failure(std::string_view step, int negative_errno) {
    return fmt::format("{}: {}", step, std::strerror(-negative_errno));
}

// Anonymous, page-aligned memory (the buffer ring must be page-aligned).
void* map_anonymous(std::size_t size) noexcept {
    void* memory = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return memory == MAP_FAILED ? nullptr : memory;
}

}  // namespace

void detail::QueueExit::operator()(io_uring* ring) const noexcept {
    io_uring_queue_exit(ring);
    std::default_delete<io_uring>{}(ring);
}

void detail::Unmap::operator()(void* memory) const noexcept { ::munmap(memory, size); }

std::variant<std::unique_ptr<UringRing>, std::string> UringRing::create(const Settings& settings) {
    std::unique_ptr<UringRing> ring(new UringRing(settings));  // private constructor: make_unique cannot reach it
    if (auto error = ring->set_up()) return *std::move(error);
    return ring;
}

std::optional<std::string> UringRing::set_up() {
    const unsigned count = settings_.buffer_count;
    if (count == 0 || (count & (count - 1)) != 0 || count > 32768) return std::string("buffer count not a power of 2");

    auto ring = std::make_unique<io_uring>();
    // Deferred task running (Linux 6.1): the kernel finishes a receive (copies the datagram, posts its
    // completion) only when the owning thread asks for completions, and tells the eventfd that work is
    // waiting instead of interrupting the thread's epoll_wait with a signal; TASKRUN_FLAG says when
    // such work is pending. The ring then takes submissions from one thread only: it starts disabled,
    // and the thread that enables it (start_on_this_thread) is that thread. An older kernel gets the
    // epoll backend: one io_uring mode, the one that is tested, rather than a fallback for each kernel.
    io_uring_params params{};
    params.flags = IORING_SETUP_CQSIZE | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER |
                   IORING_SETUP_R_DISABLED | IORING_SETUP_TASKRUN_FLAG;
    params.cq_entries = settings_.completion_entries;
    const int initialised = io_uring_queue_init_params(settings_.submission_entries, ring.get(), &params);
    if (initialised == -EINVAL) return std::string("kernel too old: deferred task running needs Linux 6.1");
    if (initialised < 0) return failure("io_uring_queue_init", initialised);
    ring_.reset(ring.release());

    // Synchronous cancel (Linux 6.0, like multishot receive) is what closing a relay relies on: asking
    // to cancel a request that does not exist must answer ENOENT. A kernel with deferred task running
    // has it, but a sandbox may filter io_uring_register, and this says so at start-up.
    io_uring_sync_cancel_reg probe{};
    probe.addr = ~std::uint64_t{0};
    probe.timeout.tv_sec = -1;
    probe.timeout.tv_nsec = -1;
    if (const int r = io_uring_register_sync_cancel(ring_.get(), &probe); r != -ENOENT)
        return r == -EINVAL ? std::string("kernel too old: multishot receive needs Linux 6.0")
                            : failure("io_uring_register_sync_cancel", r);

    const std::size_t ring_bytes = count * sizeof(io_uring_buf);
    buffer_ring_ = Mapping(map_anonymous(ring_bytes), detail::Unmap{ring_bytes});
    const std::size_t buffer_bytes = std::size_t{count} * settings_.buffer_size;
    buffers_ = Mapping(map_anonymous(buffer_bytes), detail::Unmap{buffer_bytes});
    if (!buffer_ring_ || !buffers_) return std::string("cannot map the provided buffers");
    buffer_ring_entries_ = static_cast<io_uring_buf_ring*>(buffer_ring_.get());

    io_uring_buf_reg registration{};
    registration.ring_addr = reinterpret_cast<std::uintptr_t>(buffer_ring_.get());
    registration.ring_entries = count;
    registration.bgid = kBufferGroup;
    if (const int r = io_uring_register_buf_ring(ring_.get(), &registration, 0); r < 0)
        return failure("io_uring_register_buf_ring", r);
    buffer_ring_registered_ = true;
    io_uring_buf_ring_init(buffer_ring_entries_);
    const int mask = io_uring_buf_ring_mask(count);
    for (unsigned id = 0; id < count; ++id) {
        const auto b = buffer(static_cast<std::uint16_t>(id));
        io_uring_buf_ring_add(buffer_ring_entries_, b.data(), settings_.buffer_size - settings_.buffer_tailroom,
                              static_cast<unsigned short>(id), mask, static_cast<int>(id));
    }
    io_uring_buf_ring_advance(buffer_ring_entries_, static_cast<int>(count));
    references_.assign(count, 0);

    event_fd_ = UniqueFd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    if (!event_fd_) return failure("eventfd", -errno);
    if (const int r = io_uring_register_eventfd(ring_.get(), event_fd_.get()); r < 0)
        return failure("io_uring_register_eventfd", r);
    return std::nullopt;
}

UringRing::~UringRing() {
    if (!ring_) return;
    cancel_everything();
    if (buffer_ring_registered_) io_uring_unregister_buf_ring(ring_.get(), kBufferGroup);
}

void UringRing::cancel_everything() noexcept {
    // Requests still in flight (receives, sends waiting for room) could otherwise write into the
    // buffers or read the send descriptions after they are freed.
    io_uring_submit(ring_.get());
    io_uring_sync_cancel_reg all{};
    all.flags = IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL;
    all.timeout.tv_sec = -1;
    all.timeout.tv_nsec = -1;
    io_uring_register_sync_cancel(ring_.get(), &all);
}

std::optional<std::string> UringRing::start_on_this_thread() {
    // The system call itself: Debian's liburing 2.3 declares io_uring_enable_rings but does not export it.
    if (::syscall(__NR_io_uring_register, ring_->ring_fd, IORING_REGISTER_ENABLE_RINGS, nullptr, 0) < 0)
        return failure("io_uring_register(IORING_REGISTER_ENABLE_RINGS)", -errno);
    return std::nullopt;
}

io_uring_sqe* UringRing::next_sqe() noexcept {
    if (io_uring_sqe* sqe = io_uring_get_sqe(ring_.get())) return sqe;
    ++submissions_;
    io_uring_submit(ring_.get());
    return io_uring_get_sqe(ring_.get());
}

int UringRing::submit() noexcept {
    ++submissions_;
    return io_uring_submit(ring_.get());
}

bool UringRing::cancel(std::uint64_t user_data) noexcept {
    io_uring_sync_cancel_reg request{};
    request.addr = user_data;
    request.timeout.tv_sec = -1;
    request.timeout.tv_nsec = -1;
    return io_uring_register_sync_cancel(ring_.get(), &request) >= 0;
}

std::span<std::uint8_t> UringRing::buffer(std::uint16_t id) noexcept {
    return {static_cast<std::uint8_t*>(buffers_.get()) + std::size_t{id} * settings_.buffer_size,
            settings_.buffer_size};
}

std::optional<std::uint16_t> UringRing::buffer_holding(std::span<const std::uint8_t> bytes) const noexcept {
    // Addresses compared as integers: the bytes may lie anywhere, and pointer order is only defined
    // within one object.
    const auto base = reinterpret_cast<std::uintptr_t>(buffers_.get());
    const auto first = reinterpret_cast<std::uintptr_t>(bytes.data());
    if (first < base) return std::nullopt;
    const std::uintptr_t offset = first - base;
    const std::uintptr_t id = offset / settings_.buffer_size;
    if (id >= settings_.buffer_count) return std::nullopt;
    if (offset + bytes.size() > (id + 1) * settings_.buffer_size) return std::nullopt;
    return static_cast<std::uint16_t>(id);
}

void UringRing::taken(std::uint16_t id) noexcept {
    references_[id] = 1;
    ++buffers_out_;
}

void UringRing::release(std::uint16_t id) noexcept {
    if (--references_[id] != 0) return;
    --buffers_out_;
    const auto b = buffer(id);
    io_uring_buf_ring_add(buffer_ring_entries_, b.data(), settings_.buffer_size - settings_.buffer_tailroom, id,
                          io_uring_buf_ring_mask(settings_.buffer_count), 0);
    io_uring_buf_ring_advance(buffer_ring_entries_, 1);
}

}  // namespace tern::server
