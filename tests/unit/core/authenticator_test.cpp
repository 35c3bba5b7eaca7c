// The long-term credential mechanism (RFC 8489 §9.2) as the core applies it to TURN requests: the 401
// challenge, the checks in order (missing attributes, nonce, password algorithms, user, integrity),
// static users, TURN REST credentials, SHA-256 keys and integrity, USERHASH, and RFC 5389 clients.

#include <array>

#include "core_harness.hpp"
#include "protocol/nonce_cookie.hpp"

namespace tern::server::test {
namespace {

using protocol::AttributeType;

constexpr auto kPasswordAlgorithmsType = static_cast<std::uint16_t>(AttributeType::PasswordAlgorithms);

// An Allocate request carrying MESSAGE-INTEGRITY but lacking `missing` (USERNAME, REALM or NONCE).
std::vector<std::uint8_t> allocate_missing(CoreHarness& h, const TestClient& c, AttributeType missing) {
    std::array<std::uint8_t, 512> buffer{};
    protocol::MessageBuilder b(buffer, {Method::Allocate, protocol::MessageClass::Request}, h.new_transaction_id());
    b.add(udp_transport());
    if (missing != AttributeType::Username) b.add(attr::Username{c.username});
    if (missing != AttributeType::Realm) b.add(attr::Realm{c.realm});
    if (missing != AttributeType::Nonce) b.add(attr::Nonce{c.nonce});
    b.add_message_integrity(c.key());
    return {b.bytes().begin(), b.bytes().end()};
}

bool is_signed(const Reply& r) {
    return r.has(AttributeType::MessageIntegrity) || r.has(AttributeType::MessageIntegritySha256);
}

// Learns realm and nonce from a first, unauthenticated Allocate, as every client starts.
void challenge(TestClient& c) { ASSERT_TRUE(c.learn(c.unauthenticated(Method::Allocate, udp_transport()))); }

TEST(CoreAuth, ChallengeCarriesRealmNonceAndBothAlgorithms) {
    CoreHarness h;
    auto c = h.client(1);
    const Reply r = c.unauthenticated(Method::Allocate, udp_transport());

    EXPECT_TRUE(r.is(Method::Allocate, protocol::MessageClass::ErrorResponse));
    EXPECT_EQ(r.code(), 401);
    ASSERT_TRUE(r.get<attr::Realm>());
    EXPECT_EQ(r.get<attr::Realm>()->value, kRealm);

    // The RFC 8489 nonce cookie tells the client that PASSWORD-ALGORITHMS and USERHASH are understood,
    // so a downgrade to the RFC 5389 mechanism would be noticed.
    const auto nonce = r.get<attr::Nonce>();
    ASSERT_TRUE(nonce);
    EXPECT_TRUE(nonce->value.starts_with("obMatJos2")) << nonce->value;
    const auto features = protocol::parse_nonce_cookie(nonce->value);
    ASSERT_TRUE(features);
    EXPECT_TRUE(features->password_algorithms());
    EXPECT_TRUE(features->username_anonymity());

    const auto algorithms = r.get<attr::PasswordAlgorithms>();
    ASSERT_TRUE(algorithms);
    ASSERT_EQ(algorithms->count, 2u);
    EXPECT_EQ(algorithms->entries[0].algorithm, static_cast<std::uint16_t>(attr::PasswordAlgorithmId::Md5));
    EXPECT_EQ(algorithms->entries[1].algorithm, static_cast<std::uint16_t>(attr::PasswordAlgorithmId::Sha256));
    EXPECT_TRUE(algorithms->entries[0].parameters.empty());
    EXPECT_TRUE(algorithms->entries[1].parameters.empty());

    // There is no key yet to sign with.
    EXPECT_FALSE(is_signed(r));
    // The challenge is the normal first step of every exchange: counted, but not worth an event.
    EXPECT_EQ(h.auth_failures(AuthFailureReason::NoCredentials), 1u);
    EXPECT_EQ(h.io.count(EventKind::AuthFailed), 0u);
    EXPECT_EQ(h.server.allocation_count(), 0u);
}

TEST(CoreAuth, Rfc5389ClientWithMessageIntegrityOnlyIsAccepted) {
    CoreHarness h;
    auto c = h.client(1, kAlice, kAlicePassword, AuthStyle::Classic);
    const Reply r = c.allocate();  // request() verifies the answer's MESSAGE-INTEGRITY with the MD5 key
    EXPECT_EQ(r.code(), 0);
    EXPECT_TRUE(r.has(AttributeType::MessageIntegrity));
    EXPECT_FALSE(r.has(AttributeType::MessageIntegritySha256));
    EXPECT_EQ(h.server.allocation_count(), 1u);
}

TEST(CoreAuth, NegotiatedMd5IsAccepted) {
    CoreHarness h;
    auto c = h.client(1, kAlice, kAlicePassword, AuthStyle::Md5Negotiated);
    EXPECT_EQ(c.allocate().code(), 0);
}

TEST(CoreAuth, Sha256KeyAndIntegrityAreAcceptedAndTheAnswerIsSignedTheSameWay) {
    CoreHarness h;
    auto c = h.client(1, kAlice, kAlicePassword, AuthStyle::Sha256);
    const Reply r = c.allocate();
    EXPECT_EQ(r.code(), 0);
    EXPECT_TRUE(r.has(AttributeType::MessageIntegritySha256));
    EXPECT_FALSE(r.has(AttributeType::MessageIntegrity));
    EXPECT_TRUE(c.verifies(r));
}

TEST(CoreAuth, ErrorAnswersAfterAuthenticationAreSignedToo) {
    CoreHarness h;
    auto c = h.client(1, kAlice, kAlicePassword, AuthStyle::Sha256);
    const Reply r = c.request(Method::Allocate);  // no REQUESTED-TRANSPORT
    EXPECT_EQ(r.code(), 400);
    EXPECT_TRUE(c.verifies(r));
}

TEST(CoreAuth, MissingUsernameRealmOrNonceIs400) {
    CoreHarness h;
    auto c = h.client(1);
    challenge(c);
    for (const auto missing : {AttributeType::Username, AttributeType::Realm, AttributeType::Nonce}) {
        SCOPED_TRACE(protocol::attribute_name(static_cast<std::uint16_t>(missing)));
        const Reply r = h.exchange(c.tuple, allocate_missing(h, c, missing));
        EXPECT_EQ(r.code(), 400);
        EXPECT_FALSE(is_signed(r));
    }
    EXPECT_EQ(h.auth_failures(AuthFailureReason::MissingAttributes), 3u);
    EXPECT_EQ(h.server.allocation_count(), 0u);
}

TEST(CoreAuth, NonceGoesStaleAfterItsLifetimeAnd438CarriesAFreshOne) {
    CoreHarness h;
    auto c = h.client(1);
    challenge(c);
    const std::string first_nonce = c.nonce;

    h.advance(h.config().nonce_lifetime);
    const Reply stale = c.signed_once(Method::Allocate, udp_transport());
    EXPECT_EQ(stale.code(), 438);
    EXPECT_FALSE(is_signed(stale));
    EXPECT_EQ(h.auth_failures(AuthFailureReason::StaleNonce), 1u);
    EXPECT_EQ(h.server.allocation_count(), 0u);

    // The 438 is a challenge of its own: the client retries with the nonce it carries.
    ASSERT_TRUE(c.learn(stale));
    EXPECT_NE(c.nonce, first_nonce);
    const Reply retried = c.signed_once(Method::Allocate, udp_transport());
    EXPECT_EQ(retried.code(), 0);
    EXPECT_TRUE(c.verifies(retried));
}

TEST(CoreAuth, NonceIsStillValidJustBeforeItsLifetimeEnds) {
    CoreHarness h;
    auto c = h.client(1);
    challenge(c);
    h.advance(h.config().nonce_lifetime - 1s);
    EXPECT_EQ(c.signed_once(Method::Allocate, udp_transport()).code(), 0);
}

TEST(CoreAuth, ForgedNonceIs438) {
    CoreHarness h;
    auto c = h.client(1);
    challenge(c);
    c.nonce.back() = c.nonce.back() == '0' ? '1' : '0';  // one hex digit of the MAC changed
    const Reply r = c.signed_once(Method::Allocate, udp_transport());
    EXPECT_EQ(r.code(), 438);
    EXPECT_FALSE(is_signed(r));
    EXPECT_EQ(h.auth_failures(AuthFailureReason::ForgedNonce), 1u);
}

TEST(CoreAuth, NonceIssuedToAnotherClientAddressIsRefused) {
    // Nonces are bound to the client's transport address: one seen on the wire cannot be replayed
    // from elsewhere.
    CoreHarness h;
    auto first = h.client(1);
    challenge(first);
    auto second = h.client(2);
    second.realm = first.realm;
    second.nonce = first.nonce;
    EXPECT_EQ(second.signed_once(Method::Allocate, udp_transport()).code(), 438);
    EXPECT_EQ(h.auth_failures(AuthFailureReason::ForgedNonce), 1u);
}

TEST(CoreAuth, UnknownUserIs401) {
    CoreHarness h;
    auto c = h.client(1, "mallory", "guess");
    const Reply r = c.allocate();
    EXPECT_EQ(r.code(), 401);
    // A new challenge, so a client with fixed credentials can tell a typo from a stale nonce.
    EXPECT_TRUE(r.get<attr::Nonce>());
    EXPECT_EQ(h.auth_failures(AuthFailureReason::UnknownUser), 1u);
    const RecordedEvent* e = h.io.last(EventKind::AuthFailed);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->username, "mallory");
    EXPECT_EQ(e->detail, to_string(AuthFailureReason::UnknownUser));
}

TEST(CoreAuth, WrongPasswordIs401BadIntegrity) {
    CoreHarness h;
    auto c = h.client(1, kAlice, "not-alices-password");
    EXPECT_EQ(c.allocate().code(), 401);
    EXPECT_EQ(h.auth_failures(AuthFailureReason::BadIntegrity), 1u);
    EXPECT_EQ(h.server.allocation_count(), 0u);
}

TEST(CoreAuth, OtherRealmIs401) {
    CoreHarness h;
    auto c = h.client(1);
    challenge(c);
    c.realm = "elsewhere.test";  // key and REALM both from the wrong realm
    EXPECT_EQ(c.signed_once(Method::Allocate, udp_transport()).code(), 401);
    EXPECT_EQ(h.server.allocation_count(), 0u);
}

TEST(CoreAuth, RestCredentialIsAccepted) {
    CoreHarness h;
    const std::string user = rest_username(kStartUnix + 3600);
    for (const auto style : {AuthStyle::Classic, AuthStyle::Sha256}) {
        auto c = h.client(style == AuthStyle::Classic ? 1 : 2, user, rest_password(user), style);
        EXPECT_EQ(c.allocate().code(), 0);
    }
    EXPECT_EQ(h.server.allocation_count(), 2u);
}

TEST(CoreAuth, ExpiredRestCredentialIs401) {
    CoreHarness h;
    // Expiry is inclusive: a credential whose time has come is no longer valid.
    for (const std::int64_t expiry : {kStartUnix - 3600, kStartUnix}) {
        const std::string user = rest_username(expiry);
        auto c = h.client(1, user, rest_password(user));
        EXPECT_EQ(c.allocate().code(), 401) << user;
    }
    EXPECT_EQ(h.auth_failures(AuthFailureReason::Expired), 2u);
    EXPECT_EQ(h.server.allocation_count(), 0u);
}

TEST(CoreAuth, RestCredentialSignedWithAnotherSecretIs401) {
    CoreHarness h;
    const std::string user = rest_username(kStartUnix + 3600);
    auto c = h.client(1, user, rest_password(user, "some-other-secret"));
    EXPECT_EQ(c.allocate().code(), 401);
    EXPECT_EQ(h.auth_failures(AuthFailureReason::BadIntegrity), 1u);
}

TEST(CoreAuth, PasswordAlgorithmsDifferentFromTheOfferIs400) {
    // RFC 8489 §9.2.4: the client must echo the list it was offered; anything else may be a downgrade.
    CoreHarness h;
    auto c = h.client(1, kAlice, kAlicePassword, AuthStyle::Sha256);
    challenge(c);
    const std::vector<std::uint8_t> offered = c.offered_algorithms;

    const std::vector<std::vector<std::uint8_t>> tampered = {
        {0x00, 0x02, 0x00, 0x00},                          // SHA-256 only
        {0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00},  // both, reordered
        {0x00, 0x01, 0x00, 0x00},                          // MD5 only
    };
    for (const auto& list : tampered) {
        c.offered_algorithms = list;
        const Reply r = c.signed_once(Method::Allocate, udp_transport());
        EXPECT_EQ(r.code(), 400);
        EXPECT_FALSE(is_signed(r));
    }
    EXPECT_EQ(h.auth_failures(AuthFailureReason::BadPasswordAlgorithm), tampered.size());

    c.offered_algorithms = offered;
    EXPECT_EQ(c.signed_once(Method::Allocate, udp_transport()).code(), 0);
}

TEST(CoreAuth, PasswordAlgorithmsWithoutAChoiceIs400) {
    CoreHarness h;
    auto c = h.client(1, kAlice, kAlicePassword, AuthStyle::Classic);
    challenge(c);
    // The list echoed, but no PASSWORD-ALGORITHM picked from it.
    const RawAttr echoed{kPasswordAlgorithmsType, c.offered_algorithms};
    const Reply r = c.signed_once(Method::Allocate, udp_transport(), echoed);
    EXPECT_EQ(r.code(), 400);
    EXPECT_EQ(h.auth_failures(AuthFailureReason::BadPasswordAlgorithm), 1u);
}

TEST(CoreAuth, ChosenAlgorithmOutsideTheListIs400) {
    CoreHarness h;
    auto c = h.client(1, kAlice, kAlicePassword, AuthStyle::Classic);
    challenge(c);
    const RawAttr echoed{kPasswordAlgorithmsType, c.offered_algorithms};
    const Reply r = c.signed_once(Method::Allocate, udp_transport(), echoed, attr::PasswordAlgorithm{{0x0003, {}}});
    EXPECT_EQ(r.code(), 400);
}

TEST(CoreAuth, UserhashLogsInAStaticUser) {
    CoreHarness h;
    auto c = h.client(1, kAlice, kAlicePassword, AuthStyle::Userhash);
    EXPECT_EQ(c.allocate().code(), 0);
    // The allocation belongs to alice: a Refresh by name on the same 5-tuple is hers.
    auto by_name = h.client(1, kAlice, kAlicePassword);
    EXPECT_EQ(by_name.refresh().code(), 0);
}

TEST(CoreAuth, UserhashOfARestUsernameIsUnknown) {
    // An ephemeral username cannot be recovered from its hash: only static users may hide their name.
    CoreHarness h;
    const std::string user = rest_username(kStartUnix + 3600);
    auto c = h.client(1, user, rest_password(user), AuthStyle::Userhash);
    EXPECT_EQ(c.allocate().code(), 401);
    EXPECT_EQ(h.auth_failures(AuthFailureReason::UnknownUser), 1u);
}

TEST(CoreAuth, FailuresAreCountedByReasonAndReported) {
    CoreHarness h;
    auto wrong = h.client(1, kAlice, "wrong");
    auto unknown = h.client(2, "nobody", "x");
    auto good = h.client(3);
    EXPECT_EQ(wrong.allocate().code(), 401);
    EXPECT_EQ(wrong.allocate().code(), 401);  // with the nonce it already has: no second challenge
    EXPECT_EQ(unknown.allocate().code(), 401);
    EXPECT_EQ(good.allocate().code(), 0);

    EXPECT_EQ(h.auth_failures(AuthFailureReason::NoCredentials), 3u);  // one challenge per client
    EXPECT_EQ(h.auth_failures(AuthFailureReason::BadIntegrity), 2u);
    EXPECT_EQ(h.auth_failures(AuthFailureReason::UnknownUser), 1u);
    EXPECT_EQ(h.auth_failures(AuthFailureReason::StaleNonce), 0u);

    // Every real failure is an event naming the claimed user and the reason; challenges are not.
    ASSERT_EQ(h.io.count(EventKind::AuthFailed), 3u);
    std::vector<std::pair<std::string, std::string>> seen;
    for (const auto& e : h.io.events)
        if (e.kind == EventKind::AuthFailed) seen.emplace_back(e.username, e.detail);
    const std::string bad(to_string(AuthFailureReason::BadIntegrity));
    const std::string unknown_user(to_string(AuthFailureReason::UnknownUser));
    EXPECT_EQ(seen[0], std::make_pair(std::string(kAlice), bad));
    EXPECT_EQ(seen[1], std::make_pair(std::string(kAlice), bad));
    EXPECT_EQ(seen[2], std::make_pair(std::string("nobody"), unknown_user));
    EXPECT_TRUE(h.io.events.back().client == good.tuple);  // then alice's allocation on client 3
}

TEST(CoreAuth, AnswersCarryFingerprintWhenTheRequestDid) {
    CoreHarness h;
    auto c = h.client(1);
    c.fingerprint = true;
    const Reply r = c.allocate();
    EXPECT_EQ(r.code(), 0);
    EXPECT_TRUE(r.has(AttributeType::Fingerprint));  // parse() already checked its value
}

}  // namespace
}  // namespace tern::server::test
