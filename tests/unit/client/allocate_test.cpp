// Allocation against the real sans-I/O server core: the 401 exchange with SHA-256 and MD5, the
// RFC 5389 exchange with a server that offers no algorithm list, refused credentials, TURN REST
// shared secrets, forged answers, and the Allocate timeout over UDP and TCP.

#include <array>

#include "client_world.hpp"
#include "protocol/attributes/all.hpp"
#include "protocol/credentials.hpp"
#include "protocol/integrity.hpp"
#include "protocol/message_builder.hpp"
#include "protocol/nonce_cookie.hpp"

namespace tern::client::test {
namespace {

namespace attr = protocol::attr;
using protocol::AttributeType;
using protocol::MessageClass;

TEST(ClientAllocate, ChallengeThenSha256WhenOffered) {
    World w;
    Endpoint& c = w.add_client(1);
    w.allocate(c);

    const auto* allocated = c.last(ClientEventKind::Allocated);
    ASSERT_NE(allocated, nullptr);
    EXPECT_EQ(allocated->allocation.relayed.ip, ip(kRelayIp));
    EXPECT_TRUE(w.relay_open(allocated->allocation.relayed));
    EXPECT_EQ(allocated->allocation.mapped, c.tuple.client);
    EXPECT_EQ(allocated->allocation.lifetime, 600s);
    EXPECT_EQ(c.core.allocation().relayed, allocated->allocation.relayed);
    EXPECT_EQ(w.server().allocation_count(), 1u);

    // Unauthenticated first, then signed: SHA-256, with the offered list echoed.
    const auto allocates = c.requests(Method::Allocate);
    ASSERT_EQ(allocates.size(), 2u);
    const auto first = allocates[0]->view();
    EXPECT_FALSE(first->has(AttributeType::Username));
    EXPECT_FALSE(first->message_integrity_offset());
    EXPECT_TRUE(first->fingerprint_offset());
    const auto second = allocates[1]->view();
    EXPECT_NE(first->transaction_id(), second->transaction_id());
    EXPECT_EQ(second->get<attr::Username>()->value, kAlice);
    EXPECT_EQ(second->get<attr::Realm>()->value, kRealm);
    EXPECT_TRUE(second->has(AttributeType::PasswordAlgorithms));
    EXPECT_EQ(second->get<attr::PasswordAlgorithm>()->entry.algorithm,
              static_cast<std::uint16_t>(attr::PasswordAlgorithmId::Sha256));
    EXPECT_TRUE(second->message_integrity_sha256_offset());
    EXPECT_FALSE(second->message_integrity_offset());
    EXPECT_TRUE(second->fingerprint_offset());
    EXPECT_EQ(c.core.authentication().algorithm(), auth::PasswordAlgorithm::Sha256);
    EXPECT_EQ(w.error_codes_to_clients, std::vector<std::uint16_t>{401});
}

TEST(ClientAllocate, Md5FromTheListWhenSha256IsNotPreferred) {
    World w;
    auto config = World::client_config();
    config.options.prefer_sha256 = false;
    Endpoint& c = w.add_client(1, config);
    w.allocate(c);
    const auto signed_request = c.requests(Method::Allocate).back()->view();
    EXPECT_EQ(signed_request->get<attr::PasswordAlgorithm>()->entry.algorithm,
              static_cast<std::uint16_t>(attr::PasswordAlgorithmId::Md5));
    EXPECT_TRUE(signed_request->message_integrity_offset());
    EXPECT_FALSE(signed_request->message_integrity_sha256_offset());
    EXPECT_EQ(c.core.authentication().algorithm(), auth::PasswordAlgorithm::Md5);
}

TEST(ClientAllocate, RequestedLifetimeAndSoftwareAreSent) {
    World w;
    auto config = World::client_config();
    config.options.requested_lifetime = 1200s;
    config.options.software = "tern-client-test";
    Endpoint& c = w.add_client(1, config);
    w.allocate(c);
    EXPECT_EQ(c.core.allocation().lifetime, 1200s);
    const auto request = c.requests(Method::Allocate).back()->view();
    EXPECT_EQ(request->get<attr::Lifetime>()->value, 1200u);
    EXPECT_EQ(request->get<attr::Software>()->value, "tern-client-test");
}

TEST(ClientAllocate, WrongPasswordIsAnAuthenticationError) {
    World w;
    Endpoint& c = w.add_client(1, World::client_config(ServerTransport::Udp, kAlice, "not-the-password"));
    w.start(c);
    EXPECT_EQ(c.core.state(), ClientState::Failed);
    const auto* error = c.last(ClientEventKind::Error);
    ASSERT_NE(error, nullptr);
    EXPECT_EQ(error->error, ClientErrorKind::AuthenticationFailed);
    EXPECT_EQ(error->code, 401);
    EXPECT_EQ(c.requests(Method::Allocate).size(), 2u);  // no third try
    EXPECT_EQ(c.core.next_timer(), std::nullopt);
    EXPECT_EQ(w.server().allocation_count(), 0u);
}

TEST(ClientAllocate, SharedSecretCredentials) {
    World w;
    auto config = World::client_config();
    config.credentials = Credentials::from_shared_secret(kSecret, "user42", w.clock.unix_now(), 3600s);
    EXPECT_EQ(config.credentials.username, std::to_string(kStartUnix + 3600) + ":user42");
    EXPECT_EQ(config.credentials.expires_unix, kStartUnix + 3600);
    EXPECT_EQ(config.credentials.password, protocol::turn_rest_password(kSecret, config.credentials.username));
    Endpoint& c = w.add_client(1, config);
    w.allocate(c);
    EXPECT_EQ(w.server().allocation_count(), 1u);
}

TEST(ClientAllocate, ExpiredSharedSecretCredentialsAreRefused) {
    World w;
    auto config = World::client_config();
    config.credentials = Credentials::from_shared_secret(kSecret, "user42", w.clock.unix_now() - 7200, 3600s);
    Endpoint& c = w.add_client(1, config);
    w.start(c);
    ASSERT_NE(c.last(ClientEventKind::Error), nullptr);
    EXPECT_EQ(c.last(ClientEventKind::Error)->error, ClientErrorKind::AuthenticationFailed);
}

TEST(ClientAllocate, ForgedSuccessIsIgnoredAndTheRetransmissionCompletes) {
    World w;
    Endpoint& c = w.add_client(1);
    // Lose the server's success answer; put a forgery with the right transaction id in its place.
    w.drop = [&](const server::FiveTuple&, std::span<const std::uint8_t> bytes, bool to_server) {
        if (to_server) return false;
        const auto v = protocol::MessageView::parse(bytes);
        return v && v->message_class() == MessageClass::SuccessResponse;
    };
    w.start(c);
    ASSERT_EQ(c.core.state(), ClientState::Allocating);
    const auto request = c.requests(Method::Allocate).back()->view();
    std::array<std::uint8_t, 512> buffer{};
    protocol::MessageBuilder forged(buffer, {Method::Allocate, MessageClass::SuccessResponse}, request->transaction_id());
    forged.add(attr::XorRelayedAddress{ta("6.6.6.6:6666")});
    forged.add(attr::Lifetime{600});
    const std::array<std::uint8_t, 32> wrong_key{};
    forged.add_message_integrity_sha256(wrong_key);
    c.core.on_bytes_from_server(forged.bytes(), w.clock.now());
    EXPECT_EQ(c.core.state(), ClientState::Allocating);

    w.drop = nullptr;
    w.run_for(500ms);  // the retransmission; the server answers it from its response cache
    EXPECT_EQ(c.core.state(), ClientState::Allocated);
    EXPECT_EQ(w.server().stats().retransmissions_answered, 1u);
    EXPECT_EQ(c.core.allocation().relayed.ip, ip(kRelayIp));
}

// ---- a hand-written server, for exchanges the real core never produces ---------------------------------

std::vector<std::uint8_t> challenge(const protocol::MessageView& request, std::string_view nonce, bool with_list) {
    std::array<std::uint8_t, 512> buffer{};
    protocol::MessageBuilder b(buffer, {request.method(), MessageClass::ErrorResponse}, request.transaction_id());
    b.add(attr::ErrorCode::of(protocol::ErrorCode::Unauthorized));
    b.add(attr::Realm{"example.org"});
    b.add(attr::Nonce{nonce});
    if (with_list) {
        attr::PasswordAlgorithms list;
        list.entries[0] = {static_cast<std::uint16_t>(attr::PasswordAlgorithmId::Md5), {}};
        list.count = 1;
        b.add(list);
    }
    const auto bytes = b.bytes();
    return {bytes.begin(), bytes.end()};
}

TEST(ClientAllocate, ServerWithoutPasswordAlgorithmsGetsTheRfc5389Exchange) {
    World w;
    w.drop = [](const server::FiveTuple&, std::span<const std::uint8_t>, bool) { return true; };  // no real server
    Endpoint& c = w.add_client(1);
    w.start(c);
    c.core.on_bytes_from_server(challenge(*c.sent.back().view(), "plain-nonce", false), w.clock.now());

    const auto request = c.sent.back().view();
    ASSERT_TRUE(request);
    EXPECT_EQ(c.requests(Method::Allocate).size(), 2u);
    EXPECT_FALSE(request->has(AttributeType::PasswordAlgorithms));
    EXPECT_FALSE(request->has(AttributeType::PasswordAlgorithm));
    EXPECT_FALSE(request->message_integrity_sha256_offset());
    EXPECT_EQ(request->get<attr::Nonce>()->value, "plain-nonce");
    const auto key = protocol::long_term_key_md5(kAlice, "example.org", kAlicePassword);
    EXPECT_EQ(protocol::check_message_integrity(*request, key), protocol::IntegrityCheck::Valid);

    // A success signed with that key completes the allocation.
    std::array<std::uint8_t, 512> buffer{};
    protocol::MessageBuilder ok(buffer, {Method::Allocate, MessageClass::SuccessResponse}, request->transaction_id());
    ok.add(attr::XorRelayedAddress{ta("9.9.9.9:40000")});
    ok.add(attr::XorMappedAddress{c.tuple.client});
    ok.add(attr::Lifetime{300});
    ok.add_message_integrity(key);
    c.core.on_bytes_from_server(ok.bytes(), w.clock.now());
    EXPECT_EQ(c.core.state(), ClientState::Allocated);
    EXPECT_EQ(c.core.allocation().relayed, ta("9.9.9.9:40000"));
    EXPECT_EQ(c.core.allocation().lifetime, 300s);
}

TEST(ClientAllocate, NonceCookieWithoutAlgorithmListIsADowngradeAndNotRetried) {
    World w;
    w.drop = [](const server::FiveTuple&, std::span<const std::uint8_t>, bool) { return true; };
    Endpoint& c = w.add_client(1);
    w.start(c);
    const auto cookie = protocol::make_nonce_cookie({protocol::SecurityFeatures::kPasswordAlgorithms});
    const std::string nonce = std::string(cookie.begin(), cookie.end()) + "rest-of-nonce";
    c.core.on_bytes_from_server(challenge(*c.sent.back().view(), nonce, false), w.clock.now());
    EXPECT_EQ(c.requests(Method::Allocate).size(), 1u);
    EXPECT_EQ(c.core.state(), ClientState::Failed);
    ASSERT_NE(c.last(ClientEventKind::Error), nullptr);
    EXPECT_EQ(c.last(ClientEventKind::Error)->error, ClientErrorKind::AuthenticationFailed);

    // With the list (MD5 only), the cookie is honoured: the retry names MD5.
    Endpoint& d = w.add_client(2);
    w.start(d);
    d.core.on_bytes_from_server(challenge(*d.sent.back().view(), nonce, true), w.clock.now());
    ASSERT_EQ(d.requests(Method::Allocate).size(), 2u);
    EXPECT_EQ(d.sent.back().view()->get<attr::PasswordAlgorithm>()->entry.algorithm,
              static_cast<std::uint16_t>(attr::PasswordAlgorithmId::Md5));
}

// ---- timeouts ---------------------------------------------------------------------------------------------

TEST(ClientAllocate, UdpRetransmitsSevenTimesThenTimesOutAt39_5s) {
    World w;
    w.drop = [](const server::FiveTuple&, std::span<const std::uint8_t>, bool) { return true; };
    Endpoint& c = w.add_client(1);
    w.start(c);
    w.run_for(39'499ms);
    EXPECT_EQ(c.core.state(), ClientState::Allocating);
    w.run_for(1ms);
    EXPECT_EQ(c.core.state(), ClientState::Failed);
    ASSERT_NE(c.last(ClientEventKind::Error), nullptr);
    EXPECT_EQ(c.last(ClientEventKind::Error)->error, ClientErrorKind::Timeout);

    const std::vector<std::chrono::milliseconds> expected = {0ms, 500ms, 1500ms, 3500ms, 7500ms, 15500ms, 31500ms};
    ASSERT_EQ(c.sent.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(c.sent[i].at - w.clock.start(), expected[i]) << "transmission " << i;
        EXPECT_EQ(c.sent[i].bytes, c.sent[0].bytes) << "a retransmission repeats the same bytes";
    }
}

TEST(ClientAllocate, TcpSendsOnceAndTimesOutAt39_5s) {
    World w;
    w.drop = [](const server::FiveTuple&, std::span<const std::uint8_t>, bool) { return true; };
    Endpoint& c = w.add_client(1, World::client_config(ServerTransport::Tcp));
    w.start(c);
    w.run_for(39'499ms);
    EXPECT_EQ(c.core.state(), ClientState::Allocating);
    w.run_for(1ms);
    EXPECT_EQ(c.core.state(), ClientState::Failed);
    EXPECT_EQ(c.sent.size(), 1u);
}

TEST(ClientAllocate, TcpAllocatesAgainstTheCore) {
    World w;
    Endpoint& c = w.add_client(1, World::client_config(ServerTransport::Tcp));
    w.allocate(c);
    EXPECT_EQ(c.core.allocation().mapped, c.tuple.client);
}

TEST(ClientAllocate, CommandsBeforeTheAllocationAreRefused) {
    World w;
    Endpoint& c = w.add_client(1);
    EXPECT_FALSE(c.core.create_permission(outside_peer().ip, w.clock.now()));
    EXPECT_EQ(c.core.bind_channel(outside_peer(), w.clock.now()), std::nullopt);
    EXPECT_EQ(c.core.send(outside_peer(), bytes_of("x")), SendResult::NotAllocated);
    EXPECT_EQ(c.core.next_timer(), std::nullopt);
    EXPECT_TRUE(c.sent.empty());
}

}  // namespace
}  // namespace tern::client::test
