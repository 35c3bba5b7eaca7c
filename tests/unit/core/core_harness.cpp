#include "core_harness.hpp"

#include <algorithm>
#include <array>

#include "protocol/bytes.hpp"
#include "protocol/channel_data.hpp"
#include "protocol/credentials.hpp"
#include "protocol/relay_buffer.hpp"

namespace tern::server::test {

using protocol::MessageBuilder;
using protocol::MessageClass;
using protocol::MessageView;

// ---- names and configuration ---------------------------------------------------------------------------

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

CoreConfig default_config() {
    CoreConfig c = ipv4_only_config();
    c.relay_addresses.push_back({ip(kRelay6), ip(kRelay6)});
    return c;
}

CoreConfig ipv4_only_config() {
    CoreConfig c;
    c.relay_addresses.push_back({ip(kRelay4Local), ip(kRelay4Advertised)});
    c.relay_port_min = 50000;
    c.relay_port_max = 50999;
    return c;
}

std::string rest_username(std::int64_t expires_unix, std::string_view id) {
    return std::to_string(expires_unix) + ":" + std::string(id);
}

std::string rest_password(std::string_view username, std::string_view secret) {
    return protocol::turn_rest_password(secret, username);
}

std::vector<std::uint8_t> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

attr::ReservationToken token_attr(std::uint64_t token) {
    attr::ReservationToken t;
    protocol::store_be64(t.value.data(), token);
    return t;
}

std::uint64_t token_value(const attr::ReservationToken& token) { return protocol::load_be64(token.value.data()); }

// ---- CounterRandom -------------------------------------------------------------------------------------

void CounterRandom::fill(std::span<std::uint8_t> out) {
    std::size_t i = 0;
    while (i < out.size()) {
        // SplitMix64: the state is a plain counter; the mixing makes consecutive outputs unrelated.
        std::uint64_t z = (counter_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        for (int b = 0; b < 8 && i < out.size(); ++b, ++i) out[i] = static_cast<std::uint8_t>(z >> (8 * b));
    }
}

// ---- RecordingIo ---------------------------------------------------------------------------------------

void RecordingIo::send_to_client(const FiveTuple& client, std::span<const std::uint8_t> bytes) {
    to_client.push_back({client, {bytes.begin(), bytes.end()}});
}

std::optional<RelayId> RecordingIo::open_relay(const TransportAddress& local) {
    // The core must never bind a port it already holds: its port pool would be out of step.
    for (const auto& [id, address] : open)
        if (address == local) ADD_FAILURE() << "relay " << local.to_string() << " bound twice";
    if (refused_ports_.contains(local.port)) {
        refused.push_back(local);
        return std::nullopt;
    }
    const RelayId id = next_id_++;
    open.emplace(id, local);
    return id;
}

void RecordingIo::close_relay(RelayId relay) {
    if (open.erase(relay) == 0) ADD_FAILURE() << "relay " << relay << " closed but not open";
    closed.push_back(relay);
}

void RecordingIo::send_to_peer(RelayId relay, const TransportAddress& peer, std::span<const std::uint8_t> bytes,
                               bool dont_fragment) {
    if (!is_open(relay)) ADD_FAILURE() << "sent on relay " << relay << ", which is not open";
    to_peer.push_back({relay, peer, {bytes.begin(), bytes.end()}, dont_fragment});
}

void RecordingIo::report(const Event& event) {
    events.push_back({event.kind, event.client, std::string(event.username), event.address ? event.address->to_string() : std::string(event.detail)});
}

std::optional<RelayId> RecordingIo::relay_at(const TransportAddress& local) const {
    for (const auto& [id, address] : open)
        if (address == local) return id;
    return std::nullopt;
}

std::size_t RecordingIo::count(EventKind kind) const {
    return static_cast<std::size_t>(
        std::count_if(events.begin(), events.end(), [kind](const RecordedEvent& e) { return e.kind == kind; }));
}

const RecordedEvent* RecordingIo::last(EventKind kind) const {
    for (auto it = events.rbegin(); it != events.rend(); ++it)
        if (it->kind == kind) return &*it;
    return nullptr;
}

// ---- Reply ---------------------------------------------------------------------------------------------

std::optional<MessageView> Reply::view() const {
    auto parsed = MessageView::parse(bytes_);
    if (!parsed) return std::nullopt;
    return *parsed;
}

int Reply::code() const {
    const auto v = view();
    if (!v) return 1;
    if (v->message_class() == MessageClass::SuccessResponse) return 0;
    if (v->message_class() != MessageClass::ErrorResponse) return 1;
    const auto error = v->get<attr::ErrorCode>();
    return error ? error->code : 1;
}

bool Reply::is(Method method, MessageClass cls) const {
    const auto v = view();
    return v && v->method() == method && v->message_class() == cls;
}

std::vector<TransportAddress> Reply::relayed_addresses() const {
    std::vector<TransportAddress> out;
    const auto v = view();
    if (!v) return out;
    for (const protocol::RawAttribute a : v->attributes()) {
        if (a.type != static_cast<std::uint16_t>(protocol::AttributeType::XorRelayedAddress)) continue;
        if (const auto relayed = attr::XorRelayedAddress::decode(a.value, v->transaction_id()))
            out.push_back(relayed->address);
    }
    return out;
}

std::optional<TransportAddress> Reply::relayed(AddressFamily family) const {
    for (const auto& a : relayed_addresses())
        if (a.ip.family == family) return a;
    return std::nullopt;
}

std::optional<std::uint32_t> Reply::lifetime() const {
    const auto l = get<attr::Lifetime>();
    if (!l) return std::nullopt;
    return l->value;
}

std::optional<DataIndication> parse_data_indication(std::span<const std::uint8_t> bytes) {
    const auto v = MessageView::parse(bytes);
    if (!v || v->method() != Method::Data || v->message_class() != MessageClass::Indication) return std::nullopt;
    const auto peer = v->get<attr::XorPeerAddress>();
    const auto data = v->get<attr::Data>();
    if (!peer || !data) return std::nullopt;
    return DataIndication{peer->address, {data->value.begin(), data->value.end()}};
}

// ---- TestClient ----------------------------------------------------------------------------------------

TestClient::TestClient(CoreHarness& harness, FiveTuple t, std::string user, std::string pass, AuthStyle s)
    : tuple(t), username(std::move(user)), password(std::move(pass)), style(s), harness_(&harness) {}

namespace {

std::vector<std::uint8_t> finish(const MessageBuilder& b) {
    EXPECT_TRUE(b.ok()) << "request did not fit the test buffer";
    const auto bytes = b.bytes();
    return {bytes.begin(), bytes.end()};
}

}  // namespace

Reply TestClient::unauthenticated_with(Method method, const AttributeWriter& attrs) {
    std::array<std::uint8_t, 2048> buffer{};
    MessageBuilder b(buffer, {method, MessageClass::Request}, harness_->new_transaction_id());
    attrs(b);
    if (fingerprint) b.add_fingerprint();
    last_request = finish(b);
    return harness_->exchange(tuple, last_request);
}

bool TestClient::learn(const Reply& challenge) {
    const int code = challenge.code();
    if (code != 401 && code != 438) return false;
    const auto r = challenge.get<attr::Realm>();
    const auto n = challenge.get<attr::Nonce>();
    if (!r || !n) return false;
    realm.assign(r->value);
    nonce.assign(n->value);
    offered_algorithms.clear();
    if (const auto v = challenge.view()) {
        if (const auto raw = v->find(protocol::AttributeType::PasswordAlgorithms))
            offered_algorithms.assign(raw->value.begin(), raw->value.end());
    }
    return true;
}

std::vector<std::uint8_t> TestClient::key() const {
    if (style == AuthStyle::Sha256) {
        const auto k = protocol::long_term_key_sha256(username, realm, password);
        return {k.begin(), k.end()};
    }
    const auto k = protocol::long_term_key_md5(username, realm, password);
    return {k.begin(), k.end()};
}

bool TestClient::verifies(const Reply& reply) const {
    const auto v = reply.view();
    if (!v) return false;
    const auto k = key();
    // The answer is signed the way the request was, and with nothing else (RFC 8489 §9.2.4).
    if (style == AuthStyle::Sha256)
        return !v->message_integrity_offset() &&
               protocol::check_message_integrity_sha256(*v, k) == protocol::IntegrityCheck::Valid;
    return !v->message_integrity_sha256_offset() &&
           protocol::check_message_integrity(*v, k) == protocol::IntegrityCheck::Valid;
}

std::vector<std::uint8_t> TestClient::build_signed(Method method, const AttributeWriter& attrs) {
    std::array<std::uint8_t, 2048> buffer{};
    MessageBuilder b(buffer, {method, MessageClass::Request}, harness_->new_transaction_id());
    attrs(b);
    if (style == AuthStyle::Userhash) b.add(attr::Userhash{protocol::userhash(username, realm)});
    else b.add(attr::Username{username});
    b.add(attr::Realm{realm});
    b.add(attr::Nonce{nonce});
    if (style == AuthStyle::Md5Negotiated || style == AuthStyle::Sha256) {
        put(b, RawAttr{static_cast<std::uint16_t>(protocol::AttributeType::PasswordAlgorithms), offered_algorithms});
        const auto id = style == AuthStyle::Sha256 ? attr::PasswordAlgorithmId::Sha256 : attr::PasswordAlgorithmId::Md5;
        b.add(attr::PasswordAlgorithm{{static_cast<std::uint16_t>(id), {}}});
    }
    const auto k = key();
    if (style == AuthStyle::Sha256) b.add_message_integrity_sha256(k);
    else b.add_message_integrity(k);
    if (fingerprint) b.add_fingerprint();
    return finish(b);
}

Reply TestClient::signed_once_with(Method method, const AttributeWriter& attrs) {
    last_request = build_signed(method, attrs);
    return harness_->exchange(tuple, last_request);
}

Reply TestClient::request_with(Method method, const AttributeWriter& attrs) {
    if (nonce.empty()) {
        Reply first = unauthenticated_with(method, attrs);
        if (!learn(first)) return first;  // answered without authentication (Binding, or refused early)
    }
    Reply reply = signed_once_with(method, attrs);
    if (reply.code() == 438 && learn(reply)) reply = signed_once_with(method, attrs);

    const int code = reply.code();
    if (code == 401 || code == 438) {
        // Failed authentication: there is no key the server could sign with.
        const auto v = reply.view();
        EXPECT_TRUE(v && !v->message_integrity_offset() && !v->message_integrity_sha256_offset())
            << "a " << code << " answer must not be signed";
    } else {
        EXPECT_TRUE(verifies(reply)) << "answer (code " << code << ") does not verify with the client's key";
    }
    return reply;
}

Reply TestClient::retransmit() { return harness_->exchange(tuple, last_request); }

Reply TestClient::create_permission(std::initializer_list<TransportAddress> peers) {
    return request_with(Method::CreatePermission, [&peers](MessageBuilder& b) {
        for (const auto& p : peers) b.add(peer_attr(p));
    });
}

Reply TestClient::channel_bind(std::uint16_t channel, const TransportAddress& peer) {
    return request(Method::ChannelBind, channel_attr(channel), peer_attr(peer));
}

void TestClient::send_indication(const TransportAddress& peer, std::span<const std::uint8_t> payload,
                                 bool dont_fragment) {
    std::array<std::uint8_t, 2048> buffer{};
    MessageBuilder b(buffer, {Method::Send, MessageClass::Indication}, harness_->new_transaction_id());
    b.add(peer_attr(peer));
    b.add(attr::Data{payload});
    if (dont_fragment) b.add(attr::DontFragment{});
    harness_->deliver(tuple, finish(b));
}

void TestClient::send_channel_data(std::uint16_t channel, std::span<const std::uint8_t> payload) {
    const auto framing = tuple.is_stream() ? protocol::Framing::Stream : protocol::Framing::Datagram;
    std::vector<std::uint8_t> frame(protocol::channel_data_frame_size(payload.size(), framing), 0);
    protocol::store_be16(frame.data(), channel);
    protocol::store_be16(frame.data() + 2, static_cast<std::uint16_t>(payload.size()));
    std::copy(payload.begin(), payload.end(), frame.begin() + protocol::kChannelDataHeaderSize);
    harness_->deliver(tuple, frame);
}

// ---- CoreHarness ---------------------------------------------------------------------------------------

namespace {

std::array<std::uint8_t, 32> nonce_key() {
    std::array<std::uint8_t, 32> key{};
    for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(0xA0 + i);
    return key;
}

}  // namespace

std::shared_ptr<const auth::CredentialStore> CoreHarness::make_credentials() {
    return std::make_shared<const auth::CredentialStore>(
        std::string(kRealm),
        std::vector<auth::CredentialStore::User>{{std::string(kAlice), std::string(kAlicePassword)},
                                                 {std::string(kBob), std::string(kBobPassword)}},
        std::vector<std::string>{std::string(kSecret)});
}

CoreHarness::CoreHarness(CoreConfig config, PeerPolicy::Rules peer_rules)
    : config_(std::move(config)),
      credentials_(make_credentials()),
      peers_(std::make_shared<const PeerPolicy>(std::move(peer_rules))),
      server(config_, ServerPolicies{credentials_, peers_}, nonce_key(), io, random) {}

void CoreHarness::set_peer_rules(PeerPolicy::Rules rules) {
    peers_ = std::make_shared<const PeerPolicy>(std::move(rules));
    server.update_policies(ServerPolicies{credentials_, peers_}, now());
}

FiveTuple CoreHarness::udp_client(int n) {
    return {ta("203.0.113." + std::to_string(n) + ":" + std::to_string(40000 + n)), ta("192.0.2.10:3478"),
            Transport::Udp};
}

FiveTuple CoreHarness::tcp_client(int n) {
    FiveTuple t = udp_client(n);
    t.transport = Transport::Tcp;
    return t;
}

TestClient CoreHarness::client(int n, std::string_view username, std::string_view password, AuthStyle style) {
    return client(udp_client(n), username, password, style);
}

TestClient CoreHarness::client(const FiveTuple& tuple, std::string_view username, std::string_view password,
                               AuthStyle style) {
    return TestClient(*this, tuple, std::string(username), std::string(password), style);
}

protocol::TransactionId CoreHarness::new_transaction_id() {
    protocol::TransactionId tx{};
    transaction_ids_.fill(tx);
    return tx;
}

void CoreHarness::deliver(const FiveTuple& from, std::span<const std::uint8_t> bytes) {
    server.on_client_message(from, bytes, now());
}

Reply CoreHarness::exchange(const FiveTuple& from, std::span<const std::uint8_t> bytes) {
    const std::size_t before = io.to_client.size();
    deliver(from, bytes);
    if (io.to_client.size() != before + 1) {
        ADD_FAILURE() << "expected one answer, got " << io.to_client.size() - before;
        return {};
    }
    const ClientPacket& answer = io.to_client.back();
    EXPECT_TRUE(answer.client == from) << "answer sent to another 5-tuple";
    const Reply reply(answer.bytes);
    const auto v = reply.view();
    const auto request = MessageView::parse(bytes);
    EXPECT_TRUE(v.has_value()) << "answer does not parse";
    if (v && request) {
        EXPECT_EQ(v->transaction_id(), request->transaction_id());
    }
    return reply;
}

void CoreHarness::peer_sends(RelayId relay, const TransportAddress& peer, std::span<const std::uint8_t> payload) {
    using Buffer = protocol::RelayBuffer<2048>;
    Buffer buffer{};
    EXPECT_LE(payload.size(), buffer.payload_area().size());
    std::copy(payload.begin(), payload.end(), buffer.payload_area().begin());
    server.on_peer_datagram(relay, peer, buffer.whole(), Buffer::kPayloadOffset, payload.size(), now());
}

std::optional<RelayId> CoreHarness::relay_id(const TransportAddress& advertised) const {
    for (const auto& r : config_.relay_addresses)
        if (r.advertised == advertised.ip) return io.relay_at({r.local, advertised.port});
    return std::nullopt;
}

RelayId CoreHarness::relay_of(const Reply& allocate_reply, AddressFamily family) const {
    const auto relayed = allocate_reply.relayed(family);
    if (!relayed) {
        ADD_FAILURE() << "no XOR-RELAYED-ADDRESS of that family in the answer";
        return 0;
    }
    const auto id = relay_id(*relayed);
    if (!id) ADD_FAILURE() << "no open relay behind " << relayed->to_string();
    return id.value_or(0);
}

}  // namespace tern::server::test
