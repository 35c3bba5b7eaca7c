#include "server/core/shared_state.hpp"

namespace tern::server {

SharedState::SharedState(const CoreConfig& config) {
    for (const auto& r : config.relay_addresses)
        pools_.emplace_back(std::piecewise_construct, std::forward_as_tuple(r.local),
                            std::forward_as_tuple(config.relay_port_min, config.relay_port_max));
}

std::optional<std::uint8_t> SharedState::pool_index(const protocol::IpAddress& relay_ip) const noexcept {
    for (std::size_t i = 0; i < pools_.size(); ++i)
        if (pools_[i].first == relay_ip) return static_cast<std::uint8_t>(i);
    return std::nullopt;
}

PortPool* SharedState::pool_at(std::uint8_t index) noexcept {
    return index < pools_.size() ? &pools_[index].second : nullptr;
}

const protocol::IpAddress* SharedState::pool_ip(std::uint8_t index) const noexcept {
    return index < pools_.size() ? &pools_[index].first : nullptr;
}

PortPool* SharedState::pool_for(const protocol::IpAddress& relay_ip) noexcept {
    for (auto& [ip, pool] : pools_)
        if (ip == relay_ip) return &pool;
    return nullptr;
}

}  // namespace tern::server
