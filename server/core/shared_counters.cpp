#include "server/core/shared_counters.hpp"

#include <algorithm>
#include <limits>

namespace tern::server {

SharedCounters::Slots SharedCounters::slots_of(std::string_view user) noexcept {
    // Two 64-bit hashes combined by double hashing give the four indexes. User names are chosen by
    // whoever holds credentials, so a deliberate collision only makes that user's own quota fuller.
    std::uint64_t h1 = 14695981039346656037ull;
    std::uint64_t h2 = 0x9E3779B97F4A7C15ull;
    for (const char c : user) {
        h1 = (h1 ^ static_cast<std::uint8_t>(c)) * 1099511628211ull;
        h2 = (h2 ^ static_cast<std::uint8_t>(c)) * 0xff51afd7ed558ccdull;
        h2 ^= h2 >> 29;
    }
    h2 |= 1;  // odd: steps through distinct buckets of the power-of-two table
    Slots s{};
    for (std::size_t i = 0; i < kHashes; ++i) s[i] = static_cast<std::size_t>((h1 + i * h2) % kBuckets);
    return s;
}

std::uint32_t SharedCounters::user_estimate(std::string_view user) const noexcept {
    std::uint32_t least = std::numeric_limits<std::uint32_t>::max();
    for (const std::size_t i : slots_of(user)) least = std::min(least, buckets_[i].load(std::memory_order_relaxed));
    return least;
}

SharedCounters::Refusal SharedCounters::try_add(std::string_view user, std::uint32_t max_total,
                                                std::uint32_t user_quota) noexcept {
    // Increment first, then check, and undo on refusal: racing shards can never both slip past a limit.
    const std::uint32_t total = total_.fetch_add(1, std::memory_order_relaxed) + 1;
    if (max_total != 0 && total > max_total) {
        total_.fetch_sub(1, std::memory_order_relaxed);
        return Refusal::Total;
    }
    std::uint32_t least = std::numeric_limits<std::uint32_t>::max();
    for (const std::size_t i : slots_of(user))
        least = std::min(least, buckets_[i].fetch_add(1, std::memory_order_relaxed) + 1);
    if (user_quota != 0 && least > user_quota) {
        remove(user);
        return Refusal::User;
    }
    return Refusal::None;
}

void SharedCounters::remove(std::string_view user) noexcept {
    for (const std::size_t i : slots_of(user)) buckets_[i].fetch_sub(1, std::memory_order_relaxed);
    total_.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace tern::server
