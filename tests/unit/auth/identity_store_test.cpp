// The identity store on a real SQLite file in a fresh temporary directory.
#include "auth/identity_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>

namespace tern::auth {
namespace {

namespace fs = std::filesystem;

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "tern-identity-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

// Sets the process umask for one scope (tests in this binary run on one thread).
class ScopedUmask {
public:
    explicit ScopedUmask(mode_t m) : old_(::umask(m)) {}
    ~ScopedUmask() { ::umask(old_); }
    ScopedUmask(const ScopedUmask&) = delete;
    ScopedUmask& operator=(const ScopedUmask&) = delete;

private:
    mode_t old_;
};

std::unique_ptr<IdentityStore> open_store(const fs::path& file) {
    auto r = IdentityStore::open(file);
    if (auto* error = std::get_if<std::string>(&r)) {
        ADD_FAILURE() << "open failed: " << *error;
        return nullptr;
    }
    return std::move(std::get<std::unique_ptr<IdentityStore>>(r));
}

const std::regex& id_shape() {
    static const std::regex re(
        "8:acs:([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})_"
        "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    return re;
}

std::string resource_of(const std::string& id) {
    std::smatch m;
    return std::regex_match(id, m, id_shape()) ? m[1].str() : std::string();
}

mode_t mode_of(const fs::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return 0;
    return st.st_mode & 07777;
}

class IdentityStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        file = dir.path() / "identities.db";
        store = open_store(file);
        ASSERT_NE(store, nullptr);
    }
    TempDir dir;
    fs::path file;
    std::unique_ptr<IdentityStore> store;
};

TEST_F(IdentityStoreTest, CreateThenFind) {
    const IdentityRecord r = store->create(1000);
    EXPECT_TRUE(std::regex_match(r.id, id_shape())) << r.id;
    EXPECT_EQ(r.created_at_ms, 1000);
    EXPECT_EQ(r.revoked_before_ms, 0);
    EXPECT_FALSE(r.deleted);

    const auto found = store->find(r.id);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->id, r.id);
    EXPECT_EQ(found->created_at_ms, 1000);
    EXPECT_EQ(found->revoked_before_ms, 0);
    EXPECT_FALSE(found->deleted);
    EXPECT_TRUE(store->token_allowed(r.id, 1000));
    EXPECT_TRUE(store->token_allowed(r.id, 1));
}

TEST_F(IdentityStoreTest, IdsAreUniqueAndShareTheResource) {
    std::set<std::string> ids;
    std::set<std::string> resources;
    for (int i = 0; i < 200; ++i) {
        const std::string id = store->create(i).id;
        ASSERT_TRUE(std::regex_match(id, id_shape())) << id;
        ids.insert(id);
        resources.insert(resource_of(id));
    }
    EXPECT_EQ(ids.size(), 200u);
    EXPECT_EQ(resources.size(), 1u);
}

TEST_F(IdentityStoreTest, SeparateDatabasesHaveSeparateResources) {
    const auto other = open_store(dir.path() / "other.db");
    ASSERT_NE(other, nullptr);
    EXPECT_NE(resource_of(store->create(1).id), resource_of(other->create(1).id));
}

TEST_F(IdentityStoreTest, RevokeRefusesTokensIssuedAtOrBefore) {
    const std::string id = store->create(1000).id;
    EXPECT_TRUE(store->token_allowed(id, 1500));
    EXPECT_TRUE(store->revoke_tokens(id, 2000));
    EXPECT_FALSE(store->token_allowed(id, 1500));
    EXPECT_FALSE(store->token_allowed(id, 2000));
    EXPECT_TRUE(store->token_allowed(id, 2001));
    EXPECT_EQ(store->find(id)->revoked_before_ms, 2000);
    EXPECT_FALSE(store->find(id)->deleted);

    // A clock that steps back does not shorten the revocation; a later one extends it.
    EXPECT_TRUE(store->revoke_tokens(id, 1800));
    EXPECT_EQ(store->find(id)->revoked_before_ms, 2000);
    EXPECT_TRUE(store->revoke_tokens(id, 3000));
    EXPECT_EQ(store->find(id)->revoked_before_ms, 3000);
    EXPECT_FALSE(store->token_allowed(id, 2500));
    EXPECT_TRUE(store->token_allowed(id, 3001));
}

TEST_F(IdentityStoreTest, RevokeTouchesOnlyThatIdentity) {
    const std::string a = store->create(1000).id;
    const std::string b = store->create(1000).id;
    EXPECT_TRUE(store->revoke_tokens(a, 2000));
    EXPECT_FALSE(store->token_allowed(a, 1500));
    EXPECT_TRUE(store->token_allowed(b, 1500));
    EXPECT_EQ(store->find(b)->revoked_before_ms, 0);
}

TEST_F(IdentityStoreTest, RemoveMarksDeletedAndRefusesEveryToken) {
    const std::string id = store->create(1000).id;
    EXPECT_TRUE(store->remove(id, 3000));
    const auto r = store->find(id);
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->deleted);
    EXPECT_EQ(r->revoked_before_ms, 3000);
    EXPECT_EQ(r->created_at_ms, 1000);
    EXPECT_FALSE(store->token_allowed(id, 2000));
    EXPECT_FALSE(store->token_allowed(id, 5000));  // even tokens issued after the deletion

    EXPECT_FALSE(store->remove(id, 4000));         // already deleted
    EXPECT_FALSE(store->revoke_tokens(id, 4000));  // deleted identities are not revocable
    EXPECT_EQ(store->find(id)->revoked_before_ms, 3000);
}

