// libFuzzer target over everything in protocol/ that reads untrusted bytes: the STUN parser, every
// typed attribute decoder, both integrity checks, ChannelData parsing and the TCP stream framer.
// Sanitizers turn any out-of-bounds read, overflow or undefined behaviour into a finding.

#include <cstddef>
#include <cstdint>
#include <span>

#include "protocol/attributes/all.hpp"
#include "protocol/channel_data.hpp"
#include "protocol/integrity.hpp"
#include "protocol/message_builder.hpp"
#include "protocol/message_view.hpp"
#include "protocol/nonce_cookie.hpp"
#include "protocol/opaque_string.hpp"
#include "protocol/stream_framer.hpp"

using namespace tern::protocol;

namespace {

template <class... A>
void decode_all(const MessageView& m) {
    // Decoding reads every byte of the value; the sum keeps the work from being optimised away.
    std::size_t sink = 0;
    ((sink += m.get<A>().has_value()), ...);
    for (const RawAttribute a : m.attributes()) sink += a.value.size();
    if (sink == static_cast<std::size_t>(-1)) __builtin_trap();
}

void exercise_message(std::span<const std::uint8_t> bytes) {
    const auto m = MessageView::parse(bytes);
    if (!m) return;
    decode_all<attr::MappedAddress, attr::XorMappedAddress, attr::XorPeerAddress, attr::XorRelayedAddress,
               attr::AlternateServer, attr::ResponseOrigin, attr::OtherAddress, attr::Username, attr::Realm,
               attr::Nonce, attr::Software, attr::AlternateDomain, attr::ThirdPartyAuthorization, attr::ErrorCode,
               attr::UnknownAttributes, attr::PasswordAlgorithm, attr::PasswordAlgorithms, attr::Userhash,
               attr::ReservationToken, attr::Data, attr::Padding, attr::AccessToken, attr::MobilityTicket,
               attr::Lifetime, attr::ConnectionId, attr::Priority, attr::IceControlled, attr::IceControlling,
               attr::DontFragment, attr::UseCandidate, attr::ChannelNumber, attr::RequestedTransport,
               attr::RequestedAddressFamily, attr::AdditionalAddressFamily, attr::EvenPort,
               attr::AddressErrorCode, attr::Icmp, attr::ChangeRequest, attr::ResponsePort>(*m);
    static constexpr std::uint8_t kKey[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    (void)check_message_integrity(*m, kKey);
    (void)check_message_integrity_sha256(*m, kKey);
    if (const auto nonce = m->get<attr::Nonce>()) (void)parse_nonce_cookie(nonce->value);
    if (const auto user = m->get<attr::Username>()) (void)opaque_string_prepare(user->value);

    // Re-encode what decoded and parse it again: the builder must never produce a message we refuse.
    std::uint8_t out[kMaxMessageSize];
    MessageBuilder b(out, m->type(), m->transaction_id());
    if (const auto a = m->get<attr::XorPeerAddress>()) b.add(*a);
    if (const auto a = m->get<attr::Username>()) b.add(*a);
    if (const auto a = m->get<attr::ErrorCode>()) b.add(*a);
    if (const auto a = m->get<attr::PasswordAlgorithms>()) b.add(*a);
    if (const auto a = m->get<attr::Data>()) b.add(*a);
    b.add_message_integrity(kKey).add_fingerprint();
    if (b.ok() && !MessageView::parse(b.bytes())) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> bytes(data, size);
    exercise_message(bytes);
    (void)ChannelDataView::parse(bytes, Framing::Datagram);
    (void)ChannelDataView::parse(bytes, Framing::Stream);

    // The framer sees the same bytes as a TCP stream arriving in chunks whose size the input picks.
    StreamFramer framer(4096);
    const std::size_t chunk = size == 0 ? 1 : (data[0] % 61) + 1;
    for (std::size_t pos = 0; pos < size;) {
        pos += framer.feed(bytes.subspan(pos, std::min(chunk, size - pos)));
        for (;;) {
            const auto r = framer.next();
            if (r.status != StreamFramer::Status::Frame) {
                if (r.status == StreamFramer::Status::Error) return 0;
                break;
            }
            if (r.frame.kind == FrameKind::Stun) exercise_message(r.frame.bytes);
            else if (!ChannelDataView::parse(r.frame.bytes, Framing::Stream)) __builtin_trap();
        }
        if (framer.buffered() == framer.capacity()) return 0;  // full without a frame: a too-large frame
    }
    return 0;
}
