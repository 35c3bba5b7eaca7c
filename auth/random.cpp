#include "auth/random.hpp"

#include <openssl/rand.h>

#include <cstdlib>

namespace tern::auth {

std::uint32_t Random::uniform(std::uint32_t bound) {
    if (bound <= 1) return 0;
    // Reject the top sliver of the range that would make low values more likely.
    const std::uint32_t limit = UINT32_MAX - (UINT32_MAX % bound);
    for (;;) {
        const std::uint32_t v = next_u32();
        if (v < limit) return v % bound;
    }
}

void SystemRandom::fill(std::span<std::uint8_t> out) {
    if (out.empty()) return;
    if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) std::abort();
}

}  // namespace tern::auth
