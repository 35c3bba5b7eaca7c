#include "auth/random.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>

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

BufferedRandom::~BufferedRandom() { OPENSSL_cleanse(pool_.data(), pool_.size()); }

void BufferedRandom::fill(std::span<std::uint8_t> out) {
    if (out.size() >= pool_.size()) {
        if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) std::abort();
        return;
    }
    while (!out.empty()) {
        if (used_ == pool_.size()) {
            if (RAND_bytes(pool_.data(), static_cast<int>(pool_.size())) != 1) std::abort();
            used_ = 0;
        }
        const std::size_t n = std::min(out.size(), pool_.size() - used_);
        std::memcpy(out.data(), pool_.data() + used_, n);
        OPENSSL_cleanse(pool_.data() + used_, n);  // handed out once: not left behind for a later reader
        used_ += n;
        out = out.subspan(n);
    }
}

}  // namespace tern::auth
