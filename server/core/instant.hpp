#pragma once
// Time as the sans-I/O core sees it: handed in by the caller with every event, never read from a
// clock. `mono` orders lifetimes (immune to wall-clock steps); `unix_seconds` is what ephemeral
// usernames and nonces carry.

#include <chrono>
#include <cstdint>

namespace tern::server {

using MonoClock = std::chrono::steady_clock;
using MonoTime = MonoClock::time_point;

struct Instant {
    MonoTime mono{};
    std::int64_t unix_seconds = 0;

    static Instant now() noexcept {
        return {MonoClock::now(), std::chrono::duration_cast<std::chrono::seconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count()};
    }
    Instant operator+(std::chrono::seconds d) const noexcept { return {mono + d, unix_seconds + d.count()}; }
};

// Whole seconds of the monotonic clock, for expiry stamps kept in 32 bits.
inline std::uint32_t mono_seconds(const Instant& i) noexcept {
    return static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(i.mono.time_since_epoch()).count());
}

}  // namespace tern::server
