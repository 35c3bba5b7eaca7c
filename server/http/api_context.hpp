#pragma once
// What every API handler works with: the state, the keys, the settings and the time of this request.
// The API runs on the daemon's single io_context thread, so handlers use these without locks.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "auth/access_token.hpp"
#include "auth/identity_store.hpp"
#include "auth/random.hpp"

namespace tern::http {

// How relay credentials are made and where they are good: the same --auth-secret the relay nodes
// check (TURN REST scheme), and the ICE server URLs of those nodes.
struct RelaySettings {
    std::string auth_secret;
    std::vector<std::string> urls;
};

struct ApiContext {
    std::span<const std::uint8_t> access_key;  // verifies management request signatures
    const auth::TokenSigner& tokens;
    auth::IdentityStore& identities;
    const RelaySettings& relay;
    auth::Random& random;
    std::int64_t now_ms = 0;

    std::int64_t now_seconds() const noexcept { return now_ms / 1000; }
};

// Who made a request: the holder of the access key, or a user whose access token was verified.
struct Caller {
    std::optional<auth::TokenClaims> user;  // unset: signed with the access key
};

}  // namespace tern::http
