// MessageBuilder: what it writes (every byte, padding zeroed, length kept current), what it refuses to
// write (nothing past the caller's span), and that its integrity attributes verify after parsing.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "protocol/attributes/all.hpp"
#include "protocol/bytes.hpp"
#include "protocol/integrity.hpp"
#include "protocol/message_builder.hpp"
#include "protocol/message_view.hpp"

namespace tern::protocol {

[[maybe_unused]] static void PrintTo(ParseError e, std::ostream* os) { *os << to_string(e); }

namespace {

using Bytes = std::vector<std::uint8_t>;

const TransactionId kTx = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98};
const std::array<std::uint8_t, 16> kKey = {0x6b, 0x65, 0x79, 0x2d, 0x66, 0x6f, 0x72, 0x2d,
                                           0x74, 0x65, 0x73, 0x74, 0x73, 0x21, 0x21, 0x21};

// Stale contents the builder must overwrite, and guard bytes it must never reach.
constexpr std::uint8_t kStale = 0xAA;
constexpr std::uint8_t kGuard = 0xEE;

bool all_equal(std::span<const std::uint8_t> bytes, std::uint8_t value) {
    return std::all_of(bytes.begin(), bytes.end(), [value](std::uint8_t b) { return b == value; });
}

TEST(MessageBuilderHeader, Fields) {
    struct TypeCase {
        MessageType type;
        std::uint16_t wire;
    };
    const std::array<TypeCase, 4> types = {{{{Method::Binding, MessageClass::Request}, 0x0001},
                                            {{Method::Binding, MessageClass::SuccessResponse}, 0x0101},
                                            {{Method::Allocate, MessageClass::ErrorResponse}, 0x0113},
                                            {{Method::Data, MessageClass::Indication}, 0x0017}}};
    for (const auto& t : types) {
        SCOPED_TRACE(t.wire);
        std::array<std::uint8_t, 64> storage;
        storage.fill(kStale);
        const MessageBuilder b(storage, t.type, kTx);
        ASSERT_TRUE(b.ok());
        EXPECT_EQ(b.size(), kHeaderSize);
        EXPECT_EQ(b.transaction_id(), kTx);
        const auto out = b.bytes();
        ASSERT_EQ(out.size(), kHeaderSize);
        EXPECT_EQ(out.data(), storage.data());
        EXPECT_EQ(load_be16(out.data()), t.wire);
        EXPECT_EQ(load_be16(out.data() + 2), 0) << "an empty message has length 0";
        EXPECT_EQ(load_be32(out.data() + 4), kMagicCookie);
        EXPECT_TRUE(std::equal(kTx.begin(), kTx.end(), out.begin() + 8));
        EXPECT_TRUE(all_equal(std::span(storage).subspan(kHeaderSize), kStale)) << "wrote past the header";

        const auto m = MessageView::parse(out);
        ASSERT_TRUE(m) << to_string(m.error());
        EXPECT_EQ(m->type(), t.type);
        EXPECT_EQ(m->transaction_id(), kTx);
    }
}

TEST(MessageBuilderLength, KeptCurrentAfterEachAttribute) {
    std::array<std::uint8_t, 256> storage{};
    MessageBuilder b(storage, {Method::Allocate, MessageClass::Request}, kTx);
    const auto header_length = [&storage] { return load_be16(storage.data() + 2); };

    b.add(attr::RequestedTransport{});
    EXPECT_EQ(header_length(), 8);
    b.add(attr::Username{"abcde"});
    EXPECT_EQ(header_length(), 8 + 12);
    b.add(attr::DontFragment{});
    EXPECT_EQ(header_length(), 8 + 12 + 4);
    b.add(attr::Lifetime{600});
    EXPECT_EQ(header_length(), 8 + 12 + 4 + 8);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b.size(), kHeaderSize + header_length());
    // At every step the bytes so far are a complete message.
    EXPECT_TRUE(MessageView::parse(b.bytes()));
}

