#pragma once
// OpaqueString preparation of passwords (RFC 8265 §4.2), as RFC 8489 §9.2.2 requires before hashing.
//
// Implemented: UTF-8 validation (no overlong forms, surrogates or code points past U+10FFFF), refusal
// of control characters (Cc) and of the empty string, and the mapping of non-ASCII spaces (Zs) to
// U+0020. Printable ASCII passes unchanged, which covers what TURN deployments use.
// Not implemented: Unicode normalisation to NFC and the full PRECIS FreeformClass tables (unassigned,
// old Hangul jamo, default-ignorable and other disallowed code points are passed through). Text that
// NFC would change therefore hashes differently here than in a complete implementation.

#include <optional>
#include <string>
#include <string_view>

namespace tern::protocol {

std::optional<std::string> opaque_string_prepare(std::string_view password);

// True for well-formed UTF-8 (RFC 3629).
bool is_valid_utf8(std::string_view text) noexcept;

}  // namespace tern::protocol
