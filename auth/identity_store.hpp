#pragma once
// Identities and token revocations, kept in SQLite (WAL mode, synchronous=FULL) in the state
// directory. A revocation or deletion has reached the disk when the call returns, so the 204 that
// follows it cannot outlive a crash.
// After open, a database failure (I/O error, disk full) throws std::runtime_error rather than
// reading as "unknown identity", so a caller never reports a change that was not made.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

struct sqlite3;

namespace tern::auth {

struct IdentityRecord {
    std::string id;
    std::int64_t created_at_ms = 0;
    std::int64_t revoked_before_ms = 0;  // tokens issued at or before this instant are refused; 0: none
    bool deleted = false;
};

class IdentityStore {
public:
    // Opens or creates the database file (and its schema).
    static std::variant<std::unique_ptr<IdentityStore>, std::string> open(const std::filesystem::path& file);
    ~IdentityStore();
    IdentityStore(const IdentityStore&) = delete;
    IdentityStore& operator=(const IdentityStore&) = delete;

    // A new identity with an ACS-shaped id ("8:acs:<resource>_<random uuid>").
    IdentityRecord create(std::int64_t now_ms);
    std::optional<IdentityRecord> find(std::string_view id) const;
    // False when the identity is unknown or deleted.
    bool revoke_tokens(std::string_view id, std::int64_t now_ms);
    bool remove(std::string_view id, std::int64_t now_ms);  // marks deleted (and revokes); false as above

    // Whether a token for `id` issued at `issued_at_ms` is still honoured.
    bool token_allowed(std::string_view id, std::int64_t issued_at_ms) const;

private:
    explicit IdentityStore(sqlite3* db, std::string resource);
    sqlite3* db_;
    std::string resource_;  // a random id made once per database, part of every identity id
};

}  // namespace tern::auth
