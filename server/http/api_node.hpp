#pragma once
// The HTTP API as ternd runs it: the identity database, the API service and its listener, on the
// daemon's io_context. ternd_main creates one unless --no-http is given.

#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "server/config/daemon_config.hpp"
#include "server/daemon/daemon_setup.hpp"
#include "server/daemon/logger.hpp"
#include "server/http/api_service.hpp"
#include "server/http/api_state.hpp"
#include "server/http/http_server.hpp"

namespace tern::http {

// The auth secret relay credentials are made with (the first one, as the relay accepts any) and the
// ICE URLs: --public-url, or derived from the relay's listen addresses.
RelaySettings relay_settings(const server::DaemonConfig& config, const server::DaemonPlan& plan);

class ApiNode {
public:
    // Opens the identity database; the reason on failure.
    static std::variant<std::unique_ptr<ApiNode>, std::string> open(boost::asio::io_context& io,
                                                                     const server::Logger& log, const ApiState& state,
                                                                     RelaySettings relay, auth::Random& random);

    // Starts serving on config's http-listen (HTTPS with http-cert and http-key); the reason on failure.
    std::optional<std::string> listen(const server::DaemonConfig& config);
    void reload(RelaySettings relay) { service_.set_relay_settings(std::move(relay)); }
    void close() { server_.close(); }

    // Only open() can make the key, so only open() constructs (through std::make_unique).
    class Key {
        friend class ApiNode;
        Key() = default;
    };
    ApiNode(Key, boost::asio::io_context& io, const server::Logger& log, std::vector<std::uint8_t> access_key,
            std::unique_ptr<auth::IdentityStore> identities, RelaySettings relay, auth::Random& random);
    ApiNode(const ApiNode&) = delete;
    ApiNode& operator=(const ApiNode&) = delete;

private:

    ApiService service_;
    HttpServer server_;
};

}  // namespace tern::http
