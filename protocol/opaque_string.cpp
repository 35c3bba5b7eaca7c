#include "protocol/opaque_string.hpp"

#include <cstdint>

namespace tern::protocol {
namespace {

// Decodes one code point at text[i], advancing i; nullopt on any ill-formed sequence.
std::optional<char32_t> next_code_point(std::string_view text, std::size_t& i) noexcept {
    const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
    const std::uint8_t b0 = byte(i);
    std::size_t len;
    char32_t cp;
    char32_t min;
    if (b0 < 0x80) {
        ++i;
        return b0;
    } else if ((b0 & 0xE0) == 0xC0) {
        len = 2, cp = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3, cp = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
        return std::nullopt;
    }
    if (text.size() - i < len) return std::nullopt;
    for (std::size_t k = 1; k < len; ++k) {
        const std::uint8_t b = byte(i + k);
        if ((b & 0xC0) != 0x80) return std::nullopt;
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    i += len;
    return cp;
}

bool is_control(char32_t cp) noexcept { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

// Unicode general category Zs other than U+0020.
bool is_non_ascii_space(char32_t cp) noexcept {
    return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
           cp == 0x3000;
}

}  // namespace

bool is_valid_utf8(std::string_view text) noexcept {
    std::size_t i = 0;
    while (i < text.size())
        if (!next_code_point(text, i)) return false;
    return true;
}

std::optional<std::string> opaque_string_prepare(std::string_view password) {
    std::string out;
    out.reserve(password.size());
    std::size_t i = 0;
    while (i < password.size()) {
        const std::size_t start = i;
        const auto cp = next_code_point(password, i);
        if (!cp || is_control(*cp)) return std::nullopt;
        if (is_non_ascii_space(*cp)) out.push_back(' ');
        else out.append(password.substr(start, i - start));
    }
    if (out.empty()) return std::nullopt;
    return out;
}

}  // namespace tern::protocol
