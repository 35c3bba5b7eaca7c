#include "bench/tern_bench/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace tern::bench {

// Values below 64 get a bucket each. Above, a value with its highest set bit at position p (p >= 6)
// falls in group p - 5, and the kSubBits bits below the highest one pick the sub-bucket.
std::size_t LatencyHistogram::bucket_of(std::uint64_t value) noexcept {
    if (value < kExactBelow) return static_cast<std::size_t>(value);
    const unsigned top = static_cast<unsigned>(std::bit_width(value)) - 1;  // >= 6
    const unsigned shift = top - kSubBits;
    const std::size_t sub = static_cast<std::size_t>((value >> shift) & (kSubBuckets - 1));
    return kExactBelow + (top - kSubBits - 1) * kSubBuckets + sub;
}

std::uint64_t LatencyHistogram::bucket_low(std::size_t bucket) noexcept {
    if (bucket < kExactBelow) return bucket;
    const std::size_t group = (bucket - kExactBelow) / kSubBuckets;
    const std::size_t sub = (bucket - kExactBelow) % kSubBuckets;
    const unsigned shift = static_cast<unsigned>(group) + 1;
    return (std::uint64_t{kSubBuckets} + sub) << shift;
}

std::uint64_t LatencyHistogram::bucket_high(std::size_t bucket) noexcept {
    if (bucket < kExactBelow) return bucket;
    const std::size_t group = (bucket - kExactBelow) / kSubBuckets;
    return bucket_low(bucket) + (std::uint64_t{1} << (group + 1)) - 1;
}

void LatencyHistogram::record(std::int64_t nanoseconds) noexcept {
    const std::int64_t value = std::max<std::int64_t>(nanoseconds, 0);  // a clock never runs back, but be safe
    ++buckets_[bucket_of(static_cast<std::uint64_t>(value))];
    if (count_ == 0 || value < min_) min_ = value;
    if (value > max_) max_ = value;
    ++count_;
    sum_ += static_cast<std::uint64_t>(value);
}

void LatencyHistogram::merge(const LatencyHistogram& other) noexcept {
    if (other.count_ == 0) return;
    for (std::size_t i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
    if (count_ == 0 || other.min_ < min_) min_ = other.min_;
    max_ = std::max(max_, other.max_);
    count_ += other.count_;
    sum_ += other.sum_;
}

std::int64_t LatencyHistogram::percentile(double q) const noexcept {
    if (count_ == 0) return 0;
    q = std::clamp(q, 0.0, 1.0);
    // The rank of the sample at quantile q, counting from 1 (nearest-rank definition).
    const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
    if (rank >= count_) return max_;  // the largest sample is known exactly
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
        seen += buckets_[i];
        if (seen < rank) continue;
        const std::uint64_t low = bucket_low(i);
        const std::uint64_t middle = low + (bucket_high(i) - low) / 2;
        return std::clamp(static_cast<std::int64_t>(middle), min_, max_);
    }
    return max_;
}

}  // namespace tern::bench
