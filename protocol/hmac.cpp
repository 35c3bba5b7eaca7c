#include "protocol/hmac.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstdlib>
#include <memory>

namespace tern::protocol {
namespace {

struct MacDeleter {
    void operator()(EVP_MAC* m) const noexcept { EVP_MAC_free(m); }
};
struct MacCtxDeleter {
    void operator()(EVP_MAC_CTX* c) const noexcept { EVP_MAC_CTX_free(c); }
};
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter>;

EVP_MAC* hmac_algorithm() {
    static const std::unique_ptr<EVP_MAC, MacDeleter> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (!mac) std::abort();  // OpenSSL without HMAC cannot run a STUN server
    return mac.get();
}

MacCtxPtr make_context(const char* digest) {
    MacCtxPtr ctx(EVP_MAC_CTX_new(hmac_algorithm()));
    if (!ctx) std::abort();
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_MAC_CTX_set_params(ctx.get(), params) != 1) std::abort();
    return ctx;
}

template <std::size_t N>
std::array<std::uint8_t, N> compute(EVP_MAC_CTX* ctx, std::span<const std::uint8_t> key,
                                    std::initializer_list<std::span<const std::uint8_t>> parts) noexcept {
    // EVP_MAC_init treats a null key as "keep the previous key", so an empty key needs a real pointer.
    static constexpr std::uint8_t kEmpty = 0;
    const std::uint8_t* key_ptr = key.empty() ? &kEmpty : key.data();
    std::array<std::uint8_t, N> out{};
    std::size_t out_len = 0;
    if (EVP_MAC_init(ctx, key_ptr, key.size(), nullptr) != 1) std::abort();
    for (const auto& part : parts)
        if (!part.empty()) EVP_MAC_update(ctx, part.data(), part.size());
    if (EVP_MAC_final(ctx, out.data(), &out_len, out.size()) != 1 || out_len != N) std::abort();
    return out;
}

}  // namespace

Sha1Mac hmac_sha1(std::span<const std::uint8_t> key,
                  std::initializer_list<std::span<const std::uint8_t>> parts) noexcept {
    thread_local const MacCtxPtr ctx = make_context("SHA1");
    return compute<20>(ctx.get(), key, parts);
}

Sha256Mac hmac_sha256(std::span<const std::uint8_t> key,
                      std::initializer_list<std::span<const std::uint8_t>> parts) noexcept {
    thread_local const MacCtxPtr ctx = make_context("SHA256");
    return compute<32>(ctx.get(), key, parts);
}

struct KeyedHmacSha256::Context {
    MacCtxPtr mac;
};

KeyedHmacSha256::KeyedHmacSha256(std::span<const std::uint8_t> key)
    : context_(std::make_unique<Context>(Context{make_context("SHA256")})) {
    static constexpr std::uint8_t kEmpty = 0;
    if (EVP_MAC_init(context_->mac.get(), key.empty() ? &kEmpty : key.data(), key.size(), nullptr) != 1) std::abort();
}

KeyedHmacSha256::~KeyedHmacSha256() = default;
KeyedHmacSha256::KeyedHmacSha256(KeyedHmacSha256&& other) noexcept = default;
KeyedHmacSha256& KeyedHmacSha256::operator=(KeyedHmacSha256&& other) noexcept = default;

Sha256Mac KeyedHmacSha256::compute(std::initializer_list<std::span<const std::uint8_t>> parts) const noexcept {
    EVP_MAC_CTX* ctx = context_->mac.get();
    Sha256Mac out{};
    std::size_t out_len = 0;
    // A null key restarts from the prepared states of the key given at construction.
    if (EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1) std::abort();
    for (const auto& part : parts)
        if (!part.empty()) EVP_MAC_update(ctx, part.data(), part.size());
    if (EVP_MAC_final(ctx, out.data(), &out_len, out.size()) != 1 || out_len != out.size()) std::abort();
    return out;
}

bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
    if (a.size() != b.size()) return false;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tern::protocol
