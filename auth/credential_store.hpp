#pragma once
// Who may allocate: static users (--user NAME:PASSWORD) and TURN REST ephemeral credentials
// (--auth-secret, coturn's use-auth-secret scheme: username "<expiry-unix-seconds>:<id>", password
// base64(HMAC-SHA1(secret, username))). Immutable once built; a reload builds a new store.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tern::auth {

enum class LookupFailure : std::uint8_t { UnknownUser, Expired };

struct CredentialCandidate {
    std::string password;
    std::optional<std::int64_t> expires_unix;  // set for ephemeral credentials
};

struct CredentialLookup {
    std::vector<CredentialCandidate> candidates;  // try each until MESSAGE-INTEGRITY matches
    std::optional<LookupFailure> failure;         // set when candidates is empty
};

class CredentialStore {
public:
    struct User {
        std::string name;
        std::string password;
    };

    CredentialStore(std::string realm, std::vector<User> users, std::vector<std::string> secrets);

    const std::string& realm() const noexcept { return realm_; }
    bool empty() const noexcept { return users_.empty() && secrets_.empty(); }

    // `now_unix` unset skips the expiry check of ephemeral usernames (the `allocate` expiry policy
    // checks it only when allocating).
    CredentialLookup lookup(std::string_view username, std::optional<std::int64_t> now_unix) const;

    // The username whose USERHASH (RFC 8489 §14.4) this is; static users only, since an ephemeral
    // username cannot be recovered from its hash.
    std::optional<std::string> username_for_userhash(std::span<const std::uint8_t, 32> hash) const;

    // The expiry an ephemeral username carries, if it has the "<expiry>[:<id>]" form.
    static std::optional<std::int64_t> ephemeral_expiry(std::string_view username) noexcept;

private:
    std::string realm_;
    std::map<std::string, std::string, std::less<>> users_;
    std::map<std::array<std::uint8_t, 32>, std::string> userhashes_;
    std::vector<std::string> secrets_;
};

}  // namespace tern::auth
