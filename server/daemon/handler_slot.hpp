#pragma once
// Room for one outstanding Asio handler, so a wait or post that is re-issued on every packet burst
// allocates nothing. Asio allocates each operation (the handler and its bookkeeping) through the
// handler's associated allocator; its default, a small per-thread cache, misses once more operations
// are outstanding at a time than it keeps (every TCP connection waits for readiness at once). A
// HandlerSlot belongs to one kind of operation of one owner (a connection's read wait, a shell's
// flush), of which at most one is outstanding; bind_to() gives Asio an allocator that takes the slot.
// An operation larger than the slot, or a second one while the slot is taken, falls back to the heap.

#include <boost/asio/bind_allocator.hpp>

#include <array>
#include <cstddef>
#include <new>
#include <utility>

namespace tern::server {

class HandlerSlot {
public:
    HandlerSlot() = default;
    HandlerSlot(const HandlerSlot&) = delete;
    HandlerSlot& operator=(const HandlerSlot&) = delete;

    void* allocate(std::size_t size) {
        if (!taken_ && size <= storage_.size()) {
            taken_ = true;
            return storage_.data();
        }
        return ::operator new(size);
    }
    void deallocate(void* p) noexcept {
        if (p == storage_.data()) taken_ = false;
        else ::operator delete(p);
    }

    template <class T>
    class Allocator {
    public:
        using value_type = T;
        explicit Allocator(HandlerSlot& slot) noexcept : slot_(&slot) {}
        template <class U>
        Allocator(const Allocator<U>& other) noexcept : slot_(other.slot_) {}  // NOLINT: rebinding
        T* allocate(std::size_t n) { return static_cast<T*>(slot_->allocate(sizeof(T) * n)); }
        void deallocate(T* p, std::size_t) noexcept { slot_->deallocate(p); }
        template <class U>
        bool operator==(const Allocator<U>& other) const noexcept { return slot_ == other.slot_; }

    private:
        template <class U>
        friend class Allocator;
        HandlerSlot* slot_;
    };

    // `handler`, allocated in this slot when Asio runs it.
    template <class Handler>
    auto bind_to(Handler&& handler) {
        return boost::asio::bind_allocator(Allocator<void>(*this), std::forward<Handler>(handler));
    }

private:
    alignas(std::max_align_t) std::array<std::byte, 256> storage_{};
    bool taken_ = false;
};

}  // namespace tern::server