TEST(MessageBuilderPadding, EveryByteWrittenAndPaddingZero) {
    std::array<std::uint8_t, 128> storage;
    storage.fill(kStale);  // if any output byte were skipped, 0xAA would show up in it
    const std::array<std::uint8_t, 2> data = {0x11, 0x22};
    MessageBuilder b(storage, {Method::Allocate, MessageClass::Request}, kTx);
    b.add(attr::Username{"abcde"})        // 5 bytes, 3 of padding
        .add(attr::EvenPort{true})        // 1 byte, 3 of padding
        .add(attr::DontFragment{})        // empty
        .add(attr::Data{data})            // 2 bytes, 2 of padding
        .add(attr::Lifetime{600});        // 4 bytes, none
    ASSERT_TRUE(b.ok());

    Bytes expected = {0x00, 0x03, 0x00, 40,  // Allocate request, length 40
                      0x21, 0x12, 0xA4, 0x42};
    expected.reserve(64);  // also spares GCC 12 a false -Warray-bounds on the growth path
    expected.insert(expected.end(), kTx.begin(), kTx.end());
    const Bytes attributes = {
        0x00, 0x06, 0x00, 0x05, 'a',  'b',  'c',  'd', 'e', 0x00, 0x00, 0x00,  // USERNAME
        0x00, 0x18, 0x00, 0x01, 0x80, 0x00, 0x00, 0x00,                        // EVEN-PORT, R bit
        0x00, 0x1A, 0x00, 0x00,                                                // DONT-FRAGMENT
        0x00, 0x13, 0x00, 0x02, 0x11, 0x22, 0x00, 0x00,                        // DATA
        0x00, 0x0D, 0x00, 0x04, 0x00, 0x00, 0x02, 0x58,                        // LIFETIME 600
    };
    expected.insert(expected.end(), attributes.begin(), attributes.end());

    const auto out = b.bytes();
    EXPECT_EQ(Bytes(out.begin(), out.end()), expected);
    EXPECT_TRUE(all_equal(std::span(storage).subspan(out.size()), kStale)) << "wrote past the message";
}

TEST(MessageBuilderRoom, RunningOutFailsWithoutWritingPastTheSpan) {
    // The builder gets the first 40 bytes; the 24 after them are guards.
    std::array<std::uint8_t, 64> storage;
    storage.fill(kGuard);
    const auto span = std::span(storage).first(40);

    MessageBuilder b(span, {Method::Binding, MessageClass::Request}, kTx);
    b.add(attr::Username{std::string(12, 'u')});  // 20 + 16 = 36
    ASSERT_TRUE(b.ok());
    b.add(attr::Lifetime{1});  // 8 more would make 44 > 40
    EXPECT_FALSE(b.ok());
    EXPECT_TRUE(b.bytes().empty());
    EXPECT_TRUE(all_equal(std::span(storage).subspan(36), kGuard)) << "a refused attribute left bytes behind";

    // Sticky: an attribute that would fit is refused too, so a message never silently lacks one.
    b.add(attr::DontFragment{}).add_message_integrity(kKey).add_fingerprint();
    EXPECT_FALSE(b.ok());
    EXPECT_TRUE(b.bytes().empty());
    EXPECT_TRUE(all_equal(std::span(storage).subspan(36), kGuard));
    EXPECT_TRUE(b.reserve(0x8077, 0).empty());
    EXPECT_TRUE(all_equal(std::span(storage).subspan(36), kGuard));
}

TEST(MessageBuilderRoom, ExactFitSucceeds) {
    std::array<std::uint8_t, 64> storage;
    storage.fill(kGuard);
    const auto span = std::span(storage).first(40);
    MessageBuilder b(span, {Method::Binding, MessageClass::Request}, kTx);
    b.add(attr::Username{std::string(16, 'u')});  // 20 + 4 + 16 = 40
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b.bytes().size(), 40u);
    EXPECT_TRUE(all_equal(std::span(storage).subspan(40), kGuard));
}

