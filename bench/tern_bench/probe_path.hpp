#pragma once
// Where a flow's probes go: a TURN allocation (TurnEndpoint: framed as ChannelData or a Send
// indication to the flow's peer) or a plain UDP socket (DirectEndpoint: the bare forwarder). The flow
// writes its SRTP packet into payload_area(), then send_payload() frames and queues it in place.

#include <cstddef>
#include <cstdint>
#include <span>

namespace tern::bench {

class ProbePath {
public:
    // Room for one payload; valid until the next send_payload() on any path of the same worker.
    virtual std::span<std::uint8_t> payload_area() = 0;
    // Frames the first `size` bytes of payload_area() and queues them. False when the path cannot
    // carry data now (not ready, or its connection's buffer is full).
    virtual bool send_payload(std::size_t size) = 0;

protected:
    ~ProbePath() = default;
};

}  // namespace tern::bench
