#include "server/core/response_cache.hpp"

#include <cstring>

namespace tern::server {

std::size_t ResponseCache::TxHash::operator()(const protocol::TransactionId& tx) const noexcept {
    // Transaction ids are random: any 8 of their bytes hash well.
    std::uint64_t h;
    std::memcpy(&h, tx.data() + 4, sizeof h);
    return static_cast<std::size_t>(h);
}

ResponseCache::ResponseCache(std::size_t capacity) : ring_(capacity == 0 ? 1 : capacity) {
    index_.reserve(ring_.size() * 2);
}

void ResponseCache::store(const FiveTuple& client, const protocol::TransactionId& tx,
                          std::span<const std::uint8_t> response, MonoTime expires) {
    Entry& e = ring_[next_];
    if (e.used) {
        const auto it = index_.find(e.tx);
        if (it != index_.end() && it->second == next_) index_.erase(it);
    }
    e.client = client;
    e.tx = tx;
    e.response.assign(response.begin(), response.end());
    e.expires = expires;
    e.used = true;
    index_[tx] = next_;
    next_ = (next_ + 1) % ring_.size();
}

std::optional<std::span<const std::uint8_t>> ResponseCache::find(const FiveTuple& client,
                                                                 const protocol::TransactionId& tx,
                                                                 MonoTime now) const {
    const auto it = index_.find(tx);
    if (it == index_.end()) return std::nullopt;
    const Entry& e = ring_[it->second];
    if (!e.used || e.client != client || now >= e.expires) return std::nullopt;
    return std::span<const std::uint8_t>(e.response);
}

}  // namespace tern::server
