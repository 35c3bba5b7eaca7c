#pragma once
// The HTTP API without sockets: a request in, a response out. It routes, checks api-version,
// authenticates, checks the body's type and JSON, then calls the endpoint's handler. Tests drive it
// directly with an injected clock; the listener (http_server.hpp) feeds it what it reads.

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "server/http/api_context.hpp"
#include "server/http/http_message.hpp"

namespace tern::http {

class ApiService {
public:
    using Clock = std::function<std::int64_t()>;  // Unix time in milliseconds

    ApiService(std::vector<std::uint8_t> access_key, std::unique_ptr<auth::IdentityStore> identities,
               RelaySettings relay, auth::Random& random, Clock clock = system_clock_ms);

    Response handle(const Request& request);

    // On SIGHUP: a rotated auth secret or new public URLs take effect for the next configuration.
    void set_relay_settings(RelaySettings relay) { relay_ = std::move(relay); }
    const RelaySettings& relay_settings() const noexcept { return relay_; }

    static std::int64_t system_clock_ms();

private:
    Response dispatch(const Request& request, const ApiContext& context);

    std::vector<std::uint8_t> access_key_;
    auth::TokenSigner tokens_;
    std::unique_ptr<auth::IdentityStore> identities_;
    RelaySettings relay_;
    auth::Random& random_;
    Clock clock_;
};

}  // namespace tern::http
