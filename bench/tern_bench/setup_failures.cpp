#include "bench/tern_bench/setup_failures.hpp"

#include <algorithm>

namespace tern::bench {

std::string failure_key(const client::ClientError& error) {
    if (error.code != 0) return std::to_string(error.code);
    std::string key(client::to_string(error.kind));
    std::replace(key.begin(), key.end(), ' ', '_');
    return key;
}

void merge_failures(FailureCounts& into, const FailureCounts& from) {
    for (const auto& [key, count] : from) into[key] += count;
}

}  // namespace tern::bench
