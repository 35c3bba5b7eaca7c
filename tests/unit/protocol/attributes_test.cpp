// Every typed attribute survives the trip builder -> bytes -> parse -> decode with all its fields; the
// builder's integrity attributes verify; padding is zero; decoders refuse wrong lengths; and the
// message type interleaves method and class as RFC 8489 §5 draws it.

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <ostream>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "protocol/attributes/all.hpp"
#include "protocol/bytes.hpp"
#include "protocol/credentials.hpp"
#include "protocol/integrity.hpp"
#include "protocol/message_builder.hpp"
#include "protocol/message_view.hpp"

namespace tern::protocol {
// Readable failure messages (gtest finds these by argument-dependent lookup). Static: other test files
// may define their own.
static void PrintTo(const TransportAddress& a, std::ostream* os) { *os << a.to_string(); }
static void PrintTo(const MessageType& t, std::ostream* os) {
    *os << method_name(t.method) << ' ' << class_name(t.cls) << " (0x" << std::hex << t.encode() << std::dec << ')';
}
}  // namespace tern::protocol

namespace {

using namespace tern::protocol;

constexpr TransactionId kTx{0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};
constexpr MessageType kRequest{Method::Binding, MessageClass::Request};

std::vector<std::uint8_t> bytes_of(std::span<const std::uint8_t> s) { return {s.begin(), s.end()}; }

// Deterministic test bytes, none of them 0xAA (the stale-buffer marker of the padding test).
std::vector<std::uint8_t> pattern(std::size_t n) {
    std::vector<std::uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>((i * 37 + 1) % 0xAA);
    return v;
}

TransportAddress address(std::string_view text) {
    const auto a = TransportAddress::parse(text);
    EXPECT_TRUE(a.has_value()) << text;
    return a.value_or(TransportAddress{});
}

// The fields of each attribute as a comparable tuple (the structs have no operator==, and views
// compare by content only once copied).
template <AttributeType K>
auto fields(const attr::PlainAddress<K>& a) { return std::tuple(a.address); }
template <AttributeType K>
auto fields(const attr::XorAddress<K>& a) { return std::tuple(a.address); }
template <AttributeType K, std::size_t N>
auto fields(const attr::Text<K, N>& a) { return std::tuple(std::string(a.value)); }
template <AttributeType K>
auto fields(const attr::Opaque<K>& a) { return std::tuple(bytes_of(a.value)); }
template <AttributeType K, std::size_t N>
auto fields(const attr::FixedBytes<K, N>& a) { return std::tuple(a.value); }
template <AttributeType K>
auto fields(const attr::U32<K>& a) { return std::tuple(a.value); }
template <AttributeType K>
auto fields(const attr::U64<K>& a) { return std::tuple(a.value); }
template <AttributeType K>
auto fields(const attr::Flag<K>&) { return std::tuple(); }
template <AttributeType K>
auto fields(const attr::FamilyAttribute<K>& a) { return std::tuple(int{a.family}); }
auto fields(const attr::ErrorCode& a) { return std::tuple(a.code, std::string(a.reason)); }
auto fields(const attr::AddressErrorCode& a) { return std::tuple(a.family, a.code, std::string(a.reason)); }
auto fields(const attr::UnknownAttributes& a) {
    return std::tuple(std::vector<std::uint16_t>(a.list().begin(), a.list().end()));
}
auto entry_fields(const attr::PasswordAlgorithmEntry& e) { return std::pair(e.algorithm, bytes_of(e.parameters)); }
auto fields(const attr::PasswordAlgorithm& a) { return std::tuple(entry_fields(a.entry)); }
auto fields(const attr::PasswordAlgorithms& a) {
    std::vector<decltype(entry_fields(a.entries[0]))> entries;
    for (const auto& e : a.list()) entries.push_back(entry_fields(e));
    return std::tuple(entries);
}
auto fields(const attr::ChannelNumber& a) { return std::tuple(a.channel); }
auto fields(const attr::RequestedTransport& a) { return std::tuple(int{a.protocol}); }
auto fields(const attr::EvenPort& a) { return std::tuple(a.reserve_next); }
auto fields(const attr::Icmp& a) { return std::tuple(int{a.type}, int{a.code}, a.error_data); }
auto fields(const attr::ChangeRequest& a) { return std::tuple(a.change_ip, a.change_port); }
auto fields(const attr::ResponsePort& a) { return std::tuple(a.port); }

// Encodes `original` as the only attribute of a Binding request, into a buffer of exactly the size it
// needs, parses the message and decodes the attribute back. Returns the message for wire checks.
template <class A>
std::vector<std::uint8_t> expect_round_trip(const A& original) {
    std::vector<std::uint8_t> buffer(kHeaderSize + kAttributeHeaderSize + padded4(original.encoded_size()));
    MessageBuilder builder(buffer, kRequest, kTx);
    builder.add(original);
    EXPECT_TRUE(builder.ok());
    EXPECT_EQ(builder.size(), buffer.size());

    const auto view = MessageView::parse(builder.bytes());
    if (!view.ok()) {
        ADD_FAILURE() << "parse: " << to_string(view.error());
        return buffer;
    }
    const auto raw = view->find(A::kType);
    if (!raw) {
        ADD_FAILURE() << "attribute not found";
        return buffer;
    }
    EXPECT_EQ(raw->value.size(), original.encoded_size());
    const auto decoded = view->get<A>();
    if (!decoded) {
        ADD_FAILURE() << "decode failed";
        return buffer;
    }
    EXPECT_EQ(fields(*decoded), fields(original));
    return buffer;
}

// The value bytes of the single attribute of a message made by expect_round_trip.
std::span<const std::uint8_t> value_of(const std::vector<std::uint8_t>& message) {
    return std::span(message).subspan(kHeaderSize + kAttributeHeaderSize,
                                      load_be16(message.data() + kHeaderSize + 2));
}

// ---------------------------------------------------------------------------------------------------
// Address attributes: plain and XOR-ed, IPv4 and IPv6.

template <class A>
class AttributesAddress : public ::testing::Test {};
using AddressTypes = ::testing::Types<attr::MappedAddress, attr::XorMappedAddress, attr::XorPeerAddress,
                                      attr::XorRelayedAddress, attr::AlternateServer, attr::ResponseOrigin,
                                      attr::OtherAddress>;
TYPED_TEST_SUITE(AttributesAddress, AddressTypes);

TYPED_TEST(AttributesAddress, RoundTripsIPv4AndIPv6) {
    constexpr bool kXor = std::is_same_v<TypeParam, attr::XorAddress<TypeParam::kType>>;
    for (const auto text : {"192.0.2.1:32853", "0.0.0.0:0", "255.255.255.255:65535", "[2001:db8::1]:3478",
                            "[2001:db8:1234:5678:11:2233:4455:6677]:32853", "[::]:1",
                            "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535"}) {
        SCOPED_TRACE(text);
        const TransportAddress a = address(text);
        const auto message = expect_round_trip(TypeParam{a});
        // Wire layout (RFC 8489 §14.1, §14.2): reserved byte, family, port, address; the XOR variants
        // XOR the port with the top half of the magic cookie.
        const auto v = value_of(message);
        ASSERT_EQ(v.size(), a.ip.family == AddressFamily::IPv4 ? 8u : 20u);
        EXPECT_EQ(v[0], 0);
        EXPECT_EQ(v[1], static_cast<std::uint8_t>(a.ip.family));
        EXPECT_EQ(load_be16(v.data() + 2), kXor ? a.port ^ 0x2112 : a.port);
        EXPECT_EQ(std::equal(v.begin() + 4, v.end(), a.ip.octets().begin()), !kXor);
    }
}

// ---------------------------------------------------------------------------------------------------
// Text attributes: every padding remainder, non-ASCII text, the byte limit.

template <class A>
class AttributesText : public ::testing::Test {};
using TextTypes = ::testing::Types<attr::Username, attr::Realm, attr::Nonce, attr::Software, attr::AlternateDomain,
                                   attr::ThirdPartyAuthorization>;
TYPED_TEST_SUITE(AttributesText, TextTypes);

TYPED_TEST(AttributesText, RoundTrips) {
    const std::string longest(TypeParam::kMaxBytes, 'x');
    for (const std::string_view text : {std::string_view(""), std::string_view("a"), std::string_view("ab"),
                                        std::string_view("abc"), std::string_view("abcd"), std::string_view("abcde"),
                                        std::string_view("example.org"),
                                        std::string_view("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9"),
                                        std::string_view(longest)}) {
        SCOPED_TRACE(text.size());
        expect_round_trip(TypeParam{text});
    }
}

TYPED_TEST(AttributesText, DecodeRefusesMoreThanMaxBytes) {
    const std::string too_long(TypeParam::kMaxBytes + 1, 'x');
    std::vector<std::uint8_t> buffer(1024);
    MessageBuilder builder(buffer, kRequest, kTx);
    builder.add(TypeParam{too_long});
    ASSERT_TRUE(builder.ok());
    const auto view = MessageView::parse(builder.bytes());
    ASSERT_TRUE(view.ok());
    EXPECT_TRUE(view->has(TypeParam::kType));  // present ...
    EXPECT_FALSE(view->get<TypeParam>());      // ... but malformed
}

// ---------------------------------------------------------------------------------------------------
// Opaque attributes: lengths 0..9 go through every padding remainder twice.

template <class A>
class AttributesOpaque : public ::testing::Test {};
using OpaqueTypes = ::testing::Types<attr::Data, attr::Padding, attr::AccessToken, attr::MobilityTicket>;
TYPED_TEST_SUITE(AttributesOpaque, OpaqueTypes);

TYPED_TEST(AttributesOpaque, RoundTripsEveryPaddingRemainder) {
    for (const std::size_t length : std::initializer_list<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1000}) {
        SCOPED_TRACE(length);
        const auto bytes = pattern(length);
        const auto message = expect_round_trip(TypeParam{bytes});
        EXPECT_EQ(message.size(), kHeaderSize + kAttributeHeaderSize + padded4(length));
    }
}

