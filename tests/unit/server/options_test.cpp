// ternd's options: every option from the command line and from a config file, coturn's spellings,
// precedence, errors with their source, and --help.

#include "server/config/options.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace tern::server;
using tern::protocol::IpAddress;
using tern::protocol::TransportAddress;
using namespace std::chrono_literals;

IpAddress ip(std::string_view text) { return IpAddress::parse(text).value(); }
TransportAddress addr(std::string_view text) { return TransportAddress::parse(text).value(); }
Cidr cidr(std::string_view text) { return Cidr::parse(text).value(); }

std::variant<ParsedConfig, ConfigError> run(const std::vector<std::string>& args) {
    std::vector<std::string_view> views{"ternd"};
    views.insert(views.end(), args.begin(), args.end());
    return parse_options(views);
}

ParsedConfig parse_ok(const std::vector<std::string>& args) {
    auto result = run(args);
    if (const auto* error = std::get_if<ConfigError>(&result)) {
        ADD_FAILURE() << "unexpected error: " << error->to_string();
        return {};
    }
    return std::get<ParsedConfig>(std::move(result));
}

std::string parse_error(const std::vector<std::string>& args) {
    auto result = run(args);
    if (const auto* error = std::get_if<ConfigError>(&result)) return error->to_string();
    ADD_FAILURE() << "expected an error";
    return {};
}

