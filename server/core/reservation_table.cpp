#include "server/core/reservation_table.hpp"

namespace tern::server {

bool ReservationTable::put(std::uint64_t token, ReservedPort reserved, std::uint32_t expires_at) noexcept {
    if (token <= kBusy) return false;
    const std::uint64_t value = (std::uint64_t{expires_at} << 32) | (std::uint64_t{reserved.pool} << 16) | reserved.port;
    // Start at a slot derived from the token (random), so shards rarely contend for the same slots.
    for (std::size_t i = 0; i < kSlots; ++i) {
        Slot& slot = slots_[(token + i) % kSlots];
        std::uint64_t expected = kEmpty;
        if (!slot.token.compare_exchange_strong(expected, kBusy, std::memory_order_acq_rel)) continue;
        slot.value.store(value, std::memory_order_relaxed);
        slot.token.store(token, std::memory_order_release);  // publishes the value with it
        return true;
    }
    return false;
}

std::optional<ReservedPort> ReservationTable::take(std::uint64_t token) noexcept {
    if (token <= kBusy) return std::nullopt;
    for (std::size_t i = 0; i < kSlots; ++i) {
        Slot& slot = slots_[(token + i) % kSlots];
        if (slot.token.load(std::memory_order_acquire) != token || !claim(slot, token)) continue;
        const std::uint64_t value = slot.value.load(std::memory_order_relaxed);
        slot.token.store(kEmpty, std::memory_order_release);
        return unpack(value);
    }
    return std::nullopt;
}

bool ReservationTable::contains(std::uint64_t token) const noexcept {
    for (std::size_t i = 0; i < kSlots; ++i)
        if (slots_[(token + i) % kSlots].token.load(std::memory_order_acquire) == token) return true;
    return false;
}

}  // namespace tern::server
