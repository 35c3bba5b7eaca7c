#pragma once
// What the endpoints of one worker share: its epoll loop, its batches of datagrams, scratch buffers,
// randomness, and the TCP connections with bytes to write at the end of the loop iteration.

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "auth/random.hpp"
#include "bench/tern_bench/datagram_batch.hpp"
#include "bench/tern_bench/epoll_loop.hpp"
#include "protocol/constants.hpp"

namespace tern::bench {

// A TCP endpoint with bytes queued: flushed (and its epoll interest updated) at the end of an iteration.
class PendingWriter {
public:
    virtual void write_pending() = 0;

protected:
    ~PendingWriter() = default;
};

struct EndpointContext {
    EpollLoop loop;
    ReceiveBatch receive;
    SendQueue sends;
    auth::BufferedRandom random;  // one per worker thread
    // TCP probes are framed here, then copied into the connection's write buffer.
    std::unique_ptr<SendSlot> stream_scratch = std::make_unique<SendSlot>();
    // TCP frames are copied here before the client core sees them, so payloads can be unprotected in place.
    std::vector<std::uint8_t> frame_copy = std::vector<std::uint8_t>(protocol::kMaxMessageSize);
    // Connections with queued bytes, flushed once per loop iteration (a connection may appear twice).
    std::vector<PendingWriter*> streams_to_flush;

    // Send indications need transaction ids that differ; they need not be unpredictable, so a random
    // prefix per worker and a counter stand in for 12 random bytes per probe.
    protocol::TransactionId next_indication_id() noexcept;

    // Sends the queued datagrams and TCP bytes; returns how many datagrams the kernel refused.
    std::size_t flush();

private:
    std::uint32_t indication_prefix_ = random.next_u32();
    std::uint64_t indication_counter_ = 0;
};

}  // namespace tern::bench
