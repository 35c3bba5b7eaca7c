// Allocate (RFC 8656 §7.1-7.2) and Binding (RFC 8489): the relayed address and lifetime granted, the
// retransmission rule, and every error the request can meet, in the order the RFC checks them.

#include <set>

#include "core_harness.hpp"

namespace tern::server::test {
namespace {

using protocol::AttributeType;
using protocol::MessageClass;

constexpr std::uint16_t kUnknownRequired = 0x7ABC;  // comprehension-required, unknown to every codec
constexpr std::uint16_t kUnknownOptional = 0xC0DE;  // comprehension-optional, ignored

bool in_range(const CoreConfig& c, std::uint16_t port) { return port >= c.relay_port_min && port <= c.relay_port_max; }

TEST(CoreAllocate, SucceedsWithTheAdvertisedRelayedAddressLifetimeAndMappedAddress) {
    CoreHarness h;
    auto c = h.client(1);
    const Reply r = c.allocate();  // request() has already verified the answer's integrity
    ASSERT_EQ(r.code(), 0);
    EXPECT_TRUE(r.is(Method::Allocate, MessageClass::SuccessResponse));

    // One relayed address, the external one; the socket itself is bound on the local relay IP.
    const auto relayed = r.relayed_addresses();
    ASSERT_EQ(relayed.size(), 1u);
    EXPECT_EQ(relayed[0].ip, ip(kRelay4Advertised));
    EXPECT_TRUE(in_range(h.config(), relayed[0].port)) << relayed[0].port;
    ASSERT_EQ(h.io.open.size(), 1u);
    EXPECT_EQ(h.io.open.begin()->second, (TransportAddress{ip(kRelay4Local), relayed[0].port}));

    EXPECT_EQ(r.lifetime(), 600u);
    ASSERT_TRUE(r.get<attr::XorMappedAddress>());
    EXPECT_EQ(r.get<attr::XorMappedAddress>()->address, c.tuple.client);
    EXPECT_EQ(r.get<attr::Software>()->value, "Tern");

    EXPECT_EQ(h.server.allocation_count(), 1u);
    EXPECT_EQ(h.server.stats().allocations_created, 1u);
    const RecordedEvent* e = h.io.last(EventKind::AllocationCreated);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->username, kAlice);
    EXPECT_TRUE(e->client == c.tuple);
    EXPECT_EQ(e->detail, relayed[0].to_string());
}

TEST(CoreAllocate, RequestedLifetimeIsKeptBetweenTheDefaultAndTheMaximum) {
    // RFC 8656 §7.2: min(requested, maximum), but never less than the default.
    const std::pair<std::uint32_t, std::uint32_t> cases[] = {
        {10, 600}, {599, 600}, {600, 600}, {1200, 1200}, {3600, 3600}, {5000, 3600}, {0xFFFFFFFF, 3600},
    };
    for (const auto& [asked, granted] : cases) {
        CoreHarness h;
        auto c = h.client(1);
        const Reply r = c.allocate(lifetime_attr(asked));
        ASSERT_EQ(r.code(), 0) << asked;
        EXPECT_EQ(r.lifetime(), granted) << "asked " << asked;
    }
}

TEST(CoreAllocate, RetransmissionGetsTheSameBytesAndNoSecondAllocation) {
    CoreHarness h;
    auto c = h.client(1);
    const Reply first = c.allocate();
    ASSERT_EQ(first.code(), 0);

    h.advance(2s);  // a client retransmits after its RTO
    const Reply again = c.retransmit();
    EXPECT_EQ(again.bytes(), first.bytes());
    EXPECT_EQ(h.server.allocation_count(), 1u);
    EXPECT_EQ(h.io.open.size(), 1u);
    EXPECT_EQ(h.server.stats().allocations_created, 1u);
    EXPECT_EQ(h.server.stats().retransmissions_answered, 1u);
}

TEST(CoreAllocate, RetransmissionAfterTheCachedAnswerExpiredStillSucceeds) {
    // The cached answer is gone, but the allocation remembers the transaction that created it, so a
    // late retransmission is not mistaken for a second Allocate (437).
    CoreHarness h;
    auto c = h.client(1);
    const Reply first = c.allocate();
    ASSERT_EQ(first.code(), 0);

    h.advance(h.config().response_cache_lifetime + 1s);
    const Reply again = c.retransmit();
    EXPECT_EQ(again.code(), 0);
    EXPECT_TRUE(c.verifies(again));
    EXPECT_EQ(again.relayed(), first.relayed());
    EXPECT_EQ(h.server.allocation_count(), 1u);
    EXPECT_EQ(h.io.open.size(), 1u);
}

TEST(CoreAllocate, NewTransactionOnALiveFiveTupleIs437) {
    CoreHarness h;
    auto c = h.client(1);
    ASSERT_EQ(c.allocate().code(), 0);
    EXPECT_EQ(c.allocate().code(), 437);
    EXPECT_EQ(h.server.allocation_count(), 1u);
    EXPECT_EQ(h.io.open.size(), 1u);
}

TEST(CoreAllocate, MissingRequestedTransportIs400) {
    CoreHarness h;
    auto c = h.client(1);
    EXPECT_EQ(c.request(Method::Allocate).code(), 400);
    EXPECT_EQ(h.server.allocation_count(), 0u);
}

TEST(CoreAllocate, MalformedRequestedTransportIs400) {
    CoreHarness h;
    auto c = h.client(1);
    const RawAttr short_value{static_cast<std::uint16_t>(AttributeType::RequestedTransport), {17}};
    EXPECT_EQ(c.request(Method::Allocate, short_value).code(), 400);
}

TEST(CoreAllocate, TcpTransportIs442) {
    CoreHarness h;
    auto c = h.client(1);
    EXPECT_EQ(c.request(Method::Allocate, attr::RequestedTransport{attr::RequestedTransport::kTcp}).code(), 442);
    EXPECT_EQ(h.server.allocation_count(), 0u);
    EXPECT_TRUE(h.io.open.empty());
}

TEST(CoreAllocate, RequestedFamilyIPv6GetsAnIPv6Relay) {
    CoreHarness h;
    auto c = h.client(1);
    const Reply r = c.allocate(requested_family(kIPv6));
    ASSERT_EQ(r.code(), 0);
    const auto relayed = r.relayed_addresses();
    ASSERT_EQ(relayed.size(), 1u);
    EXPECT_EQ(relayed[0].ip, ip(kRelay6));
    EXPECT_TRUE(h.relay_id(relayed[0]));
    // XOR-MAPPED-ADDRESS still tells the client where it is, whatever family it relays.
    EXPECT_EQ(r.get<attr::XorMappedAddress>()->address, c.tuple.client);
}

TEST(CoreAllocate, RequestedFamilyIPv4IsTheDefault) {
    CoreHarness h;
    auto c = h.client(1);
    const Reply r = c.allocate(requested_family(kIPv4));
    ASSERT_EQ(r.code(), 0);
    EXPECT_TRUE(r.relayed(AddressFamily::IPv4));
}

TEST(CoreAllocate, UnknownAddressFamilyIs440) {
    CoreHarness h;
    auto c = h.client(1);
    EXPECT_EQ(c.allocate(requested_family(0x03)).code(), 440);
    EXPECT_TRUE(h.io.open.empty());
}

TEST(CoreAllocate, FamilyWithoutARelayAddressIs440) {
    CoreHarness h(ipv4_only_config());
    auto c = h.client(1);
    EXPECT_EQ(c.allocate(requested_family(kIPv6)).code(), 440);
    EXPECT_EQ(h.server.allocation_count(), 0u);
}

TEST(CoreAllocate, AdditionalFamilyIPv6GivesADualAllocation) {
    CoreHarness h;
    auto c = h.client(1);
    const Reply r = c.allocate(additional_family(kIPv6));
    ASSERT_EQ(r.code(), 0);
    const auto relayed = r.relayed_addresses();
    ASSERT_EQ(relayed.size(), 2u);
    EXPECT_EQ(relayed[0].ip, ip(kRelay4Advertised));
    EXPECT_EQ(relayed[1].ip, ip(kRelay6));
    EXPECT_TRUE(h.relay_id(relayed[0]));
    EXPECT_TRUE(h.relay_id(relayed[1]));
    EXPECT_FALSE(r.has(AttributeType::AddressErrorCode));
    EXPECT_EQ(h.server.allocation_count(), 1u);
}

TEST(CoreAllocate, DualAllocationWithoutAnIPv6RelaySucceedsWithAddressErrorCode) {
    // RFC 8656 §7.2: the IPv4 part is granted; ADDRESS-ERROR-CODE says why IPv6 is missing.
    CoreHarness h(ipv4_only_config());
    auto c = h.client(1);
    const Reply r = c.allocate(additional_family(kIPv6));
    ASSERT_EQ(r.code(), 0);
    const auto relayed = r.relayed_addresses();
    ASSERT_EQ(relayed.size(), 1u);
    EXPECT_EQ(relayed[0].ip.family, AddressFamily::IPv4);
    const auto error = r.get<attr::AddressErrorCode>();
    ASSERT_TRUE(error);
    EXPECT_EQ(error->family, AddressFamily::IPv6);
    EXPECT_EQ(error->code, 440);
}

TEST(CoreAllocate, AdditionalFamilyIPv4Is400) {
    CoreHarness h;
    auto c = h.client(1);
    EXPECT_EQ(c.allocate(additional_family(kIPv4)).code(), 400);
}

TEST(CoreAllocate, RequestedAndAdditionalFamilyTogetherAre400) {
    CoreHarness h;
    auto c = h.client(1);
    EXPECT_EQ(c.allocate(requested_family(kIPv4), additional_family(kIPv6)).code(), 400);
}

TEST(CoreAllocate, EvenPortGivesAnEvenPort) {
    CoreHarness h;
    for (int n = 1; n <= 20; ++n) {  // enough draws that an odd port would have shown up by chance
        auto c = h.client(n);
        const Reply r = c.allocate(attr::EvenPort{false});
        ASSERT_EQ(r.code(), 0);
        EXPECT_EQ(r.relayed()->port % 2, 0) << r.relayed()->port;
        EXPECT_FALSE(r.has(AttributeType::ReservationToken));
    }
    EXPECT_EQ(h.io.open.size(), 20u);  // nothing reserved without the R bit
}

// Two-port range: if the reservation did not hold port+1, a second allocation would get it.
CoreConfig two_port_config() {
    CoreConfig config = default_config();
    config.relay_port_min = 50000;
    config.relay_port_max = 50001;
    return config;
}

TEST(CoreAllocate, EvenPortWithReserveBitReturnsATokenAndHoldsTheNextPort) {
    CoreHarness h(two_port_config());
    auto c = h.client(1);
    const Reply r = c.allocate(attr::EvenPort{true});
    ASSERT_EQ(r.code(), 0);
    EXPECT_EQ(r.relayed()->port, 50000);
    EXPECT_TRUE(r.get<attr::ReservationToken>());
    // port+1 is held in the shared port pool (bound when the token is used), so no allocation of
    // this daemon takes it meanwhile.
    EXPECT_EQ(h.io.open.size(), 1u);
    auto other = h.client(2);
    EXPECT_EQ(other.allocate().code(), 508);
}

TEST(CoreAllocate, ReservationTokenAllocatesTheHeldPort) {
    CoreHarness h;
    auto first = h.client(1);
    const Reply r = first.allocate(attr::EvenPort{true});
    ASSERT_EQ(r.code(), 0);
    const auto token = r.get<attr::ReservationToken>();
    ASSERT_TRUE(token);
    const auto next = static_cast<std::uint16_t>(r.relayed()->port + 1);

    // Another 5-tuple (the RTCP half of a media session) claims it; the socket is bound now.
    auto second = h.client(2);
    const Reply claimed = second.allocate(*token);
    ASSERT_EQ(claimed.code(), 0);
    EXPECT_EQ(claimed.relayed(), (TransportAddress{ip(kRelay4Advertised), next}));
    EXPECT_TRUE(h.io.relay_at({ip(kRelay4Local), next}));
    EXPECT_EQ(h.io.open.size(), 2u);
    EXPECT_FALSE(claimed.has(AttributeType::ReservationToken));

    // A token is good once.
    auto third = h.client(3);
    EXPECT_EQ(third.allocate(*token).code(), 508);
}

TEST(CoreAllocate, UnknownReservationTokenIs508) {
    CoreHarness h;
    auto c = h.client(1);
    EXPECT_EQ(c.allocate(token_attr(0x0123456789ABCDEFull)).code(), 508);
    EXPECT_EQ(h.server.allocation_count(), 0u);
}

TEST(CoreAllocate, ReservationExpiresAndReleasesThePort) {
    CoreHarness h(two_port_config());
    auto first = h.client(1);
    const Reply r = first.allocate(attr::EvenPort{true});
    ASSERT_EQ(r.code(), 0);
    const auto token = r.get<attr::ReservationToken>();
    ASSERT_TRUE(token);

    h.advance_and_tick(h.config().reservation_lifetime - 1s);
    auto second = h.client(2);
    EXPECT_EQ(second.allocate().code(), 508);  // still held
    h.advance_and_tick(1s);
    const Reply freed = second.allocate();
    ASSERT_EQ(freed.code(), 0);  // released at expiry
    EXPECT_EQ(freed.relayed()->port, 50001);

    auto third = h.client(3);
    EXPECT_EQ(third.allocate(*token).code(), 508);
}

TEST(CoreAllocate, ReservationTokenWithEvenPortOrAFamilyIs400) {
    CoreHarness h;
    auto c = h.client(1);
    const auto token = token_attr(42);
    EXPECT_EQ(c.allocate(token, attr::EvenPort{false}).code(), 400);
    EXPECT_EQ(c.allocate(token, requested_family(kIPv4)).code(), 400);
    EXPECT_EQ(c.allocate(token, additional_family(kIPv6)).code(), 400);
}

TEST(CoreAllocate, EvenPortWithAdditionalFamilyIs400) {
    CoreHarness h;
    auto c = h.client(1);
    EXPECT_EQ(c.allocate(attr::EvenPort{false}, additional_family(kIPv6)).code(), 400);
    EXPECT_TRUE(h.io.open.empty());
}

TEST(CoreAllocate, ReservedPortTakenByAnotherProcessIs508AndReleased) {
    // The reserved port is bound only when the token is used; if another process took it meanwhile,
    // the token's Allocate gets 508 and the port goes back to the pool.
    CoreConfig config = two_port_config();
    CoreHarness h(config);
    h.io.refuse_port(50001);
    auto c = h.client(1);
    const Reply r = c.allocate(attr::EvenPort{true});
    ASSERT_EQ(r.code(), 0);
    const auto token = r.get<attr::ReservationToken>();
    ASSERT_TRUE(token);
    auto second = h.client(2);
    EXPECT_EQ(second.allocate(*token).code(), 508);
    EXPECT_EQ(h.server.allocation_count(), 1u);
    EXPECT_EQ(h.io.open.size(), 1u);
}

TEST(CoreAllocate, EvenPortWithReserveBitNeedsAFreePair) {
    // Ports 50000-50002 with 50001 in use: no even port has a free successor.
    CoreConfig config = default_config();
    config.relay_port_min = 50000;
    config.relay_port_max = 50002;
    CoreHarness h(config);
    auto holder = h.client(9);
    h.io.refuse_port(50000);
    h.io.refuse_port(50002);
    ASSERT_EQ(holder.allocate().code(), 0);  // takes 50001, the only port it can bind
    auto c = h.client(1);
    EXPECT_EQ(c.allocate(attr::EvenPort{true}).code(), 508);
    EXPECT_EQ(h.io.open.size(), 1u);
    EXPECT_EQ(h.server.allocation_count(), 1u);
}

TEST(CoreAllocate, UserQuotaIs486) {
    CoreConfig config = default_config();
    config.user_quota = 1;
    CoreHarness h(config);
    auto alice1 = h.client(1);
    auto alice2 = h.client(2);
    auto bob = h.client(3, kBob, kBobPassword);
    EXPECT_EQ(alice1.allocate().code(), 0);
    EXPECT_EQ(alice2.allocate().code(), 486);
    EXPECT_EQ(bob.allocate().code(), 0);  // the quota is per user

    // Freed quota can be used again.
    EXPECT_EQ(alice1.refresh(lifetime_attr(0)).code(), 0);
    EXPECT_EQ(alice2.allocate().code(), 0);
}

TEST(CoreAllocate, MaximumAllocationsIs508) {
    CoreConfig config = default_config();
    config.max_allocations = 2;
    CoreHarness h(config);
    EXPECT_EQ(h.client(1).allocate().code(), 0);
    EXPECT_EQ(h.client(2, kBob, kBobPassword).allocate().code(), 0);
    EXPECT_EQ(h.client(3).allocate().code(), 508);
    EXPECT_EQ(h.server.allocation_count(), 2u);
}

TEST(CoreAllocate, PortExhaustionIs508) {
    CoreConfig config = default_config();
    config.relay_port_min = config.relay_port_max = 50000;
    CoreHarness h(config);
    const Reply first = h.client(1).allocate();
    ASSERT_EQ(first.code(), 0);
    EXPECT_EQ(first.relayed()->port, 50000);
    EXPECT_EQ(h.client(2).allocate().code(), 508);
}

TEST(CoreAllocate, PortIsReusableOnceTheAllocationIsGone) {
    CoreConfig config = default_config();
    config.relay_port_min = config.relay_port_max = 50000;
    CoreHarness h(config);
    auto first = h.client(1);
    ASSERT_EQ(first.allocate().code(), 0);
    ASSERT_EQ(first.refresh(lifetime_attr(0)).code(), 0);
    const Reply second = h.client(2).allocate();
    ASSERT_EQ(second.code(), 0);
    EXPECT_EQ(second.relayed()->port, 50000);
}

TEST(CoreAllocate, PortsTakenByAnotherProcessAreSkipped) {
    CoreConfig config = default_config();
    config.relay_port_min = 50000;
    config.relay_port_max = 50007;
    CoreHarness h(config);
    for (std::uint16_t p = 50000; p < 50007; ++p) h.io.refuse_port(p);

    const Reply r = h.client(1).allocate();
    ASSERT_EQ(r.code(), 0);
    EXPECT_EQ(r.relayed()->port, 50007);
    // The core did meet taken ports on the way, and tried none of them twice.
    EXPECT_FALSE(h.io.refused.empty());
    std::set<std::uint16_t> tried;
    for (const auto& a : h.io.refused) EXPECT_TRUE(tried.insert(a.port).second) << a.port << " tried twice";
}

TEST(CoreAllocate, UnknownComprehensionRequiredAttributeIs420AfterAuthentication) {
    CoreHarness h;
    auto c = h.client(1);
    const RawAttr unknown{kUnknownRequired, {1, 2, 3, 4}};

    // Unauthenticated, the request learns nothing about what the server understands.
    const Reply challenge = c.unauthenticated(Method::Allocate, udp_transport(), unknown);
    EXPECT_EQ(challenge.code(), 401);
    ASSERT_TRUE(c.learn(challenge));

    const Reply r = c.allocate(unknown);  // signed; request() verifies the answer
    EXPECT_EQ(r.code(), 420);
    const auto list = r.get<attr::UnknownAttributes>();
    ASSERT_TRUE(list);
    ASSERT_EQ(list->count, 1u);
    EXPECT_EQ(list->types[0], kUnknownRequired);
    EXPECT_EQ(h.server.allocation_count(), 0u);
}

TEST(CoreAllocate, UnknownComprehensionOptionalAttributeIsIgnored) {
    CoreHarness h;
    auto c = h.client(1);
    EXPECT_EQ(c.allocate(RawAttr{kUnknownOptional, {1, 2, 3, 4}}).code(), 0);
}

TEST(CoreAllocate, ConnectIsRefusedWith400) {
    // RFC 6062 TCP allocations are not offered; the method is refused before authentication.
    CoreHarness h;
    auto c = h.client(1);
    EXPECT_EQ(c.unauthenticated(Method::Connect, peer_attr(peer_a())).code(), 400);
}

TEST(CoreBinding, IsAnsweredWithXorMappedAddressWithoutAuthentication) {
    CoreHarness h;
    auto c = h.client(1);
    const Reply r = c.unauthenticated(Method::Binding);
    ASSERT_EQ(r.code(), 0);
    EXPECT_TRUE(r.is(Method::Binding, MessageClass::SuccessResponse));
    ASSERT_TRUE(r.get<attr::XorMappedAddress>());
    EXPECT_EQ(r.get<attr::XorMappedAddress>()->address, c.tuple.client);
    EXPECT_FALSE(r.has(AttributeType::MessageIntegrity));
    EXPECT_EQ(h.server.stats().binding_requests, 1u);
    EXPECT_EQ(h.server.allocation_count(), 0u);
}

TEST(CoreBinding, UnknownComprehensionRequiredAttributeIs420) {
    CoreHarness h;
    auto c = h.client(1);
    const Reply r = c.unauthenticated(Method::Binding, RawAttr{kUnknownRequired, {}});
    EXPECT_EQ(r.code(), 420);
    const auto list = r.get<attr::UnknownAttributes>();
    ASSERT_TRUE(list);
    ASSERT_EQ(list->count, 1u);
    EXPECT_EQ(list->types[0], kUnknownRequired);
}

TEST(CoreBinding, IndicationIsAKeepAliveAndGetsNoAnswer) {
    CoreHarness h;
    std::array<std::uint8_t, 64> buffer{};
    protocol::MessageBuilder b(buffer, {Method::Binding, MessageClass::Indication}, h.new_transaction_id());
    h.deliver(CoreHarness::udp_client(1), b.bytes());
    EXPECT_TRUE(h.io.to_client.empty());
}

}  // namespace
}  // namespace tern::server::test
