// Refresh (RFC 8656 §7.3-7.4) and the end of allocations: expiry by lifetime, deletion with lifetime 0,
// dual-stack partial deletion, the expiry policies for ephemeral (TURN REST) credentials, and the end
// of a stream connection.

#include <algorithm>

#include "core_harness.hpp"

namespace tern::server::test {
namespace {

bool was_closed(const CoreHarness& h, RelayId relay) {
    return std::find(h.io.closed.begin(), h.io.closed.end(), relay) != h.io.closed.end();
}

TEST(CoreRefresh, ExtendsTheAllocationFromNow) {
    CoreHarness h;
    auto c = h.client(1);
    ASSERT_EQ(c.allocate().code(), 0);

    h.advance(500s);
    const Reply r = c.refresh();
    ASSERT_EQ(r.code(), 0);
    EXPECT_EQ(r.lifetime(), 600u);
    EXPECT_EQ(h.io.count(EventKind::AllocationRefreshed), 1u);

    h.advance_and_tick(599s);  // well past the original expiry, 1 s before the new one
    EXPECT_EQ(h.server.allocation_count(), 1u);
    h.advance_and_tick(1s);
    EXPECT_EQ(h.server.allocation_count(), 0u);
}

TEST(CoreRefresh, RequestedLifetimeIsClampedLikeAllocate) {
    CoreHarness h;
    auto c = h.client(1);
    ASSERT_EQ(c.allocate().code(), 0);
    EXPECT_EQ(c.refresh(lifetime_attr(5000)).lifetime(), 3600u);
    EXPECT_EQ(c.refresh(lifetime_attr(10)).lifetime(), 600u);
    EXPECT_EQ(c.refresh(lifetime_attr(1800)).lifetime(), 1800u);
}

TEST(CoreRefresh, CanShortenTheLifetime) {
    CoreHarness h;
    auto c = h.client(1);
    ASSERT_EQ(c.allocate(lifetime_attr(3600)).lifetime(), 3600u);
    ASSERT_EQ(c.refresh().lifetime(), 600u);
    h.advance_and_tick(600s);
    EXPECT_EQ(h.server.allocation_count(), 0u);
}

TEST(CoreRefresh, LifetimeZeroDeletesAtOnce) {
    CoreHarness h;
    auto c = h.client(1);
    const Reply allocated = c.allocate();
    ASSERT_EQ(allocated.code(), 0);
    const RelayId relay = h.relay_of(allocated);

    const Reply r = c.refresh(lifetime_attr(0));
    ASSERT_EQ(r.code(), 0);
    EXPECT_EQ(r.lifetime(), 0u);
    EXPECT_EQ(h.server.allocation_count(), 0u);
    EXPECT_FALSE(h.io.is_open(relay));
    EXPECT_TRUE(was_closed(h, relay));
    EXPECT_EQ(h.server.stats().allocations_deleted, 1u);
    const RecordedEvent* e = h.io.last(EventKind::AllocationDeleted);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->username, kAlice);
    EXPECT_TRUE(e->client == c.tuple);

