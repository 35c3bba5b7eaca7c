#include "auth/identity_store.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "auth/random.hpp"

namespace tern::auth {
namespace {

// Layout version, kept in PRAGMA user_version so a later schema can tell what it is opening.
constexpr int kSchemaVersion = 1;
// Longer ids cannot have been made here ("8:acs:" + two UUIDs is 79 characters); refusing them
// early keeps absurd inputs away from SQLite.
constexpr std::size_t kMaxIdLength = 256;
constexpr int kBusyTimeoutMs = 5000;

struct StatementDeleter {
    void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

struct DatabaseCloser {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
using Database = std::unique_ptr<sqlite3, DatabaseCloser>;

struct FdCloser {
    int fd;
    ~FdCloser() {
        if (fd >= 0) ::close(fd);
    }
};

std::string describe(sqlite3* db, std::string_view what) {
    std::string s(what);
    s.append(": ").append(db != nullptr ? sqlite3_errmsg(db) : "out of memory");
    return s;
}

// Failures after open (disk full, I/O error) have no result value to travel in, and must not be
// mistaken for "not found": the caller would then answer as if the change had been made.
[[noreturn]] void fail(sqlite3* db, std::string_view what) { throw std::runtime_error(describe(db, what)); }

Statement prepare(sqlite3* db, std::string_view sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK)
        fail(db, "prepare");
    return Statement(raw);
}

// SQLITE_STATIC: the text outlives the statement, which every caller finalizes before returning.
void bind_text(sqlite3* db, sqlite3_stmt* s, int index, std::string_view text) {
    if (sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC) != SQLITE_OK)
        fail(db, "bind");
}

void bind_int64(sqlite3* db, sqlite3_stmt* s, int index, std::int64_t v) {
    if (sqlite3_bind_int64(s, index, v) != SQLITE_OK) fail(db, "bind");
}

// One step: true when it yields a row (read it before stepping again), false when done.
bool step(sqlite3* db, sqlite3_stmt* s) {
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db, "step");
}

// For "... RETURNING": whether the statement touched a row. Stepping on to SQLITE_DONE matters: an
// autocommit statement commits (and reports a failed commit) only when it finishes. RETURNING rather
// than sqlite3_changes(), which another thread's statement on the shared connection could overwrite.
bool step_changed_one_row(sqlite3* db, sqlite3_stmt* s) {
    const bool changed = step(db, s);
    if (changed && step(db, s)) fail(db, "more than one row changed");
    return changed;
}

void exec(sqlite3* db, const char* sql) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(db, sql);
}

std::string column_text(sqlite3_stmt* s, int col) {
    const auto* p = sqlite3_column_text(s, col);
    return p != nullptr ? std::string(reinterpret_cast<const char*>(p),
                                      static_cast<std::size_t>(sqlite3_column_bytes(s, col)))
                        : std::string();
}

// A random (version 4) UUID in its lowercase 8-4-4-4-12 spelling.
std::string random_uuid() {
    std::array<std::uint8_t, 16> b{};
    SystemRandom().fill(b);
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s;
    s.reserve(36);
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
        s.push_back(kHex[b[i] >> 4]);
        s.push_back(kHex[b[i] & 15]);
    }
    return s;
}

