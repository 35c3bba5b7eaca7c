// PortPool: random choice of relay ports within the configured range, the EVEN-PORT variants, and
// exhaustion. Driven by the seeded CounterRandom, so every run draws the same ports.

#include <algorithm>
#include <set>
#include <vector>

#include "core_harness.hpp"
#include "server/core/port_pool.hpp"

namespace tern::server::test {
namespace {

TEST(CorePortPool, PicksWithinTheRange) {
    CounterRandom random;
    const PortPool pool(50000, 50099);
    for (int i = 0; i < 1000; ++i) {
        const auto port = pool.pick(random, false, false);
        ASSERT_TRUE(port);
        EXPECT_GE(*port, 50000);
        EXPECT_LE(*port, 50099);
    }
}

TEST(CorePortPool, ReachesBothEndsOfTheRange) {
    CounterRandom random;
    const PortPool pool(50000, 50009);
    std::set<std::uint16_t> seen;
    for (int i = 0; i < 500; ++i) seen.insert(*pool.pick(random, false, false));
    EXPECT_EQ(seen.size(), 10u);
}

TEST(CorePortPool, SkipsPortsInUse) {
    CounterRandom random;
    PortPool pool(50000, 50009);
    for (std::uint16_t p = 50000; p <= 50009; ++p)
        if (p != 50004) pool.take(p);
    for (int i = 0; i < 50; ++i) EXPECT_EQ(pool.pick(random, false, false), 50004);
    EXPECT_TRUE(pool.in_use(50000));
    EXPECT_FALSE(pool.in_use(50004));
}

TEST(CorePortPool, PickDoesNotTakeThePort) {
    CounterRandom random;
    PortPool pool(50000, 50000);
    EXPECT_EQ(pool.pick(random, false, false), 50000);
    EXPECT_EQ(pool.pick(random, false, false), 50000);  // still free until take()
    pool.take(50000);
    EXPECT_FALSE(pool.pick(random, false, false));
    pool.release(50000);
    EXPECT_EQ(pool.pick(random, false, false), 50000);
}

TEST(CorePortPool, EvenAsksForAnEvenPort) {
    CounterRandom random;
    const PortPool pool(50001, 50100);  // odd lower end: the first even port is min+1
    for (int i = 0; i < 500; ++i) {
        const auto port = pool.pick(random, true, false);
        ASSERT_TRUE(port);
        EXPECT_EQ(*port % 2, 0) << *port;
    }
}

TEST(CorePortPool, WithNextNeedsTheFollowingPortFreeAndInRange) {
    CounterRandom random;
    PortPool pool(50000, 50010);
    for (int i = 0; i < 500; ++i) {
        const auto port = pool.pick(random, true, true);
        ASSERT_TRUE(port);
        EXPECT_EQ(*port % 2, 0);
        EXPECT_LT(*port, 50010) << "port+1 would be outside the range";
    }
    // Only 50004 has a free successor.
    for (std::uint16_t p = 50000; p <= 50010; p += 2)
        if (p != 50004) pool.take(static_cast<std::uint16_t>(p + 1));
    for (int i = 0; i < 50; ++i) EXPECT_EQ(pool.pick(random, true, true), 50004);
}

TEST(CorePortPool, ExhaustionGivesNothing) {
    CounterRandom random;
    PortPool pool(50000, 50003);
    for (std::uint16_t p = 50000; p <= 50003; ++p) pool.take(p);
    EXPECT_FALSE(pool.pick(random, false, false));

    pool.release(50001);  // one odd port free
    EXPECT_EQ(pool.pick(random, false, false), 50001);
    EXPECT_FALSE(pool.pick(random, true, false));
    pool.release(50002);  // an even port, but its successor is taken
    EXPECT_EQ(pool.pick(random, true, false), 50002);
    EXPECT_FALSE(pool.pick(random, true, true));
}

TEST(CorePortPool, EmptyOrInvertedRangeGivesNothing) {
    CounterRandom random;
    EXPECT_FALSE(PortPool(50001, 50000).pick(random, false, false));
    EXPECT_FALSE(PortPool(50001, 50001).pick(random, true, false));   // the only port is odd
    EXPECT_FALSE(PortPool(65535, 65535).pick(random, false, true));  // no port 65536
}

TEST(CorePortPool, DrawsAreNotSequential) {
    // Predictable relay ports would let an off-path attacker aim at allocations: successive picks, each
    // taken, must not walk the range in order.
    CounterRandom random;
    PortPool pool(49152, 65535);
    std::vector<std::uint16_t> picks;
    for (int i = 0; i < 200; ++i) {
        const auto port = pool.pick(random, false, false);
        ASSERT_TRUE(port);
        pool.take(*port);
        picks.push_back(*port);
    }
    int steps_of_one = 0;
    int increasing = 0;
    for (std::size_t i = 1; i < picks.size(); ++i) {
        if (picks[i] == picks[i - 1] + 1) ++steps_of_one;
        if (picks[i] > picks[i - 1]) ++increasing;
    }
    EXPECT_LT(steps_of_one, 5);
    // About half the steps go up, as for independent draws; a scan would go up nearly every time.
    EXPECT_GT(increasing, 60);
    EXPECT_LT(increasing, 140);
    // And they spread over the range rather than cluster at one end.
    const auto [lo, hi] = std::minmax_element(picks.begin(), picks.end());
    EXPECT_LT(*lo, 49152 + 2000);
    EXPECT_GT(*hi, 65535 - 2000);
}

TEST(CorePortPool, DifferentSeedsDrawDifferentPorts) {
    CounterRandom a(1);
    CounterRandom b(2);
    const PortPool pool(49152, 65535);
    int same = 0;
    for (int i = 0; i < 50; ++i)
        if (pool.pick(a, false, false) == pool.pick(b, false, false)) ++same;
    EXPECT_LT(same, 3);
}

TEST(CorePortPool, StillFindsTheLastFreePortsOfAFullRange) {
    // Once random draws mostly hit taken ports, the scan must still find what is left.
    CounterRandom random;
    PortPool pool(49152, 65535);
    for (std::uint32_t p = 49152; p <= 65535; ++p)
        if (p != 60001 && p != 60002) pool.take(static_cast<std::uint16_t>(p));
    for (int i = 0; i < 100; ++i) {
        const auto port = pool.pick(random, false, false);
        ASSERT_TRUE(port);
        EXPECT_TRUE(*port == 60001 || *port == 60002) << *port;
    }
    EXPECT_EQ(pool.pick(random, true, false), 60002);
    EXPECT_EQ(pool.pick(random, false, true), 60001);
}

}  // namespace
}  // namespace tern::server::test
