#include "bench/tern_bench/direct_endpoint.hpp"

namespace tern::bench {

DirectEndpoint::DirectEndpoint(EndpointContext& context, DatagramReceiver& receiver, FileDescriptor fd)
    : context_(context), receiver_(receiver), fd_(std::move(fd)) {
    context_.loop.add(fd_.get(), *this, EPOLLIN);
}

DirectEndpoint::~DirectEndpoint() { context_.loop.remove(fd_.get()); }

std::span<std::uint8_t> DirectEndpoint::payload_area() { return context_.sends.next_slot().payload_area(); }

bool DirectEndpoint::send_payload(std::size_t size) {
    context_.sends.push(fd_.get(), SendSlot::kPayloadOffset, size);
    return true;
}

void DirectEndpoint::on_ready(std::uint32_t, TimePoint now) {
    for (int round = 0; round < 8; ++round) {  // bounded: the TURN sockets of the worker get their turn
        const std::size_t n = context_.receive.receive(fd_.get());
        for (std::size_t i = 0; i < n; ++i) {
            const auto datagram = context_.receive.datagram(i);
            if (!datagram.empty()) receiver_.on_datagram(datagram, now);
        }
        if (n < ReceiveBatch::kMessages) return;
    }
}

}  // namespace tern::bench
