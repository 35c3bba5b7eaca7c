#pragma once
// A plain UDP socket in a worker's loop, for the paths without TURN: the load socket of the bare
// forwarder baseline (connected to the forwarder; probes go out unframed) and the built-in sink peer
// (bound, receive only). Every datagram that arrives goes to the receiver as it is.

#include <cstdint>
#include <span>

#include "bench/tern_bench/endpoint_context.hpp"
#include "bench/tern_bench/probe_path.hpp"

namespace tern::bench {

class DatagramReceiver {
public:
    virtual void on_datagram(std::span<std::uint8_t> datagram, TimePoint now) = 0;

protected:
    ~DatagramReceiver() = default;
};

class DirectEndpoint final : public Pollable, public ProbePath {
public:
    DirectEndpoint(EndpointContext& context, DatagramReceiver& receiver, FileDescriptor fd);
    ~DirectEndpoint();
    DirectEndpoint(const DirectEndpoint&) = delete;
    DirectEndpoint& operator=(const DirectEndpoint&) = delete;

    int fd() const noexcept { return fd_.get(); }

    // ProbePath: for a connected socket, probes go to the address it is connected to.
    std::span<std::uint8_t> payload_area() override;
    bool send_payload(std::size_t size) override;

private:
    void on_ready(std::uint32_t events, TimePoint now) override;

    EndpointContext& context_;
    DatagramReceiver& receiver_;
    FileDescriptor fd_;
};

}  // namespace tern::bench
