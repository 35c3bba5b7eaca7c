#include "client/credentials.hpp"

#include <utility>

#include "protocol/credentials.hpp"

namespace tern::client {

Credentials Credentials::long_term(std::string username, std::string password) {
    return Credentials{std::move(username), std::move(password), std::nullopt};
}

Credentials Credentials::from_shared_secret(std::string_view secret, std::string_view id, std::int64_t now_unix,
                                            std::chrono::seconds validity) {
    const std::int64_t expires = now_unix + validity.count();
    std::string username = std::to_string(expires);
    if (!id.empty()) {
        username += ':';
        username += id;
    }
    std::string password = protocol::turn_rest_password(secret, username);
    return Credentials{std::move(username), std::move(password), expires};
}

}  // namespace tern::client
