// The directory: organizations, users, tokens, sharing groups, API roots, collections, settings,
// with the errors an admin tool shows (already exists, not found, invalid).

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>

#include "common/uuid.h"
#include "store/store.h"
#include "store/test_util.h"

namespace tessera::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class DirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::OpenOrDie(dir_.data());
    ASSERT_NE(store_, nullptr);
  }
  Directory& d() { return store_->directory(); }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(DirectoryTest, OrganizationGetsItsOwnStixIdentity) {
  auto acme = d().CreateOrganization("ACME CERT");
  ASSERT_TRUE(acme.ok()) << acme.status().ToString();
  EXPECT_GT(acme->id, 0);
  EXPECT_TRUE(acme->identity_id.starts_with("identity--"));
  const auto identity = boost::json::parse(acme->identity_json).as_object();
  EXPECT_EQ(identity.at("type"), "identity");
  EXPECT_EQ(identity.at("id").as_string(), acme->identity_id);
  EXPECT_EQ(identity.at("name"), "ACME CERT");
  EXPECT_EQ(identity.at("identity_class"), "organization");
  EXPECT_EQ(identity.at("spec_version"), "2.1");

  EXPECT_EQ(d().CreateOrganization("ACME CERT").status().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(d().CreateOrganization("").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(d().CreateOrganization(std::string(kMaxNameBytes + 1, 'x')).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(d().CreateOrganization("two\nlines").status().code(), ErrorCode::kInvalidArgument);

  EXPECT_EQ(d().FindOrganization("ACME CERT")->id, acme->id);
  EXPECT_EQ(d().FindOrganizationByIdentity(acme->identity_id)->id, acme->id);
  EXPECT_EQ(d().GetOrganization(acme->id + 100).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(d().FindOrganizationByIdentity("identity--nope").status().code(), ErrorCode::kNotFound);

  auto renamed = d().RenameOrganization(acme->id, "ACME PSIRT");
  ASSERT_TRUE(renamed.ok()) << renamed.status().ToString();
  EXPECT_EQ(d().GetOrganization(acme->id)->name, "ACME PSIRT");
  EXPECT_THAT(d().GetOrganization(acme->id)->identity_json, HasSubstr("\"ACME PSIRT\""));
  EXPECT_EQ(renamed->identity_id, acme->identity_id);
  ASSERT_TRUE(d().CreateOrganization("Other").ok());
  EXPECT_EQ(d().RenameOrganization(acme->id, "Other").status().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(d().ListOrganizations()->size(), 2u);
}

TEST_F(DirectoryTest, UsersBelongToAnExistingOrganizationWithAKnownRole) {
  auto org = d().CreateOrganization("Org");
  ASSERT_TRUE(org.ok());
  auto alice = d().CreateUser("alice", org->id, Role::kAnalyst);
  ASSERT_TRUE(alice.ok()) << alice.status().ToString();
  EXPECT_EQ(alice->role, Role::kAnalyst);
  EXPECT_FALSE(alice->disabled);

  EXPECT_EQ(d().CreateUser("alice", org->id, Role::kAnalyst).status().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(d().CreateUser("bob", org->id + 50, Role::kAnalyst).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(d().CreateUser("b:ob", org->id, Role::kAnalyst).status().code(),
            ErrorCode::kInvalidArgument)
      << "HTTP Basic could not carry the name";
  EXPECT_EQ(d().FindUser("bob").status().code(), ErrorCode::kNotFound);

  EXPECT_EQ(d().SetUserRole(alice->id, Role::kReadOnly)->role, Role::kReadOnly);
  EXPECT_EQ(d().GetUser(alice->id)->role, Role::kReadOnly);
  EXPECT_TRUE(d().SetUserDisabled(alice->id, true)->disabled);
  EXPECT_TRUE(d().FindUser("alice")->disabled);
  EXPECT_EQ(d().SetUserDisabled(alice->id + 9, true).status().code(), ErrorCode::kNotFound);

  auto other = d().CreateOrganization("Other");
  ASSERT_TRUE(d().CreateUser("carol", other->id, Role::kSync).ok());
  EXPECT_EQ(d().ListUsers(std::nullopt)->size(), 2u);
  auto of_org = d().ListUsers(org->id);
  ASSERT_TRUE(of_org.ok());
  ASSERT_EQ(of_org->size(), 1u);
  EXPECT_EQ((*of_org)[0].name, "alice");
}

// Roles and TLP levels are stored by name, so a store written by an older Tessera needs no
// migration; a name the hub does not know (a file changed by hand) is reported, never read as
// some other role or level.
TEST_F(DirectoryTest, StoredWordsItDoesNotKnowAreCorrupt) {
  auto org = d().CreateOrganization("Org");
  ASSERT_TRUE(org.ok());
  auto alice = d().CreateUser("alice", org->id, Role::kOrgAdmin);
  ASSERT_TRUE(alice.ok());
  CollectionInfo info;
  info.api_root = "api";
  info.title = "Red";
  info.default_tlp = stix::TlpLevel::kAmberStrict;
  auto coll = d().CreateCollection(info);
  ASSERT_TRUE(coll.ok()) << coll.status().ToString();
  TokenRecord token;
  token.id = "0123456789abcdef";
  token.user_id = alice->id;
  token.hash = "h";
  token.created = Timestamp::Now();
  ASSERT_TRUE(d().AddToken(token).ok());

  // The names written are the printers' (what an older hub wrote and a newer one reads).
  EXPECT_EQ(testing::RawQuery(dir_.data(), "SELECT role FROM users WHERE name = 'alice'"),
            "org-admin");
  EXPECT_EQ(testing::RawQuery(dir_.data(),
                              "SELECT default_tlp FROM collections WHERE id = '" + coll->id + "'"),
            "amber+strict");

  testing::RawExec(dir_.data(),
                   "PRAGMA ignore_check_constraints = ON;"
                   "UPDATE users SET role = 'root' WHERE name = 'alice';"
                   "UPDATE collections SET default_tlp = 'white' WHERE id = '" +
                       coll->id + "';");
  const auto corrupt = [](const Status& s) {
    EXPECT_EQ(s.code(), ErrorCode::kCorrupt) << s.ToString();
    return s.message();
  };
  EXPECT_THAT(corrupt(d().GetUser(alice->id).status()), HasSubstr("unknown stored role 'root'"));
  corrupt(d().FindUser("alice").status());
  corrupt(d().ListUsers(org->id).status());
  corrupt(d().LookupToken(token.id).status());
  EXPECT_THAT(corrupt(d().GetCollection(coll->id).status()),
              HasSubstr("unknown stored default TLP 'white'"));
  corrupt(d().ListCollections("api").status());

  // Setting a known word again repairs the row.
  ASSERT_TRUE(d().SetUserRole(alice->id, Role::kAnalyst).ok());
  EXPECT_EQ(d().GetUser(alice->id)->role, Role::kAnalyst);
}

TEST_F(DirectoryTest, TokenLookupBringsUserOrganizationAndGroups) {
  auto org = d().CreateOrganization("Org");
  auto user = d().CreateUser("alice", org->id, Role::kAnalyst);
  auto g1 = d().CreateGroup("finance-isac", "banks");
  auto g2 = d().CreateGroup("energy", "");
  ASSERT_TRUE(g1.ok() && g2.ok());
  ASSERT_TRUE(d().AddGroupMember(g2->id, org->id).ok());
  ASSERT_TRUE(d().AddGroupMember(g1->id, org->id).ok());

  TokenRecord t;
  t.id = "0123456789abcdef";
  t.user_id = user->id;
  t.hash = "$argon2id$fake";
  t.created = testing::Ts("2026-01-01T00:00:00Z");
  t.expires = testing::Ts("2027-01-01T00:00:00Z");
  t.label = "ci";
  ASSERT_TRUE(d().AddToken(t).ok());
  EXPECT_EQ(d().AddToken(t).code(), ErrorCode::kAlreadyExists);
  TokenRecord bad = t;
  bad.id = "0123456789ABCDEF";
  EXPECT_EQ(d().AddToken(bad).code(), ErrorCode::kInvalidArgument);
  bad.id = "fedcba9876543210";
  bad.user_id = user->id + 7;
  EXPECT_EQ(d().AddToken(bad).code(), ErrorCode::kNotFound);

  auto owner = d().LookupToken(t.id);
  ASSERT_TRUE(owner.ok()) << owner.status().ToString();
  EXPECT_EQ(owner->token.hash, t.hash);
  EXPECT_EQ(owner->token.expires, t.expires);
  EXPECT_FALSE(owner->token.revoked);
  EXPECT_EQ(owner->user.name, "alice");
  EXPECT_EQ(owner->org.identity_id, org->identity_id);
  EXPECT_THAT(owner->groups, ElementsAre(g1->id, g2->id));

  ASSERT_TRUE(d().RevokeToken(t.id).ok());
  ASSERT_TRUE(d().RevokeToken(t.id).ok()) << "revoking twice is fine";
  EXPECT_TRUE(d().LookupToken(t.id)->token.revoked);
  EXPECT_EQ(d().RevokeToken("ffffffffffffffff").code(), ErrorCode::kNotFound);
  EXPECT_EQ(d().LookupToken("ffffffffffffffff").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(d().ListTokens(user->id)->size(), 1u);
  EXPECT_EQ(d().GetToken(t.id)->label, "ci");
}

TEST_F(DirectoryTest, GroupMembership) {
  auto a = d().CreateOrganization("A");
  auto b = d().CreateOrganization("B");
  auto g = d().CreateGroup("trusted", "the inner circle");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(d().CreateGroup("trusted", "").status().code(), ErrorCode::kAlreadyExists);
  ASSERT_TRUE(d().AddGroupMember(g->id, b->id).ok());
  ASSERT_TRUE(d().AddGroupMember(g->id, a->id).ok());
  ASSERT_TRUE(d().AddGroupMember(g->id, a->id).ok()) << "adding twice is fine";
  EXPECT_EQ(d().AddGroupMember(g->id, 999).code(), ErrorCode::kNotFound);
  EXPECT_EQ(d().AddGroupMember(999, a->id).code(), ErrorCode::kNotFound);
  EXPECT_THAT(d().GetGroup(g->id)->members, ElementsAre(a->id, b->id));
  EXPECT_THAT(*d().GroupsOf(a->id), ElementsAre(g->id));
  ASSERT_TRUE(d().RemoveGroupMember(g->id, a->id).ok());
  EXPECT_EQ(d().RemoveGroupMember(g->id, a->id).code(), ErrorCode::kNotFound);
  EXPECT_THAT(d().FindGroup("trusted")->members, ElementsAre(b->id));
  EXPECT_TRUE(d().GroupsOf(a->id)->empty());
  EXPECT_EQ(d().ListGroups()->size(), 1u);
}

TEST_F(DirectoryTest, ApiRoots) {
  ASSERT_TRUE(d().CreateApiRoot(ApiRoot{"intel", "Intel", "", 1 << 20}).ok());
  EXPECT_EQ(d().CreateApiRoot(ApiRoot{"intel", "Again", "", 1}).code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(d().CreateApiRoot(ApiRoot{"a/b", "Slash", "", 1}).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(d().CreateApiRoot(ApiRoot{"taxii2", "Reserved", "", 1}).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(d().CreateApiRoot(ApiRoot{"x", "Zero", "", 0}).code(), ErrorCode::kInvalidArgument);
  auto roots = d().ListApiRoots();
  ASSERT_TRUE(roots.ok());
  ASSERT_EQ(roots->size(), 2u);
  EXPECT_EQ((*roots)[0].name, "api");
  EXPECT_EQ((*roots)[1].max_content_length, 1 << 20);
  ASSERT_TRUE(d().UpdateApiRoot(ApiRoot{"intel", "Intel 2", "desc", 2 << 20}).ok());
  EXPECT_EQ(d().GetApiRoot("intel")->title, "Intel 2");
  EXPECT_EQ(d().UpdateApiRoot(ApiRoot{"nope", "T", "", 1}).code(), ErrorCode::kNotFound);
  EXPECT_EQ(d().GetApiRoot("nope").status().code(), ErrorCode::kNotFound);
}

TEST_F(DirectoryTest, CollectionsWithReadersWritersAndAudience) {
  auto a = d().CreateOrganization("A");
  auto b = d().CreateOrganization("B");
  auto g = d().CreateGroup("g", "");
  ASSERT_TRUE(a.ok() && b.ok() && g.ok());

  CollectionInfo info;
  info.api_root = "api";
  info.title = "Finance";
  info.alias = "finance";
  info.default_tlp = stix::TlpLevel::kGreen;
  info.readers.orgs = {b->id, a->id, a->id};
  info.readers.groups = {g->id};
  info.writers.orgs = {a->id};
  info.audience_group = g->id;
  auto made = d().CreateCollection(info);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  auto back = d().GetCollection(made->id);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->title, "Finance");
  EXPECT_EQ(back->alias, "finance");
  EXPECT_EQ(back->default_tlp, stix::TlpLevel::kGreen);
  EXPECT_FALSE(back->readers.all);
  EXPECT_THAT(back->readers.orgs, ElementsAre(a->id, b->id));
  EXPECT_THAT(back->readers.groups, ElementsAre(g->id));
  EXPECT_THAT(back->writers.orgs, ElementsAre(a->id));
  EXPECT_TRUE(back->writers.groups.empty());
  EXPECT_EQ(back->audience_group, g->id);

  CollectionInfo dup = info;
  dup.title = "Same alias";
  EXPECT_EQ(d().CreateCollection(dup).status().code(), ErrorCode::kAlreadyExists);
  CollectionInfo bad = info;
  bad.alias.clear();
  bad.api_root = "nope";
  EXPECT_EQ(d().CreateCollection(bad).status().code(), ErrorCode::kNotFound);
  bad.api_root = "api";
  bad.readers.orgs = {12345};
  EXPECT_EQ(d().CreateCollection(bad).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(d().ListCollections("api")->size(), 2u)
      << "a refused collection leaves nothing behind (the default and Finance)";
  bad.readers.orgs.clear();
  bad.id = "not-a-uuid";
  EXPECT_EQ(d().CreateCollection(bad).status().code(), ErrorCode::kInvalidArgument);

  CollectionInfo changed = *back;
  changed.readers = Grants{};
  changed.readers.all = true;
  changed.writers.orgs = {b->id};
  changed.audience_group.reset();
  changed.title = "Finance (all)";
  auto updated = d().UpdateCollection(changed);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_TRUE(updated->readers.all);
  EXPECT_TRUE(updated->readers.orgs.empty());
  EXPECT_THAT(updated->writers.orgs, ElementsAre(b->id));
  EXPECT_EQ(updated->audience_group, std::nullopt);
  changed.id = "5b0b3b36-8f4a-4b55-9d5c-6a7c1b0f2e11";
  EXPECT_EQ(d().UpdateCollection(changed).status().code(), ErrorCode::kNotFound);

  auto listed = d().ListCollections("api");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].title, "Default");
  EXPECT_EQ((*listed)[1].title, "Finance (all)");
  EXPECT_TRUE(d().ListCollections("other")->empty());
}

TEST_F(DirectoryTest, CollectionsAreFoundByTheirAliasWithinTheirApiRoot) {
  ASSERT_TRUE(d().CreateApiRoot(ApiRoot{"other", "Other", "", 1 << 20}).ok());
  CollectionInfo info;
  info.api_root = "api";
  info.title = "Finance";
  info.alias = "finance";
  info.readers.all = true;
  auto made = d().CreateCollection(info);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  info.api_root = "other";
  info.title = "Finance elsewhere";
  auto elsewhere = d().CreateCollection(info);
  ASSERT_TRUE(elsewhere.ok()) << elsewhere.status().ToString();

  auto found = d().FindCollectionByAlias("api", "finance");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->id, made->id);
  EXPECT_TRUE(found->readers.all) << "the grants come with it";
  auto other = d().FindCollectionByAlias("other", "finance");
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_EQ(other->id, elsewhere->id);

  auto absent = d().FindCollectionByAlias("api", "Finance");
  EXPECT_EQ(absent.status().code(), ErrorCode::kNotFound) << "aliases are compared exactly";
  EXPECT_THAT(absent.status().message(), HasSubstr("Finance"));
  EXPECT_EQ(d().FindCollectionByAlias("nope", "finance").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(d().FindCollectionByAlias("api", "").status().code(), ErrorCode::kNotFound)
      << "collections without an alias are not found by an empty one";
  EXPECT_EQ(d().FindCollectionByAlias("api", made->id).status().code(), ErrorCode::kNotFound)
      << "an id is not an alias";
}

TEST_F(DirectoryTest, Settings) {
  EXPECT_EQ(d().GetSetting(kSettingHubOrg).status().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(d().PutSetting(kSettingHubOrg, "1").ok());
  ASSERT_TRUE(d().PutSetting(kSettingHubOrg, "2").ok());
  EXPECT_EQ(*d().GetSetting(kSettingHubOrg), "2");
  EXPECT_EQ(d().PutSetting("", "x").code(), ErrorCode::kInvalidArgument);
}

TEST_F(DirectoryTest, DirectorySurvivesReopening) {
  auto org = d().CreateOrganization("Persistent");
  ASSERT_TRUE(org.ok());
  store_.reset();
  store_ = testing::OpenOrDie(dir_.data(), OpenMode::kOpenExisting);
  EXPECT_EQ(d().FindOrganization("Persistent")->identity_json, org->identity_json);
}

// Store::ReadGenerations answers from memory while nothing has committed (it compares the
// WAL-index header), so it must see every commit of any connection at once: here a second store
// on the same file stands for another process (the CLI). Each change is followed immediately by
// a read through the first store, many times over, so a stale answer would show.
TEST_F(DirectoryTest, GenerationsSeeEveryCommitOfAnyConnectionAtOnce) {
  auto other = testing::OpenOrDie(dir_.data(), OpenMode::kOpenExisting);
  ASSERT_NE(other, nullptr);
  const std::string coll = *d().GetSetting(kSettingDefaultCollection);
  auto read = [&] {
    auto g = store_->ReadGenerations();
    EXPECT_TRUE(g.ok()) << g.status().ToString();
    return g.ok() ? *g : Generations{};
  };
  Generations before = read();
  EXPECT_GT(before.directory, 0);
  EXPECT_EQ(read().directory, before.directory);  // no change, same answer
  EXPECT_EQ(read().objects, before.objects);
  for (int i = 0; i < 200; ++i) {
    SCOPED_TRACE(i);
    const std::string name = "org-" + std::to_string(i);
    ASSERT_TRUE(other->directory().CreateOrganization(name).ok());
    Generations g = read();
    ASSERT_GT(g.directory, before.directory) << "a new organization went unseen";
    EXPECT_EQ(*d().Generation(), g.directory);
    before = g;

    const std::string id = "indicator--8e2e2d2b-17d4-4cbf-938f-" + std::to_string(100000000000 + i);
    const std::vector<stix::Object> one = {testing::Sdo(id, "2020-01-01T00:00:00.000Z")};
    const std::vector<Placement> where = {Placement{coll, 0, {GrantKey::CollectionReaders()}, {}}};
    ASSERT_TRUE(other->Import(one, where).ok());
    g = read();
    ASSERT_GT(g.last_seq, before.last_seq) << "a new object went unseen";
    EXPECT_EQ(g.objects, before.objects);  // adding rows does not count
    before = g;

    CollectionQuery q;
    q.collection = coll;
    q.scope.unrestricted = true;
    q.ids = {id};
    q.match = VersionMatch::kAll;
    ASSERT_EQ(*other->DeleteVersions(q), 1);
    g = read();
    ASSERT_GT(g.objects, before.objects) << "a deletion went unseen";
    before = g;
  }
}

// SQLite keeps a shared lock on the "-shm" file (the dead-man switch, byte 128 in the lock range
// that starts at byte 120) for as long as a connection has it open: another process that finds no
// lock there believes it is the first user and truncates and rebuilds the WAL index under this
// one's feet. POSIX locks are per process and any close() of the file drops them all, so opening
// the store (which watches the WAL-index header) must leave them in place. A child process stands
// for the other process (the CLI) and asks the kernel whose locks are held.
TEST_F(DirectoryTest, OpeningTheStoreKeepsSqlitesLockOnTheWalIndex) {
  ASSERT_TRUE(store_->ReadGenerations().ok());
  ASSERT_TRUE(d().CreateOrganization("locked").ok());
  ASSERT_TRUE(store_->ReadGenerations().ok());
  const std::string shm = (std::filesystem::path(dir_.data()) / kStoreFileName).string() + "-shm";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const int fd = ::open(shm.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) ::_exit(2);
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    lock.l_start = 120;
    lock.l_len = 16;
    if (::fcntl(fd, F_GETLK, &lock) != 0) ::_exit(2);
    ::_exit(lock.l_type == F_UNLCK ? 1 : 0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: no process holds a lock on " << shm;
}

}  // namespace
}  // namespace tessera::store

namespace tessera::store {
namespace {

// Issue 17: renaming keeps ids; deleting refuses, saying why, whatever would change who reads an
// object or orphan what someone wrote; a disabled organization is read with its users' tokens.
class AccountRemovalTest : public DirectoryTest {
 protected:
  void SetUp() override {
    DirectoryTest::SetUp();
    auto def = d().GetSetting(kSettingDefaultCollection);
    ASSERT_TRUE(def.ok());
    default_ = *def;
    CollectionInfo info;
    info.api_root = "api";
    info.title = "Scratch";
    info.readers.all = true;
    info.writers.all = true;
    auto c = d().CreateCollection(info);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    scratch_ = c->id;
  }
  // Stores one object version provided by `provider` in `collection`, readable by `readers`.
  void Put(const std::string& collection, int64_t provider, std::string_view readers,
           const std::string& id = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f") {
    auto r =
        store_->Import(std::vector{testing::Sdo(id, "2021-01-01T00:00:00.000Z")},
                       std::vector{Placement{collection, provider, testing::Keys(readers), {}}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  std::string default_, scratch_;
};

TEST_F(AccountRemovalTest, RenamingUsersAndGroupsKeepsTheirIds) {
  auto org = d().CreateOrganization("Org");
  auto alice = d().CreateUser("alice", org->id, Role::kAnalyst);
  ASSERT_TRUE(d().CreateUser("bob", org->id, Role::kAnalyst).ok());
  auto renamed = d().RenameUser(alice->id, "alice.smith");
  ASSERT_TRUE(renamed.ok()) << renamed.status().ToString();
  EXPECT_EQ(renamed->id, alice->id);
  EXPECT_EQ(d().FindUser("alice.smith")->id, alice->id);
  EXPECT_EQ(d().FindUser("alice").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(d().RenameUser(alice->id, "bob").status().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(d().RenameUser(alice->id, "a:b").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(d().RenameUser(alice->id, "").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(d().RenameUser(alice->id + 50, "x").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(d().GetUser(alice->id)->name, "alice.smith") << "a refused rename changes nothing";

  auto g = d().CreateGroup("finance", "");
  ASSERT_TRUE(d().AddGroupMember(g->id, org->id).ok());
  ASSERT_TRUE(d().CreateGroup("energy", "").ok());
  auto group = d().RenameGroup(g->id, "finance-isac");
  ASSERT_TRUE(group.ok()) << group.status().ToString();
  EXPECT_EQ(group->id, g->id);
  EXPECT_THAT(group->members, ElementsAre(org->id));
  EXPECT_EQ(d().RenameGroup(g->id, "energy").status().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(d().RenameGroup(g->id + 50, "x").status().code(), ErrorCode::kNotFound);
}

// The CLI and the admin API take a name where an id goes (admin::FindOrg): a name of an id's shape
// would stand for the account of that id, so none is given, on creation or renaming.
TEST_F(AccountRemovalTest, NoAccountIsNamedAsAnIdIsWritten) {
  auto org = d().CreateOrganization("Org");
  ASSERT_TRUE(org.ok());
  auto alice = d().CreateUser("alice", org->id, Role::kAnalyst);
  auto group = d().CreateGroup("finance", "");
  ASSERT_TRUE(alice.ok() && group.ok());
  for (const char* name : {"1", "42", "007", "identity--0c821f7a-89d8-5004-9451-9def87a5b137"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(d().CreateOrganization(name).status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(d().RenameOrganization(org->id, name).status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(d().CreateUser(name, org->id, Role::kAnalyst).status().code(),
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(d().RenameUser(alice->id, name).status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(d().CreateGroup(name, "").status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(d().RenameGroup(group->id, name).status().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(d().GetUser(alice->id)->name, "alice");
  EXPECT_EQ(d().GetOrganization(org->id)->name, "Org");
  // Digits among other characters are a name.
  EXPECT_TRUE(d().CreateUser("r2d2", org->id, Role::kAnalyst).ok());
  EXPECT_TRUE(d().CreateOrganization("CERT 42").ok());
  EXPECT_TRUE(d().CreateGroup("g7", "").ok());
}

TEST_F(AccountRemovalTest, AUserThatWroteIsKeptOneThatNeverWroteIsDeletedWithItsTokens) {
  auto org = d().CreateOrganization("Org");
  auto reader = d().CreateUser("reader", org->id, Role::kReadOnly);
  auto writer = d().CreateUser("writer", org->id, Role::kAnalyst);
  TokenRecord t;
  t.id = "00000000000000aa";
  t.user_id = reader->id;
  t.hash = "$keyed$fake";
  t.created = Timestamp::Now();
  ASSERT_TRUE(d().AddToken(t).ok());
  ASSERT_TRUE(d().RecordTokenUse(t.id, Timestamp::Now()).ok());

  StatusRecord st;
  st.id = Uuid::V4().ToString();
  st.api_root = "api";
  st.collection = default_;
  st.owner_user = writer->id;
  st.owner_org = org->id;
  st.request_timestamp = Timestamp::Now();
  ASSERT_TRUE(store_->PutStatus(st).ok());

  EXPECT_EQ(*d().CountUserWrites(writer->id), 1);
  EXPECT_EQ(*d().CountUserWrites(reader->id), 0);
  const Status kept = d().DeleteUser(writer->id);
  EXPECT_EQ(kept.code(), ErrorCode::kAlreadyExists);
  EXPECT_THAT(kept.message(), HasSubstr("disable it instead"));
  EXPECT_TRUE(d().GetUser(writer->id).ok());

  ASSERT_TRUE(d().DeleteUser(reader->id).ok());
  EXPECT_EQ(d().GetUser(reader->id).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(d().GetToken(t.id).status().code(), ErrorCode::kNotFound) << "its tokens go with it";
  EXPECT_EQ(d().DeleteUser(reader->id).code(), ErrorCode::kNotFound);
}

TEST_F(AccountRemovalTest, AnOrganizationIsDeletedOnlyWhenNothingDependsOnIt) {
  auto hub = d().CreateOrganization("Hub");
  ASSERT_TRUE(d().PutSetting(kSettingHubOrg, std::to_string(hub->id)).ok());
  EXPECT_EQ(d().DeleteOrganization(hub->id).code(), ErrorCode::kAlreadyExists);

  auto provider = d().CreateOrganization("Provider");
  Put(scratch_, provider->id, "coll");
  const Status provided = d().DeleteOrganization(provider->id);
  EXPECT_EQ(provided.code(), ErrorCode::kAlreadyExists);
  EXPECT_THAT(provided.message(), HasSubstr("provided 1 object version"));

  auto staffed = d().CreateOrganization("Staffed");
  auto user = d().CreateUser("u", staffed->id, Role::kAnalyst);
  EXPECT_THAT(d().DeleteOrganization(staffed->id).message(), HasSubstr("1 user(s)"));
  ASSERT_TRUE(d().DeleteUser(user->id).ok());

  // Nothing left but a group membership and a collection grant: both go with it.
  auto g = d().CreateGroup("g", "");
  ASSERT_TRUE(d().AddGroupMember(g->id, staffed->id).ok());
  CollectionInfo info;
  info.api_root = "api";
  info.title = "Theirs";
  info.readers.orgs = {staffed->id, provider->id};
  auto c = d().CreateCollection(info);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(d().DeleteOrganization(staffed->id).ok());
  EXPECT_EQ(d().GetOrganization(staffed->id).status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(d().GetGroup(g->id)->members.empty());
  EXPECT_THAT(d().GetCollection(c->id)->readers.orgs, ElementsAre(provider->id));
  EXPECT_EQ(d().DeleteOrganization(staffed->id).code(), ErrorCode::kNotFound);
  auto next = d().CreateOrganization("Newcomer");
  EXPECT_GT(next->id, staffed->id) << "an id is never handed out again";
}

TEST_F(AccountRemovalTest, ADisabledOrganizationIsReadWithItsUsersTokens) {
  auto org = d().CreateOrganization("Org");
  auto user = d().CreateUser("u", org->id, Role::kAnalyst);
  TokenRecord t;
  t.id = "00000000000000bb";
  t.user_id = user->id;
  t.hash = "$keyed$fake";
  t.created = Timestamp::Now();
  ASSERT_TRUE(d().AddToken(t).ok());
  EXPECT_FALSE(d().LookupToken(t.id)->org.disabled);
  const int64_t before = *d().Generation();
  auto disabled = d().SetOrganizationDisabled(org->id, true);
  ASSERT_TRUE(disabled.ok());
  EXPECT_TRUE(disabled->disabled);
  EXPECT_GT(*d().Generation(), before) << "servers must see it at once";
  EXPECT_TRUE(d().LookupToken(t.id)->org.disabled);
  EXPECT_TRUE(d().ListOrganizations()->at(0).disabled);
  EXPECT_FALSE(d().SetOrganizationDisabled(org->id, false)->disabled);
  EXPECT_EQ(d().SetOrganizationDisabled(org->id + 9, true).status().code(), ErrorCode::kNotFound);
}

TEST_F(AccountRemovalTest, AGroupStaysWhileAnyAccessDependsOnIt) {
  auto org = d().CreateOrganization("Org");
  auto g = d().CreateGroup("g", "");
  ASSERT_TRUE(d().AddGroupMember(g->id, org->id).ok());
  const std::string key = "group:" + std::to_string(g->id);

  // The audience group of a collection.
  auto c = d().GetCollection(scratch_);
  c->audience_group = g->id;
  ASSERT_TRUE(d().UpdateCollection(*c).ok());
  Status st = d().DeleteGroup(g->id);
  EXPECT_EQ(st.code(), ErrorCode::kAlreadyExists);
  EXPECT_THAT(st.message(), HasSubstr("audience group"));
  c->audience_group.reset();
  // A collection's readers.
  c->readers = Grants{false, {}, {g->id}};
  ASSERT_TRUE(d().UpdateCollection(*c).ok());
  EXPECT_THAT(d().DeleteGroup(g->id).message(), HasSubstr("readers or writers"));
  c->readers = Grants{true, {}, {}};
  ASSERT_TRUE(d().UpdateCollection(*c).ok());
  // An object addressed to it (an AMBER object whose audience is the group).
  Put(scratch_, org->id, "org:" + std::to_string(org->id) + " " + key);
  st = d().DeleteGroup(g->id);
  EXPECT_EQ(st.code(), ErrorCode::kAlreadyExists);
  EXPECT_THAT(st.message(), HasSubstr("addressed to it"));
  EXPECT_THAT(d().GetGroup(g->id)->members, ElementsAre(org->id)) << "a refusal changes nothing";

  // Another group, on which nothing depends, goes with its memberships.
  auto free = d().CreateGroup("free", "");
  ASSERT_TRUE(d().AddGroupMember(free->id, org->id).ok());
  ASSERT_TRUE(d().DeleteGroup(free->id).ok());
  EXPECT_EQ(d().GetGroup(free->id).status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(d().GroupsOf(org->id)->size() == 1u);
  EXPECT_EQ(d().DeleteGroup(free->id).code(), ErrorCode::kNotFound);
}

TEST_F(AccountRemovalTest, ACollectionIsDeletedOnlyWhenEmptyAndNotTheDefault) {
  Status st_ = d().DeleteCollection(default_);
  EXPECT_EQ(st_.code(), ErrorCode::kAlreadyExists);
  EXPECT_THAT(st_.message(), HasSubstr("default collection"));
  Put(scratch_, 0, "coll");
  st_ = d().DeleteCollection(scratch_);
  EXPECT_EQ(st_.code(), ErrorCode::kAlreadyExists);
  EXPECT_THAT(st_.message(), HasSubstr("holds 1 object version"));
  CollectionQuery q;
  q.collection = scratch_;
  q.scope.unrestricted = true;
  q.ids = {"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"};
  q.match = VersionMatch::kAll;
  q.copies = Copies::kEvery;
  ASSERT_EQ(*store_->DeleteVersions(q), 1);
  ASSERT_TRUE(d().DeleteCollection(scratch_).ok());
  EXPECT_EQ(d().GetCollection(scratch_).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(d().DeleteCollection(scratch_).code(), ErrorCode::kNotFound);
}

TEST_F(AccountRemovalTest, TokenUseIsRecordedWithoutChangingTheDirectory) {
  auto org = d().CreateOrganization("Org");
  auto user = d().CreateUser("u", org->id, Role::kAnalyst);
  TokenRecord t;
  t.id = "00000000000000cc";
  t.user_id = user->id;
  t.hash = "$keyed$fake";
  t.created = Timestamp::Now();
  ASSERT_TRUE(d().AddToken(t).ok());
  EXPECT_FALSE(d().GetToken(t.id)->last_used.has_value());
  const int64_t generation = *d().Generation();
  ASSERT_TRUE(d().RecordTokenUse(t.id, testing::Ts("2026-05-01T10:00:00Z")).ok());
  ASSERT_TRUE(d().RecordTokenUse(t.id, testing::Ts("2026-04-01T10:00:00Z")).ok());
  EXPECT_EQ(d().GetToken(t.id)->last_used, testing::Ts("2026-05-01T10:00:00Z"))
      << "an older use never moves it back";
  EXPECT_EQ(d().ListTokens(user->id)->at(0).last_used, testing::Ts("2026-05-01T10:00:00Z"));
  EXPECT_EQ(*d().Generation(), generation) << "a use is not a directory change";
  EXPECT_EQ(d().RecordTokenUse("ffffffffffffffff", Timestamp::Now()).code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace tessera::store
