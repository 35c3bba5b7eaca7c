#include "auth/random.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <set>
#include <vector>

namespace tern::auth {
namespace {

// Requests of every size up to and past the pool, across refills: every byte is handed out once, so
// 64 KiB drawn in odd pieces look like 64 KiB of random bytes (no repeated 16-byte block, every
// byte value present), and a request is filled to its last byte.
TEST(BufferedRandom, HandsOutFreshBytesAcrossRefills) {
    BufferedRandom random;
    std::vector<std::uint8_t> all;
    for (std::size_t size = 1; all.size() < 65536; size = size % 300 + 7) {
        std::vector<std::uint8_t> piece(size, 0);
        random.fill(piece);
        all.insert(all.end(), piece.begin(), piece.end());
    }
    std::set<std::array<std::uint8_t, 16>> blocks;
    for (std::size_t i = 0; i + 16 <= all.size(); i += 16) {
        std::array<std::uint8_t, 16> b{};
        std::copy_n(all.begin() + static_cast<std::ptrdiff_t>(i), 16, b.begin());
        EXPECT_TRUE(blocks.insert(b).second) << "a 16-byte block repeated at offset " << i;
    }
    std::array<bool, 256> seen{};
    for (std::uint8_t byte : all) seen[byte] = true;
    EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](bool s) { return s; }));

    // The last byte of a request is written too (a fill that stopped short would leave the zeros).
    std::size_t zero_tails = 0;
    for (int i = 0; i < 64; ++i) {
        std::array<std::uint8_t, 8> tail{};
        random.fill(tail);
        if (tail[6] == 0 && tail[7] == 0) ++zero_tails;
    }
    EXPECT_LT(zero_tails, 4u);
}

TEST(BufferedRandom, UniformStaysInRange) {
    BufferedRandom random;
    std::array<int, 7> counts{};
    for (int i = 0; i < 7000; ++i) ++counts.at(random.uniform(7));
    for (int c : counts) EXPECT_GT(c, 700);
}

}  // namespace
}  // namespace tern::auth
