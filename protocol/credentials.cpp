#include "protocol/credentials.hpp"

#include <openssl/evp.h>

#include <cstdlib>
#include <initializer_list>
#include <memory>

#include "protocol/base64.hpp"
#include "protocol/hmac.hpp"

namespace tern::protocol {
namespace {

std::span<const std::uint8_t> as_bytes(std::string_view s) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

struct MdDeleter {
    void operator()(EVP_MD* m) const noexcept { EVP_MD_free(m); }
};
struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};

// Fetched once: EVP_md5()/EVP_sha256() would look the implementation up by name on every use, which
// costs more than hashing a user name. An OpenSSL without MD5 (FIPS) cannot check RFC 5389 clients.
EVP_MD* fetch_once(const char* name) {
    EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
    if (md == nullptr) std::abort();
    return md;
}
const EVP_MD* md5() {
    static const std::unique_ptr<EVP_MD, MdDeleter> md(fetch_once("MD5"));
    return md.get();
}
const EVP_MD* sha256() {
    static const std::unique_ptr<EVP_MD, MdDeleter> md(fetch_once("SHA256"));
    return md.get();
}

template <std::size_t N>
std::array<std::uint8_t, N> digest(const EVP_MD* md, std::initializer_list<std::string_view> parts) {
    thread_local const std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
    std::array<std::uint8_t, N> out{};
    unsigned int len = 0;
    if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) std::abort();
    bool first = true;
    for (const auto part : parts) {
        if (!first) EVP_DigestUpdate(ctx.get(), ":", 1);
        first = false;
        EVP_DigestUpdate(ctx.get(), part.data(), part.size());
    }
    if (EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1 || len != N) std::abort();
    return out;
}

}  // namespace

Md5Key long_term_key_md5(std::string_view username, std::string_view realm, std::string_view password) {
    return digest<16>(md5(), {username, realm, password});
}

Sha256Key long_term_key_sha256(std::string_view username, std::string_view realm, std::string_view password) {
    return digest<32>(sha256(), {username, realm, password});
}

Sha256Key userhash(std::string_view username, std::string_view realm) {
    return digest<32>(sha256(), {username, realm});
}

std::string turn_rest_password(std::string_view secret, std::string_view username) {
    const auto mac = hmac_sha1(as_bytes(secret), {as_bytes(username)});
    return base64_encode(mac);
}

}  // namespace tern::protocol
