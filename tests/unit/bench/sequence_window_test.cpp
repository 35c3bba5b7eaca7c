// The per-flow sequence window: in order, reordered, duplicated and too-old arrivals.

#include <gtest/gtest.h>

#include "bench/tern_bench/sequence_window.hpp"

namespace tern::bench {
namespace {

using Arrival = SequenceWindow::Arrival;

TEST(SequenceWindow, AscendingNumbersAreInOrderEvenWithGaps) {
    SequenceWindow w;
    EXPECT_TRUE(w.empty());
    EXPECT_EQ(w.record(0), Arrival::InOrder);
    EXPECT_EQ(w.record(1), Arrival::InOrder);
    EXPECT_EQ(w.record(5), Arrival::InOrder);
    EXPECT_EQ(w.highest(), 5u);
}

TEST(SequenceWindow, AFilledGapIsReorderedOnceThenDuplicate) {
    SequenceWindow w;
    w.record(0);
    w.record(2);
    EXPECT_EQ(w.record(1), Arrival::Reordered);
    EXPECT_EQ(w.record(1), Arrival::Duplicate);
    EXPECT_EQ(w.record(2), Arrival::Duplicate);
}

TEST(SequenceWindow, TheHighestRepeatedIsADuplicate) {
    SequenceWindow w;
    w.record(7);
    EXPECT_EQ(w.record(7), Arrival::Duplicate);
}

TEST(SequenceWindow, TooFarBehindCannotBeJudged) {
    SequenceWindow w;
    w.record(10'000);
    EXPECT_EQ(w.record(10'000 - SequenceWindow::kSize), Arrival::TooOld);
    EXPECT_EQ(w.record(10'000 - SequenceWindow::kSize + 1), Arrival::Reordered);
}

TEST(SequenceWindow, SlotsReusedAfterAdvancingAreClear) {
    SequenceWindow w;
    for (std::uint64_t s = 0; s < 100; ++s) w.record(s);
    // Jump ahead by less than the window: numbers 100..kSize+49 are unseen even though their slots
    // held 0..99 before.
    w.record(SequenceWindow::kSize + 50);
    EXPECT_EQ(w.record(SequenceWindow::kSize + 10), Arrival::Reordered);
    EXPECT_EQ(w.record(120), Arrival::Reordered);
    // A jump beyond the whole window clears everything.
    w.record(10 * SequenceWindow::kSize);
    EXPECT_EQ(w.record(10 * SequenceWindow::kSize - 1), Arrival::Reordered);
}

TEST(SequenceWindow, CountsOfAShuffledStream) {
    SequenceWindow w;
    const std::uint64_t order[] = {0, 1, 3, 2, 4, 4, 6, 5, 5, 7};
    int in_order = 0, reordered = 0, duplicates = 0;
    for (auto s : order) {
        switch (w.record(s)) {
            case Arrival::InOrder: ++in_order; break;
            case Arrival::Reordered: ++reordered; break;
            case Arrival::Duplicate: ++duplicates; break;
            case Arrival::TooOld: break;
        }
    }
    EXPECT_EQ(in_order, 6);    // 0 1 3 4 6 7
    EXPECT_EQ(reordered, 2);   // 2 5
    EXPECT_EQ(duplicates, 2);  // 4 5
}

}  // namespace
}  // namespace tern::bench
