// ReservationTable: EVEN-PORT reservations shared by shards through atomic slots.

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "server/core/reservation_table.hpp"

namespace tern::server {
namespace {

TEST(CoreReservationTable, PutThenTakeOnce) {
    auto table = std::make_unique<ReservationTable>();
    ASSERT_TRUE(table->put(0xABCDEF, {1, 50001, 100}, 100));
    EXPECT_TRUE(table->contains(0xABCDEF));
    const auto taken = table->take(0xABCDEF);
    ASSERT_TRUE(taken);
    EXPECT_EQ(taken->pool, 1);
    EXPECT_EQ(taken->port, 50001);
    EXPECT_EQ(taken->expires_at, 100u);
    EXPECT_FALSE(table->take(0xABCDEF));
    EXPECT_FALSE(table->contains(0xABCDEF));
}

TEST(CoreReservationTable, ReservedTokensAreRefused) {
    auto table = std::make_unique<ReservationTable>();
    EXPECT_FALSE(table->put(0, {0, 1, 1}, 1));
    EXPECT_FALSE(table->put(1, {0, 1, 1}, 1));
    EXPECT_FALSE(table->take(0));
}

TEST(CoreReservationTable, ExpireReleasesOnlyExpired) {
    auto table = std::make_unique<ReservationTable>();
    ASSERT_TRUE(table->put(10, {0, 50001, 30}, 30));
    ASSERT_TRUE(table->put(11, {0, 50003, 60}, 60));
    std::vector<std::uint16_t> released;
    table->expire(30, [&](const ReservedPort& r) { released.push_back(r.port); });
    EXPECT_EQ(released, std::vector<std::uint16_t>{50001});
    EXPECT_FALSE(table->contains(10));
    EXPECT_TRUE(table->contains(11));
}

TEST(CoreReservationTable, FullTableRefusesMore) {
    auto table = std::make_unique<ReservationTable>();
    for (std::uint64_t t = 2; t < 2 + ReservationTable::kSlots; ++t) ASSERT_TRUE(table->put(t, {0, 1, 1}, 1));
    EXPECT_FALSE(table->put(99999, {0, 1, 1}, 1));
}

TEST(CoreReservationTable, RacingShardsTakeATokenOnce) {
    auto table = std::make_unique<ReservationTable>();
    for (std::uint64_t t = 2; t < 1002; ++t) ASSERT_TRUE(table->put(t * 7919, {0, 1, 1}, 1));
    std::atomic<int> taken{0};
    std::vector<std::thread> shards;
    for (int s = 0; s < 4; ++s)
        shards.emplace_back([&] {
            for (std::uint64_t t = 2; t < 1002; ++t)
                if (table->take(t * 7919)) taken.fetch_add(1);
        });
    for (auto& s : shards) s.join();
    EXPECT_EQ(taken.load(), 1000);
}

}  // namespace
}  // namespace tern::server
