// The API service driven directly, with an injected clock and a real identity database in a
// temporary directory: token lifetimes, revocation, deletion, relay configurations and the checks
// that come before any handler. (tests/integration/test_api_*.py cover the same over real HTTP.)

#include "server/http/api_service.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>

#include "auth/credential_store.hpp"
#include "client/api_client.hpp"
#include "protocol/base64.hpp"

namespace {

using namespace tern;
using http::Status;
namespace fs = std::filesystem;

constexpr std::string_view kIdentities = "/identities?api-version=2023-10-01";
constexpr std::string_view kRelay = "/networkTraversal/:issueRelayConfiguration?api-version=2022-03-01-preview";
constexpr std::string_view kKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "tern-api-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

struct Reply {
    Status status;
    boost::json::value body;
};

class ApiTest : public ::testing::Test {
protected:
    ApiTest()
        : connection_(auth::ConnectionString::parse("endpoint=http://127.0.0.1:8080/;accesskey=" + std::string(kKey))
                          .value()),
          service_(connection_.access_key, open_store(), {"north", {"turn:127.0.0.1:3478?transport=udp"}}, random_,
                   [this] { return now_ms_; }) {}

    std::unique_ptr<auth::IdentityStore> open_store() {
        auto opened = auth::IdentityStore::open(dir_.path() / "identities.sqlite");
        return std::move(std::get<std::unique_ptr<auth::IdentityStore>>(opened));
    }

    // A request signed as the CLI signs it, at the service's current time.
    http::Request signed_request(http::beast_http::verb method, std::string_view target, std::string body) {
        http::Request r{method, target, 11};
        const auto h = client::sign_request(connection_, std::string(http::beast_http::to_string(method)), target,
                                            body, now_ms_ / 1000);
        r.set("Host", h.host);
        r.set("x-ms-date", h.date);
        r.set("x-ms-content-sha256", h.content_hash);
        r.set("Authorization", h.authorization);
        if (!body.empty()) r.set("Content-Type", "application/json");
        r.body() = std::move(body);
        r.prepare_payload();
        return r;
    }

    Reply send(const http::Request& request) {
        const http::Response response = service_.handle(request);
        Reply reply{response.result(), nullptr};
        if (!response.body().empty()) reply.body = boost::json::parse(response.body());
        return reply;
    }

    Reply post(std::string_view target, std::string body = "") {
        return send(signed_request(http::beast_http::verb::post, target, std::move(body)));
    }

    Reply relay_with_token(std::string_view token, std::string body = "{}") {
        http::Request r{http::beast_http::verb::post, kRelay, 11};
        r.set("Host", "127.0.0.1:8080");
        r.set("Authorization", "Bearer " + std::string(token));
        r.set("Content-Type", "application/json");
        r.body() = std::move(body);
        r.prepare_payload();
        return send(r);
    }

    std::string create_identity() { return std::string(post(kIdentities).body.at("identity").at("id").as_string()); }

    static std::string path(std::string_view id, std::string_view action) {
        return "/identities/" + std::string(id) + "/" + std::string(action) + "?api-version=2023-10-01";
    }

    std::string issue_token(std::string_view id, std::string_view body = R"({"scopes":["voip"],"expiresInMinutes":60})") {
        const Reply reply = post(path(id, ":issueAccessToken"), std::string(body));
        EXPECT_EQ(reply.status, Status::ok);
        return std::string(reply.body.at("token").as_string());
    }

    static std::string code(const Reply& r) { return std::string(r.body.at("error").at("code").as_string()); }

