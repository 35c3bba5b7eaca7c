#include "client/api_commands.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "client/api_client.hpp"

namespace tern::client {

const std::string_view kApiUsage =
    "  identity create [--scope S]... [--minutes N]\n"
    "                 create an identity (and, with --scope, a user access token for it)\n"
    "  identity delete --id ID                     delete an identity; its tokens stop working\n"
    "  token issue --id ID --scope S... [--minutes N]\n"
    "                 issue a user access token (scopes: chat, voip, chat.join, chat.join.limited,\n"
    "                 voip.join; N from 60 to 1440, default 1440)\n"
    "  token revoke --id ID                        revoke every token issued to ID so far\n"
    "  relay-config [--token T] [--id ID] [--ttl S] [--route-type any|nearest]\n"
    "                 ICE servers with a TURN credential; with --token, as that token's user\n"
    "  API options: --connection-string S (default $TERN_CONNECTION_STRING), --insecure (HTTPS\n"
    "  without certificate checks)\n";

namespace {

constexpr std::string_view kIdentityApiVersion = "2023-10-01";
constexpr std::string_view kRelayApiVersion = "2022-03-01-preview";
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

int usage_error(const std::string& message) {
    std::fprintf(stderr, "tern: %s\n", message.c_str());
    return kExitUsage;
}

// Options after the command words: --name VALUE or --name=VALUE, repeats kept in order.
struct Options {
    std::multimap<std::string, std::string, std::less<>> values;
    bool insecure = false;

    std::optional<std::string> one(std::string_view name) const {
        const auto it = values.find(name);
        if (it == values.end()) return std::nullopt;
        return it->second;
    }
    std::vector<std::string> all(std::string_view name) const {
        std::vector<std::string> out;
        for (auto [it, end] = values.equal_range(name); it != end; ++it) out.push_back(it->second);
        return out;
    }
};

std::variant<Options, std::string> parse_options(std::span<const std::string_view> args,
                                                 const std::vector<std::string_view>& known) {
    Options options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view arg = args[i];
        if (!arg.starts_with("--")) return "unexpected argument '" + std::string(arg) + "'";
        arg.remove_prefix(2);
        if (arg == "insecure") {
            options.insecure = true;
            continue;
        }
        std::string name(arg.substr(0, arg.find('=')));
        std::string value;
        if (arg.find('=') != std::string_view::npos) {
            value = std::string(arg.substr(arg.find('=') + 1));
        } else {
            if (i + 1 >= args.size()) return "--" + name + " needs a value";
            value = std::string(args[++i]);
        }
        if (name != "connection-string" && std::find(known.begin(), known.end(), name) == known.end())
            return "unknown option --" + name;
        options.values.emplace(std::move(name), std::move(value));
    }
    return options;
}

std::optional<long long> whole_number(const std::string& text) {
    long long n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return n;
}

// RFC 3986: everything but unreserved characters is escaped, as ACS SDKs escape path parameters.
std::string escape_path_segment(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 15];
        }
    }
    return out;
}

int perform(const Options& options, ApiRequest request) {
    std::string text;
    if (auto given = options.one("connection-string")) text = *given;
    else if (const char* env = std::getenv("TERN_CONNECTION_STRING")) text = env;
    if (text.empty()) return usage_error("no connection string: give --connection-string or set TERN_CONNECTION_STRING");
    const auto connection = auth::ConnectionString::parse(text);
    if (!connection) return usage_error("the connection string is not 'endpoint=http(s)://HOST:PORT/;accesskey=BASE64'");

    const auto reply = call_api(*connection, request, TransportOptions{.insecure = options.insecure});
    if (const auto* error = std::get_if<std::string>(&reply)) {
        std::fprintf(stderr, "tern: %s %s: %s\n", connection->endpoint.c_str(), request.method.c_str(), error->c_str());
        return kExitFailure;
    }
    const auto& answer = std::get<ApiReply>(reply);
    const bool ok = answer.status >= 200 && answer.status < 300;
    if (!answer.body.empty()) std::fprintf(ok ? stdout : stderr, "%s\n", answer.body.c_str());
    else if (!ok) std::fprintf(stderr, "tern: HTTP status %u\n", answer.status);
    return ok ? 0 : kExitFailure;
}