// A config file in the temp directory, removed when the test ends. The name holds the process id, as
// ctest may run tests in parallel processes.
class TempConfig {
public:
    explicit TempConfig(std::string_view text) {
        static std::atomic<int> counter{0};
        path_ = (std::filesystem::temp_directory_path() /
                 ("tern-options-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".conf"))
                    .string();
        std::ofstream(path_, std::ios::binary) << text;
    }
    ~TempConfig() {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }
    TempConfig(const TempConfig&) = delete;
    TempConfig& operator=(const TempConfig&) = delete;

    const std::string& path() const { return path_; }

private:
    std::string path_;
};

ParsedConfig parse_file_ok(std::string_view text, std::vector<std::string> more = {}) {
    const TempConfig file(text);
    more.insert(more.begin(), {"--config", file.path()});
    return parse_ok(more);
}

// The error for a file holding `text`, with the file's path replaced by "FILE".
std::string file_error(std::string_view text, std::vector<std::string> more = {}) {
    const TempConfig file(text);
    more.insert(more.begin(), {"--config", file.path()});
    std::string error = parse_error(more);
    if (error.starts_with(file.path())) error.replace(0, file.path().size(), "FILE");
    return error;
}

// ---- Defaults ----

TEST(OptionsDefaults, NoArgumentsGiveTheDefaults) {
    const ParsedConfig parsed = parse_ok({});
    const DaemonConfig& c = parsed.config;
    const DaemonConfig d;
    EXPECT_FALSE(parsed.help);
    EXPECT_FALSE(parsed.version);
    EXPECT_TRUE(parsed.notices.empty());
    EXPECT_FALSE(c.config_file);
    EXPECT_TRUE(c.listen.empty());
    EXPECT_EQ(effective_listen(c), (std::vector{addr("0.0.0.0:3478"), addr("[::]:3478")}));
    EXPECT_TRUE(c.udp);
    EXPECT_TRUE(c.tcp);
    // Metrics only when asked for, and then on loopback, at coturn's port.
    EXPECT_FALSE(c.prometheus);
    EXPECT_EQ(c.prometheus_address.to_string(), "127.0.0.1");
    EXPECT_EQ(c.prometheus_port, 9641);
    EXPECT_EQ(c.udp_receive_buffer, 0u);
    EXPECT_EQ(c.udp_send_buffer, 0u);
    EXPECT_EQ(c.idle_poll, std::chrono::microseconds(0));
    EXPECT_TRUE(c.relay_ips.empty());
    EXPECT_TRUE(c.external_ips.empty());
    EXPECT_EQ(c.relay_port_min, 49152);
    EXPECT_EQ(c.relay_port_max, 65535);
    EXPECT_EQ(c.realm, "tern");
    EXPECT_TRUE(c.users.empty());
    EXPECT_TRUE(c.auth_secrets.empty());
    EXPECT_EQ(c.expiry_policy, ExpiryPolicy::Refresh);
    EXPECT_EQ(c.nonce_lifetime, 600s);
    EXPECT_TRUE(c.allow_peers.empty());
    EXPECT_TRUE(c.deny_peers.empty());
    EXPECT_EQ(c.default_lifetime, d.default_lifetime);
    EXPECT_EQ(c.max_lifetime, 3600s);
    EXPECT_EQ(c.permission_lifetime, 300s);
    EXPECT_EQ(c.channel_lifetime, 600s);
    EXPECT_EQ(c.max_allocations, 0u);
    EXPECT_EQ(c.user_quota, 0u);
    EXPECT_EQ(c.io_backend, IoBackend::Uring);
    EXPECT_EQ(c.log_level, LogLevel::Info);
    EXPECT_EQ(c.log_format, LogFormat::Text);
    EXPECT_EQ(c.software, "Tern");
}

TEST(OptionsDefaults, EffectiveListenKeepsGivenAddresses) {
    DaemonConfig c;
    c.listen = {addr("127.0.0.1:3478")};
    EXPECT_EQ(effective_listen(c), c.listen);
}

// ---- Every option, from each source ----

struct Case {
    std::string name;   // as written, without dashes
    std::string value;  // empty for a flag
    std::function<void(const ParsedConfig&)> check;
    // An option this one needs beside it (name, value), given after it in the same source.
    std::pair<std::string, std::string> companion{};
};

// The companion of a case as command-line arguments, or as a config line.
std::vector<std::string> companion_args(const Case& c) {
    if (c.companion.first.empty()) return {};
    return {"--" + c.companion.first, c.companion.second};
}
std::string companion_line(const Case& c) {
    return c.companion.first.empty() ? "" : c.companion.first + " = " + c.companion.second + "\n";
}

const std::vector<Case>& cases() {
    static const std::vector<Case> all = {
        {"listen", "[::1]:5000",
         [](const ParsedConfig& p) { EXPECT_EQ(p.config.listen, std::vector{addr("[::1]:5000")}); }},
        {"no-udp", "",
         [](const ParsedConfig& p) {
             EXPECT_FALSE(p.config.udp);
             EXPECT_TRUE(p.config.tcp);
         }},
        {"no-tcp", "",
         [](const ParsedConfig& p) {
             EXPECT_FALSE(p.config.tcp);
             EXPECT_TRUE(p.config.udp);
         }},
        {"rfc5766-channels", "", [](const ParsedConfig& p) { EXPECT_TRUE(p.config.rfc5766_channels); }},
        {"threads", "3", [](const ParsedConfig& p) { EXPECT_EQ(p.config.threads, 3u); }},
        {"io", "epoll", [](const ParsedConfig& p) { EXPECT_EQ(p.config.io_backend, IoBackend::Epoll); }},
        {"relay-ip", "192.0.2.10",
         [](const ParsedConfig& p) { EXPECT_EQ(p.config.relay_ips, std::vector{ip("192.0.2.10")}); }},
        {"external-ip", "10.0.0.5=203.0.113.7",
         [](const ParsedConfig& p) {
             EXPECT_EQ(p.config.external_ips, (std::vector{ExternalIp{ip("10.0.0.5"), ip("203.0.113.7")}}));
         }},
        {"relay-ports", "40000-40100",
         [](const ParsedConfig& p) {
             EXPECT_EQ(p.config.relay_port_min, 40000);
             EXPECT_EQ(p.config.relay_port_max, 40100);
         }},
        {"realm", "example.org", [](const ParsedConfig& p) { EXPECT_EQ(p.config.realm, "example.org"); }},
        {"user", "alice:s3cret",
         [](const ParsedConfig& p) {
             EXPECT_EQ(p.config.users, (std::vector{StaticUser{"alice", "s3cret"}}));
         }},
        {"auth-secret", "north",
         [](const ParsedConfig& p) { EXPECT_EQ(p.config.auth_secrets, std::vector<std::string>{"north"}); }},
        {"expiry-policy", "strict",
         [](const ParsedConfig& p) { EXPECT_EQ(p.config.expiry_policy, ExpiryPolicy::Strict); }},
        {"nonce-lifetime", "120", [](const ParsedConfig& p) { EXPECT_EQ(p.config.nonce_lifetime, 120s); }},
        {"allow-peer", "10.1.0.0/16",
         [](const ParsedConfig& p) { EXPECT_EQ(p.config.allow_peers, std::vector{cidr("10.1.0.0/16")}); }},
        {"deny-peer", "2001:db8::/32",
         [](const ParsedConfig& p) { EXPECT_EQ(p.config.deny_peers, std::vector{cidr("2001:db8::/32")}); }},
        {"default-lifetime", "900", [](const ParsedConfig& p) { EXPECT_EQ(p.config.default_lifetime, 900s); }},
        {"max-allocate-lifetime", "7200", [](const ParsedConfig& p) { EXPECT_EQ(p.config.max_lifetime, 7200s); }},
        {"permission-lifetime", "200", [](const ParsedConfig& p) { EXPECT_EQ(p.config.permission_lifetime, 200s); }},
        {"channel-lifetime", "400", [](const ParsedConfig& p) { EXPECT_EQ(p.config.channel_lifetime, 400s); }},
        {"max-allocations", "5000", [](const ParsedConfig& p) { EXPECT_EQ(p.config.max_allocations, 5000u); }},
        {"user-quota", "12", [](const ParsedConfig& p) { EXPECT_EQ(p.config.user_quota, 12u); }},
        {"udp-receive-buffer", "4194304",
         [](const ParsedConfig& p) { EXPECT_EQ(p.config.udp_receive_buffer, 4194304u); }},
        {"udp-send-buffer", "1048576", [](const ParsedConfig& p) { EXPECT_EQ(p.config.udp_send_buffer, 1048576u); }},
        {"idle-poll-us", "0", [](const ParsedConfig& p) { EXPECT_EQ(p.config.idle_poll.count(), 0); }},
        {"idle-poll-us", "1000", [](const ParsedConfig& p) { EXPECT_EQ(p.config.idle_poll.count(), 1000); }},
        {"prometheus", "", [](const ParsedConfig& p) { EXPECT_TRUE(p.config.prometheus); }},
        {"prometheus-address", "::1",
         [](const ParsedConfig& p) { EXPECT_EQ(p.config.prometheus_address.to_string(), "::1"); }},
        {"prometheus-port", "9700", [](const ParsedConfig& p) { EXPECT_EQ(p.config.prometheus_port, 9700); }},
        {"log-level", "warning", [](const ParsedConfig& p) { EXPECT_EQ(p.config.log_level, LogLevel::Warning); }},
        {"log-format", "json", [](const ParsedConfig& p) { EXPECT_EQ(p.config.log_format, LogFormat::Json); }},
        {"software", "Tern relay 1", [](const ParsedConfig& p) { EXPECT_EQ(p.config.software, "Tern relay 1"); }},
        {"http-listen", "[::1]:8443",
         [](const ParsedConfig& p) {
             EXPECT_EQ(p.config.http_listen, addr("[::1]:8443"));
             EXPECT_EQ(effective_http_listen(p.config), addr("[::1]:8443"));
         }},
        {"http-cert", "/etc/tern/cert.pem",
         [](const ParsedConfig& p) { EXPECT_EQ(p.config.http_cert, "/etc/tern/cert.pem"); },
         {"http-key", "/etc/tern/key.pem"}},
        {"http-key", "/etc/tern/key.pem",
         [](const ParsedConfig& p) { EXPECT_EQ(p.config.http_key, "/etc/tern/key.pem"); },
         {"http-cert", "/etc/tern/cert.pem"}},
        {"no-relay", "",
         [](const ParsedConfig& p) {
             EXPECT_FALSE(p.config.relay);
             EXPECT_TRUE(p.config.http);
         }},
        {"no-http", "",
         [](const ParsedConfig& p) {
             EXPECT_FALSE(p.config.http);
             EXPECT_TRUE(p.config.relay);
         }},
        {"access-key-file", "/etc/tern/access-key",
         [](const ParsedConfig& p) { EXPECT_EQ(p.config.access_key_file, "/etc/tern/access-key"); }},
        {"state-dir", "/var/lib/tern", [](const ParsedConfig& p) { EXPECT_EQ(p.config.state_dir, "/var/lib/tern"); }},
        {"public-url", "turn:relay.example.org:3478?transport=udp",
         [](const ParsedConfig& p) {
             EXPECT_EQ(p.config.public_urls, std::vector<std::string>{"turn:relay.example.org:3478?transport=udp"});
         }},

        // coturn spellings.
        {"listening-ip", "192.0.2.1",
         [](const ParsedConfig& p) { EXPECT_EQ(p.config.listen, std::vector{addr("192.0.2.1:3478")}); }},
        {"listening-port", "3479",
         [](const ParsedConfig& p) {
             EXPECT_EQ(p.config.listen, (std::vector{addr("0.0.0.0:3479"), addr("[::]:3479")}));
         }},
        {"min-port", "50000", [](const ParsedConfig& p) { EXPECT_EQ(p.config.relay_port_min, 50000); }},
        {"max-port", "60000", [](const ParsedConfig& p) { EXPECT_EQ(p.config.relay_port_max, 60000); }},
        {"stale-nonce", "300", [](const ParsedConfig& p) { EXPECT_EQ(p.config.nonce_lifetime, 300s); }},
        {"verbose", "", [](const ParsedConfig& p) { EXPECT_EQ(p.config.log_level, LogLevel::Info); }},
        {"Verbose", "", [](const ParsedConfig& p) { EXPECT_EQ(p.config.log_level, LogLevel::Debug); }},
        {"no-software-attribute", "", [](const ParsedConfig& p) { EXPECT_EQ(p.config.software, ""); }},
        {"no-loopback-peers", "",
         [](const ParsedConfig& p) {
             EXPECT_EQ(p.config.deny_peers, (std::vector{cidr("127.0.0.0/8"), cidr("::1")}));
         }},
        {"no-multicast-peers", "",
         [](const ParsedConfig& p) {
             EXPECT_EQ(p.config.deny_peers, (std::vector{cidr("224.0.0.0/4"), cidr("ff00::/8")}));
         }},
        {"static-auth-secret", "south",
         [](const ParsedConfig& p) { EXPECT_EQ(p.config.auth_secrets, std::vector<std::string>{"south"}); }},
        {"allowed-peer-ip", "172.16.5.4",
         [](const ParsedConfig& p) { EXPECT_EQ(p.config.allow_peers, std::vector{cidr("172.16.5.4/32")}); }},
        {"denied-peer-ip", "fe80::/10",
         [](const ParsedConfig& p) { EXPECT_EQ(p.config.deny_peers, std::vector{cidr("fe80::/10")}); }},
        {"total-quota", "77", [](const ParsedConfig& p) { EXPECT_EQ(p.config.max_allocations, 77u); }},

        // Accepted with a notice only.
        {"lt-cred-mech", "", [](const ParsedConfig& p) { EXPECT_EQ(p.notices.size(), 1u); }},
        {"use-auth-secret", "", [](const ParsedConfig& p) { EXPECT_EQ(p.notices.size(), 1u); }},
        {"fingerprint", "", [](const ParsedConfig& p) { EXPECT_EQ(p.notices.size(), 1u); }},
        {"no-cli", "", [](const ParsedConfig& p) { EXPECT_EQ(p.notices.size(), 1u); }},
        {"no-tls", "", [](const ParsedConfig& p) { EXPECT_EQ(p.notices.size(), 1u); }},
        {"no-dtls", "", [](const ParsedConfig& p) { EXPECT_EQ(p.notices.size(), 1u); }},
        {"no-stun-backward-compatibility", "", [](const ParsedConfig& p) { EXPECT_EQ(p.notices.size(), 1u); }},
    };
    return all;
}

TEST(OptionsEachOption, FromTheCommandLine) {
    for (const Case& c : cases()) {
        SCOPED_TRACE(c.name);
        const auto with_companion = [&](std::vector<std::string> args) {
            for (auto& a : companion_args(c)) args.push_back(std::move(a));
            return args;
        };
        if (c.value.empty()) {
            c.check(parse_ok(with_companion({"--" + c.name})));
        } else {
            c.check(parse_ok(with_companion({"--" + c.name, c.value})));
            c.check(parse_ok(with_companion({"--" + c.name + "=" + c.value})));
        }
    }
}

TEST(OptionsEachOption, FromAConfigFile) {
    for (const Case& c : cases()) {
        SCOPED_TRACE(c.name);
        if (c.value.empty()) {
            c.check(parse_file_ok(c.name + "\n" + companion_line(c)));
        } else {
            c.check(parse_file_ok(c.name + " = " + c.value + "\n" + companion_line(c)));
            c.check(parse_file_ok(companion_line(c) + c.name + "=" + c.value));  // no final newline either
        }
    }
}

TEST(OptionsEachOption, EveryNameInTheTableHasACase) {
    for (const Option& o : option_table()) {
        if (o.name == "config" || o.name == "help" || o.name == "version") continue;  // tested below
        const bool covered = std::ranges::any_of(cases(), [&](const Case& c) { return c.name == o.name; });
        EXPECT_TRUE(covered) << o.name;
    }
}

TEST(OptionsEachOption, ConfigIsRecorded) {
    const TempConfig file("realm = a\n");
    EXPECT_EQ(parse_ok({"--config", file.path()}).config.config_file, file.path());
    EXPECT_EQ(parse_ok({"--config=" + file.path()}).config.config_file, file.path());
}

TEST(OptionsEachOption, HelpAndVersion) {
    EXPECT_TRUE(parse_ok({"--help"}).help);
    EXPECT_TRUE(parse_ok({"--version"}).version);
    // They answer before anything is read, so a broken setup does not hide the help.
    EXPECT_TRUE(parse_ok({"--config", "/nonexistent/ternd.conf", "--relay-ports", "7-3", "--help"}).help);
}

TEST(OptionsEachOption, ArgcArgvOverload) {
    const char* argv[] = {"ternd", "--realm", "example.net", "--no-tcp"};
    auto result = parse_options(4, argv);
    ASSERT_TRUE(std::holds_alternative<ParsedConfig>(result));
    EXPECT_EQ(std::get<ParsedConfig>(result).config.realm, "example.net");
    EXPECT_FALSE(std::get<ParsedConfig>(result).config.tcp);
}

// ---- coturn ----

TEST(OptionsCoturn, ListeningIpsTakeTheListeningPort) {
    EXPECT_EQ(parse_ok({"--listening-ip", "192.0.2.1", "--listening-ip", "2001:db8::1", "--listening-port", "3479"})
                  .config.listen,
              (std::vector{addr("192.0.2.1:3479"), addr("[2001:db8::1]:3479")}));
    // The port may come from the command line and the addresses from the file.
    EXPECT_EQ(
        parse_file_ok("listening-ip=192.0.2.1\nlistening-ip=192.0.2.2\n", {"--listening-port", "5000"}).config.listen,
        (std::vector{addr("192.0.2.1:5000"), addr("192.0.2.2:5000")}));
}

TEST(OptionsCoturn, ListeningPairsAddToListen) {
    EXPECT_EQ(parse_ok({"--listen", "127.0.0.1:4000", "--listening-ip", "192.0.2.1"}).config.listen,
              (std::vector{addr("127.0.0.1:4000"), addr("192.0.2.1:3478")}));
}

TEST(OptionsCoturn, MinAndMaxPortSetTheEndsOfRelayPorts) {
    const DaemonConfig c = parse_file_ok("min-port=40000\nmax-port=41000\n").config;
    EXPECT_EQ(c.relay_port_min, 40000);
    EXPECT_EQ(c.relay_port_max, 41000);
}

TEST(OptionsCoturn, TypicalTurnserverConf) {
    const ParsedConfig p = parse_file_ok(
        "# coturn's sample, trimmed\n"
        "listening-port=3478\n"
        "listening-ip=10.0.0.5\n"
        "relay-ip=10.0.0.5\n"
        "external-ip=203.0.113.7/10.0.0.5\n"
        "min-port=49160\n"
        "max-port=49200\n"
        "verbose\n"
        "fingerprint\n"
        "lt-cred-mech\n"
        "use-auth-secret\n"
        "static-auth-secret=north-wind\n"
        "realm=turn.example.com\n"
        "total-quota=100\n"
        "stale-nonce=600\n"
        "no-multicast-peers\n"
        "no-cli\n");
    const DaemonConfig& c = p.config;
    EXPECT_EQ(c.listen, std::vector{addr("10.0.0.5:3478")});
    EXPECT_EQ(c.relay_ips, std::vector{ip("10.0.0.5")});
    EXPECT_EQ(c.external_ips, (std::vector{ExternalIp{ip("10.0.0.5"), ip("203.0.113.7")}}));
    EXPECT_EQ(c.relay_port_min, 49160);
    EXPECT_EQ(c.relay_port_max, 49200);
    EXPECT_EQ(c.log_level, LogLevel::Info);
    EXPECT_EQ(c.auth_secrets, std::vector<std::string>{"north-wind"});
    EXPECT_EQ(c.realm, "turn.example.com");
    EXPECT_EQ(c.max_allocations, 100u);
    EXPECT_EQ(c.nonce_lifetime, 600s);
    EXPECT_EQ(c.deny_peers, (std::vector{cidr("224.0.0.0/4"), cidr("ff00::/8")}));
    EXPECT_EQ(p.notices.size(), 4u);  // fingerprint, lt-cred-mech, use-auth-secret, no-cli
}

TEST(OptionsCoturn, VerboseFlagsSetTheLogLevel) {
    // info is also the default, so start from another level.
    EXPECT_EQ(parse_file_ok("log-level = error\n", {"--verbose"}).config.log_level, LogLevel::Info);
    EXPECT_EQ(parse_file_ok("log-level = error\n", {"--Verbose"}).config.log_level, LogLevel::Debug);
}

TEST(OptionsCoturn, StaleNonceWithoutValueIsANotice) {
    const ParsedConfig fromFile = parse_file_ok("stale-nonce\n");
    EXPECT_EQ(fromFile.config.nonce_lifetime, 600s);
    ASSERT_EQ(fromFile.notices.size(), 1u);
    EXPECT_NE(fromFile.notices[0].find("stale-nonce without a value has no effect"), std::string::npos);
    EXPECT_EQ(parse_ok({"--stale-nonce"}).notices.size(), 1u);
    EXPECT_EQ(parse_ok({"--stale-nonce", "90"}).config.nonce_lifetime, 90s);
    EXPECT_EQ(parse_error({"--stale-nonce=0"}),
              "command line: --stale-nonce: expected a whole number of SECONDS > 0, got '0'");
}

TEST(OptionsCoturn, IgnoredFlagsSayWhereAndWhy) {
    const TempConfig file("realm = r\nlt-cred-mech\n");
    const ParsedConfig p = parse_ok({"--config", file.path(), "--no-cli"});
    ASSERT_EQ(p.notices.size(), 2u);
    EXPECT_EQ(p.notices[0], file.path() +
                                ":2: lt-cred-mech has no effect in Tern: long-term credentials are used whenever user "
                                "or auth-secret is given.");
    EXPECT_EQ(p.notices[1], "command line: --no-cli has no effect in Tern: Tern has no telnet admin interface.");
}

TEST(OptionsCoturn, FlagsTakeABooleanInTheFile) {
    EXPECT_FALSE(parse_file_ok("no-udp = yes\n").config.udp);
    EXPECT_TRUE(parse_file_ok("no-udp = false\n").config.udp);  // as if absent
    EXPECT_FALSE(parse_ok({"--no-udp=true"}).config.udp);
    EXPECT_EQ(file_error("no-udp = maybe\n"), "FILE:1: no-udp: takes no value (or yes/no), got 'maybe'");
}

TEST(OptionsCoturn, HexKeyPasswordGetsANotice) {
    const ParsedConfig p = parse_ok({"--user", "bob:0x7e2d4c5f8a1b3c9d0e6f2a4b8c1d3e5f"});
    EXPECT_EQ(p.config.users, (std::vector{StaticUser{"bob", "0x7e2d4c5f8a1b3c9d0e6f2a4b8c1d3e5f"}}));
    ASSERT_EQ(p.notices.size(), 1u);
    EXPECT_NE(p.notices[0].find("coturn 0x key"), std::string::npos);
}

// ---- Values ----

TEST(OptionsValues, ExternalIpForms) {
    const DaemonConfig c = parse_ok({"--external-ip", "10.0.0.5=203.0.113.7",      // Tern: RELAY=PUBLIC
                                     "--external-ip", "198.51.100.9/10.0.0.6",     // coturn: PUBLIC/RELAY
                                     "--external-ip", "2001:db8::7",               // every relay ip of its family
                                     "--external-ip", "[fd00::1]=[2001:db8::8]"})  // bracketed IPv6
                               .config;
    EXPECT_EQ(c.external_ips, (std::vector{
                                  ExternalIp{ip("10.0.0.5"), ip("203.0.113.7")},
                                  ExternalIp{ip("10.0.0.6"), ip("198.51.100.9")},
                                  ExternalIp{ip("::"), ip("2001:db8::7")},
                                  ExternalIp{ip("fd00::1"), ip("2001:db8::8")},
                              }));
    EXPECT_EQ(parse_ok({"--external-ip", "203.0.113.7"}).config.external_ips,
              (std::vector{ExternalIp{ip("0.0.0.0"), ip("203.0.113.7")}}));
}

TEST(OptionsValues, UserPasswordMayContainColons) {
    EXPECT_EQ(parse_ok({"--user", "alice:pa:ss:word"}).config.users, (std::vector{StaticUser{"alice", "pa:ss:word"}}));
    EXPECT_EQ(parse_file_ok("user = carol:a=b:c # not a comment\n").config.users,
              (std::vector{StaticUser{"carol", "a=b:c # not a comment"}}));
}

TEST(OptionsValues, SingleIpIsAFullLengthPrefix) {
    EXPECT_EQ(parse_ok({"--deny-peer", "192.0.2.1", "--deny-peer", "2001:db8::1"}).config.deny_peers,
              (std::vector{Cidr::of(ip("192.0.2.1"), 32), Cidr::of(ip("2001:db8::1"), 128)}));
}

TEST(OptionsValues, RepeatsOfTheSameValueAreDropped) {
    const DaemonConfig c =
        parse_file_ok("listen = 127.0.0.1:3478\nuser = a:b\n", {"--listen", "127.0.0.1:3478", "--user", "a:b"}).config;
    EXPECT_EQ(c.listen, std::vector{addr("127.0.0.1:3478")});
    EXPECT_EQ(c.users, (std::vector{StaticUser{"a", "b"}}));
}

// ---- Config file syntax ----

TEST(OptionsFile, CommentsBlankLinesWhitespaceAndCrlf) {
    const DaemonConfig c = parse_file_ok(
                               "\xEF\xBB\xBF# ternd.conf\r\n"
                               "\r\n"
                               "   # indented comment\r\n"
                               "\trealm   =   example.com  \r\n"
                               "no-tcp\r\n"
                               "auth-secret=#hash#\r\n")
                               .config;
    EXPECT_EQ(c.realm, "example.com");
    EXPECT_FALSE(c.tcp);
    EXPECT_EQ(c.auth_secrets, std::vector<std::string>{"#hash#"});
}

TEST(OptionsFile, LineWithoutEqualsSign) {
    EXPECT_EQ(file_error("listen 127.0.0.1:3478\n"),
              "FILE:1: expected 'KEY = VALUE' or a bare KEY, got 'listen 127.0.0.1:3478'");
    EXPECT_EQ(file_error("= 5\n"), "FILE:1: expected 'KEY = VALUE' or a bare KEY, got '= 5'");
}

// ---- Precedence ----

TEST(OptionsPrecedence, CommandLineWinsForSingleValues) {
    const DaemonConfig c = parse_file_ok("realm = from-file\nrelay-ports = 40000-41000\nlog-level = debug\n",
                                         {"--realm", "from-cli", "--relay-ports", "50000-51000"})
                               .config;
    EXPECT_EQ(c.realm, "from-cli");
    EXPECT_EQ(c.relay_port_min, 50000);
    EXPECT_EQ(c.relay_port_max, 51000);
    EXPECT_EQ(c.log_level, LogLevel::Debug);  // only in the file
}

TEST(OptionsPrecedence, ListsAccumulate) {
    const DaemonConfig c =
        parse_file_ok("listen = 127.0.0.1:3478\nauth-secret = old\nuser = a:1\ndeny-peer = 8.8.8.8\n",
                      {"--listen", "[::1]:3478", "--auth-secret", "new", "--user", "b:2", "--deny-peer", "1.1.1.1"})
            .config;
    EXPECT_EQ(c.listen, (std::vector{addr("127.0.0.1:3478"), addr("[::1]:3478")}));
    EXPECT_EQ(c.auth_secrets, (std::vector<std::string>{"old", "new"}));
    EXPECT_EQ(c.users, (std::vector{StaticUser{"a", "1"}, StaticUser{"b", "2"}}));
    EXPECT_EQ(c.deny_peers, (std::vector{cidr("8.8.8.8"), cidr("1.1.1.1")}));
}

TEST(OptionsPrecedence, CoturnEndsApplyOnTopOfTheFilesRange) {
    const DaemonConfig c = parse_file_ok("relay-ports = 40000-41000\n", {"--max-port", "45000"}).config;
    EXPECT_EQ(c.relay_port_min, 40000);
    EXPECT_EQ(c.relay_port_max, 45000);
}

// ---- Errors ----

TEST(OptionsErrors, UnknownOption) {
    EXPECT_EQ(file_error("realm = r\n\nlisen = 1.2.3.4:3478\n"),
              "FILE:3: unknown option 'lisen' (did you mean 'listen'?)");
    EXPECT_EQ(file_error("frobnicate\n"), "FILE:1: unknown option 'frobnicate'");
    EXPECT_EQ(parse_error({"--lisen", "1.2.3.4:3478"}),
              "command line: unknown option '--lisen' (did you mean '--listen'?)");
    EXPECT_EQ(parse_error({"--VERBOSE"}), "command line: unknown option '--VERBOSE'");
    EXPECT_EQ(parse_error({"-v"}), "command line: unexpected argument '-v' (options start with --)");
    EXPECT_EQ(parse_error({"--no-udp", "extra"}), "command line: unexpected argument 'extra' (options start with --)");
}

TEST(OptionsErrors, BadValuesNameTheLineTheOptionAndTheReason) {
    std::string text;
    for (int i = 1; i <= 11; ++i) text += "# line " + std::to_string(i) + "\n";
    EXPECT_EQ(file_error(text + "relay-ports = 7-3\n"),
              "FILE:12: relay-ports: expected MIN-MAX with 1 <= MIN <= MAX <= 65535, got '7-3'");
    EXPECT_EQ(file_error("relay-ports = 0-100\n"),
              "FILE:1: relay-ports: expected MIN-MAX with 1 <= MIN <= MAX <= 65535, got '0-100'");
    EXPECT_EQ(file_error("relay-ports = 100-70000\n"),
              "FILE:1: relay-ports: expected MIN-MAX with 1 <= MIN <= MAX <= 65535, got '100-70000'");
    EXPECT_EQ(parse_error({"--listen", "1.2.3.4"}),
              "command line: --listen: expected ADDR:PORT (an IPv6 address in brackets, as [::1]:3478), got '1.2.3.4'");
    EXPECT_EQ(
        parse_error({"--listen=::1:3478"}),
        "command line: --listen: expected ADDR:PORT (an IPv6 address in brackets, as [::1]:3478), got '::1:3478'");
    EXPECT_EQ(file_error("log-level = loud\n"),
              "FILE:1: log-level: expected one of debug, info, warning, error, got 'loud'");
    EXPECT_EQ(file_error("expiry-policy = never\n"),
              "FILE:1: expiry-policy: expected one of refresh, allocate, strict, got 'never'");
    EXPECT_EQ(file_error("log-format = xml\n"), "FILE:1: log-format: expected one of text, json, got 'xml'");
    EXPECT_EQ(file_error("io = kqueue\n"), "FILE:1: io: expected one of uring, epoll, got 'kqueue'");
    EXPECT_EQ(file_error("nonce-lifetime = 0\n"),
              "FILE:1: nonce-lifetime: expected a whole number of SECONDS > 0, got '0'");
    EXPECT_EQ(file_error("channel-lifetime = -5\n"),
              "FILE:1: channel-lifetime: expected a whole number of SECONDS > 0, got '-5'");
    EXPECT_EQ(file_error("permission-lifetime = 5m\n"),
              "FILE:1: permission-lifetime: expected a whole number of SECONDS > 0, got '5m'");
    EXPECT_EQ(file_error("user-quota = lots\n"),
              "FILE:1: user-quota: expected a whole number N >= 0 (0: no limit), got 'lots'");
    EXPECT_EQ(file_error("udp-receive-buffer = 2147483648\n"),
              "FILE:1: udp-receive-buffer: expected a size in bytes from 0 (the system's default) to 1073741824, got "
              "'2147483648'");
    EXPECT_EQ(file_error("udp-send-buffer = 4M\n"),
              "FILE:1: udp-send-buffer: expected a size in bytes from 0 (the system's default) to 1073741824, got '4M'");
    EXPECT_EQ(file_error("idle-poll-us = 1001\n"),
              "FILE:1: idle-poll-us: expected microseconds, 0-1000 (0: off), got '1001'");
    EXPECT_EQ(file_error("idle-poll-us = 20us\n"),
              "FILE:1: idle-poll-us: expected microseconds, 0-1000 (0: off), got '20us'");
    EXPECT_EQ(file_error("prometheus-port = 0\n"), "FILE:1: prometheus-port: expected a PORT from 1 to 65535, got '0'");
    EXPECT_EQ(file_error("prometheus-address = localhost\n"),
              "FILE:1: prometheus-address: expected an IP address, got 'localhost'");
    EXPECT_EQ(file_error("relay-ip = 0.0.0.0\n"),
              "FILE:1: relay-ip: expected a specific IP address (not 0.0.0.0 or ::), got '0.0.0.0'");
    EXPECT_EQ(file_error("min-port = 0\n"), "FILE:1: min-port: expected a PORT from 1 to 65535, got '0'");
    EXPECT_EQ(parse_error({"--external-ip", "10.0.0.1=2001:db8::1"}),
              "command line: --external-ip: expected a relay and a public address of the same family, got "
              "'10.0.0.1=2001:db8::1'");
    EXPECT_EQ(parse_error({"--external-ip", "example.com"}),
              "command line: --external-ip: expected PUBLIC, RELAY=PUBLIC or coturn's PUBLIC/RELAY, got 'example.com'");
    EXPECT_EQ(parse_error({"--realm", std::string(128, 'r')}).substr(0, 34), "command line: --realm: expected 1 ");
}

TEST(OptionsValues, HttpApiDefaults) {
    const DaemonConfig c = parse_ok({}).config;
    EXPECT_TRUE(c.relay);
    EXPECT_TRUE(c.http);
    EXPECT_FALSE(c.http_listen);
    EXPECT_EQ(effective_http_listen(c), addr("127.0.0.1:8080"));
    EXPECT_FALSE(c.http_cert);
    EXPECT_FALSE(c.http_key);
    EXPECT_FALSE(c.access_key_file);
    EXPECT_EQ(c.state_dir, "./tern-state");
    EXPECT_TRUE(c.public_urls.empty());
}

TEST(OptionsValues, PublicUrlForms) {
    for (std::string_view url : {"stun:203.0.113.5:3478", "turn:[2001:db8::1]:3478?transport=tcp",
                                 "turns:relay.example.org:5349?transport=tcp", "turn:relay.example.org"}) {
        SCOPED_TRACE(url);
        EXPECT_EQ(parse_ok({"--public-url", std::string(url)}).config.public_urls, std::vector<std::string>{std::string(url)});
    }
    for (std::string_view url : {"http://example.org", "stun:", "stun:host?transport=udp",
                                 "turn:host?transport=sctp", "turn:host name", "relay.example.org:3478"}) {
        SCOPED_TRACE(url);
        EXPECT_NE(parse_error({"--public-url", std::string(url)}).find("public-url: expected stun:HOST[:PORT]"),
                  std::string::npos);
    }
}

TEST(OptionsErrors, HttpListenNeedsAPort) {
    EXPECT_EQ(parse_error({"--http-listen", "127.0.0.1"}),
              "command line: --http-listen: expected ADDR:PORT (an IPv6 address in brackets, as [::1]:8080), got "
              "'127.0.0.1'");
    EXPECT_NE(parse_error({"--http-listen", "127.0.0.1:0"}).find("expected ADDR:PORT"), std::string::npos);
}

TEST(OptionsErrors, PeerRangesSayToUseCidr) {
    EXPECT_EQ(file_error("denied-peer-ip=10.0.0.0-10.255.255.255\n"),
              "FILE:1: denied-peer-ip: address ranges such as '10.0.0.0-10.255.255.255' are not supported; write the "
              "range as CIDR prefixes (ADDR/LEN)");
    EXPECT_EQ(parse_error({"--allow-peer", "10.0.0.1/8"}),
              "command line: --allow-peer: '10.0.0.1/8' has host bits set past the prefix; did you mean 10.0.0.0/8?");
    EXPECT_EQ(parse_error({"--deny-peer", "10.0.0.0/33"}),
              "command line: --deny-peer: expected a CIDR such as 10.0.0.0/8 or 2001:db8::/32, or one IP address, got "
              "'10.0.0.0/33'");
}

TEST(OptionsErrors, UserErrorsDoNotShowThePassword) {
    EXPECT_EQ(parse_error({"--user", "hunter2"}),
              "command line: --user: expected NAME:PASSWORD, got no ':' (the value is not shown)");
    EXPECT_EQ(parse_error({"--user", ":hunter2"}),
              "command line: --user: expected NAME:PASSWORD with a non-empty NAME");
    EXPECT_EQ(parse_error({"--user", "dave:"}), "command line: --user: user 'dave' has an empty password");
    EXPECT_EQ(parse_error({"--user", "dave:a\tb"}),
              "command line: --user: the password of user 'dave' is not UTF-8 text without control characters");
}

TEST(OptionsErrors, SingleOptionGivenTwiceInOneSource) {
    EXPECT_EQ(file_error("realm = a\nrealm = b\n"), "FILE:2: realm: given twice (first on line 1)");
    // An alias is the same option.
    EXPECT_EQ(file_error("max-allocations = 1\ntotal-quota = 2\n"),
              "FILE:2: total-quota: given twice (first on line 1)");
    EXPECT_EQ(parse_error({"--realm", "a", "--realm", "b"}), "command line: --realm: given twice");
    EXPECT_EQ(parse_error({"--no-udp", "--no-udp"}), "command line: --no-udp: given twice");
    // Once in each source is precedence, not repetition.
    EXPECT_EQ(parse_file_ok("realm = a\n", {"--realm", "b"}).config.realm, "b");
}

TEST(OptionsErrors, MissingValue) {
    EXPECT_EQ(file_error("listen\n"), "FILE:1: listen: missing value (expected ADDR:PORT)");
    EXPECT_EQ(file_error("realm =   \n"), "FILE:1: realm: missing value (expected TEXT)");
    EXPECT_EQ(parse_error({"--realm"}), "command line: --realm: missing value (expected TEXT)");
    EXPECT_EQ(parse_error({"--realm="}), "command line: --realm: missing value (expected TEXT)");
    EXPECT_EQ(parse_error({"--listen", "--no-udp"}), "command line: --listen: missing value (expected ADDR:PORT)");
    EXPECT_EQ(parse_error({"--config"}), "command line: --config: missing value (expected FILE)");
}

TEST(OptionsErrors, UnreadableConfigFile) {
    const std::string missing = (std::filesystem::temp_directory_path() / "tern-options-test-no-such.conf").string();
    EXPECT_EQ(parse_error({"--config", missing}),
              "command line: --config: cannot read '" + missing + "': No such file or directory");
    const std::string dir = std::filesystem::temp_directory_path().string();
    EXPECT_EQ(parse_error({"--config", dir}), "command line: --config: cannot read '" + dir + "': Is a directory");
}

TEST(OptionsErrors, CommandLineOnlyOptionsInTheFile) {
    EXPECT_EQ(file_error("config = other.conf\n"), "FILE:1: config: allowed on the command line only");
    EXPECT_EQ(file_error("help\n"), "FILE:1: help: allowed on the command line only");
    EXPECT_EQ(parse_error({"--config", "a.conf", "--config", "b.conf"}), "command line: --config: given twice");
}

TEST(OptionsErrors, FlagsTakeNoValueOnTheCommandLine) {
    EXPECT_EQ(parse_error({"--no-tcp=please"}), "command line: --no-tcp: takes no value (or yes/no), got 'please'");
}

TEST(OptionsErrors, CrossFieldChecksBlameTheLastLine) {
    EXPECT_EQ(file_error("default-lifetime = 7200\n"),
              "FILE:1: default-lifetime 7200 is above max-allocate-lifetime 3600");
    EXPECT_EQ(file_error("max-allocate-lifetime = 60\n"),
              "FILE:1: default-lifetime 600 is above max-allocate-lifetime 60");
    EXPECT_EQ(parse_ok({"--max-allocate-lifetime", "60", "--default-lifetime", "60"}).config.default_lifetime, 60s);
}

TEST(OptionsErrors, CrossFieldChecks) {
    EXPECT_EQ(file_error("min-port = 60000\n", {"--max-port", "50000"}),
              "command line: relay-ports: MIN 60000 is above MAX 50000");
    EXPECT_EQ(file_error("relay-ports = 40000-41000\n", {"--min-port", "42000"}),
              "command line: relay-ports: MIN 42000 is above MAX 41000");
    EXPECT_EQ(parse_error({"--no-udp", "--no-tcp"}), "command line: no-udp and no-tcp leave nothing to listen on");
    EXPECT_EQ(parse_error({"--no-relay", "--no-http"}), "command line: no-relay and no-http leave nothing to serve");
    EXPECT_EQ(file_error("http-cert = cert.pem\n"), "FILE:1: http-cert and http-key must be given together");
    EXPECT_EQ(parse_error({"--http-key", "key.pem"}), "command line: http-cert and http-key must be given together");
    EXPECT_EQ(file_error("user = alice:one\n", {"--user", "alice:two"}),
              "command line: user 'alice' is given twice with different passwords");
    EXPECT_EQ(parse_error({"--external-ip", "203.0.113.1", "--external-ip", "203.0.113.2"}),
              "command line: external-ip: relay ip 0.0.0.0 is mapped to both 203.0.113.1 and 203.0.113.2");
    EXPECT_EQ(parse_error({"--relay-ip", "10.0.0.5", "--external-ip", "10.0.0.6=203.0.113.1"}),
              "command line: external-ip: 10.0.0.6 is not a relay-ip");
}

// ---- Help ----

TEST(OptionsHelp, MentionsEveryOptionAndAlias) {
    const std::string help = help_text();
    for (const Option& o : option_table()) {
        EXPECT_NE(help.find("--" + std::string(o.name)), std::string::npos) << o.name;
        EXPECT_FALSE(o.help.empty()) << o.name;
        EXPECT_NE(o.set, nullptr) << o.name;
        if (!o.aliases.empty()) {
            EXPECT_NE(help.find(std::string(o.aliases)), std::string::npos) << o.aliases;
        }
    }
}

TEST(OptionsHelp, ShowsDefaultsAndCoturnSpellings) {
    const std::string help = help_text();
    EXPECT_NE(help.find("default: 0.0.0.0:3478 [::]:3478"), std::string::npos);
    EXPECT_NE(help.find("default: 49152-65535"), std::string::npos);
    EXPECT_NE(help.find("coturn: min-port, max-port"), std::string::npos);
    EXPECT_NE(help.find("coturn: listening-ip, listening-port"), std::string::npos);
    EXPECT_NE(help.find("coturn: static-auth-secret, use-auth-secret"), std::string::npos);
    EXPECT_NE(help.find("coturn: realm"), std::string::npos);
    EXPECT_NE(help.find("default: refresh"), std::string::npos);
}

TEST(OptionsHelp, EveryMapsToNamesATernOption) {
    for (const Option& o : option_table()) {
        if (o.maps_to.empty()) continue;
        const bool found = std::ranges::any_of(
            option_table(), [&](const Option& t) { return t.name == o.maps_to && t.group == OptionGroup::Tern; });
        EXPECT_TRUE(found) << o.name << " -> " << o.maps_to;
    }
}

TEST(OptionsHelp, LinesFitInOneHundredColumns) {
    const std::string help = help_text();
    std::size_t start = 0;
    while (start < help.size()) {
        const std::size_t end = std::min(help.find('\n', start), help.size());
        EXPECT_LE(end - start, 100u) << help.substr(start, end - start);
        start = end + 1;
    }
}

}  // namespace
