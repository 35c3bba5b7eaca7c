#include "bench/tern_bench/endpoint_context.hpp"

#include <cstring>

namespace tern::bench {

protocol::TransactionId EndpointContext::next_indication_id() noexcept {
    protocol::TransactionId id{};
    const std::uint64_t counter = ++indication_counter_;
    std::memcpy(id.data(), &indication_prefix_, sizeof indication_prefix_);
    std::memcpy(id.data() + sizeof indication_prefix_, &counter, sizeof counter);
    return id;
}

std::size_t EndpointContext::flush() {
    // Swapped out first: a connection that breaks while writing may queue more work.
    std::vector<PendingWriter*> writers;
    writers.swap(streams_to_flush);
    for (PendingWriter* writer : writers) writer->write_pending();
    return sends.flush();
}

}  // namespace tern::bench
