// User access tokens (HS256 JWS): pinned derivation and encoding, round trip, and every refusal.
#include "auth/access_token.hpp"

#include <gtest/gtest.h>

#include <numeric>

#include "protocol/hmac.hpp"
#include "tests/unit/protocol/vector_file.hpp"

namespace tern::auth {
namespace {

// Access key 00 01 .. 1f (as in tests/vectors/credentials.txt). The derived key, key id and token
// below were computed independently (Python hmac/hashlib HKDF, checked with `openssl kdf`).
constexpr const char* kDerivedKeyHex = "aacb6fa0b16d6e7aab4f9bd8a3370a27f38764a610d7c82d03ac94aa22534172";
constexpr const char* kKeyId = "b91e066f03b4d432";
constexpr const char* kPinnedToken =
    "eyJhbGciOiJIUzI1NiIsImtpZCI6ImI5MWUwNjZmMDNiNGQ0MzIiLCJ0eXAiOiJKV1QifQ."
    "eyJzdWIiOiI4OmFjczphbGljZSIsInNjcCI6WyJ2b2lwIiwiY2hhdCJdLCJpYXQiOjE2NTM1NDkzOTMsImV4cCI6MTY1MzU1Mjk5MywidGVybl9p"
    "YXRfbXMiOjE2NTM1NDkzOTMxMjN9."
    "54lL-YloeFqEfIPHhmqqY_kajYg5EQoLJ5tgkiPkVLs";

std::vector<std::uint8_t> access_key() {
    std::vector<std::uint8_t> k(32);
    std::iota(k.begin(), k.end(), std::uint8_t{0});
    return k;
}

std::span<const std::uint8_t> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string b64u(std::string_view s) { return base64url_encode(bytes_of(s)); }

std::string decoded(std::string_view part) {
    const auto b = base64url_decode(part);
    return b ? std::string(b->begin(), b->end()) : std::string("<invalid>");
}

TokenClaims alice() {
    TokenClaims c;
    c.subject = "8:acs:alice";
    c.scopes = {"voip", "chat"};
    c.issued_at = 1653549393;
    c.issued_at_ms = 1653549393123;
    c.expires_at = 1653552993;
    return c;
}

std::vector<std::string> split(const std::string& token) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        const auto dot = token.find('.', start);
        parts.push_back(token.substr(start, dot - start));
        if (dot == std::string::npos) return parts;
        start = dot + 1;
    }
}

// Signs arbitrary header and payload JSON with the independently pinned key, to reach the checks
// that only run after the signature has been accepted.
std::string forge(const std::string& header_json, const std::string& payload_json) {
    const std::vector<std::uint8_t> key = test::from_hex(kDerivedKeyHex);
    const std::string input = b64u(header_json) + "." + b64u(payload_json);
    return input + "." + base64url_encode(protocol::hmac_sha256(key, {bytes_of(input)}));
}

