#include "vector_file.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace tern::test {
namespace {

std::string section(const std::string& text, const std::string& vector_id) {
    const std::string heading = "## VECTOR " + vector_id;
    auto start = text.find(heading);
    while (start != std::string::npos) {
        const char after = start + heading.size() < text.size() ? text[start + heading.size()] : '\n';
        if (after == ' ' || after == '\n' || after == '\r') break;  // not a longer id with this prefix
        start = text.find(heading, start + 1);
    }
    if (start == std::string::npos) return {};
    const auto next = text.find("\n## ", start + heading.size());
    return text.substr(start, next == std::string::npos ? std::string::npos : next - start);
}

}  // namespace

std::string read_vector_file(const std::string& name) {
    const char* env = std::getenv("TERN_VECTORS_DIR");
    const std::string dir = env != nullptr && *env != '\0' ? env : TERN_DEFAULT_VECTORS_DIR;
    std::ifstream in(dir + "/" + name);
    if (!in) {
        ADD_FAILURE() << "cannot read vector file " << dir << "/" << name;
        return {};
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::uint8_t> from_hex(const std::string& hex) {
    std::vector<std::uint8_t> out;
    int hi = -1;
    for (const char c : hex) {
        int v;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        else continue;
        if (hi < 0) {
            hi = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(hi * 16 + v));
            hi = -1;
        }
    }
    return out;
}

std::string to_hex(const std::uint8_t* data, std::size_t size) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < size; ++i) {
        s.push_back(digits[data[i] >> 4]);
        s.push_back(digits[data[i] & 15]);
    }
    return s;
}

std::vector<std::uint8_t> vector_message(const std::string& file_text, const std::string& vector_id) {
    const std::string s = section(file_text, vector_id);
    const auto marker = s.find("hex (one line):");
    if (marker == std::string::npos) {
        ADD_FAILURE() << "no hex block in vector " << vector_id;
        return {};
    }
    // The block is the indented lines after the marker, up to the first blank line.
    std::istringstream lines(s.substr(marker + 15));
    std::string line;
    std::string hex;
    std::getline(lines, line);  // rest of the marker line
    while (std::getline(lines, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) break;
        hex += line;
    }
    return from_hex(hex);
}

std::string vector_field(const std::string& file_text, const std::string& vector_id, const std::string& label) {
    const std::string s = section(file_text, vector_id);
    std::istringstream lines(s);
    std::string line;
    while (std::getline(lines, line)) {
        const auto first = line.find_first_not_of(' ');
        if (first == std::string::npos || line.compare(first, label.size(), label) != 0) continue;
        auto colon = line.find(':', first + label.size());
        if (colon == std::string::npos) continue;
        // Only spaces may stand between the label and its colon.
        if (line.find_first_not_of(' ', first + label.size()) != colon) continue;
        auto value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        const auto comment = value.find("  ");
        if (comment != std::string::npos) value.erase(comment);
        return value;
    }
    ADD_FAILURE() << "no field '" << label << "' in vector " << vector_id;
    return {};
}

}  // namespace tern::test
