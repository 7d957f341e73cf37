#include "admin/hub_init.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "store/sqlite_schema.h"

namespace tessera::admin {
namespace {

namespace fs = std::filesystem;

class HubInitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tessera-hub-init-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    Open();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  void Open() {
    store_.reset();
    auto opened = store::OpenStore(dir_, store::OpenMode::kCreateIfMissing, 1);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
  }
  store::Directory& dir() { return store_->directory(); }

  std::string dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(HubInitTest, ReportsTheSchemaItFoundAndMade) {
  const int64_t latest = static_cast<int64_t>(store::SchemaMigrations().size());
  store_.reset();
  const std::string fresh_dir = dir_ + "/fresh";
  store::SchemaUpgrade schema;
  auto fresh = store::OpenStore(fresh_dir, store::OpenMode::kCreateIfMissing, 1, schema);
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_EQ(schema.from, 0);
  EXPECT_EQ(schema.to, latest);
  EXPECT_EQ(DescribeSchemaUpgrade(schema), "schema " + std::to_string(latest) + ": created");
  auto hub = InitHub(**fresh, HubInitOptions{});
  ASSERT_TRUE(hub.ok()) << hub.status().ToString();
  EXPECT_TRUE(hub->notes.empty()) << "a new store's search index is complete";
  fresh->reset();

  store::SchemaUpgrade again;
  auto reopened = store::OpenStore(fresh_dir, store::OpenMode::kOpenExisting, 1, again);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(again.from, latest);
  EXPECT_FALSE(again.migrated());
  EXPECT_EQ(DescribeSchemaUpgrade(again), "schema " + std::to_string(latest) + ": up to date");
  EXPECT_TRUE(AppliedMigrations(again).empty());
}

TEST(DescribeSchemaUpgradeTest, NamesEachMigrationApplied) {
  EXPECT_EQ(DescribeSchemaUpgrade({5, 9}), "schema 5 -> 9: applied migrations 6, 7, 8, 9");
  EXPECT_EQ(DescribeSchemaUpgrade({8, 9}), "schema 8 -> 9: applied migration 9");
  EXPECT_EQ(AppliedMigrations({2, 4}), (std::vector<int64_t>{3, 4}));
}

TEST_F(HubInitTest, SetsUpAFreshHub) {
  HubInitOptions options;
  options.org_name = "National CSIRT";
  auto r = InitHub(*store_, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->org_created);
  EXPECT_TRUE(r->admin_created);
  EXPECT_EQ(r->hub_org.name, "National CSIRT");
  EXPECT_EQ(r->admin.name, "admin");
  EXPECT_EQ(r->admin.role, store::Role::kAdmin);
  EXPECT_EQ(r->admin.org_id, r->hub_org.id);
  ASSERT_TRUE(r->admin_token.has_value());
  EXPECT_TRUE(r->admin_token->token.starts_with("tsr_" + r->admin_token->record.id + "_"));

  EXPECT_EQ(*dir().GetSetting(store::kSettingHubOrg), std::to_string(r->hub_org.id));
  EXPECT_EQ(*dir().GetSetting(store::kSettingDefaultCollection), r->default_collection.id);
  EXPECT_EQ(r->default_collection.api_root, "api");
  EXPECT_EQ(r->default_collection.default_tlp, stix::TlpLevel::kAmber);
  EXPECT_TRUE(r->default_collection.readers.all);
  EXPECT_TRUE(r->default_collection.writers.all);
  EXPECT_TRUE(dir().GetApiRoot("api").ok());

  // The token authenticates as the admin of the hub organization.
  policy::Authenticator auth(dir());
  auto p = auth.Authenticate("Bearer " + r->admin_token->token, "");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->role, policy::Role::kAdmin);
  EXPECT_EQ(p->org_id, r->hub_org.id);
}

TEST_F(HubInitTest, RepeatingKeepsEverythingAndMakesNoSecondToken) {
  auto first = InitHub(*store_, {});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  Open();  // as a second `tessera init` would
  HubInitOptions other;
  other.org_name = "Another name";
  auto second = InitHub(*store_, other);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_FALSE(second->org_created);
  EXPECT_FALSE(second->admin_created);
  EXPECT_FALSE(second->collection_created);
  EXPECT_FALSE(second->admin_token.has_value());
  EXPECT_EQ(second->hub_org.id, first->hub_org.id);
  EXPECT_EQ(second->hub_org.name, "Tessera hub");
  EXPECT_EQ(second->default_collection.id, first->default_collection.id);
  ASSERT_EQ(second->notes.size(), 1u);
  EXPECT_NE(second->notes[0].find("--org ignored"), std::string::npos);
  EXPECT_EQ(dir().ListTokens(first->admin.id)->size(), 1u);
  EXPECT_EQ(dir().ListOrganizations()->size(), 1u);

  HubInitOptions again;
  again.new_admin_token = true;
  auto third = InitHub(*store_, again);
  ASSERT_TRUE(third.ok());
  ASSERT_TRUE(third->admin_token.has_value());
  EXPECT_NE(third->admin_token->record.id, first->admin_token->record.id);
  EXPECT_EQ(dir().ListTokens(first->admin.id)->size(), 2u);
}

TEST_F(HubInitTest, CompletesAHalfInitializedStore) {
  // An admin user without a token (an interrupted init): the next init issues one.
  auto org = dir().CreateOrganization("Ops");
  ASSERT_TRUE(org.ok());
  ASSERT_TRUE(dir().CreateUser("admin", org->id, store::Role::kAdmin).ok());
  auto r = InitHub(*store_, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->admin_created);
  EXPECT_TRUE(r->admin_token.has_value());
}

TEST_F(HubInitTest, RefusesAnAdminUserWithoutTheAdminRole) {
  auto org = dir().CreateOrganization("Ops");
  ASSERT_TRUE(org.ok());
  ASSERT_TRUE(dir().CreateUser("admin", org->id, store::Role::kAnalyst).ok());
  auto r = InitHub(*store_, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kAlreadyExists);
  EXPECT_TRUE(dir().ListTokens(dir().FindUser("admin")->id)->empty());
}

}  // namespace
}  // namespace tessera::admin
