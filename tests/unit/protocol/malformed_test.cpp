// Malformed input, one refusal per case. Every case starts from a valid message (built with
// MessageBuilder) or a valid ChannelData frame and corrupts one thing, so each row reads as "this
// message, except ...", and each expects the exact ParseError that names the corruption.
//
// Inputs are copied to heap blocks of exactly their size before parsing: under the sanitizer build a
// read even one byte past the input is an AddressSanitizer report, not a silent pass.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "protocol/attributes/all.hpp"
#include "protocol/bytes.hpp"
#include "protocol/channel_data.hpp"
#include "protocol/fingerprint.hpp"
#include "protocol/integrity.hpp"
#include "protocol/message_builder.hpp"
#include "protocol/message_view.hpp"

namespace tern::protocol {

// Failure messages name the error instead of printing a byte. Static: each test file may want its own.
[[maybe_unused]] static void PrintTo(ParseError e, std::ostream* os) { *os << to_string(e); }

namespace {

using Bytes = std::vector<std::uint8_t>;

const TransactionId kTx = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};
const std::array<std::uint8_t, 16> kKey = {0x4a, 0x3c, 0x01, 0x99, 0x7e, 0x42, 0x10, 0x0b,
                                           0x55, 0xd2, 0x6f, 0x83, 0x19, 0xc4, 0x2e, 0x70};

constexpr auto kUnknownRequired = std::uint16_t{0x0077};
constexpr auto kUnknownOptional = std::uint16_t{0x8077};

// A copy of `bytes` in a heap block of exactly bytes.size() (zero included), for ASan to guard.
class ExactBuffer {
public:
    explicit ExactBuffer(std::span<const std::uint8_t> bytes)
        : size_(bytes.size()), data_(std::make_unique<std::uint8_t[]>(bytes.size())) {
        std::copy(bytes.begin(), bytes.end(), data_.get());
    }
    std::span<const std::uint8_t> span() const noexcept { return {data_.get(), size_}; }

private:
    std::size_t size_;
    std::unique_ptr<std::uint8_t[]> data_;
};

// One uniform answer per input: the parse error, UnknownComprehensionRequired for a message that
// parses but names attributes we must not ignore (the server answers those with 420, so for a test
// table they are a refusal like the others), or None.
ParseError classify(std::span<const std::uint8_t> bytes) {
    const ExactBuffer exact(bytes);
    const auto m = MessageView::parse(exact.span());
    if (!m) return m.error();
    return m->unknown_comprehension_required().empty() ? ParseError::None : ParseError::UnknownComprehensionRequired;
}

ParseError classify_channel_data(std::span<const std::uint8_t> bytes, Framing framing) {
    const ExactBuffer exact(bytes);
    const auto c = ChannelDataView::parse(exact.span(), framing);
    return c ? ParseError::None : c.error();
}

// ---- Building valid messages -------------------------------------------------------------------

// A Binding request with USERNAME "alice" (5 bytes, so it carries 3 bytes of padding), then whatever
// `more` adds. With nothing more it is 20 + 12 = 32 bytes.
template <class More>
Bytes request(More&& more) {
    std::array<std::uint8_t, 512> storage{};
    MessageBuilder b(storage, {Method::Binding, MessageClass::Request}, kTx);
    b.add(attr::Username{"alice"});
    std::forward<More>(more)(b);
    const auto out = b.bytes();  // empty if the builder failed, which the positive controls would show
    return {out.begin(), out.end()};
}

Bytes base() {
    return request([](MessageBuilder&) {});
}

// ---- Corrupting them -----------------------------------------------------------------------------

Bytes first(const Bytes& m, std::size_t n) { return {m.begin(), m.begin() + static_cast<std::ptrdiff_t>(n)}; }

Bytes with_byte(Bytes m, std::size_t index, std::uint8_t value) {
    m.at(index) = value;
    return m;
}

Bytes with_u16(Bytes m, std::size_t index, std::uint16_t value) {
    static_cast<void>(m.at(index + 1));  // bounds check: a bad case should throw, not corrupt memory
    store_be16(m.data() + index, value);
    return m;
}

// Rewrites the header's message length field, leaving the bytes as they are.
Bytes with_length(Bytes m, std::size_t length) { return with_u16(std::move(m), 2, static_cast<std::uint16_t>(length)); }

std::size_t length_of(const Bytes& m) { return load_be16(m.data() + 2); }

// Appends raw bytes without touching the header length.
Bytes with_tail(Bytes m, std::size_t count, std::uint8_t fill = 0) {
    m.insert(m.end(), count, fill);
    return m;
}

// Appends an attribute whose header declares `declared` value bytes followed by `present` bytes
// (value and padding; by default the properly padded amount), then sets the header length to cover
// everything received. None of the builder's checks apply, so any shape can be made.
Bytes with_attribute(Bytes m, std::uint16_t type, std::size_t declared, std::size_t present) {
    const std::size_t at = m.size();
    m.resize(at + kAttributeHeaderSize + present, 0x5A);
    store_be16(m.data() + at, type);
    store_be16(m.data() + at + 2, static_cast<std::uint16_t>(declared));
    // Real padding is zero; keep it so, so that a refusal can only be about the lengths.
    for (std::size_t i = declared; i < present; ++i) m[at + kAttributeHeaderSize + i] = 0;
    const std::size_t length = m.size() - kHeaderSize;
    return with_length(std::move(m), length);
}

Bytes with_attribute(Bytes m, std::uint16_t type, std::size_t declared) {
    return with_attribute(std::move(m), type, declared, padded4(declared));
}

Bytes with_attribute(Bytes m, AttributeType type, std::size_t declared) {
    return with_attribute(std::move(m), static_cast<std::uint16_t>(type), declared);
}

// Appends a correct FINGERPRINT over everything before it.
Bytes with_fingerprint(Bytes m) {
    m = with_attribute(std::move(m), AttributeType::Fingerprint, kFingerprintSize);
    const std::size_t at = m.size() - kAttributeHeaderSize - kFingerprintSize;
    store_be32(m.data() + at + kAttributeHeaderSize, compute_fingerprint(std::span(m).first(at)));
    return m;
}

// A ChannelData frame: the header says `length`; `present` payload bytes follow.
Bytes channel_data(std::uint16_t channel, std::size_t length, std::size_t present) {
    Bytes f(kChannelDataHeaderSize + present, 0x3C);
    store_be16(f.data(), channel);
    store_be16(f.data() + 2, static_cast<std::uint16_t>(length));
    return f;
}

// ---- The table -----------------------------------------------------------------------------------

enum class Parser : std::uint8_t { Stun, ChannelDatagram, ChannelStream };

struct Case {
    std::string name;  // a gtest name: letters, digits, underscores
    Bytes bytes;
    ParseError expected;
    Parser parser = Parser::Stun;
};

std::vector<Case> malformed_cases() {
    using E = ParseError;
    const Bytes valid = base();  // 32 bytes: header and USERNAME "alice" with its padding
    const std::uint16_t mi = static_cast<std::uint16_t>(AttributeType::MessageIntegrity);
    const std::uint16_t mi256 = static_cast<std::uint16_t>(AttributeType::MessageIntegritySha256);
    const std::uint16_t fp = static_cast<std::uint16_t>(AttributeType::Fingerprint);
    const std::uint16_t software = static_cast<std::uint16_t>(AttributeType::Software);
    const std::uint16_t username = static_cast<std::uint16_t>(AttributeType::Username);
    const auto with_mi = [](MessageBuilder& b) { b.add_message_integrity(kKey); };
    const auto with_fp = [](MessageBuilder& b) { b.add_fingerprint(); };

    std::vector<Case> cases;
    const auto add = [&cases](std::string name, Bytes bytes, ParseError expected, Parser parser = Parser::Stun) {
        cases.push_back({std::move(name), std::move(bytes), expected, parser});
    };

    // Positive controls: if these fail, the corruptions below prove nothing.
    add("Valid_Base", valid, E::None);
    add("Valid_AllIntegrityAttributes", request([](MessageBuilder& b) {
            b.add_message_integrity(kKey).add_message_integrity_sha256(kKey).add_fingerprint();
        }),
        E::None);

    // Header.
    add("Empty", {}, E::TruncatedHeader);
    for (std::size_t n = 1; n < kHeaderSize; ++n)
        add("TruncatedHeader_" + std::to_string(n), first(valid, n), E::TruncatedHeader);
    add("FirstBits_01", with_byte(valid, 0, static_cast<std::uint8_t>(valid[0] | 0x40)), E::NotStun);
    add("FirstBits_10", with_byte(valid, 0, static_cast<std::uint8_t>(valid[0] | 0x80)), E::NotStun);
    add("FirstBits_11", with_byte(valid, 0, static_cast<std::uint8_t>(valid[0] | 0xC0)), E::NotStun);
    add("BadMagicCookie", with_byte(valid, 7, static_cast<std::uint8_t>(valid[7] ^ 0x01)), E::BadMagicCookie);
    add("Length_NotMultipleOf4", with_length(valid, length_of(valid) - 2), E::LengthNotMultipleOf4);
    add("Length_One", with_length(valid, 1), E::LengthNotMultipleOf4);
    add("Length_PastEnd", with_length(valid, length_of(valid) + 4), E::LengthPastEnd);
    add("Length_MaximumPastEnd", with_length(valid, 0xFFFC), E::LengthPastEnd);
    add("Length_MessageCutShort", first(valid, valid.size() - 4), E::LengthPastEnd);
    add("TrailingBytes_Four", with_tail(valid, 4), E::TrailingBytes);
    add("TrailingBytes_One", with_tail(valid, 1), E::TrailingBytes);
    add("TrailingBytes_LengthZero", with_length(valid, 0), E::TrailingBytes);

    // Attribute framing. Attributes start 4-aligned and the header length is checked to be a multiple
    // of 4 and to match the received size before the attribute walk, so a truncated attribute header,
    // or a value whose padding alone is missing, is always caught by the header checks first
    // (TruncatedAttributeHeader is a backstop the walk keeps for its own bounds).
    add("AttributeHeader_Truncated", with_length(with_tail(valid, 2, 0x80), length_of(valid) + 2),
        E::LengthNotMultipleOf4);
    add("AttributeHeader_TruncatedLengthRounded", with_length(with_tail(valid, 2, 0x80), length_of(valid) + 4),
        E::LengthPastEnd);
    add("AttributeValue_PastEnd", with_attribute(valid, software, 64, 8), E::AttributePastEnd);
    add("AttributeValue_MaximumLength", with_attribute(valid, software, 0xFFFF, 4), E::AttributePastEnd);
    add("AttributeValue_OneBytePastEnd", with_attribute(valid, software, 9, 8), E::AttributePastEnd);
    add("AttributeValue_PastEndOfFirstAttribute", with_u16(valid, kHeaderSize + 2, 13), E::AttributePastEnd);
    add("AttributePadding_Missing", with_attribute(valid, software, 5, 5), E::LengthNotMultipleOf4);
    add("AttributePadding_MissingLengthRounded", with_length(with_attribute(valid, software, 5, 5), 24),
        E::LengthPastEnd);

    // MESSAGE-INTEGRITY and MESSAGE-INTEGRITY-SHA256: lengths and order.
    add("MessageIntegrity_Length19", with_attribute(valid, mi, 19), E::BadIntegrityLength);
    add("MessageIntegrity_Length21", with_attribute(valid, mi, 21), E::BadIntegrityLength);
    add("MessageIntegrity_Length0", with_attribute(valid, mi, 0), E::BadIntegrityLength);
    add("MessageIntegritySha256_Length12", with_attribute(valid, mi256, 12), E::BadIntegrityLength);
    add("MessageIntegritySha256_Length36", with_attribute(valid, mi256, 36), E::BadIntegrityLength);
    add("MessageIntegritySha256_Length18", with_attribute(valid, mi256, 18), E::BadIntegrityLength);
    add("MessageIntegritySha256_Length16Truncated", with_attribute(valid, mi256, 16), E::None);
    add("MessageIntegrity_Twice", request([](MessageBuilder& b) {
            b.add_message_integrity(kKey).add_message_integrity(kKey);
        }),
        E::MisplacedIntegrity);
    add("MessageIntegrity_AfterSha256", request([](MessageBuilder& b) {
            b.add_message_integrity_sha256(kKey).add_message_integrity(kKey);
        }),
        E::MisplacedIntegrity);
    add("MessageIntegritySha256_Twice", request([](MessageBuilder& b) {
            b.add_message_integrity_sha256(kKey).add_message_integrity_sha256(kKey);
        }),
        E::MisplacedIntegrity);
    add("MessageIntegrity_ThenSha256", request([](MessageBuilder& b) {
            b.add_message_integrity(kKey).add_message_integrity_sha256(kKey);
        }),
        E::None);

    // FINGERPRINT.
    add("Fingerprint_NotLast", with_attribute(request(with_fp), software, 4), E::FingerprintNotLast);
    add("Fingerprint_ThenMessageIntegrity", with_attribute(request(with_fp), mi, 20), E::FingerprintNotLast);
    add("Fingerprint_Twice", with_fingerprint(request(with_fp)), E::FingerprintNotLast);
    add("Fingerprint_Length8", with_attribute(valid, fp, 8), E::BadFingerprintLength);
    add("Fingerprint_Length3", with_attribute(valid, fp, 3), E::BadFingerprintLength);
    add("Fingerprint_Length0", with_attribute(valid, fp, 0), E::BadFingerprintLength);
    {
        const Bytes signed_message = request(with_fp);
        const std::size_t last = signed_message.size() - 1;
        add("Fingerprint_WrongValue",
            with_byte(signed_message, last, static_cast<std::uint8_t>(signed_message[last] ^ 0x01)),
            E::FingerprintMismatch);
        add("Fingerprint_MessageAltered", with_byte(signed_message, 8, static_cast<std::uint8_t>(signed_message[8] ^ 0x01)),
            E::FingerprintMismatch);
        add("Fingerprint_Valid", signed_message, E::None);
    }

    // Unknown attributes: comprehension-required ones are listed, optional ones ignored, and neither
    // counts after MESSAGE-INTEGRITY (RFC 8489 §14.5).
    add("Unknown_ComprehensionRequired", with_attribute(valid, kUnknownRequired, 4), E::UnknownComprehensionRequired);
    add("Unknown_ComprehensionRequiredHighest", with_attribute(valid, 0x7FFF, 0), E::UnknownComprehensionRequired);
    add("Unknown_ComprehensionOptional", with_attribute(valid, kUnknownOptional, 4), E::None);
    add("Unknown_RequiredAfterMessageIntegrity", with_attribute(request(with_mi), kUnknownRequired, 4), E::None);
    add("Unknown_RequiredAfterMessageIntegritySha256",
        with_attribute(request([](MessageBuilder& b) { b.add_message_integrity_sha256(kKey); }), kUnknownRequired, 4),
        E::None);
    add("Unknown_RequiredAfterMessageIntegrityBeforeFingerprint",
        with_fingerprint(with_attribute(request(with_mi), kUnknownRequired, 4)), E::None);
    add("Known_UsernameAfterMessageIntegrity", with_attribute(request(with_mi), username, 8), E::None);

    // ChannelData.
    add("ChannelData_Valid4000", channel_data(0x4000, 4, 4), E::None, Parser::ChannelDatagram);
    add("ChannelData_Valid4FFF", channel_data(0x4FFF, 4, 4), E::None, Parser::ChannelStream);
    add("ChannelData_Channel3FFF", channel_data(0x3FFF, 4, 4), E::BadChannelNumber, Parser::ChannelDatagram);
    add("ChannelData_Channel5000", channel_data(0x5000, 4, 4), E::BadChannelNumber, Parser::ChannelDatagram);
    add("ChannelData_Channel7FFF", channel_data(0x7FFF, 4, 4), E::BadChannelNumber, Parser::ChannelDatagram);
    add("ChannelData_Channel5000Stream", channel_data(0x5000, 4, 4), E::BadChannelNumber, Parser::ChannelStream);
    for (std::size_t n = 0; n < kChannelDataHeaderSize; ++n)
        add("ChannelData_TruncatedHeader_" + std::to_string(n), first(channel_data(0x4001, 0, 0), n),
            E::TruncatedChannelData, Parser::ChannelDatagram);
    add("ChannelData_LengthPastEnd", channel_data(0x4001, 8, 4), E::ChannelDataPastEnd, Parser::ChannelDatagram);
    add("ChannelData_LengthPastEndStream", channel_data(0x4001, 8, 4), E::ChannelDataPastEnd, Parser::ChannelStream);
    add("ChannelData_MaximumLength", channel_data(0x4001, 0xFFFF, 4), E::ChannelDataPastEnd, Parser::ChannelDatagram);
    add("ChannelData_DatagramThreeTrailing", channel_data(0x4001, 5, 8), E::None, Parser::ChannelDatagram);
    add("ChannelData_DatagramFourTrailing", channel_data(0x4001, 5, 9), E::TrailingBytes, Parser::ChannelDatagram);
    add("ChannelData_StreamPadded", channel_data(0x4001, 5, 8), E::None, Parser::ChannelStream);
    add("ChannelData_StreamWithoutPadding", channel_data(0x4001, 5, 5), E::ChannelDataPastEnd, Parser::ChannelStream);
    add("ChannelData_StreamPaddingCutShort", channel_data(0x4001, 5, 7), E::ChannelDataPastEnd, Parser::ChannelStream);
    add("ChannelData_StreamTrailing", channel_data(0x4001, 5, 12), E::TrailingBytes, Parser::ChannelStream);
    return cases;
}

// gtest would otherwise print a Case as a dump of its object bytes.
[[maybe_unused]] void PrintTo(const Case& c, std::ostream* os) {
    *os << c.name << " (" << c.bytes.size() << " bytes, expecting " << to_string(c.expected) << ")";
}

class MalformedTable : public ::testing::TestWithParam<Case> {};

TEST_P(MalformedTable, GetsItsParseError) {
    const Case& c = GetParam();
    switch (c.parser) {
        case Parser::Stun:
            EXPECT_EQ(classify(c.bytes), c.expected);
            break;
        case Parser::ChannelDatagram:
            EXPECT_EQ(classify_channel_data(c.bytes, Framing::Datagram), c.expected);
            break;
        case Parser::ChannelStream:
            EXPECT_EQ(classify_channel_data(c.bytes, Framing::Stream), c.expected);
            break;
    }
}

INSTANTIATE_TEST_SUITE_P(Malformed, MalformedTable, ::testing::ValuesIn(malformed_cases()),
                         [](const ::testing::TestParamInfo<Case>& param_info) { return param_info.param.name; });

// The table's shape is part of the requirement: enough cases, each with its own name.
TEST(MalformedCases, AtLeastThirtyDistinctlyNamed) {
    const auto cases = malformed_cases();
    EXPECT_GE(cases.size(), 30u);
    std::vector<std::string> names;
    for (const auto& c : cases) names.push_back(c.name);
    std::sort(names.begin(), names.end());
    EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end()) << "duplicate case name";
}