    // A retransmission must not meet "no allocation" (437): it gets the answer it missed.
    const Reply again = c.retransmit();
    EXPECT_EQ(again.bytes(), r.bytes());
}

TEST(CoreRefresh, AfterTheLifetimeIs437EvenBeforeTheSweep) {
    CoreHarness h;
    auto c = h.client(1);
    const Reply allocated = c.allocate();
    ASSERT_EQ(allocated.code(), 0);
    const RelayId relay = h.relay_of(allocated);
    h.advance(600s);  // expired, and no tick has run since
    EXPECT_EQ(c.refresh().code(), 437);
    EXPECT_EQ(h.server.allocation_count(), 0u);
    EXPECT_FALSE(h.io.is_open(relay));
    // The 5-tuple is free again for a new allocation.
    EXPECT_EQ(c.allocate().code(), 0);
}

TEST(CoreRefresh, WithoutAnAllocationIs437) {
    CoreHarness h;
    auto c = h.client(1);
    EXPECT_EQ(c.refresh().code(), 437);
}

TEST(CoreRefresh, ByAnotherUserIs441) {
    CoreHarness h;
    ASSERT_EQ(h.client(1).allocate().code(), 0);
    auto bob_on_alices_tuple = h.client(1, kBob, kBobPassword);
    EXPECT_EQ(bob_on_alices_tuple.refresh(lifetime_attr(0)).code(), 441);
    EXPECT_EQ(h.server.allocation_count(), 1u);
}

TEST(CoreRefresh, FamilyNotInTheAllocationIs443) {
    CoreHarness h;
    auto c = h.client(1);
    ASSERT_EQ(c.allocate().code(), 0);
    EXPECT_EQ(c.refresh(requested_family(kIPv6)).code(), 443);
    EXPECT_EQ(c.refresh(requested_family(kIPv6), lifetime_attr(0)).code(), 443);
    EXPECT_EQ(c.refresh(requested_family(0x03)).code(), 443);
    EXPECT_EQ(h.server.allocation_count(), 1u);
    EXPECT_EQ(c.refresh(requested_family(kIPv4)).code(), 0);
}

TEST(CoreRefresh, DualAllocationLifetimeZeroForIPv6DropsOnlyTheIPv6Relay) {
    CoreHarness h;
    auto c = h.client(1);
    const Reply allocated = c.allocate(additional_family(kIPv6));
    ASSERT_EQ(allocated.code(), 0);
    const RelayId v4 = h.relay_of(allocated, AddressFamily::IPv4);
    const RelayId v6 = h.relay_of(allocated, AddressFamily::IPv6);

    h.advance(100s);
    const Reply r = c.refresh(requested_family(kIPv6), lifetime_attr(0));
    ASSERT_EQ(r.code(), 0);
    // The allocation goes on with what is left of its lifetime.
    EXPECT_EQ(r.lifetime(), 500u);
    EXPECT_FALSE(h.io.is_open(v6));
    EXPECT_TRUE(h.io.is_open(v4));
    EXPECT_EQ(h.server.allocation_count(), 1u);

    // IPv6 is no longer part of it...
    EXPECT_EQ(c.create_permission({peer_v6()}).code(), 443);
    EXPECT_EQ(c.refresh(requested_family(kIPv6)).code(), 443);
    // ...while IPv4 still works.
    EXPECT_EQ(c.create_permission({peer_a()}).code(), 0);

    // Lifetime 0 for the last family ends the allocation.
    EXPECT_EQ(c.refresh(requested_family(kIPv4), lifetime_attr(0)).code(), 0);
    EXPECT_EQ(h.server.allocation_count(), 0u);
    EXPECT_FALSE(h.io.is_open(v4));
}

TEST(CoreRefresh, DualAllocationLifetimeZeroWithoutAFamilyDropsBoth) {
    CoreHarness h;
    auto c = h.client(1);
    ASSERT_EQ(c.allocate(additional_family(kIPv6)).code(), 0);
    EXPECT_EQ(c.refresh(lifetime_attr(0)).code(), 0);
    EXPECT_EQ(h.server.allocation_count(), 0u);
    EXPECT_TRUE(h.io.open.empty());
}

TEST(CoreExpiry, AllocationEndsAtItsLifetimeAndNotBefore) {
    CoreHarness h;
    auto c = h.client(1);
    const Reply allocated = c.allocate();
    ASSERT_EQ(allocated.code(), 0);
    const RelayId relay = h.relay_of(allocated);

    h.advance_and_tick(599s);
    EXPECT_EQ(h.server.allocation_count(), 1u);
    EXPECT_TRUE(h.io.is_open(relay));

    h.advance_and_tick(1s);
    EXPECT_EQ(h.server.allocation_count(), 0u);
    EXPECT_FALSE(h.io.is_open(relay));
    EXPECT_EQ(h.server.stats().allocations_expired, 1u);
    const RecordedEvent* e = h.io.last(EventKind::AllocationDeleted);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->detail, "lifetime expired");

