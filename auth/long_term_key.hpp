#pragma once
// The long-term credential key (RFC 8489 §9.2.2) with the algorithm it was made by: MD5 for RFC 5389
// clients and PASSWORD-ALGORITHM 0x0001, SHA-256 for 0x0002.

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace tern::auth {

enum class PasswordAlgorithm : std::uint16_t { Md5 = 0x0001, Sha256 = 0x0002 };

struct LongTermKey {
    PasswordAlgorithm algorithm = PasswordAlgorithm::Md5;
    std::array<std::uint8_t, 32> storage{};

    std::span<const std::uint8_t> bytes() const noexcept {
        return {storage.data(), algorithm == PasswordAlgorithm::Md5 ? std::size_t{16} : std::size_t{32}};
    }
    friend bool operator==(const LongTermKey&, const LongTermKey&) = default;
};

// `password` as configured; it is OpaqueString-prepared here (an unpreparable one yields the key of
// the raw bytes, which no conforming client can match).
LongTermKey derive_long_term_key(PasswordAlgorithm algorithm, std::string_view username, std::string_view realm,
                                 std::string_view password);

}  // namespace tern::auth
