#pragma once
// EVEN-PORT reservations (RFC 8656 §7.2), shared by all shards: the RTCP half of a media session
// comes from another 5-tuple, which the kernel may hand to another shard than the one that made the
// reservation. A fixed table of atomic slots (token -> relay IP index, port, expiry); a token is
// claimed with a compare-and-swap, so exactly one shard can take it.
//
// A reserved port is claimed in the shared PortPool, so no allocation of this daemon takes it; its
// socket is bound when the token is used.

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>

namespace tern::server {

struct ReservedPort {
    std::uint8_t pool = 0;  // index of the relay IP in CoreConfig::relay_addresses
    std::uint16_t port = 0;
    std::uint32_t expires_at = 0;
};

class ReservationTable {
public:
    static constexpr std::size_t kSlots = 4096;  // at most this many reservations at once

    // Records a reservation; false when the table is full. `token` must not be 0 or 1.
    bool put(std::uint64_t token, ReservedPort reserved, std::uint32_t expires_at) noexcept;
    // Takes the reservation of `token`, once (expired or not: the caller checks, and releases).
    std::optional<ReservedPort> take(std::uint64_t token) noexcept;
    // Removes every reservation that expired at `now`, calling `release` for each.
    template <class F>
    void expire(std::uint32_t now, F&& release) noexcept {
        for (auto& slot : slots_) {
            std::uint64_t token = slot.token.load(std::memory_order_acquire);
            if (token <= kBusy || !claim(slot, token)) continue;
            const std::uint64_t value = slot.value.load(std::memory_order_relaxed);
            if (static_cast<std::uint32_t>(value >> 32) > now) {
                slot.token.store(token, std::memory_order_release);  // not yet: put it back
                continue;
            }
            slot.token.store(kEmpty, std::memory_order_release);
            release(unpack(value));
        }
    }
    bool contains(std::uint64_t token) const noexcept;

private:
    static constexpr std::uint64_t kEmpty = 0;
    static constexpr std::uint64_t kBusy = 1;  // a shard is reading or writing the slot
    struct Slot {
        std::atomic<std::uint64_t> token{kEmpty};
        std::atomic<std::uint64_t> value{0};  // expiry << 32 | pool << 16 | port
    };
    static bool claim(Slot& slot, std::uint64_t token) noexcept {
        return slot.token.compare_exchange_strong(token, kBusy, std::memory_order_acq_rel);
    }
    static ReservedPort unpack(std::uint64_t value) noexcept {
        return {static_cast<std::uint8_t>(value >> 16), static_cast<std::uint16_t>(value),
                static_cast<std::uint32_t>(value >> 32)};
    }

    std::array<Slot, kSlots> slots_{};
};

}  // namespace tern::server
