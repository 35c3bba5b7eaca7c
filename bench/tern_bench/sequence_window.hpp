#pragma once
// Which of a flow's recent sequence numbers have arrived: a bitmap over the last kSize numbers below
// the highest seen. It classifies each arrival, so the report can tell reordering (a number older
// than the highest, seen for the first time) from duplication (seen before) and from packets too late
// to judge. SRTP's replay check catches duplicates too; this window is kept on the verified probe's
// 64-bit sequence so the counts do not depend on libsrtp's 16-bit index estimation.

#include <array>
#include <cstdint>

namespace tern::bench {

class SequenceWindow {
public:
    static constexpr std::uint64_t kSize = 2048;

    enum class Arrival : std::uint8_t {
        InOrder,    // higher than every number before (a gap it leaves may be filled later)
        Reordered,  // lower than the highest, first time seen
        Duplicate,  // seen before
        TooOld,     // more than kSize below the highest: cannot be told apart from a duplicate
    };

    Arrival record(std::uint64_t sequence) noexcept;

    bool empty() const noexcept { return !any_; }
    std::uint64_t highest() const noexcept { return highest_; }

private:
    bool test(std::uint64_t sequence) const noexcept;
    void set(std::uint64_t sequence) noexcept;
    void clear(std::uint64_t sequence) noexcept;

    std::array<std::uint64_t, kSize / 64> bits_{};
    std::uint64_t highest_ = 0;
    bool any_ = false;
};

}  // namespace tern::bench