// ---- What the table's uniform answer does not show -----------------------------------------------

TEST(MalformedUnknown, ListsRequiredTypesInMessageOrder) {
    Bytes m = with_attribute(base(), kUnknownRequired, 4);
    m = with_attribute(std::move(m), kUnknownOptional, 4);
    m = with_attribute(std::move(m), 0x0078, 0);
    const ExactBuffer exact(m);
    const auto view = MessageView::parse(exact.span());
    ASSERT_TRUE(view) << to_string(view.error());
    const auto unknown = view->unknown_comprehension_required();
    ASSERT_EQ(unknown.size(), 2u);
    EXPECT_EQ(unknown[0], kUnknownRequired);
    EXPECT_EQ(unknown[1], 0x0078);
    // Unknown attributes are still walked over, not dropped: find() reaches them by type.
    ASSERT_TRUE(view->find(static_cast<AttributeType>(kUnknownOptional)));
    EXPECT_EQ(view->find(static_cast<AttributeType>(kUnknownOptional))->value.size(), 4u);
}

TEST(MalformedUnknown, ListIsCappedButStillReported) {
    Bytes m = base();
    const std::size_t count = MessageView::kMaxUnknownReported + 4;
    for (std::size_t i = 0; i < count; ++i) m = with_attribute(std::move(m), static_cast<std::uint16_t>(0x0070 + i), 0);
    const ExactBuffer exact(m);
    const auto view = MessageView::parse(exact.span());
    ASSERT_TRUE(view) << to_string(view.error());
    const auto unknown = view->unknown_comprehension_required();
    ASSERT_EQ(unknown.size(), MessageView::kMaxUnknownReported);
    for (std::size_t i = 0; i < unknown.size(); ++i) EXPECT_EQ(unknown[i], 0x0070 + i);
}

