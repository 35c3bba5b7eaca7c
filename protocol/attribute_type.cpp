#include "protocol/attribute_type.hpp"

namespace tern::protocol {

std::string_view attribute_name(std::uint16_t type) noexcept {
    switch (static_cast<AttributeType>(type)) {
        case AttributeType::MappedAddress: return "MAPPED-ADDRESS";
        case AttributeType::Username: return "USERNAME";
        case AttributeType::MessageIntegrity: return "MESSAGE-INTEGRITY";
        case AttributeType::ErrorCode: return "ERROR-CODE";
        case AttributeType::UnknownAttributes: return "UNKNOWN-ATTRIBUTES";
        case AttributeType::Realm: return "REALM";
        case AttributeType::Nonce: return "NONCE";
        case AttributeType::MessageIntegritySha256: return "MESSAGE-INTEGRITY-SHA256";
        case AttributeType::PasswordAlgorithm: return "PASSWORD-ALGORITHM";
        case AttributeType::Userhash: return "USERHASH";
        case AttributeType::XorMappedAddress: return "XOR-MAPPED-ADDRESS";
        case AttributeType::PasswordAlgorithms: return "PASSWORD-ALGORITHMS";
        case AttributeType::AlternateDomain: return "ALTERNATE-DOMAIN";
        case AttributeType::Software: return "SOFTWARE";
        case AttributeType::AlternateServer: return "ALTERNATE-SERVER";
        case AttributeType::Fingerprint: return "FINGERPRINT";
        case AttributeType::ChannelNumber: return "CHANNEL-NUMBER";
        case AttributeType::Lifetime: return "LIFETIME";
        case AttributeType::XorPeerAddress: return "XOR-PEER-ADDRESS";
        case AttributeType::Data: return "DATA";
        case AttributeType::XorRelayedAddress: return "XOR-RELAYED-ADDRESS";
        case AttributeType::RequestedAddressFamily: return "REQUESTED-ADDRESS-FAMILY";
        case AttributeType::EvenPort: return "EVEN-PORT";
        case AttributeType::RequestedTransport: return "REQUESTED-TRANSPORT";
        case AttributeType::DontFragment: return "DONT-FRAGMENT";
        case AttributeType::ReservationToken: return "RESERVATION-TOKEN";
        case AttributeType::AdditionalAddressFamily: return "ADDITIONAL-ADDRESS-FAMILY";
        case AttributeType::AddressErrorCode: return "ADDRESS-ERROR-CODE";
        case AttributeType::Icmp: return "ICMP";
        case AttributeType::ConnectionId: return "CONNECTION-ID";
        case AttributeType::ChangeRequest: return "CHANGE-REQUEST";
        case AttributeType::Padding: return "PADDING";
        case AttributeType::ResponsePort: return "RESPONSE-PORT";
        case AttributeType::ResponseOrigin: return "RESPONSE-ORIGIN";
        case AttributeType::OtherAddress: return "OTHER-ADDRESS";
        case AttributeType::MobilityTicket: return "MOBILITY-TICKET";
        case AttributeType::AccessToken: return "ACCESS-TOKEN";
        case AttributeType::ThirdPartyAuthorization: return "THIRD-PARTY-AUTHORIZATION";
        case AttributeType::Priority: return "PRIORITY";
        case AttributeType::UseCandidate: return "USE-CANDIDATE";
        case AttributeType::IceControlled: return "ICE-CONTROLLED";
        case AttributeType::IceControlling: return "ICE-CONTROLLING";
    }
    return {};
}

bool is_known_attribute(std::uint16_t type) noexcept { return !attribute_name(type).empty(); }

}  // namespace tern::protocol