TEST(MessageBuilderRoom, IntegrityAttributesThatDoNotFit) {
    for (std::size_t room = kHeaderSize; room < kHeaderSize + 24 + 36 + 8; room += 4) {
        SCOPED_TRACE(room);
        std::array<std::uint8_t, 128> storage;
        storage.fill(kGuard);
        const auto span = std::span(storage).first(room);
        MessageBuilder b(span, {Method::Binding, MessageClass::Request}, kTx);
        b.add_message_integrity(kKey).add_message_integrity_sha256(kKey).add_fingerprint();
        EXPECT_FALSE(b.ok());
        EXPECT_TRUE(b.bytes().empty());
        EXPECT_TRUE(all_equal(std::span(storage).subspan(room), kGuard));
    }
}

TEST(MessageBuilderRoom, BufferShorterThanHeader) {
    for (std::size_t room = 0; room < kHeaderSize; ++room) {
        SCOPED_TRACE(room);
        std::array<std::uint8_t, 32> storage;
        storage.fill(kGuard);
        const auto span = std::span(storage).first(room);
        MessageBuilder b(span, {Method::Binding, MessageClass::Request}, kTx);
        EXPECT_FALSE(b.ok());
        EXPECT_TRUE(b.bytes().empty());
        b.add(attr::DontFragment{}).add_fingerprint();
        EXPECT_TRUE(b.reserve(0x8077, 0).empty());
        EXPECT_FALSE(b.ok());
        EXPECT_TRUE(all_equal(storage, kGuard)) << "a builder without room for the header wrote anyway";
    }
}

TEST(MessageBuilderReserve, ReturnsZeroedValueInPlace) {
    std::array<std::uint8_t, 64> storage;
    storage.fill(kStale);
    MessageBuilder b(storage, {Method::Binding, MessageClass::Request}, kTx);
    const auto value = b.reserve(0x8077, 6);
    ASSERT_TRUE(b.ok());
    ASSERT_EQ(value.size(), 6u);
    EXPECT_EQ(value.data(), storage.data() + kHeaderSize + kAttributeHeaderSize);
    EXPECT_TRUE(all_equal(std::span(storage).subspan(kHeaderSize + 4, 8), 0)) << "value and padding zeroed";
    EXPECT_EQ(b.size(), kHeaderSize + 4 + 8);
    EXPECT_EQ(load_be16(storage.data() + 2), 12);
}

TEST(MessageBuilderReserve, LengthZero) {
    std::array<std::uint8_t, 64> storage;
    storage.fill(kStale);
    MessageBuilder b(storage, {Method::Binding, MessageClass::Request}, kTx);
    const auto value = b.reserve(static_cast<std::uint16_t>(AttributeType::UseCandidate), 0);
    EXPECT_TRUE(value.empty());
    EXPECT_TRUE(b.ok()) << "an empty value is not a failure";
    EXPECT_EQ(b.size(), kHeaderSize + kAttributeHeaderSize);
    EXPECT_EQ(load_be16(storage.data() + 2), 4);

    const auto m = MessageView::parse(b.bytes());
    ASSERT_TRUE(m) << to_string(m.error());
    const auto a = m->find(AttributeType::UseCandidate);
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->value.empty());
    EXPECT_TRUE(m->get<attr::UseCandidate>());
}

TEST(MessageBuilderReserve, LengthOverFieldMaximumFails) {
    std::vector<std::uint8_t> storage(kMaxMessageSize + 64, kGuard);
    MessageBuilder b(storage, {Method::Binding, MessageClass::Request}, kTx);
    EXPECT_TRUE(b.reserve(0x8077, 0x10000).empty());
    EXPECT_FALSE(b.ok());
    EXPECT_TRUE(all_equal(std::span(storage).subspan(kHeaderSize), kGuard));
}

// ---- Integrity ---------------------------------------------------------------------------------

