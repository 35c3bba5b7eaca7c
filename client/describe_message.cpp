#include "client/describe_message.hpp"

#include <sstream>

#include "protocol/attributes/all.hpp"
#include "protocol/channel_data.hpp"
#include "protocol/message_view.hpp"

namespace tern::client {
namespace {

using namespace tern::protocol;

// The decoded value of an attribute this tool knows how to show, or "" to fall back to its length.
std::string value_of(const MessageView& m, const RawAttribute& a) {
    const auto tx = m.transaction_id();
    std::ostringstream out;
    switch (static_cast<AttributeType>(a.type)) {
        case AttributeType::XorMappedAddress:
        case AttributeType::XorPeerAddress:
        case AttributeType::XorRelayedAddress:
            if (const auto v = attr::XorMappedAddress::decode(a.value, tx)) out << v->address.to_string();
            break;
        case AttributeType::MappedAddress:
        case AttributeType::AlternateServer:
        case AttributeType::ResponseOrigin:
        case AttributeType::OtherAddress:
            if (const auto v = attr::MappedAddress::decode(a.value, tx)) out << v->address.to_string();
            break;
        case AttributeType::Username:
        case AttributeType::Realm:
        case AttributeType::Nonce:
        case AttributeType::Software:
        case AttributeType::AlternateDomain:
            if (const auto v = attr::Software::decode(a.value, tx)) out << '"' << v->value << '"';
            break;
        case AttributeType::ErrorCode:
            if (const auto v = attr::ErrorCode::decode(a.value, tx)) out << v->code << " " << v->reason;
            break;
        case AttributeType::Lifetime:
            if (const auto v = attr::Lifetime::decode(a.value, tx)) out << v->value << " s";
            break;
        case AttributeType::ChannelNumber:
            if (const auto v = attr::ChannelNumber::decode(a.value, tx)) out << "0x" << std::hex << v->channel;
            break;
        case AttributeType::RequestedTransport:
            if (const auto v = attr::RequestedTransport::decode(a.value, tx)) out << int{v->protocol};
            break;
        default:
            break;
    }
    return out.str();
}

}  // namespace

std::string describe_message(std::span<const std::uint8_t> bytes) {
    std::ostringstream out;
    if (!bytes.empty() && (bytes[0] >> 6) == 0b01) {
        const auto cd = ChannelDataView::parse(bytes, Framing::Datagram);
        if (!cd) return "ChannelData: invalid (" + std::string(to_string(cd.error())) + ")\n";
        out << "ChannelData channel 0x" << std::hex << cd->channel << std::dec << ", " << cd->payload.size()
            << " payload bytes\n";
        return out.str();
    }
    const auto m = MessageView::parse(bytes);
    if (!m) return "STUN: invalid (" + std::string(to_string(m.error())) + ")\n";
    out << method_name(m->method()) << " " << class_name(m->message_class()) << ", " << bytes.size() << " bytes\n";
    const auto print = [&](const RawAttribute& a) {
        const auto name = attribute_name(a.type);
        out << "  " << (name.empty() ? "unknown" : name) << " (0x" << std::hex << a.type << std::dec << ", "
            << a.value.size() << " bytes)";
        const auto value = value_of(*m, a);
        if (!value.empty()) out << ": " << value;
        out << "\n";
    };
    for (const RawAttribute a : m->attributes()) print(a);
    for (const auto type : {AttributeType::MessageIntegrity, AttributeType::MessageIntegritySha256,
                            AttributeType::Fingerprint})
        if (const auto a = m->find(type)) print(*a);
    return out.str();
}

}  // namespace tern::client
