// ACS-style HMAC request signing: the published vector in both directions, every verification
// outcome, IMF-fixdate and connection strings.
#include "auth/request_signing.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>

#include "protocol/base64.hpp"
#include "tests/unit/protocol/vector_file.hpp"

namespace tern::auth {
namespace {

constexpr const char* kVectorId = "HMAC-REQUEST-SIGNING";

struct SigningVector {
    std::vector<std::uint8_t> key;
    std::string method;
    std::string path_and_query;
    std::string body;
    std::string date;
    std::string host;
    std::string hash;
    std::string string_to_sign;
    std::string signature;
    std::string authorization;
    std::string empty_body_hash;
};

// The file shows the string to sign quoted, with "\n" written as two characters.
std::string unescape_quoted(std::string s) {
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 'n') {
            out.push_back('\n');
            ++i;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

SigningVector load_vector() {
    const std::string text = test::read_vector_file("credentials.txt");
    const auto field = [&](const std::string& label) { return test::vector_field(text, kVectorId, label); };
    SigningVector v;
    v.key = protocol::base64_decode(field("access key (base64)")).value_or(std::vector<std::uint8_t>{});
    const std::string request = field("request");  // "POST https://host/path?query"
    const auto space = request.find(' ');
    v.method = request.substr(0, space);
    const auto scheme_end = request.find("://", space);
    v.path_and_query = request.substr(request.find('/', scheme_end + 3));
    v.body = field("body (exact bytes)");
    v.date = field("x-ms-date");
    v.host = field("host");
    v.hash = field("x-ms-content-sha256");
    v.string_to_sign = unescape_quoted(field("string-to-sign"));
    v.signature = field("signature");
    v.authorization = field("Authorization");
    v.empty_body_hash = field("content hash of an empty body");
    return v;
}

class RequestSigningTest : public ::testing::Test {
protected:
    void SetUp() override {
        v = load_vector();
        ASSERT_EQ(v.key.size(), 32u);
        const auto t = parse_http_date(v.date);
        ASSERT_TRUE(t.has_value());
        now = *t;
    }
    RequestToVerify request() const {
        return {v.method, v.path_and_query, v.host, v.date, v.hash, v.authorization, v.body};
    }
    SignatureCheck check(const RequestToVerify& r, std::int64_t at) const { return verify_request(v.key, r, at); }
    SignatureCheck check(const RequestToVerify& r) const { return check(r, now); }

    SigningVector v;
    std::int64_t now = 0;
};

TEST_F(RequestSigningTest, VectorFieldsAreAsPublished) {
    EXPECT_EQ(v.method, "POST");
    EXPECT_EQ(v.path_and_query, "/identities?api-version=2023-10-01");
    EXPECT_EQ(std::count(v.string_to_sign.begin(), v.string_to_sign.end(), '\n'), 2);
}

TEST_F(RequestSigningTest, ContentHashMatchesVector) {
    EXPECT_EQ(content_hash(v.body), v.hash);
    EXPECT_EQ(content_hash(""), v.empty_body_hash);
}

TEST_F(RequestSigningTest, StringToSignMatchesVector) {
    EXPECT_EQ(string_to_sign(v.method, v.path_and_query, v.date, v.host, v.hash), v.string_to_sign);
}

TEST_F(RequestSigningTest, SignatureMatchesVector) { EXPECT_EQ(sign(v.key, v.string_to_sign), v.signature); }

TEST_F(RequestSigningTest, AuthorizationHeaderMatchesVector) {
    EXPECT_EQ(authorization_header(v.signature), v.authorization);
}

TEST_F(RequestSigningTest, SigningFromScratchReproducesVector) {
    const std::string hash = content_hash(v.body);
    const std::string header =
        authorization_header(sign(v.key, string_to_sign("POST", v.path_and_query, v.date, v.host, hash)));
    EXPECT_EQ(header, v.authorization);
}

TEST_F(RequestSigningTest, VectorVerifies) { EXPECT_EQ(check(request()), SignatureCheck::Valid); }

TEST_F(RequestSigningTest, MissingHeaders) {
    for (int which = 0; which < 4; ++which) {
        RequestToVerify r = request();
        if (which == 0) r.authorization = {};
        if (which == 1) r.date = {};
        if (which == 2) r.host = {};
        if (which == 3) r.content_hash = {};
        EXPECT_EQ(check(r), SignatureCheck::MissingHeaders) << which;
    }
}

TEST_F(RequestSigningTest, MalformedAuthorization) {
    const std::string sig = "Signature=" + v.signature;
    const std::vector<std::string> bad = {
        "Bearer " + v.signature,
        "HMAC-SHA256",
        "HMAC-SHA256 ",
        "HMAC-SHA256" + std::string("SignedHeaders=x-ms-date;host;x-ms-content-sha256&") + sig,
        "HMAC-SHA512 SignedHeaders=x-ms-date;host;x-ms-content-sha256&" + sig,
        "HMAC-SHA256 " + sig,
        "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256",
        "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=",
        "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&" + sig + "&",
        "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&&" + sig,
        "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&" + sig + "&" + sig,
        "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&" + sig + "&Extra=1",
        "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature" + v.signature,
        // Signature not strict base64, or not 32 bytes.
        "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=not*base64",
        "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=AAECAwQFBgcICQoLDA0ODw==",
    };
    for (const auto& a : bad) {
        RequestToVerify r = request();
        r.authorization = a;
        EXPECT_EQ(check(r), SignatureCheck::Malformed) << a;
    }
}

TEST_F(RequestSigningTest, OtherSignedHeadersAreMalformed) {
    const std::vector<std::string> lists = {
        "host;x-ms-date;x-ms-content-sha256",                // reordered
        "x-ms-date;host",                                    // fewer
        "x-ms-date;host;x-ms-content-sha256;content-type",   // more
        "date;host;x-ms-content-sha256",                     // Date instead of x-ms-date
        "x-ms-date;host;x-ms-content-sha256;",               // trailing separator
        "",
    };
    for (const auto& l : lists) {
        RequestToVerify r = request();
        const std::string a = "HMAC-SHA256 SignedHeaders=" + l + "&Signature=" + v.signature;
        r.authorization = a;
        EXPECT_EQ(check(r), SignatureCheck::Malformed) << l;
    }
}

TEST_F(RequestSigningTest, CaseInsensitiveNamesAndEitherParameterOrder) {
    const std::vector<std::string> fine = {
        "HMAC-SHA256 SignedHeaders=X-MS-Date;Host;X-MS-Content-SHA256&Signature=" + v.signature,
        "hmac-sha256 signedheaders=x-ms-date;host;x-ms-content-sha256&signature=" + v.signature,
        "HMAC-SHA256 Signature=" + v.signature + "&SignedHeaders=x-ms-date;host;x-ms-content-sha256",
    };
    for (const auto& a : fine) {
        RequestToVerify r = request();
        r.authorization = a;
        EXPECT_EQ(check(r), SignatureCheck::Valid) << a;
    }
}

TEST_F(RequestSigningTest, DateSkew) {
    const RequestToVerify r = request();
    EXPECT_EQ(check(r, now + 14 * 60), SignatureCheck::Valid);
    EXPECT_EQ(check(r, now - 14 * 60), SignatureCheck::Valid);
    EXPECT_EQ(check(r, now + 15 * 60), SignatureCheck::Valid);
    EXPECT_EQ(check(r, now - 15 * 60), SignatureCheck::Valid);
    EXPECT_EQ(check(r, now + 15 * 60 + 1), SignatureCheck::StaleDate);
    EXPECT_EQ(check(r, now + 16 * 60), SignatureCheck::StaleDate);
    EXPECT_EQ(check(r, now - 16 * 60), SignatureCheck::StaleDate);
    EXPECT_EQ(check(r, INT64_MIN), SignatureCheck::StaleDate);
    EXPECT_EQ(check(r, INT64_MAX), SignatureCheck::StaleDate);
    EXPECT_EQ(verify_request(v.key, r, now + 100, 60), SignatureCheck::StaleDate);
    EXPECT_EQ(verify_request(v.key, r, now + 100, 100), SignatureCheck::Valid);
}

TEST_F(RequestSigningTest, UnparseableDateIsStale) {
    RequestToVerify r = request();
    r.date = "2022-05-26T07:16:33Z";
    EXPECT_EQ(check(r), SignatureCheck::StaleDate);
}

TEST_F(RequestSigningTest, BodyHashMismatch) {
    RequestToVerify r = request();
    r.body = R"({"createTokenWithScopes":["chat"],"expiresInMinutes":60})";
    EXPECT_EQ(check(r), SignatureCheck::BodyHashMismatch);

    r = request();
    const std::string other_hash = content_hash("something else");
    r.content_hash = other_hash;
    EXPECT_EQ(check(r), SignatureCheck::BodyHashMismatch);
}

TEST_F(RequestSigningTest, BadSignature) {
    auto mac = protocol::base64_decode(v.signature).value();
    mac[7] ^= 0x01;
    const std::string flipped = authorization_header(protocol::base64_encode(mac));
    RequestToVerify r = request();
    r.authorization = flipped;
    EXPECT_EQ(check(r), SignatureCheck::BadSignature);

    std::vector<std::uint8_t> other_key = v.key;
    other_key[0] ^= 0x80;
    EXPECT_EQ(verify_request(other_key, request(), now), SignatureCheck::BadSignature);
}

TEST_F(RequestSigningTest, TamperedPathOrQuery) {
    for (const std::string& path : std::vector<std::string>{
             "/identities?api-version=2023-10-02", "/identities", "/identities/x?api-version=2023-10-01",
             "/Identities?api-version=2023-10-01", "/identities?api-version=2023-10-01&x=1"}) {
        RequestToVerify r = request();
        r.path_and_query = path;
        EXPECT_EQ(check(r), SignatureCheck::BadSignature) << path;
    }
}

TEST_F(RequestSigningTest, TamperedHostMethodOrDate) {
    RequestToVerify r = request();
    r.host = "evil.example.org";
    EXPECT_EQ(check(r), SignatureCheck::BadSignature);
    r = request();
    r.host = "my-resource.communication.azure.com:443";  // verbatim: an added port is another host
    EXPECT_EQ(check(r), SignatureCheck::BadSignature);
    r = request();
    r.method = "PUT";
    EXPECT_EQ(check(r), SignatureCheck::BadSignature);
    r = request();
    r.date = "Thu, 26 May 2022 07:16:34 GMT";
    EXPECT_EQ(check(r), SignatureCheck::BadSignature);
}

TEST_F(RequestSigningTest, ConsistentlyReplacedBodyStillNeedsTheSignature) {
    RequestToVerify r = request();
    const std::string body = "{}";
    const std::string hash = content_hash(body);
    r.body = body;
    r.content_hash = hash;
    EXPECT_EQ(check(r), SignatureCheck::BadSignature);
}

TEST(SignatureCheckNames, AreDistinct) {
    EXPECT_EQ(to_string(SignatureCheck::Valid), "valid");
    EXPECT_NE(to_string(SignatureCheck::BadSignature), to_string(SignatureCheck::Malformed));
}

// ---- IMF-fixdate ----

TEST(HttpDate, KnownValue) {
    EXPECT_EQ(http_date(1653549393), "Thu, 26 May 2022 07:16:33 GMT");
    EXPECT_EQ(parse_http_date("Thu, 26 May 2022 07:16:33 GMT"), std::optional<std::int64_t>(1653549393));
    EXPECT_EQ(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    EXPECT_EQ(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), std::optional<std::int64_t>(0));
    EXPECT_EQ(http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 7231's example
    EXPECT_EQ(parse_http_date("Tue, 29 Feb 2000 12:00:00 GMT"), std::optional<std::int64_t>(951825600));
    EXPECT_EQ(http_date(-1), "Wed, 31 Dec 1969 23:59:59 GMT");
}

TEST(HttpDate, RoundTripsAndAgreesWithGmtime) {
    // Strides through 1900..2200 hitting every weekday, month, leap day and time of day.
    for (std::int64_t t = -2208988800; t < 7258118400; t += 86400 * 13 + 3607) {
        const std::string s = http_date(t);
        ASSERT_EQ(parse_http_date(s), std::optional<std::int64_t>(t)) << s;

        const std::time_t tt = static_cast<std::time_t>(t);
        std::tm tm{};
        ASSERT_NE(gmtime_r(&tt, &tm), nullptr);
        char buf[64];
        // The tests run in the "C" locale, where strftime's names are the English ones.
        ASSERT_GT(std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm), 0u);
        ASSERT_EQ(s, buf);
    }
}

TEST(HttpDate, LeapSecondLandsOnTheNextMinute) {
    EXPECT_EQ(parse_http_date("Thu, 26 May 2022 23:59:60 GMT"), parse_http_date("Fri, 27 May 2022 00:00:00 GMT"));
}

TEST(HttpDate, RejectsOtherFormsAndImpossibleDates) {
    const std::vector<std::string> bad = {
        "",
        "Thu, 26 May 2022 07:16:33",
        "Thu, 26 May 2022 07:16:33 UTC",
        "Thu, 26 May 2022 07:16:33 gmt",
        "thu, 26 May 2022 07:16:33 GMT",
        "Thu, 26 may 2022 07:16:33 GMT",
        "Fri, 26 May 2022 07:16:33 GMT",   // wrong weekday
        "Thu, 26 May 2022 07:16:33 GMT ",
        " Thu, 26 May 2022 07:16:33 GMT",
        "Thu,  6 May 2022 07:16:33 GMT",
        "Thu, 6 May 2022 07:16:33 GMT",
        "Thu, 26 May 22 07:16:33 GMT",
        "Thu, 26 May 2022 7:16:33 GMT",
        "Thu, 26 May 2022 24:00:00 GMT",
        "Thu, 26 May 2022 07:60:00 GMT",
        "Thu, 26 May 2022 07:16:61 GMT",
        "Thu, 00 May 2022 07:16:33 GMT",
        "Thu, 29 Feb 1900 00:00:00 GMT",   // 1900 was not a leap year
        "Sun, 31 Apr 2022 00:00:00 GMT",
        "Thu, 26 May 2022 07:16:+3 GMT",
        "Thu, 26 May 2022 07-16-33 GMT",
        "Thursday, 26-May-22 07:16:33 GMT",  // RFC 850
        "Thu May 26 07:16:33 2022",          // asctime
    };
    for (const auto& s : bad) EXPECT_FALSE(parse_http_date(s).has_value()) << s;
}

// ---- connection strings ----

constexpr const char* kKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

std::optional<ConnectionString> parse_cs(const std::string& s) { return ConnectionString::parse(s); }

TEST(ConnectionStringTest, AcsForm) {
    const auto cs = parse_cs(std::string("endpoint=https://my-resource.communication.azure.com/;accesskey=") + kKey);
    ASSERT_TRUE(cs.has_value());
    EXPECT_EQ(cs->endpoint, "https://my-resource.communication.azure.com/");
    EXPECT_EQ(cs->scheme, "https");
    EXPECT_EQ(cs->host, "my-resource.communication.azure.com");
    EXPECT_EQ(cs->port, 443);
    ASSERT_EQ(cs->access_key.size(), 32u);
    EXPECT_EQ(cs->access_key[31], 0x1f);
    EXPECT_EQ(cs->host_header(), "my-resource.communication.azure.com");
}

TEST(ConnectionStringTest, OrderCaseAndTrailingSeparator) {
    for (const std::string& s : {std::string("accesskey=") + kKey + ";endpoint=https://tern.example.org",
                                std::string("AccessKey=") + kKey + ";Endpoint=https://tern.example.org/;",
                                std::string("ENDPOINT=HTTPS://Tern.Example.ORG/;ACCESSKEY=") + kKey + ";"}) {
        const auto cs = parse_cs(s);
        ASSERT_TRUE(cs.has_value()) << s;
        EXPECT_EQ(cs->scheme, "https");
        EXPECT_EQ(cs->host, "tern.example.org");
        EXPECT_EQ(cs->port, 443);
        EXPECT_EQ(cs->host_header(), "tern.example.org");
        EXPECT_EQ(cs->access_key.size(), 32u);
    }
}

TEST(ConnectionStringTest, PortsAndHostHeader) {
    struct Case {
        std::string endpoint;
        std::string scheme;
        std::string host;
        std::uint16_t port;
        std::string host_header;
    };
    const std::vector<Case> cases = {
        {"http://127.0.0.1:8080", "http", "127.0.0.1", 8080, "127.0.0.1:8080"},
        {"http://tern.example.org/", "http", "tern.example.org", 80, "tern.example.org"},
        {"http://tern.example.org:80/", "http", "tern.example.org", 80, "tern.example.org"},
        {"http://tern.example.org:443/", "http", "tern.example.org", 443, "tern.example.org:443"},
        {"https://tern.example.org:443", "https", "tern.example.org", 443, "tern.example.org"},
        {"https://tern.example.org:80", "https", "tern.example.org", 80, "tern.example.org:80"},
        {"https://[::1]:8443/", "https", "::1", 8443, "[::1]:8443"},
        {"https://[2001:DB8::1]/", "https", "2001:db8::1", 443, "[2001:db8::1]"},
        {"https://localhost:65535", "https", "localhost", 65535, "localhost:65535"},
    };
    for (const auto& c : cases) {
        const auto cs = parse_cs("endpoint=" + c.endpoint + ";accesskey=" + kKey);
        ASSERT_TRUE(cs.has_value()) << c.endpoint;
        EXPECT_EQ(cs->endpoint, c.endpoint);
        EXPECT_EQ(cs->scheme, c.scheme) << c.endpoint;
        EXPECT_EQ(cs->host, c.host) << c.endpoint;
        EXPECT_EQ(cs->port, c.port) << c.endpoint;
        EXPECT_EQ(cs->host_header(), c.host_header) << c.endpoint;
    }
}

TEST(ConnectionStringTest, MissingOrExtraParts) {
    const std::string ep = "endpoint=https://tern.example.org/";
    const std::string key = std::string("accesskey=") + kKey;
    for (const std::string& s : {std::string(), std::string(";"), ep, key, ep + ";", key + ";", ep + ";;" + key,
                                ep + ";" + key + ";;", ";" + ep + ";" + key, ep + ";" + key + ";" + key,
                                ep + ";" + ep + ";" + key, ep + ";" + key + ";region=west",
                                ep + ";" + key + ";junk", std::string("endpoint;") + key}) {
        EXPECT_FALSE(parse_cs(s).has_value()) << s;
    }
}

TEST(ConnectionStringTest, BadAccessKey) {
    const std::string ep = "endpoint=https://tern.example.org/;accesskey=";
    for (const std::string& k :
         std::vector<std::string>{"", "not base64!", "AAE", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", "AAEC AwQF",
                                  "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8==", "AA-_"}) {
        EXPECT_FALSE(parse_cs(ep + k).has_value()) << k;
    }
}

TEST(ConnectionStringTest, BadEndpoint) {
    const std::vector<std::string> bad = {
        "ftp://tern.example.org/",        "wss://tern.example.org/",       "tern.example.org",
        "https:/tern.example.org",        "https://",                      "https:///",
        "https://tern.example.org:",      "https://tern.example.org:0",    "https://tern.example.org:65536",
        "https://tern.example.org:12a",   "https://tern.example.org:-1",   "https://tern.example.org/identities",
        "https://tern.example.org//",     "https://tern.example.org/?x=1", "https://tern.example.org?x=1",
        "https://tern.example.org#f",     "https://user@tern.example.org/", "https://tern example.org/",
        "https://[::1/",                  "https://[not-an-ip]/",          "https://[::1]x/",
        "https://[::1]:/",                "https://[]/",                   "https://[fe80::1%25eth0]/",
        "https://a:1:2/",
    };
    for (const std::string& e : bad) EXPECT_FALSE(parse_cs("endpoint=" + e + ";accesskey=" + kKey).has_value()) << e;
}

TEST(ConnectionStringTest, SignsTheVectorRequest) {
    const std::string text = test::read_vector_file("credentials.txt");
    const std::string key = test::vector_field(text, kVectorId, "access key (base64)");
    const auto cs = parse_cs("endpoint=https://my-resource.communication.azure.com/;accesskey=" + key);
    ASSERT_TRUE(cs.has_value());
    EXPECT_EQ(cs->host_header(), test::vector_field(text, kVectorId, "host"));
    const std::string sts = string_to_sign("POST", "/identities?api-version=2023-10-01",
                                           test::vector_field(text, kVectorId, "x-ms-date"), cs->host_header(),
                                           test::vector_field(text, kVectorId, "x-ms-content-sha256"));
    EXPECT_EQ(sign(cs->access_key, sts), test::vector_field(text, kVectorId, "signature"));
}

}  // namespace
}  // namespace tern::auth