    TempDir dir_;
    auth::SystemRandom random_;
    std::int64_t now_ms_ = 1'800'000'000'000;
    auth::ConnectionString connection_;
    http::ApiService service_;
};

TEST_F(ApiTest, CreateWithATokenAndItsExpiry) {
    const Reply reply = post(kIdentities, R"({"createTokenWithScopes":["voip","chat"],"expiresInMinutes":90})");
    ASSERT_EQ(reply.status, Status::created);
    EXPECT_TRUE(reply.body.at("identity").at("id").as_string().starts_with("8:acs:"));
    EXPECT_EQ(reply.body.at("accessToken").at("expiresOn"), "2027-01-15T09:30:00.000+00:00");  // now + 90 min
    EXPECT_FALSE(post(kIdentities).body.as_object().contains("accessToken"));
}

TEST_F(ApiTest, TokenBuysARelayCredentialEveryRelayAccepts) {
    const std::string id = create_identity();
    const std::string token = issue_token(id);
    const Reply reply = relay_with_token(token, R"({"ttl": 600, "routeType": "nearest"})");
    ASSERT_EQ(reply.status, Status::ok);
    const auto& server = reply.body.at("iceServers").at(0);
    const std::string username(server.at("username").as_string());
    EXPECT_EQ(username, std::to_string(now_ms_ / 1000 + 600) + ":" + id);
    EXPECT_EQ(server.at("routeType"), "nearest");
    EXPECT_EQ(server.at("urls").at(0), "turn:127.0.0.1:3478?transport=udp");
    // The relay's own credential check, with the same secret and no database.
    const auth::CredentialStore relay("tern", {}, {"north"});
    const auto lookup = relay.lookup(username, now_ms_ / 1000);
    ASSERT_EQ(lookup.candidates.size(), 1u);
    EXPECT_EQ(lookup.candidates[0].password, server.at("credential").as_string());
}

TEST_F(ApiTest, RelayCredentialNeverOutlivesTheToken) {
    const std::string token = issue_token(create_identity());  // 60 minutes
    now_ms_ += 59 * 60 * 1000;
    const Reply reply = relay_with_token(token);  // default ttl: 48 hours
    ASSERT_EQ(reply.status, Status::ok);
    EXPECT_EQ(reply.body.at("expiresOn"), "2027-01-15T09:00:00.000+00:00");  // the token's exp
}

TEST_F(ApiTest, ExpiredTokenIsRefused) {
    const std::string token = issue_token(create_identity());
    now_ms_ += 60 * 60 * 1000;
    const Reply reply = relay_with_token(token);
    EXPECT_EQ(reply.status, Status::unauthorized);
    EXPECT_EQ(code(reply), "TokenExpired");
}

TEST_F(ApiTest, RevocationStopsEarlierTokensOnly) {
    const std::string id = create_identity();
    const std::string before = issue_token(id);
    now_ms_ += 1;
    EXPECT_EQ(post(path(id, ":revokeAccessTokens")).status, Status::no_content);
    now_ms_ += 1;
    const std::string after = issue_token(id);
    EXPECT_EQ(code(relay_with_token(before)), "TokenRevoked");
    EXPECT_EQ(relay_with_token(after).status, Status::ok);
}

TEST_F(ApiTest, DeletionEndsTheIdentity) {
    const std::string id = create_identity();
    const std::string token = issue_token(id);
    const std::string identity = "/identities/" + id + "?api-version=2023-10-01";
    EXPECT_EQ(send(signed_request(http::beast_http::verb::delete_, identity, "")).status, Status::no_content);
    EXPECT_EQ(code(relay_with_token(token)), "TokenRevoked");
    const Reply again = post(path(id, ":issueAccessToken"), R"({"scopes":["voip"]})");
    EXPECT_EQ(again.status, Status::conflict);
    EXPECT_EQ(code(again), "IdentityDeleted");
    EXPECT_EQ(post(path(id, ":revokeAccessTokens")).status, Status::conflict);
    // Deleting twice is still done.
    EXPECT_EQ(send(signed_request(http::beast_http::verb::delete_, identity, "")).status, Status::no_content);
}

TEST_F(ApiTest, UnknownIdentityIs404) {
    const Reply reply = post(path("8:acs:nobody", ":issueAccessToken"), R"({"scopes":["voip"]})");
    EXPECT_EQ(reply.status, Status::not_found);
    EXPECT_EQ(code(reply), "IdentityNotFound");
    EXPECT_EQ(post(kRelay, R"({"id":"8:acs:nobody"})").status, Status::not_found);
}

TEST_F(ApiTest, TokenScopeAndIdentityLimitWhatItBuys) {
    const std::string id = create_identity();
    const std::string chat = issue_token(id, R"({"scopes":["chat"]})");
    EXPECT_EQ(relay_with_token(chat).status, Status::forbidden);
    const std::string voip = issue_token(id);
    EXPECT_EQ(relay_with_token(voip, R"({"id":"8:acs:someone-else"})").status, Status::forbidden);
    // A user token cannot manage identities.
    http::Request r = signed_request(http::beast_http::verb::post, kIdentities, "");
    r.set("Authorization", "Bearer " + voip);
    EXPECT_EQ(send(r).status, Status::forbidden);
}

TEST_F(ApiTest, FieldErrorsNameTheField) {
    const std::string id = create_identity();
    const auto target_of = [&](std::string_view where, std::string body) {
        const Reply r = post(where, std::move(body));
        EXPECT_EQ(r.status, Status::bad_request);
        return std::string(r.body.at("error").at("target").as_string());
    };
    EXPECT_EQ(target_of(path(id, ":issueAccessToken"), R"({"scopes":["voip"],"expiresInMinutes":59})"),
              "expiresInMinutes");
    EXPECT_EQ(target_of(path(id, ":issueAccessToken"), R"({"scopes":["voip"],"expiresInMinutes":1441})"),
              "expiresInMinutes");
    EXPECT_EQ(target_of(path(id, ":issueAccessToken"), R"({"scopes":["teleport"]})"), "scopes");
    EXPECT_EQ(target_of(path(id, ":issueAccessToken"), R"({})"), "scopes");
    EXPECT_EQ(target_of(std::string(kRelay), R"({"ttl":172801})"), "ttl");
    EXPECT_EQ(target_of(std::string(kRelay), R"({"ttl":-1})"), "ttl");
    EXPECT_EQ(target_of(std::string(kRelay), R"({"routeType":"fastest"})"), "routeType");
}

TEST_F(ApiTest, BodiesMustBeJsonObjects) {
    http::Request text = signed_request(http::beast_http::verb::post, kIdentities, "{}");
    text.set("Content-Type", "text/plain");
    EXPECT_EQ(send(text).status, Status::unsupported_media_type);
    http::Request with_charset = signed_request(http::beast_http::verb::post, kIdentities, "{}");
    with_charset.set("Content-Type", "Application/JSON; charset=utf-8");
    EXPECT_EQ(send(with_charset).status, Status::created);
    EXPECT_EQ(post(kIdentities, "{not json").status, Status::bad_request);
    EXPECT_EQ(post(kIdentities, "[]").status, Status::bad_request);
}

TEST_F(ApiTest, SignatureFailuresAre401) {
    http::Request stale = signed_request(http::beast_http::verb::post, kIdentities, "");
    now_ms_ += 16 * 60 * 1000;
    const Reply reply = send(stale);
    EXPECT_EQ(reply.status, Status::unauthorized);
    EXPECT_EQ(code(reply), "InvalidDate");
    http::Request unsigned_request{http::beast_http::verb::post, kIdentities, 11};
    EXPECT_EQ(code(send(unsigned_request)), "MissingAuthentication");
}

}  // namespace
