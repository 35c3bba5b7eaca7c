#pragma once
// Why allocations or flows failed, counted by a short key: the STUN error code when the server sent
// one ("401", "486", "508"), else what went wrong ("timeout", "transport_error", ...).

#include <cstdint>
#include <map>
#include <string>

#include "client/client_events.hpp"

namespace tern::bench {

using FailureCounts = std::map<std::string, std::uint64_t>;

std::string failure_key(const client::ClientError& error);
void merge_failures(FailureCounts& into, const FailureCounts& from);

}  // namespace tern::bench
