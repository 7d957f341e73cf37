// Upgrades of real stores written by earlier Tessera releases. Each tests/data/store/vK.db is the
// store the Tessera of schema K wrote when a user ran tests/data/store/make_fixtures.sh with it
// (init, organizations, users, tokens, a sharing group, collections with aliases and grants, STIX
// objects of several TLP levels and versions with a sighting: tests/data/store/upgrade/*.json);
// vK.tokens holds the tokens it issued. For every fixture, a copy opened by the current code keeps
// every object version byte for byte, every organization, user, token (it still authenticates; the
// revoked one does not), group, collection and alias, and who may read what; `tessera init` on a
// copy says which migrations it applied, in text and in --json. When a migration is added, the
// store of the schema before it gets a fixture too (EveryEarlierSchemaHasAFixture).

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "cli_runner.h"
#include "policy/principal.h"
#include "policy/tokens.h"
#include "policy/view.h"
#include "store/schema_upgrade.h"
#include "store/sqlite_schema.h"
#include "store/store.h"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using tessera::testing::CliRun;
using namespace tessera;

// The schema this build writes: the number of migrations, never a constant.
int64_t Latest() { return static_cast<int64_t>(store::SchemaMigrations().size()); }

fs::path StoreData() {
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  return fs::path(src != nullptr ? src : TESSERA_SOURCE_DIR_DEFAULT) / "tests" / "data" / "store";
}
fs::path Fixture(int64_t k) { return StoreData() / ("v" + std::to_string(k) + ".db"); }
fs::path FixtureTokens(int64_t k) { return StoreData() / ("v" + std::to_string(k) + ".tokens"); }

// The schema versions before the latest that have a fixture (vK.db with vK.tokens; v1.db, from
// before the hub, has its own test in src/store/collection_test.cpp), ascending.
std::vector<int64_t> FixtureVersions() {
  std::vector<int64_t> out;
  for (int64_t k = 2; k <= 64; ++k) {
    // A fixture of the latest schema is kept for the day a migration follows it.
    if (k < Latest() && fs::exists(Fixture(k)) && fs::exists(FixtureTokens(k))) out.push_back(k);
  }
  return out;
}

