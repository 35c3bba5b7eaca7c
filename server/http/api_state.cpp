#include "server/http/api_state.hpp"

#include <array>

#include "protocol/base64.hpp"
#include "server/http/secret_file.hpp"
#include "server/config/options.hpp"

namespace tern::http {
namespace {

constexpr std::size_t kGeneratedKeyBytes = 32;
constexpr std::size_t kMinAccessKeyBytes = 16;

std::string random_base64(auth::Random& random) {
    std::array<std::uint8_t, kGeneratedKeyBytes> bytes{};
    random.fill(bytes);
    return protocol::base64_encode(bytes);
}

}  // namespace

std::variant<ApiState, std::string> prepare_api_state(const server::DaemonConfig& config, auth::Random& random) {
    ApiState state;
    const std::filesystem::path dir = config.state_dir;
    if (auto error = ensure_private_directory(dir)) return "state-dir " + *error;
    state.identities_file = dir / "identities.sqlite";

    state.access_key_file = config.access_key_file ? std::filesystem::path(*config.access_key_file) : dir / "access-key";
    auto key = config.access_key_file ? read_secret_file(state.access_key_file)
                                      : read_or_create_secret_file(state.access_key_file, random_base64(random));
    if (auto* error = std::get_if<std::string>(&key)) return "access key " + *error;
    const auto& key_file = std::get<SecretFile>(key);
    auto decoded = protocol::base64_decode(key_file.text);
    if (!decoded || decoded->size() < kMinAccessKeyBytes)
        return "access key " + state.access_key_file.string() + ": expected the base64 of at least 16 random bytes";
    state.access_key = std::move(*decoded);
    state.access_key_created = key_file.created;

    if (config.auth_secrets.empty()) {
        state.auth_secret_file = dir / "auth-secret";
        auto secret = read_or_create_secret_file(state.auth_secret_file, random_base64(random));
        if (auto* error = std::get_if<std::string>(&secret)) return "auth secret " + *error;
        state.auth_secret = std::get<SecretFile>(secret).text;
        state.auth_secret_created = std::get<SecretFile>(secret).created;
    }
    return state;
}

void use_state_auth_secret(server::DaemonConfig& config, const ApiState& state) {
    if (config.auth_secrets.empty() && state.auth_secret) config.auth_secrets.push_back(*state.auth_secret);
}

std::string connection_string(const server::DaemonConfig& config, const ApiState& state) {
    protocol::TransportAddress address = server::effective_http_listen(config);
    if (address.ip == protocol::IpAddress{address.ip.family, {}}) {
        address.ip = address.ip.family == protocol::AddressFamily::IPv4
                         ? protocol::IpAddress::v4({127, 0, 0, 1})
                         : protocol::IpAddress::v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    }
    const char* scheme = config.http_cert ? "https" : "http";
    return std::string("endpoint=") + scheme + "://" + address.to_string() + "/;accesskey=" +
           protocol::base64_encode(state.access_key);
}

}  // namespace tern::http