TEST(AttributesFixedBytes, UserhashAndReservationToken) {
    attr::Userhash hash;
    hash.value = userhash("alice", "example.org");
    expect_round_trip(hash);
    attr::ReservationToken token;
    std::ranges::copy(pattern(8), token.value.begin());
    expect_round_trip(token);
    expect_round_trip(attr::ReservationToken{});  // all zero
}

// ---------------------------------------------------------------------------------------------------
// Integer and flag attributes.

template <class A>
class AttributesU32 : public ::testing::Test {};
using U32Types = ::testing::Types<attr::Lifetime, attr::ConnectionId, attr::Priority>;
TYPED_TEST_SUITE(AttributesU32, U32Types);

TYPED_TEST(AttributesU32, RoundTripsBigEndian) {
    for (const std::uint32_t value : {0u, 1u, 600u, 0x6e0001ffu, 0xFFFFFFFFu}) expect_round_trip(TypeParam{value});
    const auto message = expect_round_trip(TypeParam{0x12345678});
    EXPECT_EQ(bytes_of(value_of(message)), (std::vector<std::uint8_t>{0x12, 0x34, 0x56, 0x78}));
}

template <class A>
class AttributesU64 : public ::testing::Test {};
using U64Types = ::testing::Types<attr::IceControlled, attr::IceControlling>;
TYPED_TEST_SUITE(AttributesU64, U64Types);

