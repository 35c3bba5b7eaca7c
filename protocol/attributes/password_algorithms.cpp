#include "protocol/attributes/password_algorithms.hpp"

#include <cstring>

#include "protocol/bytes.hpp"

namespace tern::protocol::attr {
namespace {

// Reads one algorithm entry at the front of `v`; returns the bytes it used (padding included), or 0.
std::size_t read_entry(std::span<const std::uint8_t> v, PasswordAlgorithmEntry& e) noexcept {
    if (v.size() < 4) return 0;
    const std::size_t params = load_be16(v.data() + 2);
    if (padded4(params) > v.size() - 4) return 0;
    e.algorithm = load_be16(v.data());
    e.parameters = v.subspan(4, params);
    return 4 + padded4(params);
}

std::size_t entry_size(const PasswordAlgorithmEntry& e) noexcept { return 4 + padded4(e.parameters.size()); }

void write_entry(std::uint8_t* out, const PasswordAlgorithmEntry& e) noexcept {
    store_be16(out, e.algorithm);
    store_be16(out + 2, static_cast<std::uint16_t>(e.parameters.size()));
    std::memset(out + 4, 0, padded4(e.parameters.size()));
    if (!e.parameters.empty()) std::memcpy(out + 4, e.parameters.data(), e.parameters.size());
}

}  // namespace

std::optional<PasswordAlgorithm> PasswordAlgorithm::decode(std::span<const std::uint8_t> v,
                                                           const TransactionId&) noexcept {
    // One entry; the parameters may or may not carry their own padding inside the value.
    if (v.size() < 4) return std::nullopt;
    const std::size_t params = load_be16(v.data() + 2);
    if (v.size() < 4 + params || v.size() > 4 + padded4(params)) return std::nullopt;
    PasswordAlgorithm a;
    a.entry.algorithm = load_be16(v.data());
    a.entry.parameters = v.subspan(4, params);
    return a;
}

std::size_t PasswordAlgorithm::encoded_size() const noexcept { return entry_size(entry); }

void PasswordAlgorithm::encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept {
    write_entry(out.data(), entry);
}

bool PasswordAlgorithms::contains(PasswordAlgorithmId id) const noexcept {
    for (const auto& e : list())
        if (e.algorithm == static_cast<std::uint16_t>(id)) return true;
    return false;
}

std::optional<PasswordAlgorithms> PasswordAlgorithms::decode(std::span<const std::uint8_t> v,
                                                             const TransactionId&) noexcept {
    PasswordAlgorithms a;
    while (!v.empty()) {
        PasswordAlgorithmEntry e;
        const std::size_t used = read_entry(v, e);
        if (used == 0) return std::nullopt;
        if (a.count < kCapacity) a.entries[a.count++] = e;
        v = v.subspan(used);
    }
    return a;
}

std::size_t PasswordAlgorithms::encoded_size() const noexcept {
    std::size_t n = 0;
    for (const auto& e : list()) n += entry_size(e);
    return n;
}

void PasswordAlgorithms::encode(std::span<std::uint8_t> out, const TransactionId&) const noexcept {
    std::size_t pos = 0;
    for (const auto& e : list()) {
        write_entry(out.data() + pos, e);
        pos += entry_size(e);
    }
}

}  // namespace tern::protocol::attr
