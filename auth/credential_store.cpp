#include "auth/credential_store.hpp"

#include <algorithm>
#include <charconv>

#include "protocol/credentials.hpp"

namespace tern::auth {

CredentialStore::CredentialStore(std::string realm, std::vector<User> users, std::vector<std::string> secrets)
    : realm_(std::move(realm)), secrets_(std::move(secrets)) {
    for (auto& u : users) {
        userhashes_[protocol::userhash(u.name, realm_)] = u.name;
        users_[std::move(u.name)] = std::move(u.password);
    }
}

std::optional<std::int64_t> CredentialStore::ephemeral_expiry(std::string_view username) noexcept {
    const auto colon = username.find(':');
    const auto digits = username.substr(0, colon);
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || value < 0) return std::nullopt;
    return value;
}

CredentialLookup CredentialStore::lookup(std::string_view username, std::optional<std::int64_t> now_unix) const {
    CredentialLookup result;
    if (const auto it = users_.find(username); it != users_.end()) result.candidates.push_back({it->second, {}});

    const auto expiry = secrets_.empty() ? std::nullopt : ephemeral_expiry(username);
    const bool expired = expiry && now_unix && *expiry <= *now_unix;
    if (expired && result.candidates.empty()) {
        result.failure = LookupFailure::Expired;
        return result;
    }
    if (expiry && !expired)
        for (const auto& secret : secrets_)
            result.candidates.push_back({protocol::turn_rest_password(secret, username), expiry});

    if (result.candidates.empty()) result.failure = LookupFailure::UnknownUser;
    return result;
}

std::optional<std::string> CredentialStore::username_for_userhash(std::span<const std::uint8_t, 32> hash) const {
    std::array<std::uint8_t, 32> key{};
    std::copy(hash.begin(), hash.end(), key.begin());
    if (const auto it = userhashes_.find(key); it != userhashes_.end()) return it->second;
    return std::nullopt;
}

}  // namespace tern::auth
