#pragma once
// libsrtp2 behind RAII: one SrtpContext per direction of a flow. The sender protects each probe
// (AES-128 counter mode encryption of the payload, HMAC-SHA1-80 tag over header and payload); the
// receiver unprotects it, which authenticates it and checks libsrtp's replay window. Anything the relay
// did to a packet besides carrying it shows up here: a flipped bit fails authentication, a duplicate
// or replay fails the replay check, a packet delayed beyond the window is "too old".

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

struct srtp_ctx_t_;

namespace tern::bench {

inline constexpr std::size_t kSrtpMasterKeySize = 30;  // 128-bit key and 112-bit salt
inline constexpr std::size_t kSrtpAuthTagSize = 10;    // AES_CM_128_HMAC_SHA1_80
// libsrtp may write up to this many bytes past the plain packet (tag and MKI).
inline constexpr std::size_t kSrtpMaxTrailer = 144;
// Reordering up to this many packets passes SRTP's replay check; libsrtp allows up to 0x7FFF.
inline constexpr std::size_t kSrtpReplayWindow = 1024;

using SrtpMasterKey = std::array<std::uint8_t, kSrtpMasterKeySize>;

enum class SrtpVerdict : std::uint8_t {
    Ok,
    AuthFailed,  // the tag does not match: corrupted, truncated, or another flow's packet
    Replayed,    // this index was already accepted: a duplicate or a replay
    TooOld,      // older than the replay window: reordered (or replayed) too far
    Malformed,   // too short to be SRTP, or another libsrtp failure
};

std::string_view to_string(SrtpVerdict verdict) noexcept;

class SrtpContext {
public:
    // One stream, SSRC `ssrc`, keyed with `key`; libsrtp fixes its direction at the first protect or
    // unprotect, so a flow holds one context for sending and another for receiving. Throws
    // std::runtime_error if libsrtp refuses.
    SrtpContext(std::uint32_t ssrc, const SrtpMasterKey& key, std::size_t replay_window = kSrtpReplayWindow);
    SrtpContext(SrtpContext&&) noexcept = default;
    SrtpContext& operator=(SrtpContext&&) noexcept = default;
    ~SrtpContext();

    // Protects the RTP packet in the first `plain_size` bytes of `buffer` in place; `buffer` must have
    // kSrtpMaxTrailer bytes of room after it. Returns the SRTP packet's size, or nullopt on failure.
    std::optional<std::size_t> protect(std::span<std::uint8_t> buffer, std::size_t plain_size) noexcept;

    // Verifies and decrypts the SRTP packet `packet` in place. On Ok, `plain_size` is the RTP
    // packet's size (the tag stripped).
    SrtpVerdict unprotect(std::span<std::uint8_t> packet, std::size_t& plain_size) noexcept;

private:
    struct Deleter {
        void operator()(srtp_ctx_t_* session) const noexcept;
    };
    std::unique_ptr<srtp_ctx_t_, Deleter> session_;
};

// A fresh random master key (OpenSSL's CSPRNG): every run gets its own.
SrtpMasterKey random_master_key();

}  // namespace tern::bench