TYPED_TEST(AttributesU64, RoundTripsBigEndian) {
    for (const std::uint64_t value : {0ull, 1ull, 0x932ff9b151263b36ull, ~0ull}) expect_round_trip(TypeParam{value});
    const auto message = expect_round_trip(TypeParam{0x0102030405060708});
    EXPECT_EQ(bytes_of(value_of(message)), (std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6, 7, 8}));
}

template <class A>
class AttributesFlag : public ::testing::Test {};
using FlagTypes = ::testing::Types<attr::DontFragment, attr::UseCandidate>;
TYPED_TEST_SUITE(AttributesFlag, FlagTypes);

TYPED_TEST(AttributesFlag, IsAnEmptyValue) {
    const auto message = expect_round_trip(TypeParam{});
    EXPECT_EQ(message.size(), kHeaderSize + kAttributeHeaderSize);
}

// ---------------------------------------------------------------------------------------------------
// ERROR-CODE and ADDRESS-ERROR-CODE, for every code of the ErrorCode enum.

// The enum's values, found as the numbers reason_phrase() knows: its switch names every enumerator
// (-Wswitch warns otherwise), so a new code joins this test without editing it.
std::vector<ErrorCode> all_error_codes() {
    std::vector<ErrorCode> codes;
    for (std::uint16_t n = 300; n < 700; ++n)
        if (reason_phrase(static_cast<ErrorCode>(n)) != "Error") codes.push_back(static_cast<ErrorCode>(n));
    return codes;
}

TEST(AttributesErrorCodeList, CoversTheEnum) {
    const auto codes = all_error_codes();
    EXPECT_EQ(codes.size(), 18u);
    for (const auto c : {ErrorCode::TryAlternate, ErrorCode::Unauthorized, ErrorCode::StaleNonce,
                         ErrorCode::InsufficientCapacity})
        EXPECT_NE(std::ranges::find(codes, c), codes.end());
}

class AttributesErrorCode : public ::testing::TestWithParam<ErrorCode> {};