std::string our_header() { return std::string(R"({"alg":"HS256","kid":")") + kKeyId + R"(","typ":"JWT"})"; }

TokenError error_of(const std::variant<TokenClaims, TokenError>& r) {
    EXPECT_TRUE(std::holds_alternative<TokenError>(r));
    return std::holds_alternative<TokenError>(r) ? std::get<TokenError>(r) : TokenError::Malformed;
}

constexpr std::int64_t kNow = 1653549400;

// ---- base64url ----

TEST(Base64Url, Rfc4648Vectors) {
    const std::vector<std::pair<std::string, std::string>> vectors = {
        {"", ""},         {"f", "Zg"},         {"fo", "Zm8"},        {"foo", "Zm9v"},
        {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
    };
    for (const auto& [plain, encoded] : vectors) {
        EXPECT_EQ(b64u(plain), encoded);
        EXPECT_EQ(decoded(encoded), plain);
    }
}

TEST(Base64Url, UsesTheUrlSafeAlphabet) {
    const std::vector<std::uint8_t> bytes = {0xfb, 0xff, 0xbf};
    EXPECT_EQ(base64url_encode(bytes), "-_-_");
    EXPECT_EQ(base64url_decode("-_-_"), std::optional<std::vector<std::uint8_t>>(bytes));
    EXPECT_EQ(base64url_encode(std::vector<std::uint8_t>{0xfb, 0xff}), "-_8");
}

TEST(Base64Url, RejectsPaddingAndForeignCharacters) {
    for (const std::string& s :
         std::vector<std::string>{"Zg==", "Zm8=", "Zm9v=", "=", "Zm+v", "Zm/v", "Zm9v\n", "Zm 9v", "Z", "Zm9vY",
                                  "Zh",  // leftover bits must be zero
                                  "Zm9", "Zm9vYmG"}) {
        EXPECT_FALSE(base64url_decode(s).has_value()) << s;
    }
}

TEST(Base64Url, RoundTripsAllLengthsAndBytes) {
    std::vector<std::uint8_t> bytes;
    for (int i = 0; i < 300; ++i) {
        EXPECT_EQ(base64url_decode(base64url_encode(bytes)), std::optional<std::vector<std::uint8_t>>(bytes));
        bytes.push_back(static_cast<std::uint8_t>(i * 73 + 11));
    }
}

// ---- signing key and issuing ----

TEST(TokenSignerTest, KeyIdIsPinnedAndSharedByNodesWithTheSameKey) {
    const TokenSigner a(access_key());
    const TokenSigner b(access_key());
    EXPECT_EQ(a.key_id(), kKeyId);
    EXPECT_EQ(b.key_id(), a.key_id());
    std::vector<std::uint8_t> other = access_key();
    other[3] ^= 1;
    EXPECT_NE(TokenSigner(other).key_id(), a.key_id());
}

TEST(TokenSignerTest, IssueMatchesPinnedToken) { EXPECT_EQ(TokenSigner(access_key()).issue(alice()), kPinnedToken); }

TEST(TokenSignerTest, HeaderIsExactlyAlgKidTyp) {
    const auto parts = split(TokenSigner(access_key()).issue(alice()));
    ASSERT_EQ(parts.size(), 3u);
    EXPECT_EQ(decoded(parts[0]), our_header());
    EXPECT_EQ(
        decoded(parts[1]),
        R"({"sub":"8:acs:alice","scp":["voip","chat"],"iat":1653549393,"exp":1653552993,"tern_iat_ms":1653549393123})");
}

TEST(TokenSignerTest, JsonEscapingInClaims) {
    TokenClaims c = alice();
    c.subject = "quote\" backslash\\ newline\n";
    c.scopes = {"", "a\"b"};
    const TokenSigner s(access_key());
    const auto r = s.verify(s.issue(c), kNow);
    ASSERT_TRUE(std::holds_alternative<TokenClaims>(r));
    EXPECT_EQ(std::get<TokenClaims>(r).subject, c.subject);
    EXPECT_EQ(std::get<TokenClaims>(r).scopes, c.scopes);
}

TEST(TokenSignerTest, EmptyAccessKeyStillDerivesAKey) {
    const TokenSigner s(std::span<const std::uint8_t>{});
    EXPECT_EQ(s.key_id().size(), 16u);
    EXPECT_NE(s.key_id(), kKeyId);
    EXPECT_TRUE(std::holds_alternative<TokenClaims>(s.verify(s.issue(alice()), kNow)));
}

// ---- verification ----

TEST(TokenVerifyTest, RoundTrip) {
    const TokenSigner s(access_key());
    const auto r = s.verify(s.issue(alice()), kNow);
    ASSERT_TRUE(std::holds_alternative<TokenClaims>(r));
    const TokenClaims& c = std::get<TokenClaims>(r);
    EXPECT_EQ(c.subject, "8:acs:alice");
    EXPECT_EQ(c.scopes, (std::vector<std::string>{"voip", "chat"}));
    EXPECT_EQ(c.issued_at, 1653549393);
    EXPECT_EQ(c.issued_at_ms, 1653549393123);
    EXPECT_EQ(c.expires_at, 1653552993);
    EXPECT_TRUE(c.has_scope("voip"));
    EXPECT_TRUE(c.has_scope("chat"));
    EXPECT_FALSE(c.has_scope("voi"));
    EXPECT_FALSE(c.has_scope(""));
}

TEST(TokenVerifyTest, PinnedTokenVerifies) {
    const auto r = TokenSigner(access_key()).verify(kPinnedToken, kNow);
    ASSERT_TRUE(std::holds_alternative<TokenClaims>(r));
    EXPECT_EQ(std::get<TokenClaims>(r).subject, "8:acs:alice");
}

TEST(TokenVerifyTest, ExpiredAtExp) {
    const TokenSigner s(access_key());
    const std::string t = s.issue(alice());
    EXPECT_TRUE(std::holds_alternative<TokenClaims>(s.verify(t, 1653552993 - 1)));
    EXPECT_EQ(error_of(s.verify(t, 1653552993)), TokenError::Expired);
    EXPECT_EQ(error_of(s.verify(t, 1653552993 + 3600)), TokenError::Expired);
}

TEST(TokenVerifyTest, TamperedHeaderPayloadOrSignature) {
    const TokenSigner s(access_key());
    const auto parts = split(s.issue(alice()));
    ASSERT_EQ(parts.size(), 3u);

    // Same alg and kid, different bytes.
    const std::string header = std::string(R"({"alg":"HS256","kid":")") + kKeyId + R"(","typ":"JWT","x":1})";
    EXPECT_EQ(error_of(s.verify(b64u(header) + "." + parts[1] + "." + parts[2], kNow)), TokenError::BadSignature);

    const std::string payload =
        R"({"sub":"8:acs:mallory","scp":["voip","chat"],"iat":1653549393,"exp":1653552993,)"
        R"("tern_iat_ms":1653549393123})";
    EXPECT_EQ(error_of(s.verify(parts[0] + "." + b64u(payload) + "." + parts[2], kNow)), TokenError::BadSignature);

    auto mac = base64url_decode(parts[2]).value();
    for (std::size_t i : {std::size_t{0}, std::size_t{15}, std::size_t{31}}) {
        auto flipped = mac;
        flipped[i] ^= 0x01;
        EXPECT_EQ(error_of(s.verify(parts[0] + "." + parts[1] + "." + base64url_encode(flipped), kNow)),
                  TokenError::BadSignature);
    }
    mac.pop_back();
    EXPECT_EQ(error_of(s.verify(parts[0] + "." + parts[1] + "." + base64url_encode(mac), kNow)),
              TokenError::BadSignature);
}

TEST(TokenVerifyTest, AnyFlippedCharacterIsRefused) {
    const TokenSigner s(access_key());
    const std::string t = s.issue(alice());
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i] == '.') continue;
        std::string bad = t;
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        EXPECT_TRUE(std::holds_alternative<TokenError>(s.verify(bad, kNow))) << i;
    }
}

