#pragma once
// Randomness for everything an attacker must not predict: relay ports, nonce keys, reservation tokens,
// transaction ids. Production code uses the OS CSPRNG through OpenSSL; tests inject a seeded source.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace tern::auth {

class Random {
public:
    virtual ~Random() = default;
    virtual void fill(std::span<std::uint8_t> out) = 0;

    std::uint32_t next_u32() {
        std::uint8_t b[4];
        fill(b);
        return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
    }
    // Uniform in [0, bound), without modulo bias.
    std::uint32_t uniform(std::uint32_t bound);
};

// OpenSSL's RAND_bytes (seeded from the kernel). Aborts if the generator fails: running without
// unpredictable ports and nonces is worse than not running.
class SystemRandom final : public Random {
public:
    void fill(std::span<std::uint8_t> out) override;
};

// The same generator, drawn 256 bytes at a time: each RAND_bytes call takes OpenSSL's lock and a
// getpid() system call, which cost more than the few bytes a port or a nonce needs. Bytes are used
// once and in order; the buffer is wiped as it is consumed. For one thread (a shard owns one).
class BufferedRandom final : public Random {
public:
    BufferedRandom() = default;
    BufferedRandom(const BufferedRandom&) = delete;
    BufferedRandom& operator=(const BufferedRandom&) = delete;
    ~BufferedRandom() override;
    void fill(std::span<std::uint8_t> out) override;

private:
    std::array<std::uint8_t, 256> pool_{};
    std::size_t used_ = 256;  // empty until first use
};

}  // namespace tern::auth