// RFC 8489 §14.5: attributes after MESSAGE-INTEGRITY, other than MESSAGE-INTEGRITY-SHA256 and
// FINGERPRINT, are ignored. They must be invisible, not merely tolerated: a forwarder could append a
// USERNAME after a client's integrity and have it read as authenticated.
TEST(MalformedAfterIntegrity, AttributesAfterMessageIntegrityAreInvisible) {
    Bytes m = request([](MessageBuilder& b) { b.add_message_integrity(kKey); });
    m = with_attribute(std::move(m), AttributeType::Realm, 7);
    m = with_attribute(std::move(m), AttributeType::Username, 6);
    m = with_attribute(std::move(m), kUnknownRequired, 4);
    m = with_fingerprint(std::move(m));
    const ExactBuffer exact(m);
    const auto view = MessageView::parse(exact.span());
    ASSERT_TRUE(view) << to_string(view.error());

    EXPECT_TRUE(view->unknown_comprehension_required().empty());
    EXPECT_FALSE(view->has(AttributeType::Realm));
    EXPECT_FALSE(view->find(static_cast<AttributeType>(kUnknownRequired)));
    const auto user = view->get<attr::Username>();
    ASSERT_TRUE(user);
    EXPECT_EQ(user->value, "alice");  // the one before MESSAGE-INTEGRITY, not the appended one

    std::vector<std::uint16_t> seen;
    for (const RawAttribute a : view->attributes()) seen.push_back(a.type);
    EXPECT_EQ(seen, std::vector<std::uint16_t>{static_cast<std::uint16_t>(AttributeType::Username)});

    EXPECT_TRUE(view->has(AttributeType::MessageIntegrity));
    EXPECT_TRUE(view->has(AttributeType::Fingerprint));
    // The HMAC covers the message only up to MESSAGE-INTEGRITY, so what follows cannot break it.
    EXPECT_EQ(check_message_integrity(*view, kKey), IntegrityCheck::Valid);
}

TEST(MalformedAfterIntegrity, AttributesAfterSha256AreInvisible) {
    Bytes m = request([](MessageBuilder& b) { b.add_message_integrity_sha256(kKey); });
    m = with_attribute(std::move(m), AttributeType::Realm, 7);
    const ExactBuffer exact(m);
    const auto view = MessageView::parse(exact.span());
    ASSERT_TRUE(view) << to_string(view.error());
    EXPECT_FALSE(view->has(AttributeType::Realm));
    EXPECT_EQ(check_message_integrity_sha256(*view, kKey), IntegrityCheck::Valid);
}

}  // namespace
}  // namespace tern::protocol
