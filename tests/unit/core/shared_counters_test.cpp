// SharedCounters: the quotas that shards share through atomics instead of a locked map.

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server/core/shared_counters.hpp"

namespace tern::server {
namespace {

using Refusal = SharedCounters::Refusal;

TEST(CoreSharedCounters, TotalLimit) {
    auto owned = std::make_unique<SharedCounters>();
    SharedCounters& c = *owned;
    EXPECT_EQ(c.try_add("a", 2, 0), Refusal::None);
    EXPECT_EQ(c.try_add("b", 2, 0), Refusal::None);
    EXPECT_EQ(c.try_add("c", 2, 0), Refusal::Total);
    EXPECT_EQ(c.total(), 2u);
    c.remove("a");
    EXPECT_EQ(c.try_add("c", 2, 0), Refusal::None);
}

TEST(CoreSharedCounters, UserQuotaIsPerUser) {
    auto owned = std::make_unique<SharedCounters>();
    SharedCounters& c = *owned;
    EXPECT_EQ(c.try_add("alice", 0, 2), Refusal::None);
    EXPECT_EQ(c.try_add("alice", 0, 2), Refusal::None);
    EXPECT_EQ(c.try_add("alice", 0, 2), Refusal::User);
    EXPECT_EQ(c.try_add("bob", 0, 2), Refusal::None);
    EXPECT_EQ(c.user_estimate("alice"), 2u);
    EXPECT_EQ(c.total(), 3u);  // the refused one was given back
    c.remove("alice");
    EXPECT_EQ(c.try_add("alice", 0, 2), Refusal::None);
}

TEST(CoreSharedCounters, ManyUsersDoNotCrowdEachOther) {
    // 10 000 users with one allocation each, quota 1: the sketch's over-count must not refuse any.
    auto owned = std::make_unique<SharedCounters>();
    SharedCounters& c = *owned;
    for (int i = 0; i < 10000; ++i) ASSERT_EQ(c.try_add("user" + std::to_string(i), 0, 1), Refusal::None) << i;
}

TEST(CoreSharedCounters, RacingShardsNeverPassALimit) {
    auto owned = std::make_unique<SharedCounters>();
    SharedCounters& c = *owned;
    std::atomic<int> granted{0};
    std::vector<std::thread> shards;
    for (int t = 0; t < 4; ++t)
        shards.emplace_back([&] {
            for (int i = 0; i < 1000; ++i)
                if (c.try_add("alice", 0, 100) == Refusal::None) granted.fetch_add(1);
        });
    for (auto& s : shards) s.join();
    EXPECT_EQ(granted.load(), 100);
    EXPECT_EQ(c.total(), 100u);
}

}  // namespace
}  // namespace tern::server