// Adds "scopes"-like and "expiresInMinutes" fields from --scope and --minutes.
std::optional<std::string> add_token_fields(const Options& options, boost::json::object& body,
                                            std::string_view scopes_field) {
    const auto scopes = options.all("scope");
    if (!scopes.empty()) {
        boost::json::array list;
        for (const auto& s : scopes) list.emplace_back(s);
        body[scopes_field] = std::move(list);
    }
    if (const auto minutes = options.one("minutes")) {
        const auto n = whole_number(*minutes);
        if (!n) return "--minutes takes a whole number, got '" + *minutes + "'";
        body["expiresInMinutes"] = *n;
    }
    return std::nullopt;
}

std::string identity_path(std::string_view id, std::string_view action) {
    std::string path = "/identities/" + escape_path_segment(id);
    if (!action.empty()) path.append("/").append(action);
    return path + "?api-version=" + std::string(kIdentityApiVersion);
}

int relay_config(const Options& options) {
    boost::json::object body;
    if (const auto id = options.one("id")) body["id"] = *id;
    if (const auto route = options.one("route-type")) body["routeType"] = *route;
    if (const auto ttl = options.one("ttl")) {
        const auto n = whole_number(*ttl);
        if (!n) return usage_error("--ttl takes a whole number of seconds, got '" + *ttl + "'");
        body["ttl"] = *n;
    }
    return perform(options, {"POST", "/networkTraversal/:issueRelayConfiguration?api-version=" +
                                          std::string(kRelayApiVersion),
                             boost::json::serialize(body), options.one("token")});
}

}  // namespace

bool is_api_command(std::string_view command) {
    return command == "identity" || command == "token" || command == "relay-config";
}

int run_api_command(std::span<const std::string_view> args) {
    const std::string_view command = args.empty() ? "" : args[0];
    const std::string_view action = args.size() > 1 ? args[1] : "";
    const bool two_words = command != "relay-config";
    const auto rest = args.subspan(std::min(args.size(), std::size_t{two_words ? 2u : 1u}));

    std::vector<std::string_view> known;
    if (command == "identity" && action == "create") known = {"scope", "minutes"};
    else if ((command == "identity" && action == "delete") || (command == "token" && action == "revoke")) known = {"id"};
    else if (command == "token" && action == "issue") known = {"id", "scope", "minutes"};
    else if (command == "relay-config") known = {"token", "id", "ttl", "route-type"};
    else return usage_error("unknown command '" + std::string(command) + (two_words ? " " : "") + std::string(action) +
                            "'; see tern help");

    const auto parsed = parse_options(rest, known);
    if (const auto* error = std::get_if<std::string>(&parsed)) return usage_error(*error);
    const Options& options = std::get<Options>(parsed);
    if (command == "relay-config") return relay_config(options);

    const auto id = options.one("id");
    if (!id && !(command == "identity" && action == "create")) return usage_error("--id ID is required");
    boost::json::object body;
    if (command == "identity" && action == "create") {
        if (auto error = add_token_fields(options, body, "createTokenWithScopes")) return usage_error(*error);
        return perform(options, {"POST", "/identities?api-version=" + std::string(kIdentityApiVersion),
                                 body.empty() ? "" : boost::json::serialize(body), std::nullopt});
    }
    if (command == "identity") return perform(options, {"DELETE", identity_path(*id, ""), "", std::nullopt});
    if (action == "revoke")
        return perform(options, {"POST", identity_path(*id, ":revokeAccessTokens"), "", std::nullopt});
    if (options.all("scope").empty()) return usage_error("--scope S is required (voip, chat, ...)");
    if (auto error = add_token_fields(options, body, "scopes")) return usage_error(*error);
    return perform(options, {"POST", identity_path(*id, ":issueAccessToken"), boost::json::serialize(body),
                             std::nullopt});
}

}  // namespace tern::client
