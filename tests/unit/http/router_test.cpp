// Routing of API paths (ACS's, literal parts case-insensitive), 404/405, api-version per endpoint
// family, and request targets split before percent-decoding.

#include "server/http/router.hpp"

#include <gtest/gtest.h>

#include "server/http/request_target.hpp"

namespace {

using namespace tern::http;
using beast_http::verb;

std::variant<Route, ApiError> route_of(verb method, std::string_view target) {
    return route(method, RequestTarget::parse(target).value());
}

Route routed(verb method, std::string_view target) {
    auto result = route_of(method, target);
    if (const auto* error = std::get_if<ApiError>(&result)) {
        ADD_FAILURE() << target << ": " << error->message;
        return {};
    }
    return std::get<Route>(result);
}

ApiError refused(verb method, std::string_view target) {
    auto result = route_of(method, target);
    if (const auto* error = std::get_if<ApiError>(&result)) return *error;
    ADD_FAILURE() << target << " was routed";
    return {};
}

TEST(RequestTarget, SplitsBeforeDecoding) {
    const auto t = RequestTarget::parse("/identities/8%3Aacs%3Aa%2Fb/:issueAccessToken?api-version=2023-10-01&x=%41");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->segments, (std::vector<std::string>{"identities", "8:acs:a/b", ":issueAccessToken"}));
    EXPECT_EQ(t->query_value("api-version"), "2023-10-01");
    EXPECT_EQ(t->query_value("x"), "A");
    EXPECT_FALSE(t->query_value("y"));
}

TEST(RequestTarget, RefusesBadEscapesAndNonOriginForm) {
    EXPECT_FALSE(RequestTarget::parse("/identities/%3"));
    EXPECT_FALSE(RequestTarget::parse("/identities/%zz"));
    EXPECT_FALSE(RequestTarget::parse("/x?a=%"));
    EXPECT_FALSE(RequestTarget::parse("http://host/identities"));
    EXPECT_FALSE(RequestTarget::parse(""));
    EXPECT_EQ(RequestTarget::parse("//identities/")->segments, std::vector<std::string>{"identities"});
}

TEST(Router, EveryEndpoint) {
    EXPECT_EQ(routed(verb::post, "/identities").endpoint, Endpoint::CreateIdentity);
    const Route del = routed(verb::delete_, "/identities/8%3Aacs%3Ax");
    EXPECT_EQ(del.endpoint, Endpoint::DeleteIdentity);
    EXPECT_EQ(del.identity_id, "8:acs:x");
    const Route issue = routed(verb::post, "/identities/abc/:issueAccessToken");
    EXPECT_EQ(issue.endpoint, Endpoint::IssueAccessToken);
    EXPECT_EQ(issue.identity_id, "abc");
    EXPECT_EQ(routed(verb::post, "/identities/abc/:revokeAccessTokens").endpoint, Endpoint::RevokeAccessTokens);
    EXPECT_EQ(routed(verb::post, "/networkTraversal/:issueRelayConfiguration").endpoint,
              Endpoint::IssueRelayConfiguration);
}

TEST(Router, LiteralsIgnoreCase) {
    EXPECT_EQ(routed(verb::post, "/NETWORKTRAVERSAL/:IssueRelayConfiguration").endpoint,
              Endpoint::IssueRelayConfiguration);
    EXPECT_EQ(routed(verb::post, "/Identities/abc/:ISSUEACCESSTOKEN").endpoint, Endpoint::IssueAccessToken);
    // The identity id is data, not a literal: it keeps its case.
    EXPECT_EQ(routed(verb::delete_, "/identities/AbC").identity_id, "AbC");
}

TEST(Router, UnknownPathsAre404) {
    for (std::string_view target : {"/", "/identity", "/identities/a/:frobnicate", "/identities/a/b/c",
                                    "/networkTraversal", "/networkTraversal/:issueRelayConfiguration/x"}) {
        SCOPED_TRACE(target);
        EXPECT_EQ(refused(verb::post, target).status, Status::not_found);
    }
}

TEST(Router, WrongMethodsAre405WithAllow) {
    const ApiError get = refused(verb::get, "/identities");
    EXPECT_EQ(get.status, Status::method_not_allowed);
    EXPECT_EQ(get.allow, "POST");
    EXPECT_EQ(refused(verb::post, "/identities/abc").allow, "DELETE");
    EXPECT_EQ(refused(verb::put, "/networkTraversal/:issueRelayConfiguration").allow, "POST");
    EXPECT_EQ(refused(verb::delete_, "/identities/abc/:revokeAccessTokens").allow, "POST");
}

TEST(Router, ApiVersionPerFamily) {
    const auto check = [](Endpoint e, std::string_view target) {
        return check_api_version(e, RequestTarget::parse(target).value());
    };
    EXPECT_FALSE(check(Endpoint::CreateIdentity, "/identities?api-version=2023-10-01"));
    EXPECT_FALSE(check(Endpoint::CreateIdentity, "/identities?api-version=2021-03-07"));
    EXPECT_FALSE(check(Endpoint::IssueRelayConfiguration, "/n?api-version=2022-03-01-preview"));

    const auto missing = check(Endpoint::CreateIdentity, "/identities");
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->code, "MissingApiVersion");
    EXPECT_EQ(missing->target, "api-version");
    EXPECT_EQ(missing->status, Status::bad_request);

    const auto empty = check(Endpoint::CreateIdentity, "/identities?api-version=");
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty->code, "MissingApiVersion");

    // A relay version is not an identity version, and the other way round.
    const auto wrong = check(Endpoint::IssueAccessToken, "/i?api-version=2022-03-01-preview");
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->code, "InvalidApiVersion");
    EXPECT_NE(wrong->message.find("2023-10-01"), std::string::npos);  // says what is accepted
    EXPECT_TRUE(check(Endpoint::IssueRelayConfiguration, "/n?api-version=2021-03-07"));
}

}  // namespace
