// tern-bench: the load tool. See `tern-bench --help` and bench/README.md.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <thread>

#include "bench/tern_bench/coordinator.hpp"
#include "bench/tern_bench/echo_peer.hpp"
#include "bench/tern_bench/options.hpp"
#include "server/daemon/open_files.hpp"

namespace {

std::atomic<bool> interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

void on_signal(int) { interrupted.store(true); }

// A socket per client (two when the peer is a second allocation): thousands of descriptors. Takes the
// whole hard limit, and sizes the descriptor table before the workers start, so that no worker
// stalls while it doubles (see open_files.hpp).
void prepare_descriptors(const tern::bench::BenchOptions& options) {
    const std::uint64_t sockets = 2 * std::uint64_t{std::max(options.clients, options.allocations)};
    (void)tern::server::prepare_open_files(sockets + 1024);
}

int run_echo(const tern::bench::BenchOptions& options) {
    tern::bench::EchoPeer echo(options.listen);
    std::printf("echo listening on %s\n", echo.address().to_string().c_str());
    std::fflush(stdout);
    echo.start(std::chrono::duration<double>(options.seconds));
    const auto end = std::chrono::steady_clock::now() +
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(options.seconds));
    while (std::chrono::steady_clock::now() < end && !interrupted.load())
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    echo.stop();
    std::printf("echoed %llu datagrams, %.2f CPU s\n", static_cast<unsigned long long>(echo.echoed()), echo.cpu_seconds());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace tern::bench;
    const auto parsed = parse_options(argc, argv);
    if (std::holds_alternative<HelpRequested>(parsed)) {
        std::fputs(usage_text().data(), stdout);
        return 0;
    }
    if (const auto* error = std::get_if<UsageError>(&parsed)) {
        std::fprintf(stderr, "tern-bench: %s\n(tern-bench --help lists the options)\n", error->message.c_str());
        return 2;
    }
    const BenchOptions& options = std::get<BenchOptions>(parsed);
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGPIPE, SIG_IGN);
    prepare_descriptors(options);
    try {
        switch (options.mode) {
            case Mode::Echo: return run_echo(options);
            case Mode::Storm: return run_storm(options, interrupted);
            case Mode::Throughput:
            case Mode::Soak: return run_throughput(options, interrupted);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tern-bench: %s\n", e.what());
        return 1;
    }
    return 1;
}