Bytes signed_request(bool sha1, bool sha256, bool fingerprint) {
    std::array<std::uint8_t, 256> storage;
    storage.fill(kStale);
    MessageBuilder b(storage, {Method::Allocate, MessageClass::Request}, kTx);
    b.add(attr::RequestedTransport{}).add(attr::Username{"alice"}).add(attr::Realm{"example.org"});
    b.add(attr::Nonce{"f//499k954d6OL34oL9FSTvy64sA"});
    if (sha1) b.add_message_integrity(kKey);
    if (sha256) b.add_message_integrity_sha256(kKey);
    if (fingerprint) b.add_fingerprint();
    const auto out = b.bytes();
    return {out.begin(), out.end()};
}

TEST(MessageBuilderIntegrity, MessageIntegrityThenFingerprint) {
    const Bytes bytes = signed_request(true, false, true);
    ASSERT_FALSE(bytes.empty());
    const auto m = MessageView::parse(bytes);  // also verifies FINGERPRINT
    ASSERT_TRUE(m) << to_string(m.error());
    ASSERT_TRUE(m->fingerprint_offset());
    EXPECT_EQ(*m->fingerprint_offset(), bytes.size() - 8) << "FINGERPRINT last";
    EXPECT_EQ(*m->message_integrity_offset(), bytes.size() - 8 - 24) << "MESSAGE-INTEGRITY just before it";
    EXPECT_EQ(check_message_integrity(*m, kKey), IntegrityCheck::Valid);
    EXPECT_EQ(check_message_integrity_sha256(*m, kKey), IntegrityCheck::Absent);

    std::array<std::uint8_t, 16> wrong_key = kKey;
    wrong_key[0] ^= 0x80;
    EXPECT_EQ(check_message_integrity(*m, wrong_key), IntegrityCheck::Invalid);
}

TEST(MessageBuilderIntegrity, AllThreeVerify) {
    const Bytes bytes = signed_request(true, true, true);
    ASSERT_FALSE(bytes.empty());
    const auto m = MessageView::parse(bytes);
    ASSERT_TRUE(m) << to_string(m.error());
    EXPECT_EQ(check_message_integrity(*m, kKey), IntegrityCheck::Valid);
    EXPECT_EQ(check_message_integrity_sha256(*m, kKey), IntegrityCheck::Valid);
    EXPECT_LT(*m->message_integrity_offset(), *m->message_integrity_sha256_offset());
    EXPECT_LT(*m->message_integrity_sha256_offset(), *m->fingerprint_offset());
    EXPECT_EQ(m->get<attr::Username>()->value, "alice");
}

TEST(MessageBuilderIntegrity, Sha256Alone) {
    const Bytes bytes = signed_request(false, true, false);
    const auto m = MessageView::parse(bytes);
    ASSERT_TRUE(m) << to_string(m.error());
    EXPECT_EQ(check_message_integrity(*m, kKey), IntegrityCheck::Absent);
    EXPECT_EQ(check_message_integrity_sha256(*m, kKey), IntegrityCheck::Valid);
}

TEST(MessageBuilderIntegrity, TamperingIsDetected) {
    // No FINGERPRINT here, so the parse succeeds and only the HMACs can notice.
    Bytes bytes = signed_request(true, true, false);
    const auto username_at = bytes.begin() + static_cast<std::ptrdiff_t>(kHeaderSize + 8 + 4);  // after REQUESTED-TRANSPORT
    ASSERT_EQ(*username_at, 'a');
    *username_at = 'A';
    const auto m = MessageView::parse(bytes);
    ASSERT_TRUE(m) << to_string(m.error());
    EXPECT_EQ(check_message_integrity(*m, kKey), IntegrityCheck::Invalid);
    EXPECT_EQ(check_message_integrity_sha256(*m, kKey), IntegrityCheck::Invalid);
}

}  // namespace
}  // namespace tern::protocol