TEST_F(IdentityStoreTest, UnknownIds) {
    const std::string made = store->create(1000).id;
    std::string unknown = made;
    unknown.back() = unknown.back() == '0' ? '1' : '0';
    const std::string long_id(10000, 'a');
    for (const std::string& id : {unknown, std::string(), std::string("8:acs:"), long_id,
                                  std::string("x' OR '1'='1"), std::string("%"), made + " "}) {
        EXPECT_FALSE(store->find(id).has_value()) << id;
        EXPECT_FALSE(store->revoke_tokens(id, 2000)) << id;
        EXPECT_FALSE(store->remove(id, 2000)) << id;
        EXPECT_FALSE(store->token_allowed(id, 5000)) << id;
    }
    EXPECT_TRUE(store->token_allowed(made, 5000));  // untouched by the attempts above
}

TEST_F(IdentityStoreTest, EverythingSurvivesCloseAndReopen) {
    const std::string kept = store->create(1000).id;
    const std::string revoked = store->create(1100).id;
    const std::string removed = store->create(1200).id;
    ASSERT_TRUE(store->revoke_tokens(revoked, 2000));
    ASSERT_TRUE(store->remove(removed, 3000));
    store.reset();

    store = open_store(file);
    ASSERT_NE(store, nullptr);
    const auto k = store->find(kept);
    const auto v = store->find(revoked);
    const auto d = store->find(removed);
    ASSERT_TRUE(k && v && d);
    EXPECT_EQ(k->created_at_ms, 1000);
    EXPECT_EQ(k->revoked_before_ms, 0);
    EXPECT_FALSE(k->deleted);
    EXPECT_EQ(v->created_at_ms, 1100);
    EXPECT_EQ(v->revoked_before_ms, 2000);
    EXPECT_FALSE(v->deleted);
    EXPECT_EQ(d->created_at_ms, 1200);
    EXPECT_EQ(d->revoked_before_ms, 3000);
    EXPECT_TRUE(d->deleted);
    EXPECT_TRUE(store->token_allowed(kept, 1500));
    EXPECT_FALSE(store->token_allowed(revoked, 1500));
    EXPECT_TRUE(store->token_allowed(revoked, 2500));
    EXPECT_FALSE(store->token_allowed(removed, 5000));

    // The resource id is made once per database, not once per process.
    EXPECT_EQ(resource_of(store->create(4000).id), resource_of(kept));
}

TEST_F(IdentityStoreTest, ChangesAreVisibleToASecondConnection) {
    // A second handle reads the file, not the first handle's memory: the writes have been committed.
    const std::string id = store->create(1000).id;
    ASSERT_TRUE(store->revoke_tokens(id, 2000));
    const auto second = open_store(file);
    ASSERT_NE(second, nullptr);
    ASSERT_TRUE(second->find(id).has_value());
    EXPECT_EQ(second->find(id)->revoked_before_ms, 2000);
}

TEST(IdentityStoreFiles, OwnerOnlyWhateverTheUmask) {
    for (const mode_t mask : {mode_t{0}, mode_t{022}, mode_t{0277}}) {
        TempDir dir;
        const fs::path file = dir.path() / "identities.db";
        std::unique_ptr<IdentityStore> store;
        {
            const ScopedUmask scoped(mask);
            store = open_store(file);
        }
        ASSERT_NE(store, nullptr) << mask;
        store->create(1);
        EXPECT_EQ(mode_of(file), 0600u) << "umask " << mask;
        for (const char* suffix : {"-wal", "-shm"}) {
            fs::path side = file;
            side += suffix;
            if (fs::exists(side)) {
                EXPECT_EQ(mode_of(side), 0600u) << suffix << " umask " << mask;
            }
        }
    }
}

TEST(IdentityStoreFiles, WalFilesExistWhileOpen) {
    TempDir dir;
    const fs::path file = dir.path() / "identities.db";
    const auto store = open_store(file);
    ASSERT_NE(store, nullptr);
    fs::path wal = file;
    wal += "-wal";
    EXPECT_TRUE(fs::exists(wal));  // journal_mode=WAL took effect
}

TEST(IdentityStoreFiles, OpenFailuresAreReported) {
    TempDir dir;
    auto missing_dir = IdentityStore::open(dir.path() / "no-such-dir" / "identities.db");
    ASSERT_TRUE(std::holds_alternative<std::string>(missing_dir));
    EXPECT_FALSE(std::get<std::string>(missing_dir).empty());

    const fs::path junk = dir.path() / "junk.db";
    std::ofstream(junk) << "this is not an SQLite database, just some text that is long enough to matter\n";
    auto not_db = IdentityStore::open(junk);
    ASSERT_TRUE(std::holds_alternative<std::string>(not_db));
    EXPECT_FALSE(std::get<std::string>(not_db).empty());
}

}  // namespace
}  // namespace tern::auth
