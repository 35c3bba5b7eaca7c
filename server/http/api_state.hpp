#pragma once
// What the API keeps on disk, prepared before anything listens: the state directory, the access key
// (--access-key-file, or generated there once), the auth secret when none is configured (generated
// there once, and then used by the relay too), and where the identity database lives.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "auth/random.hpp"
#include "server/config/daemon_config.hpp"

namespace tern::http {

struct ApiState {
    std::vector<std::uint8_t> access_key;
    std::filesystem::path access_key_file;
    bool access_key_created = false;  // generated now: its connection string is printed, once

    std::optional<std::string> auth_secret;  // the state directory's, when no --auth-secret is given
    std::filesystem::path auth_secret_file;
    bool auth_secret_created = false;

    std::filesystem::path identities_file;
};

// Creates the state directory (0700) and its secret files (0600) as needed; the reason on failure.
std::variant<ApiState, std::string> prepare_api_state(const server::DaemonConfig& config, auth::Random& random);

// Gives the relay the state directory's auth secret when the configuration names none, so the
// credentials the API hands out are the ones the relay accepts. Called again after each reload.
void use_state_auth_secret(server::DaemonConfig& config, const ApiState& state);

// "endpoint=http(s)://HOST:PORT/;accesskey=BASE64" for the HTTP API's address (a wildcard address
// is written as loopback, the one address sure to reach it from this host).
std::string connection_string(const server::DaemonConfig& config, const ApiState& state);

}  // namespace tern::http
