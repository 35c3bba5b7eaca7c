#pragma once
// Small secret files in the state directory (access key, auth secret): created with mode 0600 in a
// directory of mode 0700, and safe when several ternd processes share the directory: the first to
// link its complete file into place wins and the others read that one, so all agree on one secret.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace tern::http {

struct SecretFile {
    std::string text;  // surrounding whitespace removed
    bool created = false;
};

// Creates `dir` with mode 0700 (and its parents) if it does not exist; the reason on failure.
std::optional<std::string> ensure_private_directory(const std::filesystem::path& dir);

// Reads `file`; the reason on failure (missing, unreadable, empty).
std::variant<SecretFile, std::string> read_secret_file(const std::filesystem::path& file);

// Reads `file`, or creates it holding `content_if_new` when it does not exist yet.
std::variant<SecretFile, std::string> read_or_create_secret_file(const std::filesystem::path& file,
                                                                 std::string_view content_if_new);

}  // namespace tern::http
