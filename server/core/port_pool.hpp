#pragma once
// The relay ports of one relay IP: which are in use, and a CSPRNG-driven choice among the free ones
// (predictable relay ports would let an off-path attacker aim at allocations). All shards share one
// pool per relay IP; its bits are atomics, so a shard claims a port with try_take() and two shards
// can never claim the same one.

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>

#include "auth/random.hpp"

namespace tern::server {

class PortPool {
public:
    PortPool(std::uint16_t min, std::uint16_t max) noexcept;

    // A port that was free when looked at, chosen at random; `even` asks for an even one,
    // `with_next` also needs port+1 free (EVEN-PORT with the R bit). Nothing is claimed: call
    // try_take() (which may lose a race with another shard) before binding.
    std::optional<std::uint16_t> pick(auth::Random& random, bool even, bool with_next) const;
    // Claims the port; false if it was already taken.
    bool try_take(std::uint16_t port) noexcept;
    void take(std::uint16_t port) noexcept { (void)try_take(port); }
    void release(std::uint16_t port) noexcept;
    bool in_use(std::uint16_t port) const noexcept;

private:
    bool fits(std::uint32_t port, bool even, bool with_next) const noexcept;

    std::uint16_t min_;
    std::uint16_t max_;
    std::array<std::atomic<std::uint64_t>, 65536 / 64> used_{};
};

}  // namespace tern::server
