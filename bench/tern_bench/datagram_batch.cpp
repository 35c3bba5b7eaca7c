#include "bench/tern_bench/datagram_batch.hpp"

#include <cerrno>

namespace tern::bench {

ReceiveBatch::ReceiveBatch() : storage_(kMessages * kBufferSize) {}

std::size_t ReceiveBatch::receive(int fd) noexcept {
    for (std::size_t i = 0; i < kMessages; ++i) {
        iov_[i] = {storage_.data() + i * kBufferSize, kBufferSize};
        headers_[i] = {};
        headers_[i].msg_hdr.msg_iov = &iov_[i];
        headers_[i].msg_hdr.msg_iovlen = 1;
        headers_[i].msg_hdr.msg_name = &sources_[i];
        headers_[i].msg_hdr.msg_namelen = sizeof sources_[i];
    }
    const int n = ::recvmmsg(fd, headers_.data(), kMessages, MSG_DONTWAIT, nullptr);
    return n > 0 ? static_cast<std::size_t>(n) : 0;
}

std::span<std::uint8_t> ReceiveBatch::datagram(std::size_t i) noexcept {
    if ((headers_[i].msg_hdr.msg_flags & MSG_TRUNC) != 0) return {};
    return {storage_.data() + i * kBufferSize, headers_[i].msg_len};
}

SendQueue::SendQueue(std::size_t slots) : fds_(slots), iov_(slots), headers_(slots) {
    slots_.reserve(slots);
    for (std::size_t i = 0; i < slots; ++i) slots_.push_back(std::make_unique<SendSlot>());
}

SendSlot& SendQueue::next_slot() {
    if (queued_ == slots_.size()) flush();
    return *slots_[queued_];
}

void SendQueue::push(int fd, std::size_t offset, std::size_t size) noexcept {
    fds_[queued_] = fd;
    iov_[queued_] = {slots_[queued_]->storage.data() + offset, size};
    headers_[queued_] = {};
    headers_[queued_].msg_hdr.msg_iov = &iov_[queued_];
    headers_[queued_].msg_hdr.msg_iovlen = 1;
    ++queued_;
}

std::size_t SendQueue::flush() noexcept {
    std::size_t refused = 0;
    for (std::size_t run_start = 0; run_start < queued_;) {
        std::size_t run_end = run_start + 1;
        while (run_end < queued_ && fds_[run_end] == fds_[run_start]) ++run_end;
        for (std::size_t sent = run_start; sent < run_end;) {
            const int n = ::sendmmsg(fds_[run_start], headers_.data() + sent, static_cast<unsigned>(run_end - sent), 0);
            if (n > 0) {
                sent += static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            // A full buffer (or a refused destination, as ICMP errors report on connected UDP sockets):
            // the first datagram is dropped, the rest get their own try.
            ++refused;
            ++sent;
        }
        run_start = run_end;
    }
    queued_ = 0;
    refused_ += refused;
    return refused;
}

}  // namespace tern::bench