TEST_P(AttributesErrorCode, RoundTrips) {
    const ErrorCode code = GetParam();
    const auto attribute = attr::ErrorCode::of(code);
    EXPECT_EQ(attribute.code, code_number(code));
    EXPECT_EQ(attribute.reason, reason_phrase(code));
    const auto message = expect_round_trip(attribute);
    // Class (hundreds) in the low bits of byte 2, number in byte 3, then the reason phrase.
    const auto v = value_of(message);
    EXPECT_EQ(v[0], 0);
    EXPECT_EQ(v[1], 0);
    EXPECT_EQ(v[2], code_number(code) / 100);
    EXPECT_EQ(v[3], code_number(code) % 100);

    for (const auto family : {AddressFamily::IPv4, AddressFamily::IPv6}) {
        const auto address_error = attr::AddressErrorCode::of(family, code);
        const auto m = expect_round_trip(address_error);
        EXPECT_EQ(value_of(m)[0], static_cast<std::uint8_t>(family));
    }
}

INSTANTIATE_TEST_SUITE_P(AttributesAllCodes, AttributesErrorCode, ::testing::ValuesIn(all_error_codes()),
                         [](const auto& p) { return std::to_string(code_number(p.param)); });

TEST(AttributesErrorCodeDecode, RefusesMalformedValues) {
    const auto decodes = [](std::vector<std::uint8_t> v) { return attr::ErrorCode::decode(v, kTx).has_value(); };
    EXPECT_TRUE(decodes({0, 0, 4, 38}));  // 438, empty reason
    EXPECT_FALSE(decodes({}));
    EXPECT_FALSE(decodes({0, 0, 4}));
    EXPECT_FALSE(decodes({0, 0, 2, 0}));   // class 2 is no error
    EXPECT_FALSE(decodes({0, 0, 7, 0}));   // class 7 neither
    EXPECT_FALSE(decodes({0, 0, 4, 100}));  // number past 99
    std::vector<std::uint8_t> long_reason(4 + attr::ErrorCode::kMaxReasonBytes + 1, 'x');
    long_reason[2] = 4;
    long_reason[3] = 0;
    EXPECT_FALSE(decodes(long_reason));
    long_reason.pop_back();
    EXPECT_TRUE(decodes(long_reason));

    // ADDRESS-ERROR-CODE also needs a known family in byte 0.
    EXPECT_TRUE(attr::AddressErrorCode::decode(std::vector<std::uint8_t>{2, 0, 4, 40}, kTx).has_value());
    EXPECT_FALSE(attr::AddressErrorCode::decode(std::vector<std::uint8_t>{3, 0, 4, 40}, kTx).has_value());
}

// ---------------------------------------------------------------------------------------------------
// Lists: UNKNOWN-ATTRIBUTES, PASSWORD-ALGORITHM(S).

TEST(AttributesUnknownAttributes, RoundTripsListsOfEveryParity) {
    const std::vector<std::uint16_t> types{0x0007, 0x7F00, 0x0031, 0x1234, 0x0050, 0x0051, 0x0052, 0x0053,
                                           0x0054, 0x0055, 0x0056, 0x0057, 0x0058, 0x0059, 0x005A, 0x005B};
    for (const std::size_t n : std::initializer_list<std::size_t>{0, 1, 2, 3, 16}) {
        SCOPED_TRACE(n);
        const auto attribute = attr::UnknownAttributes::of(std::span(types).first(n));
        EXPECT_EQ(attribute.count, n);
        expect_round_trip(attribute);
    }
    // A longer list is cut to the capacity.
    std::vector<std::uint16_t> many(20, 0x0042);
    EXPECT_EQ(attr::UnknownAttributes::of(many).count, attr::UnknownAttributes::kCapacity);
    EXPECT_FALSE(attr::UnknownAttributes::decode(std::vector<std::uint8_t>{0, 1, 0}, kTx).has_value());
}

TEST(AttributesPasswordAlgorithm, RoundTrips) {
    const auto params = pattern(5);
    const std::pair<std::uint16_t, std::size_t> cases[] = {{0x0001, 0}, {0x0002, 0}, {0xABCD, 1},
                                                            {0xABCD, 2}, {0xABCD, 3}, {0xABCD, 4}, {0xABCD, 5}};
    for (const auto& [algorithm, param_length] : cases) {
        SCOPED_TRACE(param_length);
        const auto message =
            expect_round_trip(attr::PasswordAlgorithm{{algorithm, std::span(params).first(param_length)}});
        // The parameters are padded inside the value, with zeros.
        const auto v = value_of(message);
        EXPECT_EQ(v.size(), 4 + padded4(param_length));
        EXPECT_TRUE(std::all_of(v.begin() + 4 + static_cast<std::ptrdiff_t>(param_length), v.end(),
                                [](std::uint8_t b) { return b == 0; }));
    }
}

