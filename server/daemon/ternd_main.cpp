// ternd: the Tern relay daemon. Reads options (command line and --config file), opens listeners,
// runs the TURN core on one Asio loop, ticks expiry once a second, and handles SIGTERM/SIGINT (clean
// exit) and SIGHUP (reload users, secrets, peer policy and log level; allocations stay).

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <fmt/core.h>
#include <string>
#include <vector>

#include "auth/random.hpp"
#include "server/config/options.hpp"
#include "server/daemon/asio_shell.hpp"
#include "server/daemon/daemon_setup.hpp"
#include "server/daemon/logger.hpp"

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

void tick_every_second(asio::steady_timer& timer, TurnServer& core) {
    timer.expires_after(std::chrono::seconds(1));
    timer.async_wait([&timer, &core](const boost::system::error_code& ec) {
        if (ec) return;
        core.on_tick(Instant::now());
        tick_every_second(timer, core);
    });
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

    DaemonPlan plan = plan_daemon(options.config);
    for (const auto& w : plan.warnings) log.warning("config", {{"detail", w}});

    asio::io_context io;
    AsioShell shell(io, log);
    if (const auto error = shell.listen(plan.listen, options.config.udp, options.config.tcp)) {
        log.error("cannot listen", {{"detail", *error}});
        return 1;
    }

    tern::auth::SystemRandom random;
    std::array<std::uint8_t, 32> nonce_key{};
    random.fill(nonce_key);
    auto core = std::make_unique<TurnServer>(plan.core, plan.policies, nonce_key, shell, random);
    shell.attach(*core, plan.core.max_channel_number);

    std::string relays;
    for (const auto& r : plan.core.relay_addresses) {
        if (!relays.empty()) relays += ',';
        relays += r.local.to_string();
        if (r.advertised != r.local) relays += fmt::format("={}", r.advertised.to_string());
    }
    log.info("ternd started", {{"listen", join(plan.listen)},
                               {"relay", relays},
                               {"ports", std::to_string(plan.core.relay_port_min) + "-" +
                                             std::to_string(plan.core.relay_port_max)},
                               {"realm", options.config.realm}});

    asio::steady_timer ticker(io);
    tick_every_second(ticker, *core);

    asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
    std::function<void(const boost::system::error_code&, int)> on_signal;
    on_signal = [&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        if (signal == SIGHUP) {
            auto reparsed = parse_options(args);
            if (auto* error = std::get_if<ConfigError>(&reparsed)) {
                log.error("reload refused, keeping the running configuration", {{"detail", error->to_string()}});
            } else {
                const auto& next = std::get<ParsedConfig>(reparsed).config;
                log.configure(next.log_level, next.log_format);
                core->update_policies(plan_policies(next, plan.listen), Instant::now());
                log.info("configuration reloaded", {{"users", std::to_string(next.users.size())},
                                                    {"secrets", std::to_string(next.auth_secrets.size())}});
            }
            signals.async_wait(on_signal);
            return;
        }
        log.info("shutting down", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"},
                                   {"allocations", std::to_string(core->allocation_count())}});
        ticker.cancel();
        shell.close();
        core.reset();  // closes every relay socket
        io.stop();
    };
    signals.async_wait(on_signal);

    io.run();
    log.info("ternd stopped");
    return 0;
}
