#include "client_world.hpp"

#include <algorithm>

#include "auth/credential_store.hpp"
#include "protocol/attributes/all.hpp"
#include "protocol/relay_buffer.hpp"
#include "server/policy/cidr.hpp"
#include "server/policy/peer_policy.hpp"

namespace tern::client::test {

IpAddress ip(std::string_view text) {
    const auto a = IpAddress::parse(text);
    EXPECT_TRUE(a.has_value()) << text;
    return a.value_or(IpAddress{});
}

TransportAddress ta(std::string_view text) {
    const auto a = TransportAddress::parse(text);
    EXPECT_TRUE(a.has_value()) << text;
    return a.value_or(TransportAddress{});
}

std::vector<std::uint8_t> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }
std::string text_of(std::span<const std::uint8_t> bytes) { return {bytes.begin(), bytes.end()}; }

void CounterRandom::fill(std::span<std::uint8_t> out) {
    std::size_t i = 0;
    while (i < out.size()) {
        std::uint64_t z = (counter_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        for (int b = 0; b < 8 && i < out.size(); ++b, ++i) out[i] = static_cast<std::uint8_t>(z >> (8 * b));
    }
}

std::int64_t ManualClock::unix_now() const noexcept {
    return kStartUnix + std::chrono::duration_cast<std::chrono::seconds>(now_ - start_).count();
}

std::optional<protocol::MessageView> SentMessage::view() const {
    auto parsed = protocol::MessageView::parse(bytes);
    if (!parsed) return std::nullopt;
    return *parsed;
}

// ---- Endpoint ------------------------------------------------------------------------------------------

Endpoint::Endpoint(World& world, server::FiveTuple t, TurnClientConfig config, std::uint64_t seed)
    : tuple(t), random(seed), core(std::move(config), *this, random), world_(&world) {}

void Endpoint::send_to_server(std::span<const std::uint8_t> bytes) {
    if (quiet) {
        ++quiet_sends;
        return;
    }
    SentMessage m{{bytes.begin(), bytes.end()}, world_->clock.now(), false};
    m.dropped = world_->drop && world_->drop(tuple, bytes, true);
    if (m.dropped) ++world_->dropped;
    else world_->enqueue_to_server(tuple, bytes);
    sent.push_back(std::move(m));
}

void Endpoint::on_event(const ClientEvent& e) {
    if (quiet) {
        if (e.kind == ClientEventKind::Data) ++quiet_data_events;
        return;
    }
    events.push_back({e.kind, e.peer, e.channel, {e.payload.begin(), e.payload.end()}, e.allocation, e.error.kind,
                      e.error.code, std::string(e.error.reason), world_->clock.now()});
    if (reaction) reaction(e);
}

std::vector<const RecordedEvent*> Endpoint::events_of(ClientEventKind kind) const {
    std::vector<const RecordedEvent*> out;
    for (const auto& e : events)
        if (e.kind == kind) out.push_back(&e);
    return out;
}

const RecordedEvent* Endpoint::last(ClientEventKind kind) const {
    for (auto it = events.rbegin(); it != events.rend(); ++it)
        if (it->kind == kind) return &*it;
    return nullptr;
}

std::vector<const SentMessage*> Endpoint::requests(Method method) const {
    std::vector<const SentMessage*> out;
    for (const auto& m : sent) {
        const auto v = m.view();
        if (v && v->method() == method && v->message_class() == protocol::MessageClass::Request) out.push_back(&m);
    }
    return out;
}

std::vector<std::string> Endpoint::received_text() const {
    std::vector<std::string> out;
    for (const auto* e : events_of(ClientEventKind::Data)) out.push_back(text_of(e->payload));
    return out;
}

// ---- World ---------------------------------------------------------------------------------------------

namespace {

std::array<std::uint8_t, 32> nonce_key() {
    std::array<std::uint8_t, 32> key{};
    for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(0x40 + i);
    return key;
}

// Relays exchange traffic with each other here, as two clients' relays do in the example program:
// the relay addresses are peers, which the default policy refuses (TEST-NET-1) unless allowed.
server::ServerPolicies policies() {
    auto credentials = std::make_shared<const auth::CredentialStore>(
        std::string(kRealm),
        std::vector<auth::CredentialStore::User>{{std::string(kAlice), std::string(kAlicePassword)},
                                                 {std::string(kBob), std::string(kBobPassword)}},
        std::vector<std::string>{std::string(kSecret)});
    server::PeerPolicy::Rules rules;
    rules.allow.push_back(*server::Cidr::parse("192.0.2.0/24"));
    rules.own_addresses.push_back(*TransportAddress::parse(kServer));
    return {std::move(credentials), std::make_shared<const server::PeerPolicy>(std::move(rules))};
}

}  // namespace

server::CoreConfig World::default_config() {
    server::CoreConfig c;
    c.relay_addresses.push_back({ip(kRelayIp), ip(kRelayIp)});
    c.relay_port_min = 50000;
    c.relay_port_max = 50999;
    return c;
}

TurnClientConfig World::client_config(ServerTransport transport, std::string_view user, std::string_view password) {
    TurnClientConfig c;
    c.server = ta(kServer);
    c.transport = transport;
    c.credentials = Credentials::long_term(std::string(user), std::string(password));
    return c;
}

World::World(server::CoreConfig config)
    : config_(std::move(config)),
      server_(std::make_unique<server::TurnServer>(config_, policies(), nonce_key(), *this, server_random)),
      next_tick_(clock.now() + 1s) {}

World::~World() {
    clients_.clear();
    server_.reset();
}

server::FiveTuple World::tuple_for(int n, ServerTransport transport) {
    return {ta("203.0.113." + std::to_string(n) + ":" + std::to_string(40000 + n)), ta(kServer),
            transport == ServerTransport::Tcp ? server::Transport::Tcp : server::Transport::Udp};
}

Endpoint& World::add_client(int n, TurnClientConfig config) {
    const auto tuple = tuple_for(n, config.transport);
    clients_.push_back(std::make_unique<Endpoint>(*this, tuple, std::move(config), 0xC11E47 + std::uint64_t(n)));
    return *clients_.back();
}

void World::start(Endpoint& e) {
    e.core.start(clock.now());
    pump();
}

void World::allocate(Endpoint& e) {
    start(e);
    ASSERT_EQ(e.core.state(), ClientState::Allocated);
    ASSERT_EQ(e.count(ClientEventKind::Allocated), 1u);
}

void World::enqueue_to_server(const server::FiveTuple& client, std::span<const std::uint8_t> bytes) {
    queue_.push_back({Hop::ToServer, client, 0, {}, {bytes.begin(), bytes.end()}});
}

void World::pump() {
    for (int steps = 0; !queue_.empty(); ++steps) {
        if (steps > 1'000'000) {
            ADD_FAILURE() << "the queues never drain";
            return;
        }
        Packet p = std::move(queue_.front());
        queue_.pop_front();
        switch (p.hop) {
            case Hop::ToServer:
                server_->on_client_message(p.client, p.bytes, clock.instant());
                break;
            case Hop::ToClient:
                for (const auto& c : clients_)
                    if (c->tuple == p.client) c->core.on_bytes_from_server(p.bytes, clock.now());
                break;
            case Hop::RelayToRelay:
                deliver_to_relay(p.relay, p.from, p.bytes);
                break;
        }
    }
}

std::optional<TimePoint> World::next_client_timer() const {
    std::optional<TimePoint> next;
    for (const auto& c : clients_) {
        const auto t = c->core.next_timer();
        if (t && (!next || *t < *next)) next = t;
    }
    return next;
}

void World::run_for(std::chrono::milliseconds d) { run_until(clock.now() + d); }

void World::run_until(TimePoint end) {
    for (int steps = 0;; ++steps) {
        if (steps > 2'000'000) {
            ADD_FAILURE() << "run_until makes no progress at t=" << clock.elapsed() << " s";
            return;
        }
        TimePoint next = next_tick_;
        if (const auto t = next_client_timer(); t && *t < next) next = std::max(*t, clock.now());
        if (next > end) break;
        clock.set(next);
        if (next_tick_ <= clock.now()) {
            server_->on_tick(clock.instant());
            next_tick_ += 1s;
        }
        for (const auto& c : clients_) {
            const auto t = c->core.next_timer();
            if (t && *t <= clock.now()) c->core.on_timer(clock.now());
        }
        pump();
    }
    clock.set(end);
    pump();
}

void World::deliver_to_relay(server::RelayId relay, const TransportAddress& from,
                             std::span<const std::uint8_t> payload) {
    auto buffer = std::make_unique<protocol::RelayBuffer<>>();
    std::copy(payload.begin(), payload.end(), buffer->payload_area().begin());
    server_->on_peer_datagram(relay, from, buffer->whole(), protocol::RelayBuffer<>::kPayloadOffset, payload.size(),
                              clock.instant());
}

void World::peer_sends(const TransportAddress& relay_address, const TransportAddress& from,
                       std::span<const std::uint8_t> payload) {
    for (const auto& [id, address] : relays_) {
        if (address != relay_address) continue;
        deliver_to_relay(id, from, payload);
        pump();
        return;
    }
    ADD_FAILURE() << "no relay at " << relay_address.to_string();
}

bool World::relay_open(const TransportAddress& address) const {
    return std::any_of(relays_.begin(), relays_.end(), [&](const auto& r) { return r.second == address; });
}

// ---- ServerIo ------------------------------------------------------------------------------------------

void World::send_to_client(const server::FiveTuple& client, std::span<const std::uint8_t> bytes) {
    if (const auto v = protocol::MessageView::parse(bytes);
        v && v->message_class() == protocol::MessageClass::ErrorResponse) {
        const auto code = v->get<protocol::attr::ErrorCode>();
        error_codes_to_clients.push_back(code ? code->code : 0);
    }
    if (drop && drop(client, bytes, false)) {
        ++dropped;
        return;
    }
    queue_.push_back({Hop::ToClient, client, 0, {}, {bytes.begin(), bytes.end()}});
}

std::optional<server::RelayId> World::open_relay(const TransportAddress& local) {
    const server::RelayId id = next_relay_++;
    relays_[id] = local;
    return id;
}

void World::close_relay(server::RelayId relay) { relays_.erase(relay); }

void World::send_to_peer(server::RelayId relay, const TransportAddress& peer, std::span<const std::uint8_t> bytes,
                         bool) {
    const auto from = relays_.find(relay);
    if (from == relays_.end()) return;
    for (const auto& [id, address] : relays_) {
        if (address != peer) continue;
        queue_.push_back({Hop::RelayToRelay, {}, id, from->second, {bytes.begin(), bytes.end()}});
        return;
    }
    to_outside.push_back({from->second, peer, {bytes.begin(), bytes.end()}});
}

void World::report(const server::Event& event) {
    std::string line;
    switch (event.kind) {
        case server::EventKind::AuthFailed: line = "AuthFailed"; break;
        case server::EventKind::AllocationCreated: line = "AllocationCreated"; break;
        case server::EventKind::AllocationRefreshed: line = "AllocationRefreshed"; break;
        case server::EventKind::AllocationDeleted: line = "AllocationDeleted"; break;
        case server::EventKind::PeerDenied: line = "PeerDenied"; break;
    }
    if (!event.detail.empty()) line += ": " + std::string(event.detail);
    server_events.push_back(std::move(line));
}

}  // namespace tern::client::test
