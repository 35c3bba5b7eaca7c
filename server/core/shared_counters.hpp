#pragma once
// Allocation counts shared by every shard, for --max-allocations and --user-quota, without a lock or
// a shared map: a total, and per-user counts kept in a count-min sketch of atomic counters. A user's
// count is the smallest of its four buckets, which can only over-count (when all four are shared with
// other users' allocations), so a quota is never exceeded. With 2^19 buckets and 10 000 users of one
// allocation each, a user reads as one too many with probability about 1e-5.

#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

namespace tern::server {

class SharedCounters {
public:
    // Reserves a slot for `user` if neither limit (0: none) would be passed. Lock-free; safe from
    // any shard. Returns what stopped it, if anything.
    enum class Refusal : std::uint8_t { None, Total, User };
    Refusal try_add(std::string_view user, std::uint32_t max_total, std::uint32_t user_quota) noexcept;
    void remove(std::string_view user) noexcept;

    std::uint32_t total() const noexcept { return total_.load(std::memory_order_relaxed); }
    std::uint32_t user_estimate(std::string_view user) const noexcept;

private:
    static constexpr std::size_t kBuckets = 1 << 19;
    static constexpr std::size_t kHashes = 4;
    using Slots = std::array<std::size_t, kHashes>;  // distinct bucket indexes
    static Slots slots_of(std::string_view user) noexcept;

    std::atomic<std::uint32_t> total_{0};
    std::array<std::atomic<std::uint32_t>, kBuckets> buckets_{};  // 2 MiB: allocate the object on the heap
};

}  // namespace tern::server
