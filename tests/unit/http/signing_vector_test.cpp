// The HMAC-REQUEST-SIGNING vector of credentials.txt, both ways: the request it describes passes the
// verifier ternd runs on every management request, and the signer the `tern` CLI uses produces its
// headers byte for byte.

#include <gtest/gtest.h>

#include <string>

#include "auth/request_signing.hpp"
#include "client/api_client.hpp"
#include "protocol/base64.hpp"
#include "server/http/request_auth.hpp"
#include "tests/unit/protocol/vector_file.hpp"

namespace {

using namespace tern;
constexpr const char* kVector = "HMAC-REQUEST-SIGNING";

struct SigningVector {
    std::string access_key;  // base64
    std::string method;
    std::string url;             // https://host/path?query
    std::string path_and_query;  // /path?query
    std::string body;
    std::string date;
    std::string host;
    std::string content_hash;
    std::string signature;
    std::string authorization;
};

SigningVector load() {
    const std::string text = test::read_vector_file("credentials.txt");
    SigningVector v;
    v.access_key = test::vector_field(text, kVector, "access key (base64)");
    const std::string request = test::vector_field(text, kVector, "request");
    v.method = request.substr(0, request.find(' '));
    v.url = request.substr(request.find(' ') + 1);
    v.path_and_query = v.url.substr(v.url.find('/', v.url.find("://") + 3));
    v.body = test::vector_field(text, kVector, "body (exact bytes)");
    v.date = test::vector_field(text, kVector, "x-ms-date");
    v.host = test::vector_field(text, kVector, "host");
    v.content_hash = test::vector_field(text, kVector, "x-ms-content-sha256");
    v.signature = test::vector_field(text, kVector, "signature");
    v.authorization = test::vector_field(text, kVector, "Authorization");
    return v;
}

std::vector<std::uint8_t> key_of(const SigningVector& v) { return protocol::base64_decode(v.access_key).value(); }

// The request as ternd's listener hands it to the API: headers as the client sent them.
http::Request request_of(const SigningVector& v) {
    http::Request r{http::beast_http::string_to_verb(v.method), v.path_and_query, 11};
    r.set("Host", v.host);
    r.set("x-ms-date", v.date);
    r.set("x-ms-content-sha256", v.content_hash);
    r.set("Authorization", v.authorization);
    r.set("Content-Type", "application/json");
    r.body() = v.body;
    r.prepare_payload();
    return r;
}

std::int64_t date_of(const SigningVector& v) { return auth::parse_http_date(v.date).value(); }

TEST(SigningVector, VerifiesThroughTheServersCheck) {
    const SigningVector v = load();
    EXPECT_EQ(http::check_signed_request(key_of(v), request_of(v), date_of(v)), auth::SignatureCheck::Valid);
    // Within the allowed skew either way, and not beyond it.
    EXPECT_EQ(http::check_signed_request(key_of(v), request_of(v), date_of(v) + 15 * 60), auth::SignatureCheck::Valid);
    EXPECT_EQ(http::check_signed_request(key_of(v), request_of(v), date_of(v) - 15 * 60), auth::SignatureCheck::Valid);
    EXPECT_EQ(http::check_signed_request(key_of(v), request_of(v), date_of(v) + 15 * 60 + 1),
              auth::SignatureCheck::StaleDate);
}

TEST(SigningVector, DateHeaderStandsInForXMsDate) {
    const SigningVector v = load();
    http::Request r = request_of(v);
    r.erase("x-ms-date");
    r.set("Date", v.date);
    EXPECT_EQ(http::check_signed_request(key_of(v), r, date_of(v)), auth::SignatureCheck::Valid);
}

TEST(SigningVector, EveryChangeIsRefused) {
    const SigningVector v = load();
    const auto check = [&](const http::Request& r) { return http::check_signed_request(key_of(v), r, date_of(v)); };

    http::Request body = request_of(v);
    body.body() = R"({"createTokenWithScopes":["chat"],"expiresInMinutes":60})";
    body.prepare_payload();
    EXPECT_EQ(check(body), auth::SignatureCheck::BodyHashMismatch);

    http::Request host = request_of(v);
    host.set("Host", "other.communication.azure.com");
    EXPECT_EQ(check(host), auth::SignatureCheck::BadSignature);

    http::Request target = request_of(v);
    target.target("/identities?api-version=2022-10-01");
    EXPECT_EQ(check(target), auth::SignatureCheck::BadSignature);

    http::Request method = request_of(v);
    method.method(http::beast_http::verb::put);
    EXPECT_EQ(check(method), auth::SignatureCheck::BadSignature);

    http::Request unsigned_request = request_of(v);
    unsigned_request.erase("Authorization");
    EXPECT_EQ(check(unsigned_request), auth::SignatureCheck::MissingHeaders);

    auto other_key = key_of(v);
    other_key[0] ^= 1;
    EXPECT_EQ(http::check_signed_request(other_key, request_of(v), date_of(v)), auth::SignatureCheck::BadSignature);
}

TEST(SigningVector, IsWhatTheCliSigns) {
    const SigningVector v = load();
    const auto connection =
        auth::ConnectionString::parse("endpoint=https://" + v.host + "/;accesskey=" + v.access_key).value();
    const client::SignedHeaders h = client::sign_request(connection, v.method, v.path_and_query, v.body, date_of(v));
    EXPECT_EQ(h.host, v.host);
    EXPECT_EQ(h.date, v.date);
    EXPECT_EQ(h.content_hash, v.content_hash);
    EXPECT_EQ(h.authorization, v.authorization);
    EXPECT_NE(h.authorization.find(v.signature), std::string::npos);
}

TEST(SigningVector, WhatTheCliSignsTheServerAccepts) {
    const SigningVector v = load();
    const auto connection =
        auth::ConnectionString::parse("endpoint=http://127.0.0.1:8080/;accesskey=" + v.access_key).value();
    const std::int64_t now = 1'800'000'000;
    const client::SignedHeaders h =
        client::sign_request(connection, "POST", "/identities/8%3Aacs%3Ax/:revokeAccessTokens?api-version=2023-10-01",
                             "", now);
    http::Request r{http::beast_http::verb::post, "/identities/8%3Aacs%3Ax/:revokeAccessTokens?api-version=2023-10-01",
                    11};
    r.set("Host", h.host);
    r.set("x-ms-date", h.date);
    r.set("x-ms-content-sha256", h.content_hash);
    r.set("Authorization", h.authorization);
    EXPECT_EQ(h.host, "127.0.0.1:8080");
    EXPECT_EQ(http::check_signed_request(key_of(v), r, now), auth::SignatureCheck::Valid);
}

}  // namespace