    EXPECT_EQ(c.refresh().code(), 437);
}

TEST(CoreExpiry, ExpiredEphemeralCredentialCannotRefreshUnderTheDefaultPolicy) {
    CoreHarness h;  // expiry policy `refresh`
    ASSERT_EQ(h.config().expiry_policy, ExpiryPolicy::Refresh);
    const std::string user = rest_username(kStartUnix + 100);
    auto c = h.client(1, user, rest_password(user));
    ASSERT_EQ(c.allocate().code(), 0);

    h.advance_and_tick(200s);
    EXPECT_EQ(c.refresh().code(), 401);
    EXPECT_EQ(h.auth_failures(AuthFailureReason::Expired), 1u);
    EXPECT_EQ(c.create_permission({peer_a()}).code(), 401);

    // The allocation lives out the lifetime it was granted.
    EXPECT_EQ(h.server.allocation_count(), 1u);
    h.advance_and_tick(399s);
    EXPECT_EQ(h.server.allocation_count(), 1u);
    h.advance_and_tick(1s);
    EXPECT_EQ(h.server.allocation_count(), 0u);
}

TEST(CoreExpiry, AllocatePolicyLetsAnExpiredCredentialRefresh) {
    CoreConfig config = default_config();
    config.expiry_policy = ExpiryPolicy::Allocate;
    CoreHarness h(config);
    const std::string user = rest_username(kStartUnix + 100);
    auto c = h.client(1, user, rest_password(user));
    ASSERT_EQ(c.allocate().code(), 0);

    h.advance_and_tick(200s);
    EXPECT_EQ(c.refresh().code(), 0);
    EXPECT_EQ(c.create_permission({peer_a()}).code(), 0);
    // Only allocating checks the expiry.
    auto late = h.client(2, user, rest_password(user));
    EXPECT_EQ(late.allocate().code(), 401);
}

TEST(CoreExpiry, StrictPolicyEndsTheAllocationAtTheTickAfterItsCredentialExpires) {
    CoreConfig config = default_config();
    config.expiry_policy = ExpiryPolicy::Strict;
    CoreHarness h(config);
    const std::string user = rest_username(kStartUnix + 100);
    auto ephemeral = h.client(1, user, rest_password(user));
    const Reply allocated = ephemeral.allocate();
    ASSERT_EQ(allocated.code(), 0);
    const RelayId relay = h.relay_of(allocated);
    auto static_user = h.client(2);
    ASSERT_EQ(static_user.allocate().code(), 0);

    h.advance_and_tick(99s);
    EXPECT_EQ(h.server.allocation_count(), 2u);

    h.advance_and_tick(1s);  // the credential's expiry second
    EXPECT_EQ(h.server.allocation_count(), 1u);  // a static user's credential has no expiry
    EXPECT_FALSE(h.io.is_open(relay));
    const RecordedEvent* e = h.io.last(EventKind::AllocationDeleted);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->detail, "credential expired");
    EXPECT_EQ(e->username, user);
}

TEST(CoreLifecycle, TcpAllocationEndsWhenItsConnectionCloses) {
    CoreHarness h;
    auto c = h.client(CoreHarness::tcp_client(1));
    const Reply allocated = c.allocate();
    ASSERT_EQ(allocated.code(), 0);
    const RelayId relay = h.relay_of(allocated);

    // Another connection closing changes nothing.
    h.server.on_client_closed(CoreHarness::tcp_client(2), h.now());
    EXPECT_EQ(h.server.allocation_count(), 1u);

    h.server.on_client_closed(c.tuple, h.now());
    EXPECT_EQ(h.server.allocation_count(), 0u);
    EXPECT_FALSE(h.io.is_open(relay));
    const RecordedEvent* e = h.io.last(EventKind::AllocationDeleted);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->detail, "connection closed");
}

}  // namespace
}  // namespace tern::server::test
