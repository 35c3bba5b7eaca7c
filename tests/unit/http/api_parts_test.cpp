// The small parts of the HTTP API: expiresOn formatting, JSON field reading, derived ICE URLs, the
// error shape.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "server/http/api_error.hpp"
#include "server/http/ice_urls.hpp"
#include "server/http/iso_time.hpp"
#include "server/http/json_fields.hpp"

namespace {

using namespace tern::http;
using tern::protocol::IpAddress;
using tern::protocol::TransportAddress;

TransportAddress addr(std::string_view text) { return TransportAddress::parse(text).value(); }
IpAddress ip(std::string_view text) { return IpAddress::parse(text).value(); }

TEST(IsoTime, UtcWithMillisecondsAndOffset) {
    EXPECT_EQ(iso8601_utc(0), "1970-01-01T00:00:00.000+00:00");
    EXPECT_EQ(iso8601_utc(1696973979324), "2023-10-10T21:39:39.324+00:00");
    EXPECT_EQ(iso8601_utc(951782400000), "2000-02-29T00:00:00.000+00:00");
}

TEST(JsonFields, ParsesObjectsOnly) {
    EXPECT_TRUE(std::holds_alternative<boost::json::object>(parse_json_object("")));
    EXPECT_TRUE(std::holds_alternative<boost::json::object>(parse_json_object(" \n")));
    EXPECT_TRUE(std::holds_alternative<boost::json::object>(parse_json_object(R"({"a":1})")));
    EXPECT_TRUE(std::holds_alternative<ApiError>(parse_json_object("[1]")));
    EXPECT_TRUE(std::holds_alternative<ApiError>(parse_json_object("{")));
}

TEST(JsonFields, TypesAndRangesNameTheField) {
    const auto object = boost::json::parse(R"({"n": 61, "big": 5000, "s": "x", "l": ["a","b"], "bad": [1]})").as_object();
    JsonFields fields(object);
    EXPECT_EQ(fields.integer("n", 60, 1440), 61);
    EXPECT_EQ(fields.string("s"), "x");
    EXPECT_EQ(fields.strings("l"), (std::vector<std::string>{"a", "b"}));
    EXPECT_FALSE(fields.integer("absent", 0, 1));
    EXPECT_FALSE(fields.error());

    EXPECT_FALSE(fields.integer("big", 60, 1440));
    ASSERT_TRUE(fields.error());
    EXPECT_EQ(fields.error()->target, "big");
    EXPECT_EQ(fields.error()->message, "big: must be a whole number from 60 to 1440");

    JsonFields wrong(object);
    EXPECT_FALSE(wrong.strings("bad"));
    EXPECT_EQ(wrong.error()->target, "bad");
    JsonFields not_string(object);
    EXPECT_FALSE(not_string.string("n"));
    EXPECT_EQ(not_string.error()->message, "n: must be a string");
}

TEST(IceUrls, ListenAddressesNamedByWhatClientsReach) {
    const std::vector<tern::server::RelayAddress> relays = {{ip("10.0.0.5"), ip("203.0.113.7")},
                                                            {ip("2001:db8::5"), ip("2001:db8::5")}};
    EXPECT_EQ(derive_ice_urls({addr("0.0.0.0:3478"), addr("[::]:3478")}, relays, true, true),
              (std::vector<std::string>{"stun:203.0.113.7:3478", "turn:203.0.113.7:3478?transport=udp",
                                        "turn:203.0.113.7:3478?transport=tcp", "stun:[2001:db8::5]:3478",
                                        "turn:[2001:db8::5]:3478?transport=udp",
                                        "turn:[2001:db8::5]:3478?transport=tcp"}));
    EXPECT_EQ(derive_ice_urls({addr("127.0.0.1:5000")}, {{ip("127.0.0.1"), ip("127.0.0.1")}}, false, true),
              (std::vector<std::string>{"turn:127.0.0.1:5000?transport=tcp"}));
    // A wildcard with no relay address of its family names nothing.
    EXPECT_TRUE(derive_ice_urls({addr("[::]:3478")}, {{ip("10.0.0.5"), ip("10.0.0.5")}}, true, true).empty());
}

TEST(ApiErrors, AcsShapeWithTargetAndAllow) {
    const Response r = error_response(bad_field("ttl", "must be a whole number from 0 to 172800"));
    EXPECT_EQ(r.result(), Status::bad_request);
    EXPECT_EQ(r[beast_http::field::content_type], "application/json; charset=utf-8");
    const auto body = boost::json::parse(r.body()).as_object();
    EXPECT_EQ(body.at("error").at("code"), "InvalidRequest");
    EXPECT_EQ(body.at("error").at("target"), "ttl");

    const Response not_allowed =
        error_response(ApiError{Status::method_not_allowed, "MethodNotAllowed", "no", {}, "POST"});
    EXPECT_EQ(not_allowed[beast_http::field::allow], "POST");
}

}  // namespace