bool well_formed_uuid(std::string_view s) noexcept {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

// Makes the file exist with owner-only access before SQLite sees it: identities and revocations are
// not for other local users. The explicit fchmod makes the mode independent of the umask.
std::optional<std::string> create_private_file(const std::filesystem::path& file) {
    const FdCloser fd{::open(file.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)};
    if (fd.fd < 0) {
        if (errno == EEXIST) return std::nullopt;  // an existing database keeps the mode it has
        return "cannot create " + file.string() + ": " + std::strerror(errno);
    }
    if (::fchmod(fd.fd, 0600) != 0) return "cannot chmod " + file.string() + ": " + std::strerror(errno);
    return std::nullopt;
}

// SQLite gives -wal and -shm the database file's mode when it creates them; this is a second
// guarantee for the ones that exist now, should an older file have been left with a wider mode.
void restrict_side_files(const std::filesystem::path& file) {
    for (const char* suffix : {"-wal", "-shm"}) {
        std::error_code ec;
        std::filesystem::path side = file;
        side += suffix;
        std::filesystem::permissions(side, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                     std::filesystem::perm_options::replace, ec);
    }
}

// Creates the schema and the resource id once; an existing database keeps its resource id, so ids
// made before a restart still carry the same prefix.
std::string initialise(sqlite3* db) {
    exec(db, "BEGIN IMMEDIATE");
    try {
        exec(db,
             "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
             "CREATE TABLE IF NOT EXISTS identities ("
             "  id TEXT PRIMARY KEY,"
             "  created_at_ms INTEGER NOT NULL,"
             "  revoked_before_ms INTEGER NOT NULL DEFAULT 0,"
             "  deleted INTEGER NOT NULL DEFAULT 0)");
        {
            const Statement insert = prepare(db, "INSERT OR IGNORE INTO meta (key, value) VALUES ('resource', ?1)");
            const std::string fresh = random_uuid();
            bind_text(db, insert.get(), 1, fresh);
            step(db, insert.get());
        }
        const Statement select = prepare(db, "SELECT value FROM meta WHERE key = 'resource'");
        if (!step(db, select.get())) fail(db, "resource id missing");
        std::string resource = column_text(select.get(), 0);
        if (!well_formed_uuid(resource)) throw std::runtime_error("resource id in the database is malformed");

        const Statement version = prepare(db, "PRAGMA user_version");
        if (!step(db, version.get())) fail(db, "user_version");
        const auto found = sqlite3_column_int(version.get(), 0);
        if (found == 0)
            exec(db, ("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str());
        else if (found != kSchemaVersion)
            throw std::runtime_error("unsupported schema version " + std::to_string(found));

        exec(db, "COMMIT");
        return resource;
    } catch (...) {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

}  // namespace

std::variant<std::unique_ptr<IdentityStore>, std::string> IdentityStore::open(const std::filesystem::path& file) {
    if (auto error = create_private_file(file)) return *std::move(error);

    sqlite3* raw = nullptr;
    // FULLMUTEX: one connection may be shared by the management API's threads.
    const int rc = sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
    Database db(raw);  // sqlite3_open_v2 hands back a handle to close even when it fails
    if (rc != SQLITE_OK) return describe(db.get(), "cannot open " + file.string());
    sqlite3_extended_result_codes(db.get(), 1);

    try {
        if (sqlite3_busy_timeout(db.get(), kBusyTimeoutMs) != SQLITE_OK) fail(db.get(), "busy_timeout");
        {
            // journal_mode answers with the mode in force, which is not WAL on e.g. some network
            // file systems; the durability promise of the header depends on it, so insist.
            const Statement wal = prepare(db.get(), "PRAGMA journal_mode = WAL");
            if (!step(db.get(), wal.get()) || column_text(wal.get(), 0) != "wal")
                throw std::runtime_error("cannot switch " + file.string() + " to WAL mode");
        }
        // FULL: in WAL mode, NORMAL would let the last commits vanish on power loss.
        exec(db.get(), "PRAGMA synchronous = FULL");
        std::string resource = initialise(db.get());
        restrict_side_files(file);
        // The constructor is private, so std::make_unique cannot reach it; ownership is immediate.
        return std::unique_ptr<IdentityStore>(new IdentityStore(db.release(), std::move(resource)));
    } catch (const std::exception& e) {
        return std::string(e.what());
    }
}

IdentityStore::IdentityStore(sqlite3* db, std::string resource) : db_(db), resource_(std::move(resource)) {}

IdentityStore::~IdentityStore() { sqlite3_close_v2(db_); }

IdentityRecord IdentityStore::create(std::int64_t now_ms) {
    // A collision of 122 random bits will not happen, but a retry costs nothing and beats a
    // constraint error reaching the client.
    for (int attempt = 0; attempt < 3; ++attempt) {
        IdentityRecord r;
        r.id = "8:acs:" + resource_ + "_" + random_uuid();
        r.created_at_ms = now_ms;
        const Statement s = prepare(db_,
                                    "INSERT OR IGNORE INTO identities (id, created_at_ms, revoked_before_ms, deleted) "
                                    "VALUES (?1, ?2, 0, 0) RETURNING id");
        bind_text(db_, s.get(), 1, r.id);
        bind_int64(db_, s.get(), 2, now_ms);
        if (step_changed_one_row(db_, s.get())) return r;
    }
    throw std::runtime_error("cannot allocate an identity id");
}

std::optional<IdentityRecord> IdentityStore::find(std::string_view id) const {
    if (id.empty() || id.size() > kMaxIdLength) return std::nullopt;
    const Statement s =
        prepare(db_, "SELECT created_at_ms, revoked_before_ms, deleted FROM identities WHERE id = ?1");
    bind_text(db_, s.get(), 1, id);
    if (!step(db_, s.get())) return std::nullopt;
    IdentityRecord r;
    r.id = std::string(id);
    r.created_at_ms = sqlite3_column_int64(s.get(), 0);
    r.revoked_before_ms = sqlite3_column_int64(s.get(), 1);
    r.deleted = sqlite3_column_int64(s.get(), 2) != 0;
    return r;
}

bool IdentityStore::revoke_tokens(std::string_view id, std::int64_t now_ms) {
    if (id.empty() || id.size() > kMaxIdLength) return false;
    // max(): a clock stepping back must not shorten an earlier revocation.
    const Statement s = prepare(db_,
                                "UPDATE identities SET revoked_before_ms = max(revoked_before_ms, ?2) "
                                "WHERE id = ?1 AND deleted = 0 RETURNING id");
    bind_text(db_, s.get(), 1, id);
    bind_int64(db_, s.get(), 2, now_ms);
    return step_changed_one_row(db_, s.get());
}

bool IdentityStore::remove(std::string_view id, std::int64_t now_ms) {
    if (id.empty() || id.size() > kMaxIdLength) return false;
    // The row stays (marked deleted) so the id is never handed out or honoured again.
    const Statement s = prepare(db_,
                                "UPDATE identities SET deleted = 1, revoked_before_ms = max(revoked_before_ms, ?2) "
                                "WHERE id = ?1 AND deleted = 0 RETURNING id");
    bind_text(db_, s.get(), 1, id);
    bind_int64(db_, s.get(), 2, now_ms);
    return step_changed_one_row(db_, s.get());
}

bool IdentityStore::token_allowed(std::string_view id, std::int64_t issued_at_ms) const {
    const auto r = find(id);
    return r && !r->deleted && issued_at_ms > r->revoked_before_ms;
}

}  // namespace tern::auth