// PRAGMA user_version of the store at `db`; -1 when it cannot be read. A fixture in the source tree
// is opened immutable (no -wal or -shm file is made beside it); a store in use reads its WAL.
int64_t UserVersion(const fs::path& db, bool immutable = false) {
  sqlite3* h = nullptr;
  int64_t v = -1;
  const std::string uri = "file:" + db.string() + (immutable ? "?immutable=1" : "");
  if (sqlite3_open_v2(uri.c_str(), &h, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr) ==
      SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
      v = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(h);
  return v;
}

// "user token" lines of vK.tokens.
std::map<std::string, std::string> ReadTokens(const fs::path& file) {
  std::map<std::string, std::string> out;
  std::istringstream in(tessera::testing::Slurp(file));
  std::string user, token;
  while (in >> user >> token) out[user] = token;
  return out;
}

// Every object of a bundle of tests/data/store/upgrade/, by id, then by its "modified".
using Versions = std::map<std::string, std::map<std::string, json::object>>;
void AddBundle(const std::string& name, Versions& into) {
  const json::value v = json::parse(tessera::testing::Slurp(StoreData() / "upgrade" / name));
  for (const json::value& o : v.at("objects").as_array()) {
    const json::object& obj = o.as_object();
    into[std::string(obj.at("id").as_string())][std::string(obj.at("modified").as_string())] = obj;
  }
}

// The ids of the latest versions `view` lists in collection `c`.
std::set<std::string> Visible(const policy::ObjectView& view, const store::CollectionInfo& c) {
  store::CollectionQuery q;
  q.with_json = false;
  q.limit = 1000;
  auto page = view.List(c, q);
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  std::set<std::string> ids;
  if (page.ok()) {
    for (const auto& o : page->objects) ids.insert(o.id);
  }
  return ids;
}

class UpgradeTest : public ::testing::TestWithParam<int64_t> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(policy::InitCrypto().ok());
    std::string tmpl = (fs::temp_directory_path() / "tessera-upgrade-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A copy of the fixture as the store of a data directory of its own; the directory.
  std::string CopyFixture(const std::string& name) {
    const fs::path data = dir_ / name;
    fs::create_directories(data);
    fs::copy_file(Fixture(GetParam()), data / store::kStoreFileName);
    return data.string();
  }
  CliRun Tessera(std::vector<std::string> args) {
    return tessera::testing::RunProgram(TESSERA_CLI_PATH, args, dir_);
  }

  fs::path dir_;
};

TEST_P(UpgradeTest, FixtureIsTheSchemaItsNameSays) {
  EXPECT_EQ(UserVersion(Fixture(GetParam()), /*immutable=*/true), GetParam());
  EXPECT_LT(GetParam(), Latest()) << "a fixture is of an earlier schema";
}

TEST_P(UpgradeTest, OpeningKeepsTheDirectoryObjectsTokensAndAccess) {
  const int64_t k = GetParam();
  const std::string data = CopyFixture("data");
  store::SchemaUpgrade schema;
  auto opened = store::OpenStore(data, store::OpenMode::kOpenExisting,
                                 store::kDefaultReadConnections, schema);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  store::Store& st = **opened;
  EXPECT_EQ(schema.from, k);
  EXPECT_EQ(schema.to, Latest());
  EXPECT_EQ(UserVersion(fs::path(data) / store::kStoreFileName), Latest());
  store::Directory& dir = st.directory();

  // Organizations.
  auto orgs = dir.ListOrganizations();
  ASSERT_TRUE(orgs.ok()) << orgs.status().ToString();
  std::map<std::string, store::Organization> org;
  for (const auto& o : *orgs) org[o.name] = o;
  ASSERT_EQ(orgs->size(), 4u);
  for (const char* name : {"Hub CERT", "Acme CSIRT", "Beta ISAC", "Gamma Bank"}) {
    ASSERT_EQ(org.count(name), 1u) << name;
    EXPECT_TRUE(org[name].identity_id.starts_with("identity--")) << name;
    EXPECT_NE(org[name].identity_json.find(org[name].identity_id), std::string::npos) << name;
  }
  auto hub = dir.GetSetting(store::kSettingHubOrg);
  ASSERT_TRUE(hub.ok()) << hub.status().ToString();
  EXPECT_EQ(*hub, std::to_string(org["Hub CERT"].id));

  // Users.
  auto users = dir.ListUsers(std::nullopt);
  ASSERT_TRUE(users.ok()) << users.status().ToString();
  std::map<std::string, store::User> user;
  for (const auto& u : *users) user[u.name] = u;
  ASSERT_EQ(users->size(), 5u);
  const std::vector<std::tuple<std::string, std::string, store::Role>> want_users = {
      {"admin", "Hub CERT", store::Role::kAdmin},
      {"alice", "Acme CSIRT", store::Role::kAnalyst},
      {"bob", "Beta ISAC", store::Role::kReadOnly},
      {"carol", "Acme CSIRT", store::Role::kOrgAdmin},
      {"dave", "Gamma Bank", store::Role::kAnalyst}};
  for (const auto& [name, org_name, role] : want_users) {
    ASSERT_EQ(user.count(name), 1u) << name;
    EXPECT_EQ(user[name].org_id, org[org_name].id) << name;
    EXPECT_EQ(user[name].role, role) << name;
    EXPECT_FALSE(user[name].disabled) << name;
  }

  // Tokens: every one issued still authenticates as its user; the revoked one does not.
  const auto tokens = ReadTokens(FixtureTokens(k));
  ASSERT_EQ(tokens.size(), 5u);
  policy::Authenticator auth(dir);
  std::map<std::string, policy::Principal> as;
  for (const auto& [name, token] : tokens) {
    auto p = auth.Authenticate("Bearer " + token, "127.0.0.1");
    auto rows = dir.ListTokens(user[name].id);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    ASSERT_EQ(rows->size(), 1u) << name;
    EXPECT_EQ(token.substr(4, 16), (*rows)[0].id) << name;
    EXPECT_FALSE((*rows)[0].expires.has_value()) << name;
    if (name == "carol") {
      EXPECT_TRUE((*rows)[0].revoked);
      EXPECT_EQ((*rows)[0].label, "revoked before the upgrade");
      ASSERT_FALSE(p.ok()) << "a revoked token stays revoked";
      EXPECT_EQ(p.status().code(), ErrorCode::kUnauthenticated);
      continue;
    }
    EXPECT_FALSE((*rows)[0].revoked) << name;
    ASSERT_TRUE(p.ok()) << name << ": " << p.status().ToString();
    EXPECT_EQ(p->user, name);
    EXPECT_EQ(p->org_id, user[name].org_id);
    as[name] = *p;
  }
  EXPECT_EQ((*dir.ListTokens(user["alice"].id))[0].label, "alice laptop");
  // A second use of each (old Argon2id hashes are rewritten on the first): still good.
  for (const char* name : {"admin", "alice", "bob", "dave"}) {
    EXPECT_TRUE(auth.Authenticate("Bearer " + tokens.at(name), "127.0.0.1").ok()) << name;
  }

  // The sharing group.
  auto groups = dir.ListGroups();
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  ASSERT_EQ(groups->size(), 1u);
  const store::SharingGroup& g = (*groups)[0];
  EXPECT_EQ(g.name, "Finance ISAC");
  EXPECT_EQ(g.description, "Banks and their CSIRTs");
  std::vector<int64_t> members = {org["Acme CSIRT"].id, org["Beta ISAC"].id};
  std::sort(members.begin(), members.end());
  EXPECT_EQ(g.members, members);
  EXPECT_EQ(as["bob"].groups, std::vector<int64_t>{g.id});
  EXPECT_TRUE(as["dave"].groups.empty());

  // Collections and aliases.
  auto colls = dir.ListCollections("api");
  ASSERT_TRUE(colls.ok()) << colls.status().ToString();
  ASSERT_EQ(colls->size(), 3u);
  std::map<std::string, store::CollectionInfo> coll;
  for (const auto& c : *colls) coll[c.title] = c;
  auto def = dir.GetSetting(store::kSettingDefaultCollection);
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  ASSERT_EQ(coll.count("Default"), 1u);
  EXPECT_EQ(coll["Default"].id, *def);
  EXPECT_TRUE(coll["Default"].readers.all);
  EXPECT_TRUE(coll["Default"].writers.all);
  EXPECT_EQ(coll["Default"].default_tlp, stix::TlpLevel::kAmber);
  ASSERT_EQ(coll.count("Finance shared"), 1u);
  const store::CollectionInfo& shared = coll["Finance shared"];
  EXPECT_EQ(shared.alias, "finance-shared");
  EXPECT_EQ(shared.description, "What Acme shares with the Finance ISAC");
  EXPECT_EQ(shared.default_tlp, stix::TlpLevel::kGreen);
  EXPECT_FALSE(shared.readers.all);
  EXPECT_EQ(shared.readers.orgs, std::vector<int64_t>{org["Acme CSIRT"].id});
  EXPECT_EQ(shared.readers.groups, std::vector<int64_t>{g.id});
  EXPECT_EQ(shared.writers.orgs, std::vector<int64_t>{org["Acme CSIRT"].id});
  EXPECT_TRUE(shared.writers.groups.empty());
  EXPECT_EQ(shared.audience_group, std::optional<int64_t>(g.id));
  ASSERT_EQ(coll.count("Acme internal"), 1u);
  const store::CollectionInfo& internal = coll["Acme internal"];
  EXPECT_EQ(internal.alias, "acme-internal");
  EXPECT_EQ(internal.default_tlp, stix::TlpLevel::kRed);
  EXPECT_EQ(internal.readers.orgs, std::vector<int64_t>{org["Acme CSIRT"].id});
  EXPECT_TRUE(internal.readers.groups.empty());

  // Every object version, byte for byte, in its collection, provided by Acme.
  const std::vector<std::pair<std::string, std::string>> bundles = {
      {"shared.json", *def}, {"group.json", shared.id}, {"red.json", internal.id}};
  size_t versions = 0;
  for (const auto& [file, collection] : bundles) {
    Versions want;
    AddBundle(file, want);
    for (const auto& [id, by_version] : want) {
      auto got = st.GetVersions(id);
      ASSERT_TRUE(got.ok()) << id << ": " << got.status().ToString();
      ASSERT_EQ(got->size(), by_version.size()) << id;
      auto it = by_version.begin();
      for (const store::StoredObject& o : *got) {
        EXPECT_EQ(json::parse(o.json).as_object(), it->second) << id << " " << it->first;
        EXPECT_EQ(o.collection, collection) << id;
        EXPECT_EQ(o.provider_org, org["Acme CSIRT"].id) << id;
        ++it;
        ++versions;
      }
    }
  }
  EXPECT_EQ(versions, 12u);
  auto count = st.CountObjects();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 12);

  // Who reads what, as before the upgrade.
  const std::string red = "indicator--18273849-a5b6-46c7-b1d2-4d5e6f708198";
  const std::string phishing = "indicator--f6051627-8293-44a5-9fb0-2b3c4d5e6f76";
  const std::string strict_note = "note--07162738-94a5-45b6-a0c1-3c4d5e6f7087";
  const policy::ObjectView alice(st, as["alice"]), bob(st, as["bob"]), dave(st, as["dave"]);
  EXPECT_EQ(Visible(alice, internal), std::set<std::string>{red});
  EXPECT_EQ(Visible(alice, shared), (std::set<std::string>{phishing, strict_note}));
  EXPECT_EQ(bob.Collection(internal.id).status().code(), ErrorCode::kNotFound)
      << "TLP:RED stays with Acme";
  EXPECT_EQ(Visible(bob, shared), (std::set<std::string>{phishing, strict_note}))
      << "the group is the collection's audience: its members read what Acme addressed to it";
  EXPECT_EQ(dave.Collection(shared.id).status().code(), ErrorCode::kNotFound)
      << "Gamma Bank is not in the group";
  for (const auto* view : {&alice, &bob, &dave}) {
    EXPECT_EQ(
        Visible(*view, coll["Default"]).count("indicator--a1f0b1c2-3d4e-4f50-8a6b-7c8d9e0f1a21"),
        1u)
        << "TLP:GREEN in the default collection reaches every organization";
  }

  // And the upgraded directory takes writes.
  auto added = dir.CreateOrganization("Delta CERT");
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_GT(added->id, org["Gamma Bank"].id);
}

