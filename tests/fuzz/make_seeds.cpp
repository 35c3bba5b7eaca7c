// Writes a seed corpus for tern_fuzz_protocol into the directory given as argv[1]: one valid message
// of each kind the relay handles, so the fuzzer starts from deep inside the parser.

#include <cstdio>
#include <string>
#include <vector>

#include "protocol/attributes/all.hpp"
#include "protocol/channel_data.hpp"
#include "protocol/message_builder.hpp"

using namespace tern::protocol;

namespace {

void write(const std::string& dir, const std::string& name, std::span<const std::uint8_t> bytes) {
    const std::string path = dir + "/" + name;
    if (FILE* f = std::fopen(path.c_str(), "wb")) {
        std::fwrite(bytes.data(), 1, bytes.size(), f);
        std::fclose(f);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    const TransactionId tx = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};
    const std::uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    const TransportAddress v4{*IpAddress::parse("192.0.2.1"), 32853};
    const TransportAddress v6{*IpAddress::parse("2001:db8::1"), 49152};
    const std::uint8_t payload[13] = {0x80, 0x60, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    std::uint8_t buf[2048];

    {
        MessageBuilder b(buf, {Method::Binding, MessageClass::Request}, tx);
        b.add(attr::Software{"tern seed"}).add_fingerprint();
        write(dir, "binding_request", b.bytes());
    }
    {
        MessageBuilder b(buf, {Method::Binding, MessageClass::SuccessResponse}, tx);
        b.add(attr::XorMappedAddress{v6}).add(attr::MappedAddress{v4}).add_message_integrity(key).add_fingerprint();
        write(dir, "binding_response", b.bytes());
    }
    {
        MessageBuilder b(buf, {Method::Allocate, MessageClass::Request}, tx);
        attr::PasswordAlgorithms algs;
        algs.entries[0] = {static_cast<std::uint16_t>(attr::PasswordAlgorithmId::Sha256), {}};
        algs.entries[1] = {static_cast<std::uint16_t>(attr::PasswordAlgorithmId::Md5), {}};
        algs.count = 2;
        b.add(attr::RequestedTransport{}).add(attr::Lifetime{600}).add(attr::EvenPort{true});
        b.add(attr::RequestedAddressFamily{0x02}).add(attr::DontFragment{}).add(attr::Username{"1735689600:alice"});
        b.add(attr::Realm{"example.org"}).add(attr::Nonce{"obMatJos2gAAAnonce"}).add(algs);
        b.add(attr::PasswordAlgorithm{{static_cast<std::uint16_t>(attr::PasswordAlgorithmId::Sha256), {}}});
        b.add_message_integrity(key).add_message_integrity_sha256(key).add_fingerprint();
        write(dir, "allocate_request", b.bytes());
    }
    {
        MessageBuilder b(buf, {Method::Allocate, MessageClass::ErrorResponse}, tx);
        const std::uint16_t unknown[] = {0x0077, 0x0078};
        b.add(attr::ErrorCode::of(ErrorCode::UnknownAttribute)).add(attr::UnknownAttributes::of(unknown));
        b.add(attr::AddressErrorCode::of(AddressFamily::IPv6, ErrorCode::AddressFamilyNotSupported));
        write(dir, "allocate_error", b.bytes());
    }
    {
        MessageBuilder b(buf, {Method::ChannelBind, MessageClass::Request}, tx);
        b.add(attr::ChannelNumber{0x4001}).add(attr::XorPeerAddress{v4}).add_message_integrity(key);
        write(dir, "channel_bind", b.bytes());
    }
    {
        MessageBuilder b(buf, {Method::Send, MessageClass::Indication}, tx);
        b.add(attr::XorPeerAddress{v6}).add(attr::Data{payload}).add(attr::Icmp{3, 1, 0});
        write(dir, "send_indication", b.bytes());
    }
    {
        MessageBuilder b(buf, {Method::Binding, MessageClass::Request}, tx);
        b.add(attr::ChangeRequest{true, true}).add(attr::ResponsePort{3479}).add(attr::Padding{payload});
        b.add(attr::Priority{0x6e0001ff}).add(attr::IceControlled{0x932ff9b151263b36}).add(attr::UseCandidate{});
        write(dir, "nat_behavior", b.bytes());
    }
    for (const auto framing : {Framing::Datagram, Framing::Stream}) {
        std::uint8_t frame[64] = {};
        for (std::size_t i = 0; i < sizeof payload; ++i) frame[4 + i] = payload[i];
        const auto f = frame_channel_data(frame, 4, sizeof payload, 0x4001, framing);
        write(dir, framing == Framing::Stream ? "channel_data_stream" : "channel_data_datagram", f);
    }
    return 0;
}
