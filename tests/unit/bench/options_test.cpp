// tern-bench's command line: defaults, the rules between options, and refusals.

#include <gtest/gtest.h>

#include <initializer_list>
#include <vector>

#include "bench/tern_bench/options.hpp"

namespace tern::bench {
namespace {

std::variant<BenchOptions, UsageError, HelpRequested> parse(std::initializer_list<const char*> args) {
    std::vector<const char*> argv{"tern-bench"};
    argv.insert(argv.end(), args);
    return parse_options(static_cast<int>(argv.size()), argv.data());
}

BenchOptions ok(std::initializer_list<const char*> args) {
    auto result = parse(args);
    if (auto* e = std::get_if<UsageError>(&result)) ADD_FAILURE() << e->message;
    return std::holds_alternative<BenchOptions>(result) ? std::get<BenchOptions>(result) : BenchOptions{};
}

std::string refused(std::initializer_list<const char*> args) {
    auto result = parse(args);
    auto* e = std::get_if<UsageError>(&result);
    return e ? e->message : "(accepted)";
}

TEST(BenchOptions, Defaults) {
    const auto o = ok({"--server", "127.0.0.1:3478", "--user", "u:p"});
    EXPECT_EQ(o.mode, Mode::Throughput);
    EXPECT_EQ(o.target, Target::Turn);
    EXPECT_EQ(o.server.to_string(), "127.0.0.1:3478");
    EXPECT_EQ(o.user, "u");
    EXPECT_EQ(o.password, "p");
    EXPECT_EQ(o.clients, 10u);
    EXPECT_EQ(o.peer, PeerKind::BuiltinEcho);
    EXPECT_TRUE(o.use_channels);
    EXPECT_EQ(o.rate, 0.0);
    EXPECT_EQ(o.size, 100u);
    EXPECT_EQ(o.local_ip.to_string(), "127.0.0.1");
    EXPECT_EQ(o.relays_per_delivery(), 2u);
}

TEST(BenchOptions, PasswordMayHoldColons) {
    EXPECT_EQ(ok({"--server", "127.0.0.1:1", "--user", "u:a:b"}).password, "a:b");
}

TEST(BenchOptions, EverySpellingOfThePeer) {
    EXPECT_EQ(ok({"--server", "127.0.0.1:1", "--secret", "s", "--peer", "sink"}).peer, PeerKind::Sink);
    const auto relay = ok({"--server", "127.0.0.1:1", "--secret", "s", "--peer", "relay"});
    EXPECT_EQ(relay.peer, PeerKind::Relay);
    EXPECT_EQ(relay.relays_per_delivery(), 4u);
    const auto external = ok({"--server", "127.0.0.1:1", "--secret", "s", "--peer", "127.0.0.1:9"});
    EXPECT_EQ(external.peer, PeerKind::ExternalEcho);
    EXPECT_EQ(external.peer_address.port, 9);
    EXPECT_NE(refused({"--server", "127.0.0.1:1", "--secret", "s", "--peer", "nowhere"}), "(accepted)");
}

TEST(BenchOptions, SoakDefaultsToASteadyRateForAMinute) {
    const auto o = ok({"--mode", "soak", "--server", "127.0.0.1:1", "--user", "u:p", "--clients", "4"});
    EXPECT_EQ(o.duration, 60.0);
    EXPECT_EQ(o.rate, 400.0);
    const auto given = ok({"--mode", "soak", "--server", "127.0.0.1:1", "--user", "u:p", "--duration", "3", "--rate", "50"});
    EXPECT_EQ(given.duration, 3.0);
    EXPECT_EQ(given.rate, 50.0);
}

TEST(BenchOptions, BareTargetUsesOneLoadSocketAndNeedsNoCredentials) {
    const auto o = ok({"--target", "bare", "--server", "127.0.0.1:1", "--threads", "2", "--clients", "4"});
    EXPECT_EQ(o.threads, 1u);
    EXPECT_NE(refused({"--target", "bare", "--server", "127.0.0.1:1", "--peer", "relay"}), "(accepted)");
    EXPECT_NE(refused({"--target", "bare", "--server", "127.0.0.1:1", "--mode", "storm"}), "(accepted)");
}

TEST(BenchOptions, ThreadsNeverOutnumberFlows) {
    EXPECT_EQ(ok({"--server", "127.0.0.1:1", "--user", "u:p", "--clients", "2", "--threads", "8"}).threads, 2u);
}

TEST(BenchOptions, Refusals) {
    EXPECT_EQ(refused({"--user", "u:p"}), "--server is required");
    EXPECT_NE(refused({"--server", "127.0.0.1:1"}), "(accepted)");                                  // no credentials
    EXPECT_NE(refused({"--server", "127.0.0.1:1", "--user", "u:p", "--secret", "s"}), "(accepted)");  // both
    EXPECT_NE(refused({"--server", "localhost:1", "--user", "u:p"}), "(accepted)");
    EXPECT_NE(refused({"--server", "127.0.0.1:1", "--user", "u:p", "--size", "20"}), "(accepted)");
    EXPECT_NE(refused({"--server", "127.0.0.1:1", "--user", "u:p", "--size", "9000"}), "(accepted)");
    EXPECT_NE(refused({"--server", "127.0.0.1:1", "--user", "u:p", "--clients", "0"}), "(accepted)");
    EXPECT_NE(refused({"--server", "127.0.0.1:1", "--user", "u:p", "--duration", "1e9"}), "(accepted)");
    EXPECT_NE(refused({"--server", "127.0.0.1:1", "--user", "nocolon"}), "(accepted)");
    EXPECT_NE(refused({"--server", "127.0.0.1:1", "--user", "u:p", "--bogus", "1"}), "(accepted)");
    EXPECT_NE(refused({"--server", "127.0.0.1:1", "--user", "u:p", "--rate"}), "(accepted)");
}

TEST(BenchOptions, EchoModeNeedsNoServer) {
    const auto o = ok({"--mode", "echo", "--listen", "127.0.0.1:0", "--seconds", "2"});
    EXPECT_EQ(o.mode, Mode::Echo);
    EXPECT_EQ(o.seconds, 2.0);
}

TEST(BenchOptions, Help) { EXPECT_TRUE(std::holds_alternative<HelpRequested>(parse({"--help"}))); }

}  // namespace
}  // namespace tern::bench
