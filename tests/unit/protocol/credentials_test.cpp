// Credential math and the text codecs around it: the vectors of tests/vectors/credentials.txt (TURN REST
// passwords, long-term keys, HMAC request signing), base64, OpaqueString preparation, the RFC 8489 nonce
// cookie, constant-time comparison and USERHASH.

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/base64.hpp"
#include "protocol/credentials.hpp"
#include "protocol/hmac.hpp"
#include "protocol/nonce_cookie.hpp"
#include "protocol/opaque_string.hpp"
#include "vector_file.hpp"

namespace {

using namespace tern::protocol;
using tern::test::from_hex;
using tern::test::read_vector_file;
using tern::test::vector_field;

std::span<const std::uint8_t> as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string hex(std::span<const std::uint8_t> b) { return tern::test::to_hex(b.data(), b.size()); }

const std::string& credentials() {
    static const std::string text = read_vector_file("credentials.txt");
    return text;
}

// SHA-256 straight from OpenSSL, independent of the code under test.
std::array<std::uint8_t, 32> sha256(std::string_view data) {
    std::array<std::uint8_t, 32> out{};
    unsigned int length = 0;
    EXPECT_EQ(EVP_Digest(data.data(), data.size(), out.data(), &length, EVP_sha256(), nullptr), 1);
    EXPECT_EQ(length, out.size());
    return out;
}

// The file writes the string-to-sign as a C-like literal: quoted, with "\n" for a newline.
std::string unescape_quoted(std::string value) {
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\\' && i + 1 < value.size() && value[i + 1] == 'n') {
            out.push_back('\n');
            ++i;
        } else {
            out.push_back(value[i]);
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------
// credentials.txt

TEST(CredentialsVectors, TurnRestEphemeral) {
    const std::string id = "TURN-REST-EPHEMERAL";
    const std::string secret = vector_field(credentials(), id, "shared secret");
    const std::string username = vector_field(credentials(), id, "username");
    const std::string password = vector_field(credentials(), id, "password");
    const std::string realm = vector_field(credentials(), id, "realm");
    ASSERT_EQ(username, "1735689600:alice");

    EXPECT_EQ(turn_rest_password(secret, username), password);
    // The ephemeral password then feeds the ordinary long-term key derivation.
    EXPECT_EQ(hex(long_term_key_md5(username, realm, password)),
              vector_field(credentials(), id, "long-term key (MD5)"));
    EXPECT_EQ(hex(long_term_key_sha256(username, realm, password)),
              vector_field(credentials(), id, "long-term key (SHA256)"));

    // Any change to the secret or to the username (e.g. a later expiry) gives another password.
    EXPECT_NE(turn_rest_password(secret + "!", username), password);
    EXPECT_NE(turn_rest_password(secret, "1735689601:alice"), password);
}

TEST(CredentialsVectors, HmacRequestSigning) {
    const std::string id = "HMAC-REQUEST-SIGNING";
    const std::string body = vector_field(credentials(), id, "body (exact bytes)");
    const std::string content_hash = vector_field(credentials(), id, "x-ms-content-sha256");
    ASSERT_FALSE(body.empty());

    EXPECT_EQ(base64_encode(sha256(body)), content_hash);
    EXPECT_EQ(base64_encode(sha256("")), vector_field(credentials(), id, "content hash of an empty body"));

    // The string to sign joins method, path and query, date, host and content hash.
    const std::string request = vector_field(credentials(), id, "request");  // "POST https://host/path?query"
    const std::string host = vector_field(credentials(), id, "host");
    const auto path = request.substr(request.find(host) + host.size());
    const std::string string_to_sign = unescape_quoted(vector_field(credentials(), id, "string-to-sign"));
    EXPECT_EQ(string_to_sign, request.substr(0, request.find(' ')) + "\n" + path + "\n" +
                                  vector_field(credentials(), id, "x-ms-date") + ";" + host + ";" + content_hash);

    const auto key = base64_decode(vector_field(credentials(), id, "access key (base64)"));
    ASSERT_TRUE(key.has_value());
    ASSERT_EQ(key->size(), 32u);
    for (std::size_t i = 0; i < key->size(); ++i) EXPECT_EQ((*key)[i], i);  // the bytes 00 01 .. 1f

    const std::string signature = base64_encode(hmac_sha256(*key, {as_bytes(string_to_sign)}));
    EXPECT_EQ(signature, vector_field(credentials(), id, "signature"));
    EXPECT_NE(vector_field(credentials(), id, "Authorization").find("&Signature=" + signature), std::string::npos);
}

// USERHASH = SHA-256(username ":" realm), RFC 8489 §14.4.
TEST(CredentialsUserhash, IsSha256OfUsernameAndRealm) {
    EXPECT_EQ(hex(userhash("alice", "example.org")), hex(sha256("alice:example.org")));
    const std::string matrix = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";  // the RFC 8489 B.1 user
    EXPECT_EQ(hex(userhash(matrix, "example.org")),
              "4a3cf38fef6992bda952c6780417da0f24819415569e60b205c46e41407f1704");
    EXPECT_NE(hex(userhash("alice", "example.org")), hex(userhash("alice", "example.com")));
    // The ':' separator is part of the hashed input.
    EXPECT_NE(hex(userhash("alice", "example.org")), hex(sha256("aliceexample.org")));
}

TEST(CredentialsLongTermKey, HashesUsernameRealmAndPassword) {
    // RFC 5769 §2.4's key, and the same string hashed with SHA-256 (RFC 8489 B.1 errata).
    const std::string matrix = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";
    EXPECT_EQ(hex(long_term_key_md5(matrix, "example.org", "TheMatrIX")), "e8ca7ad59d5eb0518e312911d2dab2a9");
    EXPECT_EQ(hex(long_term_key_sha256(matrix, "example.org", "TheMatrIX")),
              hex(sha256(matrix + ":example.org:TheMatrIX")));
}

TEST(CredentialsConstantTimeEqual, Basics) {
    const std::vector<std::uint8_t> a{1, 2, 3, 4};
    EXPECT_TRUE(constant_time_equal(a, a));
    EXPECT_TRUE(constant_time_equal(a, std::vector<std::uint8_t>{1, 2, 3, 4}));
    EXPECT_TRUE(constant_time_equal({}, {}));
    EXPECT_FALSE(constant_time_equal(a, std::vector<std::uint8_t>{0, 2, 3, 4}));  // first byte
    EXPECT_FALSE(constant_time_equal(a, std::vector<std::uint8_t>{1, 2, 3, 5}));  // last byte
    EXPECT_FALSE(constant_time_equal(a, std::vector<std::uint8_t>{1, 2, 3}));     // a prefix is not equal
    EXPECT_FALSE(constant_time_equal(a, std::vector<std::uint8_t>{1, 2, 3, 4, 5}));
    EXPECT_FALSE(constant_time_equal(a, {}));
}

// ---------------------------------------------------------------------------------------------------
// base64 (RFC 4648 §4)

TEST(Base64Codec, Rfc4648Vectors) {
    const std::pair<std::string_view, std::string_view> cases[] = {
        {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
    };
    for (const auto& [plain, encoded] : cases) {
        EXPECT_EQ(base64_encode(as_bytes(plain)), encoded);
        const auto decoded = base64_decode(encoded);
        ASSERT_TRUE(decoded.has_value()) << encoded;
        EXPECT_EQ(std::string(decoded->begin(), decoded->end()), plain);
    }
}

TEST(Base64Codec, RoundTripsEveryByteAndLength) {
    // Lengths 0..66 cover all three padding cases many times; values cover every byte, so '+' and '/'.
    std::vector<std::uint8_t> bytes;
    for (std::size_t length = 0; length <= 66; ++length) {
        SCOPED_TRACE(length);
        const std::string encoded = base64_encode(bytes);
        EXPECT_EQ(encoded.size(), 4 * ((length + 2) / 3));
        const auto decoded = base64_decode(encoded);
        ASSERT_TRUE(decoded.has_value());
        EXPECT_EQ(*decoded, bytes);
        bytes.push_back(static_cast<std::uint8_t>(255 - 7 * length));
    }
    std::vector<std::uint8_t> all(256);
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint8_t>(i);
    const auto decoded = base64_decode(base64_encode(all));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, all);
}

TEST(Base64Codec, StrictDecoding) {
    const std::string_view rejected[] = {
        "Zm9",        // length not a multiple of 4
        "Zm9vY",      // ditto
        "Zg=",        // ditto, padding short
        "Zm9 ",       // whitespace
        "Zm9\nYmFy",  // newline
        " Zm9",
        "Zm9-",       // URL-safe alphabet
        "Zm9_",
        "Zm9*",       // not base64 at all
        std::string_view("Zm\0v", 4),
        "Zm=v",       // data after padding
        "Z===",       // too much padding
        "====",
        "=Zg=",
        "Zg==Zm9v",   // padding in the middle
        "Zg=\n",
    };
    for (const auto text : rejected) EXPECT_FALSE(base64_decode(text).has_value()) << '"' << text << '"';
    EXPECT_TRUE(base64_decode("").has_value());
    EXPECT_TRUE(base64_decode("+/+/").has_value());
}

// ---------------------------------------------------------------------------------------------------
// OpaqueString (RFC 8265 §4.2), as far as opaque_string.hpp implements it.

TEST(OpaqueStringPrepare, PrintableAsciiIsUnchanged) {
    std::string printable;
    for (char c = 0x20; c < 0x7F; ++c) printable.push_back(c);
    EXPECT_EQ(opaque_string_prepare(printable), printable);
    EXPECT_EQ(opaque_string_prepare("TheMatrIX"), "TheMatrIX");
    EXPECT_EQ(opaque_string_prepare(" "), " ");
    EXPECT_EQ(opaque_string_prepare("HbvWA6hGDtdv3wflBolXLhvzs0w="), "HbvWA6hGDtdv3wflBolXLhvzs0w=");
}

TEST(OpaqueStringPrepare, WellFormedNonAsciiIsKept) {
    const std::string matrix = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";
    EXPECT_EQ(opaque_string_prepare(matrix), matrix);
    EXPECT_EQ(opaque_string_prepare("caf\u00E9"), "caf\u00E9");
    EXPECT_EQ(opaque_string_prepare("\U0001F600\U0010FFFD"), "\U0001F600\U0010FFFD");  // 4-byte forms
}

TEST(OpaqueStringPrepare, NonAsciiSpacesBecomeSpace) {
    EXPECT_EQ(opaque_string_prepare("a\u00A0b"), "a b");
    EXPECT_EQ(opaque_string_prepare("\u00A0"), " ");
    EXPECT_EQ(opaque_string_prepare("a\u3000b\u2003c\u202F"), "a b c ");
}

TEST(OpaqueStringPrepare, RejectsEmptyAndControlCharacters) {
    EXPECT_FALSE(opaque_string_prepare(""));
    const std::string_view controls[] = {
        std::string_view("\0", 1), "\x01", "a\tb", "line\n", "\r", "\x1F", "\x7F", "x\xC2\x80", "\xC2\x85", "\xC2\x9F",
    };
    for (const auto c : controls) EXPECT_FALSE(opaque_string_prepare(c)) << testing::PrintToString(std::string(c));
}

TEST(OpaqueStringPrepare, RejectsIllFormedUtf8) {
    const std::string_view ill_formed[] = {
        "\xC0\xAF",              // overlong '/'
        "\xC1\xBF",              // overlong, 2 bytes
        "\xE0\x80\xAF",          // overlong, 3 bytes
        "\xF0\x80\x80\xAF",      // overlong, 4 bytes
        "\xED\xA0\x80",          // U+D800, a surrogate
        "\xED\xBF\xBF",          // U+DFFF
        "\xF4\x90\x80\x80",      // U+110000, past U+10FFFF
        "\xF7\xBF\xBF\xBF",
        "\xE2\x82",              // truncated U+20AC
        "abc\xF0\x9F\x98",       // truncated at the end
        "\xC3",
        "\x80",                  // lone continuation byte
        "a\xBFz",
        "\xC3\x28",              // bad continuation byte
        "\xF8\x88\x80\x80\x80",  // 5-byte form
        "\xFE",
        "\xFF",
    };
    for (const auto text : ill_formed) {
        const std::string s(text);
        EXPECT_FALSE(is_valid_utf8(text)) << testing::PrintToString(s);
        EXPECT_FALSE(opaque_string_prepare(text)) << testing::PrintToString(s);
    }
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF\xEE\x80\x80\xF4\x8F\xBF\xBF"));  // U+D7FF, U+E000, U+10FFFF
}

// ---------------------------------------------------------------------------------------------------
// Nonce cookie (RFC 8489 §9.2)

std::string cookie_text(SecurityFeatures f) {
    const auto c = make_nonce_cookie(f);
    return {c.begin(), c.end()};
}

TEST(NonceCookieCodec, RoundTrip) {
    for (const std::uint32_t bits : {0x000000u, 0x000001u, 0x000002u, 0x800000u, 0x400000u, 0xC00000u, 0x123456u,
                                     0xFFFFFFu}) {
        SCOPED_TRACE(bits);
        const std::string cookie = cookie_text({bits});
        ASSERT_EQ(cookie.size(), kNonceCookieSize);
        EXPECT_EQ(cookie.substr(0, kNonceCookie.size()), kNonceCookie);
        const auto parsed = parse_nonce_cookie(cookie + "f//499k954d6OL34oL9FSTvy64sA");  // cookie, then the rest
        ASSERT_TRUE(parsed.has_value());
        EXPECT_EQ(parsed->bits, bits);
        EXPECT_EQ(parse_nonce_cookie(cookie).value_or(SecurityFeatures{~0u}).bits, bits);  // cookie alone
    }
}

TEST(NonceCookieCodec, KnownEncodings) {
    EXPECT_EQ(cookie_text({0x000002}), "obMatJos2AAAC");  // the RFC 8489 B.1 nonce
    EXPECT_EQ(cookie_text({0}), "obMatJos2AAAA");
    EXPECT_EQ(cookie_text({0xFFFFFF}), "obMatJos2////");
    EXPECT_EQ(cookie_text({SecurityFeatures::kPasswordAlgorithms}), "obMatJos2gAAA");
    EXPECT_EQ(cookie_text({0x1000002}), "obMatJos2AAAC");  // only 24 bits are sent

    const auto features = parse_nonce_cookie("obMatJos2wAAA");
    ASSERT_TRUE(features.has_value());
    EXPECT_TRUE(features->password_algorithms());
    EXPECT_TRUE(features->username_anonymity());
    EXPECT_FALSE(parse_nonce_cookie("obMatJos2AAAC")->password_algorithms());
}

TEST(NonceCookieCodec, RejectsMalformedCookies) {
    const std::string_view rejected[] = {
        "obMatJos2AA-C",    // not base64
        "obMatJos2AA=C",    // padding is not a feature value
        "obMatJos2AA C",
        "obMatJos2AAA",     // too short for the four characters
        "obMatJos2",
        "obMatJos",
        "",
        "OBMATJOS2AAAC",    // the cookie is case-sensitive
        "xobMatJos2AAAC",   // it must be at the start
        "f//499k954d6OL34oL9FSTvy64sA",  // an RFC 5389 nonce: no cookie
    };
    for (const auto nonce : rejected) EXPECT_FALSE(parse_nonce_cookie(nonce).has_value()) << nonce;
}

// RFC 4231 test case 2 ("Jefe"), and agreement with the one-shot function across interleaved uses
// of other keys: the prepared key states are restored on every call.
TEST(KeyedHmacSha256, MatchesRfc4231AndTheOneShotFunction) {
    const KeyedHmacSha256 keyed(as_bytes("Jefe"));
    const auto expected = from_hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    for (int round = 0; round < 3; ++round) {
        const auto mac = keyed.compute({as_bytes("what do ya want "), as_bytes("for nothing?")});
        EXPECT_EQ(std::vector<std::uint8_t>(mac.begin(), mac.end()), expected) << "round " << round;
        (void)hmac_sha256(as_bytes("another key"), {as_bytes("between the rounds")});
    }
    const std::array<std::uint8_t, 32> key{1, 2, 3};
    const KeyedHmacSha256 other(key);
    EXPECT_EQ(other.compute({as_bytes("a"), as_bytes(""), as_bytes("bc")}), hmac_sha256(key, {as_bytes("abc")}));
}

}  // namespace
