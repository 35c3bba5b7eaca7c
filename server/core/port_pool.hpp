#pragma once
// The relay ports of one relay IP: which are in use, and a CSPRNG-driven choice among the free ones
// (predictable relay ports would let an off-path attacker aim at allocations).

#include <bitset>
#include <cstdint>
#include <optional>

#include "auth/random.hpp"

namespace tern::server {

class PortPool {
public:
    PortPool(std::uint16_t min, std::uint16_t max) noexcept;

    // A free port chosen at random; `even` asks for an even one, `with_next` also needs port+1 free
    // (EVEN-PORT with the R bit). The port(s) are not marked: call take() once bound.
    std::optional<std::uint16_t> pick(auth::Random& random, bool even, bool with_next) const;
    void take(std::uint16_t port) noexcept { used_.set(port); }
    void release(std::uint16_t port) noexcept { used_.reset(port); }
    bool in_use(std::uint16_t port) const noexcept { return used_.test(port); }

private:
    bool fits(std::uint32_t port, bool even, bool with_next) const noexcept;

    std::uint16_t min_;
    std::uint16_t max_;
    std::bitset<65536> used_;
};

}  // namespace tern::server
