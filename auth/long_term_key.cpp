#include "auth/long_term_key.hpp"

#include <algorithm>

#include "protocol/credentials.hpp"
#include "protocol/opaque_string.hpp"

namespace tern::auth {

LongTermKey derive_long_term_key(PasswordAlgorithm algorithm, std::string_view username, std::string_view realm,
                                 std::string_view password) {
    const auto prepared = protocol::opaque_string_prepare(password);
    const std::string_view pw = prepared ? std::string_view(*prepared) : password;
    LongTermKey key;
    key.algorithm = algorithm;
    if (algorithm == PasswordAlgorithm::Md5) {
        const auto k = protocol::long_term_key_md5(username, realm, pw);
        std::copy(k.begin(), k.end(), key.storage.begin());
    } else {
        const auto k = protocol::long_term_key_sha256(username, realm, pw);
        std::copy(k.begin(), k.end(), key.storage.begin());
    }
    return key;
}

}  // namespace tern::auth
