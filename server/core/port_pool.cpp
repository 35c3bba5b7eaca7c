#include "server/core/port_pool.hpp"

namespace tern::server {

PortPool::PortPool(std::uint16_t min, std::uint16_t max) noexcept : min_(min), max_(max) {}

bool PortPool::in_use(std::uint16_t port) const noexcept {
    return (used_[port / 64].load(std::memory_order_relaxed) >> (port % 64)) & 1u;
}

bool PortPool::try_take(std::uint16_t port) noexcept {
    const std::uint64_t bit = std::uint64_t{1} << (port % 64);
    return (used_[port / 64].fetch_or(bit, std::memory_order_acq_rel) & bit) == 0;
}

void PortPool::release(std::uint16_t port) noexcept {
    const std::uint64_t bit = std::uint64_t{1} << (port % 64);
    used_[port / 64].fetch_and(~bit, std::memory_order_acq_rel);
}

bool PortPool::fits(std::uint32_t port, bool even, bool with_next) const noexcept {
    if (port < min_ || port > max_ || in_use(static_cast<std::uint16_t>(port))) return false;
    if (even && port % 2 != 0) return false;
    if (with_next && (port + 1 > max_ || in_use(static_cast<std::uint16_t>(port + 1)))) return false;
    return true;
}

std::optional<std::uint16_t> PortPool::pick(auth::Random& random, bool even, bool with_next) const {
    if (min_ > max_) return std::nullopt;
    const std::uint32_t span = std::uint32_t{max_} - min_ + 1;
    // A few uniform draws find a free port quickly while the pool is not nearly full...
    for (int attempt = 0; attempt < 16; ++attempt) {
        const std::uint32_t port = min_ + random.uniform(span);
        if (fits(port, even, with_next)) return static_cast<std::uint16_t>(port);
    }
    // ...and a scan from a random start finds the last free ones.
    const std::uint32_t start = random.uniform(span);
    for (std::uint32_t i = 0; i < span; ++i) {
        const std::uint32_t port = min_ + (start + i) % span;
        if (fits(port, even, with_next)) return static_cast<std::uint16_t>(port);
    }
    return std::nullopt;
}

}  // namespace tern::server