TEST_P(UpgradeTest, InitSaysWhichMigrationsItApplied) {
  const int64_t k = GetParam();
  std::string want = "schema " + std::to_string(k) + " -> " + std::to_string(Latest()) +
                     ": applied migration" + (Latest() - k > 1 ? "s" : "");
  for (int64_t v = k + 1; v <= Latest(); ++v) want += (v == k + 1 ? " " : ", ") + std::to_string(v);

  const std::string data = CopyFixture("text");
  CliRun r = Tessera({"init", "--data", data});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Tessera store already exists"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n" + want + "\n"), std::string::npos) << want << "\n" << r.out;
  EXPECT_NE(r.out.find("hub organization: Hub CERT"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("admin token: unchanged"), std::string::npos)
      << "the admin keeps its token: " << r.out;
  EXPECT_EQ(UserVersion(fs::path(data) / store::kStoreFileName), Latest());

  // Once done, init has nothing more to migrate.
  r = Tessera({"init", "--data", data});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\nschema " + std::to_string(Latest()) + ": up to date\n"),
            std::string::npos)
      << r.out;

  const std::string data_json = CopyFixture("json");
  r = Tessera({"init", "--data", data_json, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  boost::system::error_code ec;
  json::value doc = json::parse(r.out, ec);
  ASSERT_FALSE(ec) << r.out;
  const json::object& schema = doc.at("schema").as_object();
  EXPECT_EQ(schema.at("from").as_int64(), k);
  EXPECT_EQ(schema.at("to").as_int64(), Latest());
  json::array applied;
  for (int64_t v = k + 1; v <= Latest(); ++v) applied.emplace_back(v);
  EXPECT_EQ(schema.at("migrations_applied").as_array(), applied);
  EXPECT_EQ(schema.at("summary").as_string(), want);
  EXPECT_FALSE(doc.at("store_created").as_bool());
  EXPECT_TRUE(doc.at("admin_token_id").is_null());
}

// The search index came with schema 6: a store from before it is searchable once
// `tessera search reindex` has filed its objects (init says so); a later one at once, by value and
// by text.
TEST_P(UpgradeTest, UpgradedObjectsAreFoundByValueAndText) {
  const int64_t k = GetParam();
  const std::string indicator = "indicator--a1f0b1c2-3d4e-4f50-8a6b-7c8d9e0f1a21";
  const std::string malware = "malware--b2e1c2d3-4e5f-4061-9b7c-8d9e0f1a2b32";
  const std::string data = CopyFixture("search");
  CliRun r = Tessera({"init", "--data", data});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const bool before_index = k < 6;
  EXPECT_EQ(r.out.find("note: the search index does not file") != std::string::npos, before_index)
      << r.out;
  if (before_index) {
    r = Tessera({"search", "198.51.100.7", "--data", data, "--json"});
    EXPECT_EQ(r.exit_code, 2) << "refused until reindexed: " << r.out << r.err;
    r = Tessera({"search", "reindex", "--data", data});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  r = Tessera({"search", "198.51.100.7", "--data", data, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(indicator), std::string::npos) << r.out;
  r = Tessera({"search", "--text", "ExampleLoader", "--data", data, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(malware), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, UpgradeTest, ::testing::ValuesIn(FixtureVersions()),
                         [](const ::testing::TestParamInfo<int64_t>& i) {
                           return "schema" + std::to_string(i.param);
                         });

// Every schema before the latest has a store to upgrade from: whoever adds migration N + 1 adds
// vN.db (tests/data/store/make_fixtures.sh with the tessera of schema N).
TEST(UpgradeFixturesTest, EveryEarlierSchemaHasAFixture) {
  const std::vector<int64_t> have = FixtureVersions();
  for (int64_t k = 2; k < Latest(); ++k) {
    EXPECT_NE(std::find(have.begin(), have.end(), k), have.end())
        << "no fixture of schema " << k << ": " << Fixture(k).string() << " and "
        << FixtureTokens(k).string();
  }
  EXPECT_TRUE(fs::exists(StoreData() / "v1.db"));
}

}  // namespace