TEST(AttributesPasswordAlgorithms, RoundTrips) {
    const auto params = pattern(3);
    attr::PasswordAlgorithms list;
    expect_round_trip(list);  // empty

    list.entries[0] = {static_cast<std::uint16_t>(attr::PasswordAlgorithmId::Md5), {}};
    list.entries[1] = {static_cast<std::uint16_t>(attr::PasswordAlgorithmId::Sha256), {}};
    list.count = 2;
    expect_round_trip(list);
    EXPECT_TRUE(list.contains(attr::PasswordAlgorithmId::Md5));
    EXPECT_TRUE(list.contains(attr::PasswordAlgorithmId::Sha256));

    list.entries[2] = {0x7777, params};  // parameters that need padding, between other entries
    list.entries[3] = {0x0001, {}};
    list.count = 4;
    const auto message = expect_round_trip(list);
    EXPECT_EQ(value_of(message).size(), 4u + 4u + 8u + 4u);
}

// ---------------------------------------------------------------------------------------------------
// TURN and NAT-behaviour attributes with small fixed layouts.

TEST(AttributesTurn, ChannelNumber) {
    for (const std::uint16_t channel : std::initializer_list<std::uint16_t>{0x4000, 0x4001, 0x4FFF, 0x7FFF}) {
        const auto message = expect_round_trip(attr::ChannelNumber{channel});
        EXPECT_EQ(load_be16(value_of(message).data() + 2), 0);  // RFFU
    }
}

TEST(AttributesTurn, RequestedTransport) {
    for (const std::uint8_t protocol : {attr::RequestedTransport::kUdp, attr::RequestedTransport::kTcp})
        expect_round_trip(attr::RequestedTransport{protocol});
}

template <class A>
class AttributesFamily : public ::testing::Test {};
using FamilyTypes = ::testing::Types<attr::RequestedAddressFamily, attr::AdditionalAddressFamily>;
TYPED_TEST_SUITE(AttributesFamily, FamilyTypes);

TYPED_TEST(AttributesFamily, RoundTripsKnownAndUnknownFamilies) {
    for (const auto family : {AddressFamily::IPv4, AddressFamily::IPv6}) {
        const TypeParam attribute{static_cast<std::uint8_t>(family)};
        expect_round_trip(attribute);
        EXPECT_EQ(attribute.known_family(), family);
    }
    // An unknown family decodes (the server answers 440), but is not a known one.
    expect_round_trip(TypeParam{0x03});
    EXPECT_FALSE(TypeParam{0x03}.known_family().has_value());
}

TEST(AttributesTurn, EvenPortBothR) {
    for (const bool reserve_next : {false, true}) {
        const auto message = expect_round_trip(attr::EvenPort{reserve_next});
        ASSERT_EQ(value_of(message).size(), 1u);
        EXPECT_EQ(value_of(message)[0], reserve_next ? 0x80 : 0x00);
    }
}

TEST(AttributesTurn, AddressErrorCode) {
    expect_round_trip(attr::AddressErrorCode::of(AddressFamily::IPv6, ErrorCode::AddressFamilyNotSupported));
    expect_round_trip(attr::AddressErrorCode{AddressFamily::IPv4, 508, "Insufficient Capacity"});
    expect_round_trip(attr::AddressErrorCode{AddressFamily::IPv4, 440, ""});
}

TEST(AttributesTurn, Icmp) {
    expect_round_trip(attr::Icmp{3, 1, 0});                // destination host unreachable
    expect_round_trip(attr::Icmp{3, 4, 1280});             // fragmentation needed, MTU in the data
    expect_round_trip(attr::Icmp{255, 255, 0xFFFFFFFF});
}

TEST(AttributesNatBehavior, ChangeRequestAllFlagCombinations) {
    for (const bool ip : {false, true}) {
        for (const bool port : {false, true}) {
            const auto message = expect_round_trip(attr::ChangeRequest{ip, port});
            EXPECT_EQ(load_be32(value_of(message).data()), (ip ? 0x4u : 0u) | (port ? 0x2u : 0u));
        }
    }
}

TEST(AttributesNatBehavior, ResponsePort) {
    for (const std::uint16_t port : std::initializer_list<std::uint16_t>{0, 3478, 65535})
        expect_round_trip(attr::ResponsePort{port});
}

