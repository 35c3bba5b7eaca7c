// `ternd --help`: rendered from the option table, so every option, default and coturn spelling shown
// is the one the parser uses.

#include <string>
#include <string_view>
#include <vector>

#include "server/config/options.hpp"

namespace tern::server {
namespace {

// Appends `text` wrapped at 100 columns, each line indented by `indent` spaces.
void append_wrapped(std::string& out, std::string_view text, std::size_t indent) {
    constexpr std::size_t kWidth = 100;
    std::size_t column = 0;
    while (!text.empty()) {
        const auto space = text.find(' ');
        const std::string_view word = text.substr(0, space);
        text = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
        if (word.empty()) continue;
        if (column > indent && column + 1 + word.size() > kWidth) {
            out += '\n';
            column = 0;
        }
        if (column == 0) {
            out.append(indent, ' ');
            column = indent;
        } else {
            out += ' ';
            ++column;
        }
        out += word;
        column += word.size();
    }
    out += '\n';
}

void append_with_prefix(std::string& out, std::string_view prefix, std::string_view text, std::size_t indent) {
    std::string line(prefix);
    line += text;
    append_wrapped(out, line, indent);
}

// coturn's spellings of a Tern option: its own name if coturn shares it, its aliases, and the coturn
// entries that map onto it.
std::string coturn_spellings(const Option& o) {
    std::vector<std::string_view> names;
    if (o.same_in_coturn) names.push_back(o.name);
    for (std::string_view rest = o.aliases; !rest.empty();) {
        const auto space = rest.find(' ');
        if (const auto alias = rest.substr(0, space); !alias.empty()) names.push_back(alias);
        rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
    }
    for (const Option& other : option_table())
        if (other.maps_to == o.name) names.push_back(other.name);
    if (names.empty()) return "none";
    std::string out;
    for (const auto n : names) {
        if (!out.empty()) out += ", ";
        out += n;
    }
    return out;
}

void describe(std::string& out, const Option& o, const DaemonConfig& defaults) {
    out += "  --";
    out += o.name;
    if (!o.placeholder.empty()) {
        out += ' ';
        out += o.placeholder;
    }
    if (o.repeatable) out += "  (repeatable)";
    out += '\n';
    append_wrapped(out, o.help, 6);
    if (o.show_default != nullptr) append_with_prefix(out, "default: ", o.show_default(defaults), 6);
    if (o.group == OptionGroup::Tern) append_with_prefix(out, "coturn: ", coturn_spellings(o), 6);
    else if (!o.maps_to.empty()) append_with_prefix(out, "Tern: --", o.maps_to, 6);
}

}  // namespace

std::string help_text() {
    const DaemonConfig defaults;
    std::string out = "Usage: ternd [--config FILE] [OPTION]...\n\n";
    append_wrapped(out,
                   "Options are given as --name VALUE or --name=VALUE, flags as --name. A config file holds the "
                   "same options without dashes, one per line: `name = value`, or a bare `name` for a flag; "
                   "lines starting with # are comments, and values are taken literally. The file is read first "
                   "and the command line applied on top: a single-valued option there replaces the file's, and "
                   "repeatable options collect from both. coturn's spellings, listed with each option, are "
                   "accepted too.",
                   0);
    const auto section = [&](std::string_view title, OptionGroup group) {
        out += '\n';
        out += title;
        out += '\n';
        for (const Option& o : option_table())
            if (o.group == group) describe(out, o, defaults);
    };
    section("Options:", OptionGroup::Tern);
    section("coturn options, translated to the Tern option named:", OptionGroup::Coturn);
    section("coturn flags accepted with no effect (ternd logs a notice saying why):", OptionGroup::Ignored);
    return out;
}

}  // namespace tern::server
