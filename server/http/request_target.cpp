#include "server/http/request_target.hpp"

namespace tern::http {
namespace {

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Calls `each` with every piece of `text` between separators.
template <class Each>
void split(std::string_view text, char separator, Each each) {
    while (true) {
        const auto at = text.find(separator);
        each(text.substr(0, at));
        if (at == std::string_view::npos) return;
        text.remove_prefix(at + 1);
    }
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size()) return std::nullopt;  // fewer than two digits follow
        const int high = hex_value(text[i + 1]);
        const int low = hex_value(text[i + 2]);
        if (high < 0 || low < 0) return std::nullopt;
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return out;
}

std::optional<RequestTarget> RequestTarget::parse(std::string_view target) {
    if (target.empty() || target.front() != '/') return std::nullopt;
    const auto question = target.find('?');
    const std::string_view path = target.substr(1, question == std::string_view::npos ? question : question - 1);
    const std::string_view query =
        question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);

    RequestTarget parsed;
    bool ok = true;
    split(path, '/', [&](std::string_view segment) {
        if (segment.empty()) return;  // "//" and a trailing '/' add nothing
        auto decoded = percent_decode(segment);
        if (!decoded) ok = false;
        else parsed.segments.push_back(std::move(*decoded));
    });
    if (!query.empty()) split(query, '&', [&](std::string_view pair) {
        if (pair.empty()) return;
        const auto eq = pair.find('=');
        auto name = percent_decode(pair.substr(0, eq));
        auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
        if (!name || !value) ok = false;
        else parsed.query.emplace_back(std::move(*name), std::move(*value));
    });
    if (!ok) return std::nullopt;
    return parsed;
}

std::optional<std::string_view> RequestTarget::query_value(std::string_view name) const {
    for (const auto& [key, value] : query)
        if (key == name) return value;
    return std::nullopt;
}

}  // namespace tern::http