// ---------------------------------------------------------------------------------------------------
// The builder's MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT, in each allowed layout.

TEST(AttributesIntegrity, BuilderOutputVerifies) {
    const auto md5_key = long_term_key_md5("alice", "example.org", "secret");
    const auto sha256_key = long_term_key_sha256("alice", "example.org", "secret");
    const auto other_key = long_term_key_sha256("alice", "example.org", "Secret");
    struct Layout {
        bool mi, mi256, fp;
    };
    for (const Layout l : {Layout{true, false, false}, Layout{false, true, false}, Layout{true, true, false},
                           Layout{true, false, true}, Layout{false, true, true}, Layout{true, true, true},
                           Layout{false, false, true}}) {
        SCOPED_TRACE(testing::Message() << "mi " << l.mi << " mi256 " << l.mi256 << " fp " << l.fp);
        std::vector<std::uint8_t> buffer(256);
        MessageBuilder builder(buffer, {Method::Allocate, MessageClass::Request}, kTx);
        builder.add(attr::Username{"alice"}).add(attr::Realm{"example.org"}).add(attr::Nonce{"n0nce"});
        builder.add(attr::RequestedTransport{});
        if (l.mi) builder.add_message_integrity(md5_key);
        if (l.mi256) builder.add_message_integrity_sha256(sha256_key);
        if (l.fp) builder.add_fingerprint();
        ASSERT_TRUE(builder.ok());

        const auto view = MessageView::parse(builder.bytes());
        ASSERT_TRUE(view.ok()) << to_string(view.error());
        EXPECT_EQ(check_message_integrity(*view, md5_key), l.mi ? IntegrityCheck::Valid : IntegrityCheck::Absent);
        EXPECT_EQ(check_message_integrity_sha256(*view, sha256_key),
                  l.mi256 ? IntegrityCheck::Valid : IntegrityCheck::Absent);
        EXPECT_EQ(check_message_integrity(*view, other_key), l.mi ? IntegrityCheck::Invalid : IntegrityCheck::Absent);
        EXPECT_EQ(check_message_integrity_sha256(*view, other_key),
                  l.mi256 ? IntegrityCheck::Invalid : IntegrityCheck::Absent);
        EXPECT_EQ(view->fingerprint_offset().has_value(), l.fp);
        if (l.fp) {
            EXPECT_EQ(*view->fingerprint_offset() + 8, builder.size());  // last
        }

        // The integrity attributes are not among the counted attributes, the others still are.
        std::size_t counted = 0;
        for (const RawAttribute a : view->attributes()) {
            ++counted;
            EXPECT_NE(a.type, static_cast<std::uint16_t>(AttributeType::MessageIntegrity));
            EXPECT_NE(a.type, static_cast<std::uint16_t>(AttributeType::MessageIntegritySha256));
            EXPECT_NE(a.type, static_cast<std::uint16_t>(AttributeType::Fingerprint));
        }
        EXPECT_EQ(counted, 4u);
        ASSERT_TRUE(view->get<attr::Username>());
        EXPECT_EQ(view->get<attr::Username>()->value, "alice");
    }
}

// ---------------------------------------------------------------------------------------------------
// Padding and reserved bytes are written as zeros, whatever the buffer held before.

TEST(AttributesPadding, BuilderWritesZeros) {
    std::vector<std::uint8_t> buffer(512, 0xAA);
    const auto d1 = pattern(1);
    const auto d2 = pattern(2);
    const auto d3 = pattern(3);
    const auto params = pattern(1);
    const std::uint16_t unknown[] = {0x0031};
    MessageBuilder builder(buffer, {Method::Send, MessageClass::Indication}, kTx);
    builder.add(attr::Data{d1}).add(attr::Data{d2}).add(attr::Padding{d3});
    builder.add(attr::Username{"abcde"}).add(attr::EvenPort{true}).add(attr::UnknownAttributes::of(unknown));
    builder.add(attr::ErrorCode::of(ErrorCode::BadRequest)).add(attr::PasswordAlgorithm{{0x0001, params}});
    builder.add(attr::ChannelNumber{0x4000}).add(attr::RequestedTransport{}).add(attr::ResponsePort{3478});
    builder.add(attr::RequestedAddressFamily{}).add(attr::Icmp{3, 1, 0}).add(attr::ErrorCode{400, ""});
    ASSERT_TRUE(builder.ok());

    const auto message = builder.bytes();
    const auto view = MessageView::parse(message);
    ASSERT_TRUE(view.ok()) << to_string(view.error());
    std::size_t attributes = 0;
    for (const RawAttribute a : view->attributes()) {
        ++attributes;
        SCOPED_TRACE(attribute_name(a.type));
        const auto pad = message.subspan(a.offset + kAttributeHeaderSize + a.value.size(),
                                         padded4(a.value.size()) - a.value.size());
        EXPECT_TRUE(std::all_of(pad.begin(), pad.end(), [](std::uint8_t b) { return b == 0; }));
    }
    EXPECT_EQ(attributes, 14u);
    // No byte of the old buffer contents survives anywhere in the message (reserved fields included):
    // none of the values written contains 0xAA.
    EXPECT_EQ(std::count(message.begin(), message.end(), 0xAA), 0);
}

