// Cost of the codec on the three messages a relay sees most: a ChannelData frame (the data path), a
// Binding request (keep-alives and ICE checks) and an authenticated Allocate (MESSAGE-INTEGRITY and
// FINGERPRINT both checked), measured as parse + validate per message.

#include <benchmark/benchmark.h>

#include <array>

#include "protocol/attributes/all.hpp"
#include "protocol/channel_data.hpp"
#include "protocol/credentials.hpp"
#include "protocol/integrity.hpp"
#include "protocol/message_builder.hpp"
#include "protocol/message_view.hpp"

using namespace tern::protocol;

namespace {

const TransactionId kTx = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

void BM_ChannelDataParse(benchmark::State& state) {
    std::array<std::uint8_t, 4 + 1200> frame{};
    const auto f = frame_channel_data(frame, 4, static_cast<std::size_t>(state.range(0)), 0x4001, Framing::Datagram);
    for (auto _ : state) {
        auto parsed = ChannelDataView::parse(f, Framing::Datagram);
        benchmark::DoNotOptimize(parsed);
    }
}
BENCHMARK(BM_ChannelDataParse)->Arg(100)->Arg(1200);

void BM_BindingRequestParse(benchmark::State& state) {
    std::array<std::uint8_t, 128> storage{};
    MessageBuilder b(storage, {Method::Binding, MessageClass::Request}, kTx);
    b.add(attr::Software{"bench client"}).add_fingerprint();  // FINGERPRINT is verified by parse()
    const auto bytes = b.bytes();
    for (auto _ : state) {
        auto m = MessageView::parse(bytes);
        benchmark::DoNotOptimize(m);
    }
}
BENCHMARK(BM_BindingRequestParse);

void BM_AuthenticatedAllocateParse(benchmark::State& state) {
    const auto key = long_term_key_md5("1735689600:alice", "example.org", "HbvWA6hGDtdv3wflBolXLhvzs0w=");
    std::array<std::uint8_t, 256> storage{};
    MessageBuilder b(storage, {Method::Allocate, MessageClass::Request}, kTx);
    b.add(attr::RequestedTransport{}).add(attr::Lifetime{600}).add(attr::Username{"1735689600:alice"});
    b.add(attr::Realm{"example.org"}).add(attr::Nonce{"obMatJos2gAAA0123456789abcdef"});
    b.add_message_integrity(key).add_fingerprint();
    const auto bytes = b.bytes();
    for (auto _ : state) {
        auto m = MessageView::parse(bytes);
        auto user = m->get<attr::Username>();
        auto transport = m->get<attr::RequestedTransport>();
        auto ok = check_message_integrity(*m, key);
        benchmark::DoNotOptimize(user);
        benchmark::DoNotOptimize(transport);
        benchmark::DoNotOptimize(ok);
    }
}
BENCHMARK(BM_AuthenticatedAllocateParse);

}  // namespace

BENCHMARK_MAIN();
