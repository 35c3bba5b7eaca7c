#pragma once
// HMAC-SHA1 and HMAC-SHA256 over several byte ranges (so a STUN length field can be patched without
// copying the message), and constant-time comparison. Backed by OpenSSL 3's EVP_MAC with one reusable
// context per thread and digest, so the packet path does not allocate after a thread's first call.

#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>

namespace tern::protocol {

using Sha1Mac = std::array<std::uint8_t, 20>;
using Sha256Mac = std::array<std::uint8_t, 32>;

Sha1Mac hmac_sha1(std::span<const std::uint8_t> key,
                  std::initializer_list<std::span<const std::uint8_t>> parts) noexcept;
Sha256Mac hmac_sha256(std::span<const std::uint8_t> key,
                      std::initializer_list<std::span<const std::uint8_t>> parts) noexcept;

// HMAC-SHA256 under one fixed key, whose inner and outer hash states are prepared once: for a key
// used on every request (the nonce key), it spares the two key-block hashes of each call. One object
// per thread: compute() reuses its context.
class KeyedHmacSha256 {
public:
    explicit KeyedHmacSha256(std::span<const std::uint8_t> key);
    ~KeyedHmacSha256();
    KeyedHmacSha256(KeyedHmacSha256&& other) noexcept;
    KeyedHmacSha256& operator=(KeyedHmacSha256&& other) noexcept;
    KeyedHmacSha256(const KeyedHmacSha256&) = delete;
    KeyedHmacSha256& operator=(const KeyedHmacSha256&) = delete;

    Sha256Mac compute(std::initializer_list<std::span<const std::uint8_t>> parts) const noexcept;

private:
    struct Context;
    std::unique_ptr<Context> context_;
};

// True when both spans have the same length and bytes; time depends only on the length.
bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept;

}  // namespace tern::protocol
