#include "bench/tern_bench/echo_peer.hpp"

#include <poll.h>

#include <array>
#include <cerrno>
#include <memory>
#include <stdexcept>
#include <vector>

#include "bench/tern_bench/process_usage.hpp"

namespace tern::bench {

namespace {

constexpr std::size_t kBatch = 64;
constexpr std::size_t kMaxDatagram = 8192;

// Receive up to kBatch datagrams, send each back to its source from the same buffers.
struct EchoBatch {
    std::vector<std::uint8_t> storage = std::vector<std::uint8_t>(kBatch * kMaxDatagram);
    std::array<sockaddr_storage, kBatch> sources{};
    std::array<iovec, kBatch> iov{};
    std::array<mmsghdr, kBatch> headers{};

    std::size_t echo(int fd) {
        for (std::size_t i = 0; i < kBatch; ++i) {
            iov[i] = {storage.data() + i * kMaxDatagram, kMaxDatagram};
            headers[i] = {};
            headers[i].msg_hdr.msg_iov = &iov[i];
            headers[i].msg_hdr.msg_iovlen = 1;
            headers[i].msg_hdr.msg_name = &sources[i];
            headers[i].msg_hdr.msg_namelen = sizeof sources[i];
        }
        const int received = ::recvmmsg(fd, headers.data(), kBatch, MSG_DONTWAIT, nullptr);
        if (received <= 0) return 0;
        const auto count = static_cast<std::size_t>(received);
        for (std::size_t i = 0; i < count; ++i) iov[i].iov_len = headers[i].msg_len;  // names stay as received
        for (std::size_t sent = 0; sent < count;) {
            const int n = ::sendmmsg(fd, headers.data() + sent, static_cast<unsigned>(count - sent), 0);
            if (n > 0) sent += static_cast<std::size_t>(n);
            else if (n < 0 && errno == EINTR) continue;
            else ++sent;  // a full buffer drops it, as any peer would
        }
        return count;
    }
};

}  // namespace

EchoPeer::EchoPeer(const protocol::TransportAddress& address) {
    std::string error;
    auto fd = open_udp(address, std::nullopt, kLoadSocketBuffer, error);
    if (!fd) throw std::runtime_error("echo peer: " + error);
    fd_ = std::move(*fd);
    const auto bound = local_address(fd_.get());
    if (!bound) throw std::runtime_error("echo peer: getsockname failed");
    address_ = *bound;
}

EchoPeer::~EchoPeer() { stop(); }

void EchoPeer::start(std::chrono::duration<double> limit) {
    thread_ = std::thread([this, limit] { run(limit); });
}

void EchoPeer::stop() {
    stopping_.store(true, std::memory_order_relaxed);
    if (thread_.joinable()) thread_.join();
}

void EchoPeer::run(std::chrono::duration<double> limit) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::nanoseconds>(limit);
    const double cpu_at_start = thread_cpu_seconds();
    auto batch = std::make_unique<EchoBatch>();
    pollfd wait_for{fd_.get(), POLLIN, 0};
    std::uint64_t echoed = 0;
    while (!stopping_.load(std::memory_order_relaxed) && std::chrono::steady_clock::now() < deadline) {
        if (::poll(&wait_for, 1, 50) <= 0) continue;
        for (int round = 0; round < 16; ++round) {
            const std::size_t n = batch->echo(fd_.get());
            echoed += n;
            if (n < kBatch) break;
        }
        echoed_.store(echoed, std::memory_order_relaxed);
    }
    cpu_seconds_.store(thread_cpu_seconds() - cpu_at_start, std::memory_order_relaxed);
}

}  // namespace tern::bench
