#pragma once
// Answers to authenticated requests, kept for a transaction timeout so a retransmitted request gets
// the same answer (RFC 8489 §6.3.1) instead of being processed twice (a second Allocate would get 437,
// a second Refresh with lifetime 0 would too). Bounded: a ring of fixed capacity. Only requests
// that passed authentication are cached, so unauthenticated sources cost no memory.

#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "protocol/constants.hpp"
#include "server/core/five_tuple.hpp"
#include "server/core/instant.hpp"

namespace tern::server {

class ResponseCache {
public:
    explicit ResponseCache(std::size_t capacity = 1024);

    void store(const FiveTuple& client, const protocol::TransactionId& tx, std::span<const std::uint8_t> response,
               MonoTime expires);
    std::optional<std::span<const std::uint8_t>> find(const FiveTuple& client, const protocol::TransactionId& tx,
                                                      MonoTime now) const;

private:
    struct Entry {
        FiveTuple client;
        protocol::TransactionId tx{};
        std::vector<std::uint8_t> response;
        MonoTime expires{};
        bool used = false;
    };
    struct TxHash {
        std::size_t operator()(const protocol::TransactionId& tx) const noexcept;
    };

    std::vector<Entry> ring_;
    std::size_t next_ = 0;
    std::unordered_map<protocol::TransactionId, std::size_t, TxHash> index_;
};

}  // namespace tern::server
