// `tern`: the command-line companion of ternd. It decodes STUN/TURN messages, runs a self-check of
// the codec, and drives ternd's HTTP API (identities, user access tokens, relay configurations; see
// api_commands.hpp).

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "client/api_commands.hpp"
#include "client/describe_message.hpp"
#include "protocol/attributes/all.hpp"
#include "protocol/credentials.hpp"
#include "protocol/integrity.hpp"
#include "protocol/message_builder.hpp"
#include "protocol/message_view.hpp"

namespace {

using namespace tern::protocol;

constexpr std::string_view kUsage =
    "usage: tern <command>\n"
    "  decode HEX     describe a STUN message or ChannelData frame given as hex\n"
    "  selfcheck      encode, sign and parse sample messages; exit 0 when the codec works\n"
    "  help           this text\n";

void print_usage(std::FILE* to) {
    std::fputs(kUsage.data(), to);
    std::fputs(tern::client::kApiUsage.data(), to);
}

std::optional<std::vector<std::uint8_t>> parse_hex(std::string_view hex) {
    std::vector<std::uint8_t> out;
    int high = -1;
    for (const char c : hex) {
        int v;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        else if (c == ' ' || c == ':' || c == '\n') continue;
        else return std::nullopt;
        if (high < 0) high = v;
        else out.push_back(static_cast<std::uint8_t>(high * 16 + v)), high = -1;
    }
    if (high >= 0) return std::nullopt;
    return out;
}

int decode(std::string_view hex) {
    const auto bytes = parse_hex(hex);
    if (!bytes) {
        std::fprintf(stderr, "tern decode: not a hex string\n");
        return 2;
    }
    std::fputs(tern::client::describe_message(*bytes).c_str(), stdout);
    return 0;
}

int selfcheck() {
    int failures = 0;
    const auto check = [&](bool ok, const char* what) {
        std::printf("%s %s\n", ok ? "ok  " : "FAIL", what);
        if (!ok) ++failures;
    };

    // RFC 8489 §9.2.2 long-term key of the RFC 5769 §2.4 sample.
    const auto key = long_term_key_md5("\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xb9",
                                       "example.org", "TheMatrIX");
    const Md5Key expected = {0xe8, 0xca, 0x7a, 0xd5, 0x9d, 0x5e, 0xb0, 0x51,
                             0x8e, 0x31, 0x29, 0x11, 0xd2, 0xda, 0xb2, 0xa9};
    check(key == expected, "long-term key matches RFC 5769 2.4");

    const TransactionId tx = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    std::uint8_t buffer[512];
    MessageBuilder b(buffer, {Method::Allocate, MessageClass::Request}, tx);
    b.add(attr::RequestedTransport{}).add(attr::Username{"alice"}).add(attr::Realm{"example.org"});
    b.add(attr::Nonce{"obMatJos2gAAAselfcheck"}).add_message_integrity(key).add_message_integrity_sha256(key);
    b.add_fingerprint();
    check(b.ok(), "authenticated Allocate request encodes");
    const auto m = MessageView::parse(b.bytes());
    check(m.ok(), "it parses, FINGERPRINT verified");
    check(m && check_message_integrity(*m, key) == IntegrityCheck::Valid, "MESSAGE-INTEGRITY verifies");
    check(m && check_message_integrity_sha256(*m, key) == IntegrityCheck::Valid, "MESSAGE-INTEGRITY-SHA256 verifies");
    check(turn_rest_password("north", "1735689600:alice") == "HbvWA6hGDtdv3wflBolXLhvzs0w=",
          "TURN REST password matches the shared-secret vector");
    std::printf("%s\n", failures == 0 ? "selfcheck passed" : "selfcheck FAILED");
    return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string_view command = argc > 1 ? argv[1] : "help";
    if (command == "decode" && argc == 3) return decode(argv[2]);
    if (command == "selfcheck" && argc == 2) return selfcheck();
    if (tern::client::is_api_command(command)) {
        const std::vector<std::string_view> args(argv + 1, argv + argc);
        return tern::client::run_api_command(args);
    }
    if (command == "help" || command == "--help" || command == "-h") {
        print_usage(stdout);
        return 0;
    }
    print_usage(stderr);
    return 2;
}
