#include "bench/tern_bench/sequence_window.hpp"

namespace tern::bench {

bool SequenceWindow::test(std::uint64_t sequence) const noexcept {
    const std::uint64_t slot = sequence % kSize;
    return (bits_[slot / 64] >> (slot % 64)) & 1U;
}

void SequenceWindow::set(std::uint64_t sequence) noexcept {
    const std::uint64_t slot = sequence % kSize;
    bits_[slot / 64] |= std::uint64_t{1} << (slot % 64);
}

void SequenceWindow::clear(std::uint64_t sequence) noexcept {
    const std::uint64_t slot = sequence % kSize;
    bits_[slot / 64] &= ~(std::uint64_t{1} << (slot % 64));
}

SequenceWindow::Arrival SequenceWindow::record(std::uint64_t sequence) noexcept {
    if (!any_ || sequence > highest_) {
        // The slots between the old highest and the new one belong to numbers not yet seen.
        if (!any_ || sequence - highest_ >= kSize) {
            bits_.fill(0);
        } else {
            for (std::uint64_t s = highest_ + 1; s < sequence; ++s) clear(s);
        }
        any_ = true;
        highest_ = sequence;
        set(sequence);
        return Arrival::InOrder;
    }
    if (highest_ - sequence >= kSize) return Arrival::TooOld;
    if (test(sequence)) return Arrival::Duplicate;
    set(sequence);
    return Arrival::Reordered;
}

}  // namespace tern::bench