TEST(TokenVerifyTest, AlgNoneIsRefused) {
    const TokenSigner s(access_key());
    const auto parts = split(s.issue(alice()));
    for (const std::string& header : {std::string(R"({"alg":"none"})"),
                                     std::string(R"({"alg":"none","kid":")") + kKeyId + R"(","typ":"JWT"})",
                                     std::string(R"({"alg":"None","kid":")") + kKeyId + R"("})"}) {
        EXPECT_EQ(error_of(s.verify(b64u(header) + "." + parts[1] + ".", kNow)), TokenError::BadAlgorithm) << header;
        EXPECT_EQ(error_of(s.verify(b64u(header) + "." + parts[1] + "." + parts[2], kNow)), TokenError::BadAlgorithm);
    }
}

TEST(TokenVerifyTest, OtherAlgorithmsAreRefused) {
    const TokenSigner s(access_key());
    const std::string payload = decoded(split(s.issue(alice()))[1]);
    for (const std::string& alg : std::vector<std::string>{R"("HS512")", R"("RS256")", R"("hs256")", R"("HS256 ")",
                                                           R"("")", "256", "null", R"(["HS256"])"}) {
        const std::string header = R"({"alg":)" + alg + R"(,"kid":")" + kKeyId + R"(","typ":"JWT"})";
        EXPECT_EQ(error_of(s.verify(forge(header, payload), kNow)), TokenError::BadAlgorithm) << alg;
    }
    const std::string no_alg = std::string(R"({"kid":")") + kKeyId + R"(","typ":"JWT"})";
    EXPECT_EQ(error_of(s.verify(forge(no_alg, payload), kNow)), TokenError::BadAlgorithm);
}

TEST(TokenVerifyTest, UnknownKey) {
    std::vector<std::uint8_t> other_key = access_key();
    other_key[0] = 0xff;
    const TokenSigner ours(access_key());
    const TokenSigner theirs(other_key);
    EXPECT_EQ(error_of(ours.verify(theirs.issue(alice()), kNow)), TokenError::UnknownKey);

    const std::string payload = decoded(split(ours.issue(alice()))[1]);
    EXPECT_EQ(error_of(ours.verify(forge(R"({"alg":"HS256","typ":"JWT"})", payload), kNow)), TokenError::UnknownKey);
    EXPECT_EQ(error_of(ours.verify(forge(R"({"alg":"HS256","kid":42})", payload), kNow)), TokenError::UnknownKey);
    EXPECT_EQ(error_of(ours.verify(forge(R"({"alg":"HS256","kid":"B91E066F03B4D432"})", payload), kNow)),
              TokenError::UnknownKey);
}

TEST(TokenVerifyTest, MalformedShape) {
    const TokenSigner s(access_key());
    const std::string t = s.issue(alice());
    const auto parts = split(t);
    for (const std::string& bad : {std::string(), std::string("."), std::string(".."), std::string("..."),
                                  parts[0] + "." + parts[1], t + ".", t + "." + parts[2], parts[0],
                                  parts[0] + "=." + parts[1] + "." + parts[2],    // padded header
                                  parts[0] + "." + parts[1] + "." + parts[2] + "=",  // padded signature
                                  parts[0] + "." + parts[1] + "." + parts[2] + "*",
                                  parts[0] + "!." + parts[1] + "." + parts[2]}) {
        EXPECT_EQ(error_of(s.verify(bad, kNow)), TokenError::Malformed) << bad;
    }
}

TEST(TokenVerifyTest, MalformedHeaderJson) {
    const TokenSigner s(access_key());
    const auto parts = split(s.issue(alice()));
    for (const std::string& header :
         std::vector<std::string>{"", "{", "[]", "\"HS256\"", "{\"alg\":\"HS256\",}", "nul"}) {
        EXPECT_EQ(error_of(s.verify(b64u(header) + "." + parts[1] + "." + parts[2], kNow)), TokenError::Malformed)
            << header;
    }
    // Critical extensions we cannot understand (RFC 7515 §4.1.11).
    const std::string payload = decoded(parts[1]);
    const std::string crit = std::string(R"({"alg":"HS256","kid":")") + kKeyId + R"(","crit":["exp"],"exp":1})";
    EXPECT_EQ(error_of(s.verify(forge(crit, payload), kNow)), TokenError::Malformed);
}

TEST(TokenVerifyTest, MalformedPayloadEvenWhenSigned) {
    const TokenSigner s(access_key());
    for (const std::string& payload : {
             std::string("not json"),
             std::string("[]"),
             std::string(R"({"scp":[],"iat":1,"exp":9999999999})"),                       // no sub
             std::string(R"({"sub":"","scp":[],"iat":1,"exp":9999999999})"),              // empty sub
             std::string(R"({"sub":7,"scp":[],"iat":1,"exp":9999999999})"),               // sub not a string
             std::string(R"({"sub":"a","iat":1,"exp":9999999999})"),                      // no scp
             std::string(R"({"sub":"a","scp":"voip","iat":1,"exp":9999999999})"),         // scp not an array
             std::string(R"({"sub":"a","scp":["voip",1],"iat":1,"exp":9999999999})"),     // scp not all strings
             std::string(R"({"sub":"a","scp":[],"exp":9999999999})"),                     // no iat
             std::string(R"({"sub":"a","scp":[],"iat":1})"),                              // no exp
             std::string(R"({"sub":"a","scp":[],"iat":1.5,"exp":9999999999})"),           // iat not an integer
             std::string(R"({"sub":"a","scp":[],"iat":1,"exp":9.999999999e9})"),          // exp not an integer
             std::string(R"({"sub":"a","scp":[],"iat":1,"exp":"9999999999"})"),          // exp a string
             std::string(R"({"sub":"a","scp":[],"iat":1,"exp":18446744073709551615})"),   // exp beyond int64
             std::string(R"({"sub":"a","scp":[],"iat":1,"exp":9999999999,"tern_iat_ms":"1"})"),
             std::string(R"({"sub":"a","scp":[],"iat":9223372036854775807,"exp":9999999999})"),  // iat*1000 overflows
         }) {
        EXPECT_EQ(error_of(s.verify(forge(our_header(), payload), kNow)), TokenError::Malformed) << payload;
    }
}

TEST(TokenVerifyTest, MillisecondsDefaultToIatWhenAbsent) {
    const TokenSigner s(access_key());
    const auto r =
        s.verify(forge(our_header(), R"({"sub":"a","scp":["voip"],"iat":1653549393,"exp":9999999999})"), kNow);
    ASSERT_TRUE(std::holds_alternative<TokenClaims>(r));
    EXPECT_EQ(std::get<TokenClaims>(r).issued_at_ms, 1653549393000);
}

TEST(TokenErrorNames, AreDistinct) {
    EXPECT_EQ(to_string(TokenError::Expired), "expired");
    EXPECT_NE(to_string(TokenError::BadAlgorithm), to_string(TokenError::BadSignature));
}

}  // namespace
}  // namespace tern::auth
