// The published STUN test vectors of tests/vectors/rfc5769.txt (RFC 5769 §2.1-2.4, RFC 8489 Appendix
// B.1 and its errata), read from the file at run time so the tests check the bytes as published there.
// Expected values stated in the file's prose (HMACs, offsets, the zero-padding variants) are read from
// the file too; only the RFC's well-known facts (message types, printed addresses) appear as literals.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/attributes/all.hpp"
#include "protocol/bytes.hpp"
#include "protocol/credentials.hpp"
#include "protocol/fingerprint.hpp"
#include "protocol/hmac.hpp"
#include "protocol/integrity.hpp"
#include "protocol/message_builder.hpp"
#include "protocol/message_view.hpp"
#include "protocol/nonce_cookie.hpp"
#include "vector_file.hpp"

namespace {

using namespace tern::protocol;
using tern::test::from_hex;
using tern::test::read_vector_file;
using tern::test::vector_field;
using tern::test::vector_message;

constexpr MessageType kBindingRequest{Method::Binding, MessageClass::Request};
constexpr MessageType kBindingSuccess{Method::Binding, MessageClass::SuccessResponse};

std::span<const std::uint8_t> as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Byte comparisons go through hex strings so a failure prints something readable.
std::string hex(std::span<const std::uint8_t> b) { return tern::test::to_hex(b.data(), b.size()); }

const std::string& rfc5769() {
    static const std::string text = read_vector_file("rfc5769.txt");
    return text;
}

// The "## VECTOR <id>" section of the file (or the "## DERIVED" one), for values stated in prose.
std::string section(const std::string& heading) {
    const std::string& text = rfc5769();
    auto start = text.find("## " + heading);
    while (start != std::string::npos) {
        const char after = text[std::min(start + 3 + heading.size(), text.size() - 1)];
        if (after == ' ' || after == '\n' || after == '\r') break;  // not a longer id with this prefix
        start = text.find("## " + heading, start + 1);
    }
    if (start == std::string::npos) {
        ADD_FAILURE() << "no section " << heading;
        return {};
    }
    const auto next = text.find("\n## ", start + 3);
    return text.substr(start, next == std::string::npos ? std::string::npos : next - start);
}

// The `index`-th double-quoted string of a field value such as `"evtj:h6vY" (9 bytes; ...)`.
std::string quoted(const std::string& value, std::size_t index = 0) {
    std::size_t pos = 0;
    for (std::size_t i = 0;; ++i) {
        const auto open = value.find('"', pos);
        const auto close = open == std::string::npos ? open : value.find('"', open + 1);
        if (close == std::string::npos) {
            ADD_FAILURE() << "no quoted string #" << index << " in: " << value;
            return {};
        }
        if (i == index) return value.substr(open + 1, close - open - 1);
        pos = close + 1;
    }
}

// The first run of exactly `digits` hex digits after finding each anchor in turn, e.g.
// hex_after(s, {"2.1 zero-padded", "FINGERPRINT = "}, 8).
std::vector<std::uint8_t> hex_after(const std::string& text, std::initializer_list<std::string_view> anchors,
                                    std::size_t digits) {
    std::size_t pos = 0;
    for (const auto anchor : anchors) {
        pos = text.find(anchor, pos);
        if (pos == std::string::npos) {
            ADD_FAILURE() << "anchor not found: " << anchor;
            return {};
        }
        pos += anchor.size();
    }
    const auto is_hex = [&](std::size_t i) { return std::isxdigit(static_cast<unsigned char>(text[i])) != 0; };
    while (pos < text.size()) {
        if (!is_hex(pos)) {
            ++pos;
            continue;
        }
        auto end = pos;
        while (end < text.size() && is_hex(end)) ++end;
        if (end - pos == digits) return from_hex(text.substr(pos, digits));
        pos = end;
    }
    ADD_FAILURE() << "no " << digits << "-digit hex value after the anchors";
    return {};
}

// The decimal number right after `anchor`, e.g. number_after(s, "MESSAGE-INTEGRITY attr at offset ").
std::size_t number_after(const std::string& text, std::string_view anchor) {
    const auto pos = text.find(anchor);
    if (pos == std::string::npos) {
        ADD_FAILURE() << "anchor not found: " << anchor;
        return 0;
    }
    return std::stoul(text.substr(pos + anchor.size()));
}

// "U+30DE U+30C8" -> the UTF-8 bytes of those code points (the 2.4 username is given that way).
std::string utf8_from_code_points(const std::string& list) {
    std::string out;
    std::size_t pos = 0;
    while ((pos = list.find("U+", pos)) != std::string::npos) {
        const auto cp = static_cast<std::uint32_t>(std::stoul(list.substr(pos + 2), nullptr, 16));
        pos += 2;
        const auto put = [&](std::uint32_t v) { out.push_back(static_cast<char>(v)); };
        if (cp < 0x80) {
            put(cp);
        } else if (cp < 0x800) {
            put(0xC0 | (cp >> 6));
            put(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            put(0xE0 | (cp >> 12));
            put(0x80 | ((cp >> 6) & 0x3F));
            put(0x80 | (cp & 0x3F));
        } else {
            put(0xF0 | (cp >> 18));
            put(0x80 | ((cp >> 12) & 0x3F));
            put(0x80 | ((cp >> 6) & 0x3F));
            put(0x80 | (cp & 0x3F));
        }
    }
    return out;
}

// "192.0.2.1 port 32853" (how the file states a decoded address).
TransportAddress address_field(const std::string& value) {
    const auto space = value.find(" port ");
    const auto ip = IpAddress::parse(value.substr(0, space));
    if (space == std::string::npos || !ip) {
        ADD_FAILURE() << "unreadable address: " << value;
        return {};
    }
    return {*ip, static_cast<std::uint16_t>(std::stoul(value.substr(space + 6)))};
}

std::string tx_hex(const MessageView& m) { return hex(m.transaction_id_bytes()); }

// MESSAGE-INTEGRITY as stated in the section (offset, HMAC), verified with `key` and refused with a
// wrong key; and FINGERPRINT (offset, value), when the vector has one, which parse() already checked.
void expect_published_integrity(const std::string& id, const MessageView& m, std::span<const std::uint8_t> key) {
    SCOPED_TRACE(id);
    const std::string s = section("VECTOR " + id);
    ASSERT_TRUE(m.message_integrity_offset().has_value());
    const std::size_t mi = *m.message_integrity_offset();
    EXPECT_EQ(mi, number_after(s, "MESSAGE-INTEGRITY attr at offset "));
    EXPECT_EQ(hex(m.find(AttributeType::MessageIntegrity)->value), hex(hex_after(s, {"expected HMAC-SHA1"}, 40)));
    EXPECT_EQ(check_message_integrity(m, key), IntegrityCheck::Valid);

    std::vector<std::uint8_t> wrong(key.begin(), key.end());
    wrong.back() ^= 0x01;
    EXPECT_EQ(check_message_integrity(m, wrong), IntegrityCheck::Invalid);
    EXPECT_EQ(check_message_integrity(m, key.first(key.size() - 1)), IntegrityCheck::Invalid);

    if (s.find("FINGERPRINT attr at offset ") == std::string::npos) {
        EXPECT_FALSE(m.fingerprint_offset().has_value());
        return;
    }
    ASSERT_TRUE(m.fingerprint_offset().has_value());
    const std::size_t fp = *m.fingerprint_offset();
    EXPECT_EQ(fp, number_after(s, "FINGERPRINT attr at offset "));
    const auto stated = hex_after(s, {"FINGERPRINT attr", "XOR -> 0x"}, 8);
    EXPECT_EQ(hex(m.find(AttributeType::Fingerprint)->value), hex(stated));
    std::array<std::uint8_t, 4> computed{};
    store_be32(computed.data(), compute_fingerprint(m.bytes().first(fp)));
    EXPECT_EQ(hex(computed), hex(stated));
}

// ---------------------------------------------------------------------------------------------------
// RFC 5769 §2.1: short-term credentials, non-zero padding in USERNAME.

TEST(VectorsRfc5769, SampleRequest) {
    const std::string id = "RFC5769-2.1";
    const auto bytes = vector_message(rfc5769(), id);
    const auto m = MessageView::parse(bytes);
    ASSERT_TRUE(m.ok()) << to_string(m.error());

    EXPECT_EQ(m->type(), kBindingRequest);
    EXPECT_EQ(m->type().encode(), 0x0001);
    EXPECT_EQ(tx_hex(*m), hex(from_hex(vector_field(rfc5769(), id, "transaction id"))));
    EXPECT_TRUE(m->unknown_comprehension_required().empty());

    const auto software = m->get<attr::Software>();
    ASSERT_TRUE(software);
    EXPECT_EQ(software->value, quoted(vector_field(rfc5769(), id, "software")));

    const auto priority = m->get<attr::Priority>();
    ASSERT_TRUE(priority);
    EXPECT_EQ(priority->value, std::stoul(vector_field(rfc5769(), id, "PRIORITY"), nullptr, 16));

    const auto controlled = m->get<attr::IceControlled>();
    ASSERT_TRUE(controlled);
    EXPECT_EQ(controlled->value, std::stoull(vector_field(rfc5769(), id, "ICE-CONTROLLED tie-breaker"), nullptr, 16));

    const auto username = m->get<attr::Username>();
    ASSERT_TRUE(username);
    EXPECT_EQ(username->value, "evtj:h6vY");
    EXPECT_EQ(username->value, quoted(vector_field(rfc5769(), id, "username")));

    // The short-term key is the password itself.
    const std::string password = quoted(vector_field(rfc5769(), id, "password"));
    expect_published_integrity(id, *m, as_bytes(password));
}

// RFC 5769 §2.2 and §2.3: XOR-MAPPED-ADDRESS in both families, SOFTWARE with non-zero padding.
void expect_sample_response(const std::string& id, std::string_view printed_address) {
    SCOPED_TRACE(id);
    const auto bytes = vector_message(rfc5769(), id);
    const auto m = MessageView::parse(bytes);
    ASSERT_TRUE(m.ok()) << to_string(m.error());

    EXPECT_EQ(m->type(), kBindingSuccess);
    EXPECT_EQ(m->type().encode(), 0x0101);
    EXPECT_EQ(tx_hex(*m), hex(from_hex(vector_field(rfc5769(), id, "transaction id"))));

    const auto software = m->get<attr::Software>();
    ASSERT_TRUE(software);
    EXPECT_EQ(software->value, quoted(vector_field(rfc5769(), id, "software")));

    const auto mapped = m->get<attr::XorMappedAddress>();
    ASSERT_TRUE(mapped);
    EXPECT_EQ(mapped->address, address_field(vector_field(rfc5769(), id, "XOR-MAPPED-ADDRESS decodes to")));
    EXPECT_EQ(mapped->address.to_string(), printed_address);
    // Read as a plain MAPPED-ADDRESS the same bytes must not give the address: the XOR is applied.
    const auto raw = m->find(AttributeType::XorMappedAddress);
    ASSERT_TRUE(raw);
    const auto plain = attr::MappedAddress::decode(raw->value, m->transaction_id());
    ASSERT_TRUE(plain);
    EXPECT_NE(plain->address, mapped->address);

    const std::string password = quoted(vector_field(rfc5769(), id, "password"));
    expect_published_integrity(id, *m, as_bytes(password));
}

TEST(VectorsRfc5769, SampleIPv4Response) { expect_sample_response("RFC5769-2.2", "192.0.2.1:32853"); }

TEST(VectorsRfc5769, SampleIPv6Response) {
    expect_sample_response("RFC5769-2.3", "[2001:db8:1234:5678:11:2233:4455:6677]:32853");
}

// RFC 5769 §2.4: long-term credentials, non-ASCII username, no FINGERPRINT.
TEST(VectorsRfc5769, SampleRequestLongTerm) {
    const std::string id = "RFC5769-2.4";
    const std::string s = section("VECTOR " + id);
    const auto bytes = vector_message(rfc5769(), id);
    const auto m = MessageView::parse(bytes);
    ASSERT_TRUE(m.ok()) << to_string(m.error());

    EXPECT_EQ(m->type(), kBindingRequest);
    EXPECT_EQ(tx_hex(*m), hex(from_hex(vector_field(rfc5769(), id, "transaction id"))));

    const std::string username = utf8_from_code_points(vector_field(rfc5769(), id, "username"));
    const std::string realm = quoted(vector_field(rfc5769(), id, "realm"));
    const std::string nonce = quoted(vector_field(rfc5769(), id, "nonce"));
    const std::string password = quoted(vector_field(rfc5769(), id, "password"), 1);  // after SASLprep
    ASSERT_EQ(password, "TheMatrIX");
    EXPECT_EQ(username, "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9");

    ASSERT_TRUE(m->get<attr::Username>());
    EXPECT_EQ(m->get<attr::Username>()->value, username);
    ASSERT_TRUE(m->get<attr::Realm>());
    EXPECT_EQ(m->get<attr::Realm>()->value, realm);
    ASSERT_TRUE(m->get<attr::Nonce>());
    EXPECT_EQ(m->get<attr::Nonce>()->value, nonce);

    const auto key = long_term_key_md5(username, realm, password);
    EXPECT_EQ(hex(key), "e8ca7ad59d5eb0518e312911d2dab2a9");
    EXPECT_EQ(hex(key), hex(hex_after(s, {"long-term key"}, 32)));
    expect_published_integrity(id, *m, key);
    // The password itself is not the long-term key.
    EXPECT_EQ(check_message_integrity(*m, as_bytes(password)), IntegrityCheck::Invalid);
}

// RFC 8489 B.1 as corrected by errata 6268: USERHASH, PASSWORD-ALGORITHM, MESSAGE-INTEGRITY-SHA256.
TEST(VectorsRfc8489, LongTermSha256Errata6268) {
    const std::string id = "RFC8489-B.1-ERRATA-6268";
    const std::string published = "RFC8489-B.1-AS-PUBLISHED";  // states the values the errata keeps
    const std::string s = section("VECTOR " + id);
    const auto bytes = vector_message(rfc5769(), id);
    const auto m = MessageView::parse(bytes);
    ASSERT_TRUE(m.ok()) << to_string(m.error());

    EXPECT_EQ(m->type(), kBindingRequest);
    EXPECT_EQ(tx_hex(*m), hex(from_hex(vector_field(rfc5769(), published, "transaction id"))));

    const std::string username = quoted(vector_field(rfc5769(), published, "username"));
    const std::string realm = quoted(vector_field(rfc5769(), published, "realm"));
    const std::string nonce = quoted(vector_field(rfc5769(), published, "nonce"));
    const std::string password = quoted(vector_field(rfc5769(), published, "password"), 1);
    ASSERT_EQ(password, "TheMatrIX");
    EXPECT_EQ(username, utf8_from_code_points(vector_field(rfc5769(), "RFC5769-2.4", "username")));

    // USERHASH replaces USERNAME; the server finds the user by recomputing it.
    EXPECT_FALSE(m->has(AttributeType::Username));
    const auto userhash_attr = m->get<attr::Userhash>();
    ASSERT_TRUE(userhash_attr);
    EXPECT_EQ(hex(userhash_attr->value), hex(userhash(username, realm)));
    EXPECT_EQ(hex(userhash_attr->value), hex(hex_after(section("VECTOR " + published), {"USERHASH      ="}, 64)));

    const auto algorithm = m->get<attr::PasswordAlgorithm>();
    ASSERT_TRUE(algorithm);
    EXPECT_EQ(algorithm->entry.algorithm, 0x0002);
    EXPECT_EQ(algorithm->entry.algorithm, static_cast<std::uint16_t>(attr::PasswordAlgorithmId::Sha256));
    EXPECT_TRUE(algorithm->entry.parameters.empty());

    ASSERT_TRUE(m->get<attr::Realm>());
    EXPECT_EQ(m->get<attr::Realm>()->value, realm);
    const auto nonce_attr = m->get<attr::Nonce>();
    ASSERT_TRUE(nonce_attr);
    EXPECT_EQ(nonce_attr->value, nonce);
    // The nonce starts with the RFC 8489 cookie; "AAAC" encodes the feature bits 0x000002.
    const auto features = parse_nonce_cookie(nonce_attr->value);
    ASSERT_TRUE(features.has_value());
    EXPECT_EQ(features->bits, 0x000002u);

    const auto key = long_term_key_sha256(username, realm, password);
    EXPECT_EQ(hex(key), hex(hex_after(s, {"long-term key (SHA-256 algorithm)"}, 64)));
    ASSERT_TRUE(m->message_integrity_sha256_offset().has_value());
    EXPECT_EQ(*m->message_integrity_sha256_offset(), number_after(s, "MESSAGE-INTEGRITY-SHA256 attr at offset "));
    EXPECT_EQ(hex(m->find(AttributeType::MessageIntegritySha256)->value),
              hex(hex_after(s, {"expected HMAC-SHA256"}, 64)));
    EXPECT_EQ(check_message_integrity_sha256(*m, key), IntegrityCheck::Valid);
    // The MD5-derived key of the same credentials is a different key.
    EXPECT_EQ(check_message_integrity_sha256(*m, long_term_key_md5(username, realm, password)),
              IntegrityCheck::Invalid);
    EXPECT_EQ(check_message_integrity(*m, key), IntegrityCheck::Absent);
    EXPECT_FALSE(m->fingerprint_offset().has_value());
}

// RFC 8489 B.1 as printed: its header length (0x009c) counts 20 bytes more than the message has.
TEST(VectorsRfc8489, AsPublishedIsRejected) {
    const auto bytes = vector_message(rfc5769(), "RFC8489-B.1-AS-PUBLISHED");
    ASSERT_EQ(bytes.size(), 156u);
    ASSERT_EQ(load_be16(bytes.data() + 2), 0x009c);  // should be 156 - 20 = 136
    const auto m = MessageView::parse(bytes);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error(), ParseError::LengthPastEnd);
}

// ---------------------------------------------------------------------------------------------------
// FINGERPRINT and MESSAGE-INTEGRITY cover every byte. A single-bit flip in the transaction id, a value
// or padding (before or inside the FINGERPRINT value) must make parse() fail with FingerprintMismatch,
// and, with the FINGERPRINT recomputed, turn a MESSAGE-INTEGRITY that covers it Invalid.
// Framing bytes (header type, length, cookie; attribute headers) are mostly caught by earlier checks.
// One case cannot be: a grown attribute length that swallows MESSAGE-INTEGRITY and FINGERPRINT into
// the attribute before them leaves a well-formed message without either (FINGERPRINT is optional in
// STUN), so there parse() may succeed, but must then find no integrity attribute at all.

class VectorsTamper : public ::testing::TestWithParam<const char*> {};

TEST_P(VectorsTamper, EveryBitFlipIsDetected) {
    const std::string id = GetParam();
    const auto original = vector_message(rfc5769(), id);
    const auto m = MessageView::parse(original);
    ASSERT_TRUE(m.ok()) << to_string(m.error());
    ASSERT_TRUE(m->fingerprint_offset() && m->message_integrity_offset());
    const std::size_t fp = *m->fingerprint_offset();
    const std::size_t mi = *m->message_integrity_offset();
    const std::string password = quoted(vector_field(rfc5769(), id, "password"));

    // Framing: header bytes 0-7 and every attribute header (integrity ones included).
    std::vector<bool> framing(original.size(), false);
    std::fill_n(framing.begin(), 8, true);
    for (std::size_t pos = kHeaderSize; pos < original.size();
         pos += kAttributeHeaderSize + padded4(load_be16(original.data() + pos + 2)))
        std::fill_n(framing.begin() + static_cast<std::ptrdiff_t>(pos), kAttributeHeaderSize, true);

    for (std::size_t i = 0; i < original.size(); ++i) {
        if (i >= fp && i < fp + kAttributeHeaderSize) continue;  // a renamed FINGERPRINT is no FINGERPRINT
        for (int bit = 0; bit < 8; ++bit) {
            SCOPED_TRACE(testing::Message() << "byte " << i << " bit " << bit);
            auto bytes = original;
            bytes[i] ^= static_cast<std::uint8_t>(1u << bit);
            const auto tampered = MessageView::parse(bytes);
            if (framing[i]) {
                if (tampered.ok()) {
                    EXPECT_FALSE(tampered->fingerprint_offset().has_value());
                    EXPECT_FALSE(tampered->message_integrity_offset().has_value());
                }
                continue;
            }
            ASSERT_FALSE(tampered.ok());
            EXPECT_EQ(tampered.error(), ParseError::FingerprintMismatch);

            if (i >= mi) continue;
            store_be32(bytes.data() + fp + kAttributeHeaderSize, compute_fingerprint(std::span(bytes).first(fp)));
            const auto refingerprinted = MessageView::parse(bytes);
            ASSERT_TRUE(refingerprinted.ok()) << to_string(refingerprinted.error());
            EXPECT_EQ(check_message_integrity(*refingerprinted, as_bytes(password)), IntegrityCheck::Invalid);
        }
    }
}

// "RFC5769-2.1" -> "RFC5769_2_1" (test names allow letters, digits and '_').
std::string test_name(std::string id) {
    std::ranges::replace_if(id, [](char c) { return std::isalnum(static_cast<unsigned char>(c)) == 0; }, '_');
    return id;
}

INSTANTIATE_TEST_SUITE_P(VectorsRfc5769, VectorsTamper, ::testing::Values("RFC5769-2.1", "RFC5769-2.2", "RFC5769-2.3"),
                         [](const auto& p) { return test_name(p.param); });

// ---------------------------------------------------------------------------------------------------
// The "DERIVED" section: 2.1-2.3 re-encoded by our builder, which pads with zeros (RFC 8489 §14), so
// MESSAGE-INTEGRITY and FINGERPRINT differ from the published ones and equal the listed variants.

struct ZeroPadded {
    const char* vector_id;
    const char* derived_label;  // the line of the DERIVED section with the recomputed values
};

class VectorsZeroPadding : public ::testing::TestWithParam<ZeroPadded> {};

template <class A>
void re_add(MessageBuilder& b, const RawAttribute& raw, const TransactionId& tx) {
    const auto a = A::decode(raw.value, tx);
    ASSERT_TRUE(a.has_value()) << attribute_name(raw.type);
    b.add(*a);
}

// Re-encodes the attributes of `m` (other than the integrity ones) with the typed encoders, in order.
void re_add_all(MessageBuilder& b, const MessageView& m) {
    const auto tx = m.transaction_id();
    for (const RawAttribute raw : m.attributes()) {
        switch (static_cast<AttributeType>(raw.type)) {
            case AttributeType::Software: re_add<attr::Software>(b, raw, tx); break;
            case AttributeType::Priority: re_add<attr::Priority>(b, raw, tx); break;
            case AttributeType::IceControlled: re_add<attr::IceControlled>(b, raw, tx); break;
            case AttributeType::Username: re_add<attr::Username>(b, raw, tx); break;
            case AttributeType::XorMappedAddress: re_add<attr::XorMappedAddress>(b, raw, tx); break;
            default: ADD_FAILURE() << "no re-encoder for " << attribute_name(raw.type); break;
        }
    }
}

TEST_P(VectorsZeroPadding, BuilderMatchesDerivedVector) {
    const ZeroPadded p = GetParam();
    const auto published = vector_message(rfc5769(), p.vector_id);
    const auto m = MessageView::parse(published);
    ASSERT_TRUE(m.ok()) << to_string(m.error());
    const std::string password = quoted(vector_field(rfc5769(), p.vector_id, "password"));
    const std::string derived = section("DERIVED");
    const auto derived_mi = hex_after(derived, {p.derived_label, "HMAC-SHA1 = "}, 40);
    const auto derived_fp = hex_after(derived, {p.derived_label, "FINGERPRINT = "}, 8);

    std::vector<std::uint8_t> buffer(published.size() + 64, 0xAA);  // 0xAA: stale bytes must not leak
    MessageBuilder builder(buffer, m->type(), m->transaction_id());
    re_add_all(builder, *m);
    builder.add_message_integrity(as_bytes(password)).add_fingerprint();
    ASSERT_TRUE(builder.ok());

    const auto built = MessageView::parse(builder.bytes());
    ASSERT_TRUE(built.ok()) << to_string(built.error());
    EXPECT_EQ(hex(built->find(AttributeType::MessageIntegrity)->value), hex(derived_mi));
    EXPECT_EQ(hex(built->find(AttributeType::Fingerprint)->value), hex(derived_fp));
    EXPECT_EQ(check_message_integrity(*built, as_bytes(password)), IntegrityCheck::Valid);

    // The whole message: the published one with its padding zeroed and the derived MI / FINGERPRINT.
    auto expected = published;
    for (const RawAttribute raw : m->attributes()) {
        const auto value_end = raw.offset + kAttributeHeaderSize + raw.value.size();
        std::fill(expected.begin() + static_cast<std::ptrdiff_t>(value_end),
                  expected.begin() + static_cast<std::ptrdiff_t>(raw.offset + kAttributeHeaderSize +
                                                                 padded4(raw.value.size())),
                  std::uint8_t{0});
    }
    std::copy(derived_mi.begin(), derived_mi.end(),
              expected.begin() + static_cast<std::ptrdiff_t>(*m->message_integrity_offset() + kAttributeHeaderSize));
    std::copy(derived_fp.begin(), derived_fp.end(),
              expected.begin() + static_cast<std::ptrdiff_t>(*m->fingerprint_offset() + kAttributeHeaderSize));
    EXPECT_NE(hex(expected), hex(published));  // these vectors do have non-zero padding
    EXPECT_EQ(hex(builder.bytes()), hex(expected));
}

INSTANTIATE_TEST_SUITE_P(VectorsRfc5769, VectorsZeroPadding,
                         ::testing::Values(ZeroPadded{"RFC5769-2.1", "2.1 zero-padded:"},
                                           ZeroPadded{"RFC5769-2.2", "2.2 zero-padded:"},
                                           ZeroPadded{"RFC5769-2.3", "2.3 zero-padded:"}),
                         [](const auto& p) { return test_name(p.param.vector_id); });

// ---------------------------------------------------------------------------------------------------
// MESSAGE-INTEGRITY-SHA256 may be truncated to 16..32 bytes in steps of 4 (RFC 8489 §14.6). The
// builder always writes 32, so truncated ones are made here: HMAC-SHA256 over the message up to the
// attribute, the header length already counting the (last) attribute, cut to its first bytes.

constexpr TransactionId kTx{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98};

std::vector<std::uint8_t> with_mi_sha256(std::span<const std::uint8_t> key, std::size_t mac_length) {
    std::vector<std::uint8_t> buffer(128);
    MessageBuilder builder(buffer, kBindingRequest, kTx);
    builder.add(attr::Username{"alice"}).add(attr::Realm{"example.org"});
    std::vector<std::uint8_t> msg(builder.bytes().begin(), builder.bytes().end());
    const std::size_t offset = msg.size();
    msg.resize(offset + kAttributeHeaderSize + padded4(mac_length));
    store_be16(msg.data() + offset, static_cast<std::uint16_t>(AttributeType::MessageIntegritySha256));
    store_be16(msg.data() + offset + 2, static_cast<std::uint16_t>(mac_length));
    store_be16(msg.data() + 2, static_cast<std::uint16_t>(msg.size() - kHeaderSize));
    const auto mac = hmac_sha256(key, {std::span<const std::uint8_t>(msg).first(offset)});
    std::copy_n(mac.begin(), std::min(mac_length, mac.size()),
                msg.begin() + static_cast<std::ptrdiff_t>(offset + kAttributeHeaderSize));
    return msg;
}

Sha256Key test_key() { return long_term_key_sha256("alice", "example.org", "secret"); }

class VectorsTruncatedSha256 : public ::testing::TestWithParam<std::size_t> {};

TEST_P(VectorsTruncatedSha256, Verifies) {
    const std::size_t length = GetParam();
    const auto key = test_key();
    auto msg = with_mi_sha256(key, length);
    const auto m = MessageView::parse(msg);
    ASSERT_TRUE(m.ok()) << to_string(m.error());
    EXPECT_EQ(m->find(AttributeType::MessageIntegritySha256)->value.size(), length);
    EXPECT_EQ(check_message_integrity_sha256(*m, key), IntegrityCheck::Valid);
    EXPECT_EQ(check_message_integrity_sha256(*m, long_term_key_sha256("alice", "example.org", "secreT")),
              IntegrityCheck::Invalid);

    // The last byte that is compared matters.
    msg.back() ^= 0x80;
    const auto tampered = MessageView::parse(msg);
    ASSERT_TRUE(tampered.ok());
    EXPECT_EQ(check_message_integrity_sha256(*tampered, key), IntegrityCheck::Invalid);
}

INSTANTIATE_TEST_SUITE_P(VectorsAllowedLengths, VectorsTruncatedSha256,
                         ::testing::Values<std::size_t>(16, 20, 24, 28, 32));

TEST(VectorsTruncatedSha256Framing, UntruncatedMatchesBuilder) {
    std::vector<std::uint8_t> buffer(128);
    MessageBuilder builder(buffer, kBindingRequest, kTx);
    builder.add(attr::Username{"alice"}).add(attr::Realm{"example.org"}).add_message_integrity_sha256(test_key());
    ASSERT_TRUE(builder.ok());
    EXPECT_EQ(hex(builder.bytes()), hex(with_mi_sha256(test_key(), 32)));
}

TEST(VectorsTruncatedSha256Framing, DisallowedLengthsAreRejected) {
    for (const std::size_t length : std::initializer_list<std::size_t>{4, 12, 18, 30, 36, 64}) {
        SCOPED_TRACE(length);
        const auto msg = with_mi_sha256(test_key(), length);
        const auto m = MessageView::parse(msg);
        ASSERT_FALSE(m.ok());
        EXPECT_EQ(m.error(), ParseError::BadIntegrityLength);
    }
}

}  // namespace
