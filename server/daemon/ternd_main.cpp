// ternd: the Tern relay daemon. Reads options (command line and --config file), starts the relay
// shards (one TURN core per thread, --threads), runs the HTTP API and signal handling on the main
// thread's Asio loop, and handles
// SIGTERM/SIGINT (clean exit) and SIGHUP (reload users, secrets, peer policy, public URLs and log
// level; allocations stay). --no-relay serves the API alone, --no-http the relay alone.

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <fmt/core.h>
#include <prometheus/exposer.h>
#include <string>
#include <vector>

#include "auth/random.hpp"
#include "server/config/options.hpp"
#include "server/daemon/daemon_setup.hpp"
#include "server/daemon/logger.hpp"
#include "server/daemon/open_files.hpp"
#include "server/daemon/relay_shards.hpp"
#include "server/http/api_node.hpp"
#include "server/http/api_state.hpp"
#include "server/metrics/relay_metrics.hpp"

namespace {

using namespace tern::server;
namespace asio = boost::asio;

constexpr int kExitConfigError = 2;

std::string join(const std::vector<tern::protocol::TransportAddress>& addresses) {
    std::string out;
    for (const auto& a : addresses) {
        if (!out.empty()) out += ',';
        out += a.to_string();
    }
    return out;
}

// Loads (or makes, on first start) the API's access key and auth secret; says where they are, and
// prints a new access key's connection string once, on stdout, for the operator to copy.
std::optional<tern::http::ApiState> prepare_api(DaemonConfig& config, tern::auth::Random& random, const Logger& log) {
    auto prepared = tern::http::prepare_api_state(config, random);
    if (auto* error = std::get_if<std::string>(&prepared)) {
        log.error("cannot prepare the HTTP API's state", {{"detail", *error}});
        return std::nullopt;
    }
    auto state = std::move(std::get<tern::http::ApiState>(prepared));
    tern::http::use_state_auth_secret(config, state);
    if (state.access_key_created) {
        std::printf("ternd: generated a new access key (kept in %s). Connection string of the API, shown once:\n%s\n",
                    state.access_key_file.c_str(), tern::http::connection_string(config, state).c_str());
        std::fflush(stdout);
    }
    log.info(state.access_key_created ? "access key generated" : "access key loaded",
             {{"file", state.access_key_file.string()}});
    if (state.auth_secret)
        log.info(state.auth_secret_created ? "auth secret generated" : "auth secret loaded",
                 {{"file", state.auth_secret_file.string()},
                  {"detail", "give relay nodes this file's content as --auth-secret"}});
    return state;
}

// Opens the identity database and the listener. A failure to bind the default address is only a
// warning while the relay runs (another process may own 127.0.0.1:8080); anything asked for
// explicitly must work.
std::variant<std::unique_ptr<tern::http::ApiNode>, int> start_api(asio::io_context& io, const Logger& log,
                                                                  const DaemonConfig& config, const DaemonPlan& plan,
                                                                  const tern::http::ApiState& state,
                                                                  tern::auth::Random& random) {
    auto opened = tern::http::ApiNode::open(io, log, state, tern::http::relay_settings(config, plan), random);
    if (auto* error = std::get_if<std::string>(&opened)) {
        log.error("cannot start the HTTP API", {{"detail", *error}});
        return 1;
    }
    auto api = std::move(std::get<std::unique_ptr<tern::http::ApiNode>>(opened));
    const std::string address = effective_http_listen(config).to_string();
    if (const auto error = api->listen(config)) {
        if (config.http_listen || !config.relay || config.http_cert) {
            log.error("cannot serve the HTTP API", {{"detail", *error}});
            return 1;
        }
        log.warning("HTTP API not started; give --http-listen ADDR:PORT, or --no-http", {{"detail", *error}});
        return std::unique_ptr<tern::http::ApiNode>{};
    }
    log.info("http api listening", {{"address", address}, {"tls", config.http_cert ? "yes" : "no"}});
    if (!config.relay && config.public_urls.empty())
        log.warning("no-relay without public-url: relay configurations name this host's listen addresses");
    return api;
}

// Every relay port of every relay address may hold a socket; listeners, TCP clients and the API
// need some more. Runs before the shards' threads start (see open_files.hpp for why).
void prepare_relay_descriptors(const DaemonPlan& plan, const Logger& log) {
    constexpr std::uint64_t kOtherDescriptors = 1024;
    const std::uint64_t ports = std::uint64_t{plan.core.relay_port_max} - plan.core.relay_port_min + 1;
    const std::uint64_t relay_sockets = ports * std::max<std::size_t>(plan.core.relay_addresses.size(), 1);
    const OpenFileCapacity capacity = prepare_open_files(relay_sockets + kOtherDescriptors);
    log.info("open files", {{"limit", std::to_string(capacity.limit)},
                            {"raised_from", std::to_string(capacity.previous_limit)},
                            {"descriptor_table", std::to_string(capacity.table)}});
    if (capacity.limit < relay_sockets + kOtherDescriptors)
        log.warning("the open-file limit is below the relay port range: allocations beyond it fail with 508",
                    {{"limit", std::to_string(capacity.limit)},
                     {"relay_sockets", std::to_string(relay_sockets)},
                     {"detail", "raise it (ulimit -n, LimitNOFILE= in systemd) or narrow --relay-ports"}});
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string_view> args(argv, argv + argc);
    auto parsed = parse_options(args);
    if (auto* error = std::get_if<ConfigError>(&parsed)) {
        std::fprintf(stderr, "ternd: %s\n", error->to_string().c_str());
        return kExitConfigError;
    }
    auto& options = std::get<ParsedConfig>(parsed);
    if (options.help) {
        std::fputs(help_text().c_str(), stdout);
        return 0;
    }
    if (options.version) {
        std::puts("ternd 0.1.0");
        return 0;
    }

    Logger log;
    log.configure(options.config.log_level, options.config.log_format);
    for (const auto& notice : options.notices) log.warning("config notice", {{"detail", notice}});

    DaemonConfig config = options.config;
    tern::auth::SystemRandom random;
    std::optional<tern::http::ApiState> api_state;
    if (config.http) {
        api_state = prepare_api(config, random, log);
        if (!api_state) return 1;
    }

    DaemonPlan plan = plan_daemon(config);
    if (config.relay)
        for (const auto& w : plan.warnings) log.warning("config", {{"detail", w}});

    if (config.relay) prepare_relay_descriptors(plan, log);

    asio::io_context io;
    std::unique_ptr<RelayShards> relay;
    if (config.relay) {
        auto started = RelayShards::start(plan, config.udp, config.tcp, shard_count(config.threads),
                                           config.io_backend, random, log);
        if (auto* error = std::get_if<std::string>(&started)) {
            log.error("cannot listen", {{"detail", *error}});
            return 1;
        }
        relay = std::move(std::get<std::unique_ptr<RelayShards>>(started));
    }

    // Metrics: prometheus-cpp's exposer serves them on its own threads, reading the shards' published
    // counters. Declared after `relay`, so it is gone before the shards are.
    std::shared_ptr<tern::server::RelayMetrics> metrics;
    std::unique_ptr<prometheus::Exposer> exposer;
    if (config.prometheus && relay) {
        const tern::protocol::TransportAddress bind{config.prometheus_address, config.prometheus_port};
        try {
            exposer = std::make_unique<prometheus::Exposer>(bind.to_string(), 1);
        } catch (const std::exception& e) {
            log.error("cannot listen", {{"detail", fmt::format("prometheus {}: {}", bind.to_string(), e.what())}});
            return 1;
        }
        metrics = std::make_shared<tern::server::RelayMetrics>([r = relay.get()] { return r->counters(); });
        exposer->RegisterCollectable(metrics);
        log.info("metrics served", {{"url", fmt::format("http://{}/metrics", bind.to_string())}});
    }

    std::unique_ptr<tern::http::ApiNode> api;
    if (api_state) {
        auto started = start_api(io, log, config, plan, *api_state, random);
        if (auto* status = std::get_if<int>(&started)) return *status;
        api = std::move(std::get<std::unique_ptr<tern::http::ApiNode>>(started));
    }

    std::string relays;
    for (const auto& r : plan.core.relay_addresses) {
        if (!relays.empty()) relays += ',';
        relays += r.local.to_string();
        if (r.advertised != r.local) relays += fmt::format("={}", r.advertised.to_string());
    }
    log.info("ternd started", {{"listen", config.relay ? join(plan.listen) : "none (no-relay)"},
                               {"relay", config.relay ? relays : "none"},
                               {"ports", std::to_string(plan.core.relay_port_min) + "-" +
                                             std::to_string(plan.core.relay_port_max)},
                               {"realm", config.realm},
                               {"threads", std::to_string(relay ? relay->size() : 0)},
                               {"io", relay ? to_string(relay->backend()) : "none"}});

    asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
    std::function<void(const boost::system::error_code&, int)> on_signal;
    on_signal = [&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        if (signal == SIGHUP) {
            auto reparsed = parse_options(args);
            if (auto* error = std::get_if<ConfigError>(&reparsed)) {
                log.error("reload refused, keeping the running configuration", {{"detail", error->to_string()}});
            } else {
                DaemonConfig next = std::get<ParsedConfig>(reparsed).config;
                if (api_state) tern::http::use_state_auth_secret(next, *api_state);
                log.configure(next.log_level, next.log_format);
                if (relay) relay->post_policies(plan_policies(next, plan.listen));
                if (api) api->reload(tern::http::relay_settings(next, plan));
                log.info("configuration reloaded", {{"users", std::to_string(next.users.size())},
                                                    {"secrets", std::to_string(next.auth_secrets.size())}});
            }
            signals.async_wait(on_signal);
            return;
        }
        log.info("shutting down", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"},
                                   {"allocations", std::to_string(relay ? relay->allocations() : 0)}});
        if (api) api->close();
        exposer.reset();  // no scrape may read the shards while they stop
        if (relay) relay->stop();  // each shard closes its listeners and relay sockets, then its thread ends
        io.stop();
    };
    signals.async_wait(on_signal);

    io.run();
    log.info("ternd stopped");
    return 0;
}
