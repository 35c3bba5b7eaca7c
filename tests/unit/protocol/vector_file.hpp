#pragma once
// Reads the team's test-vector files (tests/vectors/*.txt, or $TERN_VECTORS_DIR) so tests check the
// bytes as published there, not a transcription.

#include <cstdint>
#include <string>
#include <vector>

namespace tern::test {

// Whole text of a vector file; fails the calling test (via ADD_FAILURE) and returns "" if missing.
std::string read_vector_file(const std::string& name);

// The "hex (one line):" block that follows the "## VECTOR <id>" heading, decoded.
std::vector<std::uint8_t> vector_message(const std::string& file_text, const std::string& vector_id);

// The value after "<label> :" inside the "## VECTOR <id>" section, up to the first run of two spaces
// (so trailing comments are dropped), e.g. vector_field(text, "TURN-REST-EPHEMERAL", "password").
std::string vector_field(const std::string& file_text, const std::string& vector_id, const std::string& label);

std::vector<std::uint8_t> from_hex(const std::string& hex);
std::string to_hex(const std::uint8_t* data, std::size_t size);

}  // namespace tern::test
