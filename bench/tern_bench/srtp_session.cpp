#include "bench/tern_bench/srtp_session.hpp"

#include <srtp2/srtp.h>

#include <climits>
#include <mutex>
#include <stdexcept>
#include <string>

#include "auth/random.hpp"

namespace tern::bench {

namespace {

// srtp_init registers the crypto kernel once per process; contexts are then independent, so worker
// threads may each use their own.
void initialise_library_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (srtp_init() != srtp_err_status_ok) throw std::runtime_error("libsrtp2: srtp_init failed");
    });
}

}  // namespace

std::string_view to_string(SrtpVerdict verdict) noexcept {
    switch (verdict) {
        case SrtpVerdict::Ok: return "ok";
        case SrtpVerdict::AuthFailed: return "auth_failed";
        case SrtpVerdict::Replayed: return "replayed";
        case SrtpVerdict::TooOld: return "too_old";
        case SrtpVerdict::Malformed: return "malformed";
    }
    return "unknown";
}

void SrtpContext::Deleter::operator()(srtp_ctx_t_* session) const noexcept { srtp_dealloc(session); }

SrtpContext::SrtpContext(std::uint32_t ssrc, const SrtpMasterKey& key, std::size_t replay_window) {
    initialise_library_once();
    // libsrtp reads the key through a non-const pointer but does not write it: give it a copy anyway.
    SrtpMasterKey key_copy = key;
    srtp_policy_t policy{};
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
    policy.ssrc.type = ssrc_specific;
    policy.ssrc.value = ssrc;
    policy.key = key_copy.data();
    policy.window_size = replay_window;
    policy.allow_repeat_tx = 0;
    policy.next = nullptr;
    srtp_t session = nullptr;
    const srtp_err_status_t status = srtp_create(&session, &policy);
    if (status != srtp_err_status_ok)
        throw std::runtime_error("libsrtp2: srtp_create failed with status " + std::to_string(status));
    session_.reset(session);
}

SrtpContext::~SrtpContext() = default;

std::optional<std::size_t> SrtpContext::protect(std::span<std::uint8_t> buffer, std::size_t plain_size) noexcept {
    if (plain_size + kSrtpMaxTrailer > buffer.size() || plain_size > INT_MAX) return std::nullopt;
    int length = static_cast<int>(plain_size);
    if (srtp_protect(session_.get(), buffer.data(), &length) != srtp_err_status_ok) return std::nullopt;
    return static_cast<std::size_t>(length);
}

SrtpVerdict SrtpContext::unprotect(std::span<std::uint8_t> packet, std::size_t& plain_size) noexcept {
    if (packet.size() < 12 + kSrtpAuthTagSize || packet.size() > INT_MAX) return SrtpVerdict::Malformed;
    int length = static_cast<int>(packet.size());
    switch (srtp_unprotect(session_.get(), packet.data(), &length)) {
        case srtp_err_status_ok:
            plain_size = static_cast<std::size_t>(length);
            return SrtpVerdict::Ok;
        case srtp_err_status_auth_fail: return SrtpVerdict::AuthFailed;
        case srtp_err_status_replay_fail: return SrtpVerdict::Replayed;
        case srtp_err_status_replay_old: return SrtpVerdict::TooOld;
        default: return SrtpVerdict::Malformed;
    }
}

SrtpMasterKey random_master_key() {
    SrtpMasterKey key{};
    auth::SystemRandom().fill(key);
    return key;
}

}  // namespace tern::bench
