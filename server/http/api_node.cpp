#include "server/http/api_node.hpp"

#include "server/config/options.hpp"
#include "server/http/ice_urls.hpp"

namespace tern::http {

RelaySettings relay_settings(const server::DaemonConfig& config, const server::DaemonPlan& plan) {
    RelaySettings relay;
    if (!config.auth_secrets.empty()) relay.auth_secret = config.auth_secrets.front();
    relay.urls = config.public_urls.empty()
                     ? derive_ice_urls(plan.listen, plan.core.relay_addresses, config.udp, config.tcp)
                     : config.public_urls;
    return relay;
}

ApiNode::ApiNode(Key, boost::asio::io_context& io, const server::Logger& log, std::vector<std::uint8_t> access_key,
                 std::unique_ptr<auth::IdentityStore> identities, RelaySettings relay, auth::Random& random)
    : service_(std::move(access_key), std::move(identities), std::move(relay), random),
      server_(io, log, [this](const Request& request) { return service_.handle(request); }) {}

std::variant<std::unique_ptr<ApiNode>, std::string> ApiNode::open(boost::asio::io_context& io,
                                                                  const server::Logger& log, const ApiState& state,
                                                                  RelaySettings relay, auth::Random& random) {
    auto opened = auth::IdentityStore::open(state.identities_file);
    if (auto* error = std::get_if<std::string>(&opened)) return "identity database: " + *error;
    auto identities = std::move(std::get<std::unique_ptr<auth::IdentityStore>>(opened));
    return std::make_unique<ApiNode>(Key{}, io, log, state.access_key, std::move(identities), std::move(relay),
                                     random);
}

std::optional<std::string> ApiNode::listen(const server::DaemonConfig& config) {
    std::optional<TlsFiles> tls;
    if (config.http_cert && config.http_key) tls = TlsFiles{*config.http_cert, *config.http_key};
    return server_.listen(server::effective_http_listen(config), tls);
}

}  // namespace tern::http