// ---------------------------------------------------------------------------------------------------
// Decoders refuse values of the wrong length.

struct LengthCase {
    const char* name;
    bool (*decodes)(std::span<const std::uint8_t>);
    std::vector<std::size_t> accepted;
};

template <class A>
bool decodes(std::span<const std::uint8_t> v) {
    return A::decode(v, kTx).has_value();
}

class AttributesDecodeLength : public ::testing::TestWithParam<LengthCase> {};

TEST_P(AttributesDecodeLength, OnlyTheFixedSizes) {
    const LengthCase& c = GetParam();
    const std::vector<std::uint8_t> zeros(40, 0);
    for (std::size_t n = 0; n <= zeros.size(); ++n) {
        const bool accepted = std::ranges::find(c.accepted, n) != c.accepted.end();
        EXPECT_EQ(c.decodes(std::span(zeros).first(n)), accepted) << "length " << n;
    }
}

INSTANTIATE_TEST_SUITE_P(
    AttributesFixedSize, AttributesDecodeLength,
    ::testing::Values(LengthCase{"Lifetime", &decodes<attr::Lifetime>, {4}},
                      LengthCase{"ConnectionId", &decodes<attr::ConnectionId>, {4}},
                      LengthCase{"Priority", &decodes<attr::Priority>, {4}},
                      LengthCase{"IceControlled", &decodes<attr::IceControlled>, {8}},
                      LengthCase{"IceControlling", &decodes<attr::IceControlling>, {8}},
                      LengthCase{"DontFragment", &decodes<attr::DontFragment>, {0}},
                      LengthCase{"UseCandidate", &decodes<attr::UseCandidate>, {0}},
                      LengthCase{"ChannelNumber", &decodes<attr::ChannelNumber>, {4}},
                      LengthCase{"RequestedTransport", &decodes<attr::RequestedTransport>, {4}},
                      LengthCase{"RequestedAddressFamily", &decodes<attr::RequestedAddressFamily>, {4}},
                      LengthCase{"AdditionalAddressFamily", &decodes<attr::AdditionalAddressFamily>, {4}},
                      LengthCase{"EvenPort", &decodes<attr::EvenPort>, {1}},
                      LengthCase{"Icmp", &decodes<attr::Icmp>, {8}},
                      LengthCase{"ChangeRequest", &decodes<attr::ChangeRequest>, {4}},
                      LengthCase{"ResponsePort", &decodes<attr::ResponsePort>, {2, 4}},  // bare port accepted too
                      LengthCase{"ReservationToken", &decodes<attr::ReservationToken>, {8}},
                      LengthCase{"Userhash", &decodes<attr::Userhash>, {32}}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(AttributesDecodeLengthAddress, LengthMustMatchFamily) {
    const auto decodes_as = [](std::uint8_t family, std::size_t length) {
        std::vector<std::uint8_t> v(length, 0);
        if (length > 1) v[1] = family;
        return attr::MappedAddress::decode(v, kTx).has_value() && attr::XorMappedAddress::decode(v, kTx).has_value();
    };
    for (std::size_t n = 0; n <= 24; ++n) {
        EXPECT_EQ(decodes_as(0x01, n), n == 8) << n;
        EXPECT_EQ(decodes_as(0x02, n), n == 20) << n;
        EXPECT_FALSE(decodes_as(0x00, n)) << n;
        EXPECT_FALSE(decodes_as(0x03, n)) << n;
    }
}

TEST(AttributesDecodeLengthMessage, MalformedValueIsPresentButNotDecoded) {
    std::vector<std::uint8_t> buffer(64);
    MessageBuilder builder(buffer, kRequest, kTx);
    builder.reserve(static_cast<std::uint16_t>(AttributeType::Lifetime), 3);
    ASSERT_TRUE(builder.ok());
    const auto view = MessageView::parse(builder.bytes());
    ASSERT_TRUE(view.ok()) << to_string(view.error());
    EXPECT_TRUE(view->has(AttributeType::Lifetime));
    EXPECT_FALSE(view->get<attr::Lifetime>().has_value());
}

// ---------------------------------------------------------------------------------------------------
// Message type: 12-bit method and 2-bit class interleaved (RFC 8489 §5).

// The Method enumerators, found as the values method_name() knows (its switch names every one).
std::vector<Method> all_methods() {
    std::vector<Method> methods;
    for (std::uint16_t m = 0; m <= 0xFFF; ++m)
        if (method_name(static_cast<Method>(m)) != "Unknown") methods.push_back(static_cast<Method>(m));
    return methods;
}

constexpr MessageClass kClasses[] = {MessageClass::Request, MessageClass::Indication, MessageClass::SuccessResponse,
                                     MessageClass::ErrorResponse};

TEST(MessageTypeCodec, EveryMethodAndClassRoundTrips) {
    const auto methods = all_methods();
    EXPECT_EQ(methods.size(), 10u);
    std::set<std::uint16_t> seen;
    for (const Method method : methods) {
        for (const MessageClass cls : kClasses) {
            const MessageType type{method, cls};
            SCOPED_TRACE(testing::PrintToString(type));
            const std::uint16_t wire = type.encode();
            EXPECT_EQ(wire & 0xC000, 0);  // the top two bits tell STUN from other protocols
            EXPECT_EQ(MessageType::decode(wire), type);
            EXPECT_TRUE(seen.insert(wire).second) << "two types share 0x" << std::hex << wire;

            // And through a real message.
            std::vector<std::uint8_t> buffer(kHeaderSize);
            MessageBuilder builder(buffer, type, kTx);
            const auto view = MessageView::parse(builder.bytes());
            ASSERT_TRUE(view.ok()) << to_string(view.error());
            EXPECT_EQ(view->type(), type);
            EXPECT_EQ(view->method(), method);
            EXPECT_EQ(view->message_class(), cls);
            EXPECT_EQ(load_be16(builder.bytes().data()), wire);
        }
    }
}

TEST(MessageTypeCodec, DecodeEncodeIsTheIdentityOn14Bits) {
    for (std::uint16_t t = 0; t < 0x4000; ++t) ASSERT_EQ(MessageType::decode(t).encode(), t) << std::hex << t;
}

struct KnownType {
    std::uint16_t wire;
    MessageType type;
};

class MessageTypeKnownValues : public ::testing::TestWithParam<KnownType> {};

TEST_P(MessageTypeKnownValues, EncodesAndDecodes) {
    const KnownType k = GetParam();
    EXPECT_EQ(k.type.encode(), k.wire);
    EXPECT_EQ(MessageType::decode(k.wire), k.type);
}

INSTANTIATE_TEST_SUITE_P(
    MessageTypeRfc, MessageTypeKnownValues,
    ::testing::Values(KnownType{0x0001, {Method::Binding, MessageClass::Request}},
                      KnownType{0x0011, {Method::Binding, MessageClass::Indication}},
                      KnownType{0x0101, {Method::Binding, MessageClass::SuccessResponse}},
                      KnownType{0x0111, {Method::Binding, MessageClass::ErrorResponse}},
                      KnownType{0x0003, {Method::Allocate, MessageClass::Request}},
                      KnownType{0x0103, {Method::Allocate, MessageClass::SuccessResponse}},
                      KnownType{0x0113, {Method::Allocate, MessageClass::ErrorResponse}},
                      KnownType{0x0004, {Method::Refresh, MessageClass::Request}},
                      KnownType{0x0016, {Method::Send, MessageClass::Indication}},
                      KnownType{0x0017, {Method::Data, MessageClass::Indication}},
                      KnownType{0x0008, {Method::CreatePermission, MessageClass::Request}},
                      KnownType{0x0009, {Method::ChannelBind, MessageClass::Request}},
                      KnownType{0x000A, {Method::Connect, MessageClass::Request}},
                      KnownType{0x000B, {Method::ConnectionBind, MessageClass::Request}},
                      KnownType{0x001C, {Method::ConnectionAttempt, MessageClass::Indication}}),
    [](const auto& p) {
        std::string name(method_name(p.param.type.method));
        for (const char c : class_name(p.param.type.cls))
            if (c != ' ') name.push_back(c);
        return name;
    });

}  // namespace
