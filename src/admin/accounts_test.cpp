#include "admin/accounts.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/store.h"

namespace tessera::admin {
namespace {

namespace json = boost::json;

class AdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tessera-api-admin-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_path_ = tmpl;
    auto opened = store::OpenStore(dir_path_, store::OpenMode::kCreateIfMissing, 1);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    auto a = dir().CreateOrganization("ACME CERT");
    auto b = dir().CreateOrganization("Globex SOC");
    ASSERT_TRUE(a.ok() && b.ok());
    acme_ = *a;
    globex_ = *b;
    auto g = dir().CreateGroup("finance-isac", "banks");
    ASSERT_TRUE(g.ok());
    group_ = *g;
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_path_);
  }
  store::Directory& dir() { return store_->directory(); }

  std::string dir_path_;
  std::unique_ptr<store::Store> store_;
  store::Organization acme_, globex_;
  store::SharingGroup group_;
};

TEST_F(AdminTest, FindOrgByNameIdentityOrNumber) {
  EXPECT_EQ(FindOrg(dir(), "ACME CERT")->id, acme_.id);
  EXPECT_EQ(FindOrg(dir(), acme_.identity_id)->id, acme_.id);
  EXPECT_EQ(FindOrg(dir(), std::to_string(globex_.id))->id, globex_.id);
  // The shape decides: digits are an id (no name may be only digits: store::Directory), so an
  // unused number is not found, whatever the names.
  auto unused = FindOrg(dir(), "42");
  EXPECT_EQ(unused.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(unused.status().message().find("numbered 42"), std::string::npos);

  auto missing = FindOrg(dir(), "Initech");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.status().message().find("Initech"), std::string::npos);
  EXPECT_EQ(FindOrg(dir(), "identity--00000000-0000-4000-8000-000000000000").status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(FindOrg(dir(), "999").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(FindOrg(dir(), "").status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(AdminTest, FindUserAndGroupRefs) {
  auto user = dir().CreateUser("alice", acme_.id, store::Role::kAnalyst);
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(FindUserRef(dir(), "alice")->id, user->id);
  EXPECT_EQ(FindUserRef(dir(), std::to_string(user->id))->name, "alice");
  EXPECT_EQ(FindUserRef(dir(), "bob").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(FindGroupRef(dir(), "finance-isac")->id, group_.id);
  EXPECT_EQ(FindGroupRef(dir(), std::to_string(group_.id))->name, "finance-isac");
  EXPECT_EQ(FindGroupRef(dir(), "nope").status().code(), ErrorCode::kNotFound);
}

TEST_F(AdminTest, ParseGrantsReadsAllNoneAndLists) {
  auto all = ParseGrants(dir(), "all");
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->all);
  auto none = ParseGrants(dir(), "none");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->all);
  EXPECT_TRUE(none->orgs.empty() && none->groups.empty());

  auto list = ParseGrants(dir(), "Globex SOC, ACME CERT,group:finance-isac,ACME CERT");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_FALSE(list->all);
  std::vector<int64_t> orgs = {acme_.id, globex_.id};
  std::sort(orgs.begin(), orgs.end());
  EXPECT_EQ(list->orgs, orgs);  // sorted, duplicates dropped
  EXPECT_EQ(list->groups, std::vector<int64_t>{group_.id});
  EXPECT_EQ(FormatGrants(dir(), *list), acme_.id < globex_.id
                                            ? "ACME CERT,Globex SOC,group:finance-isac"
                                            : "Globex SOC,ACME CERT,group:finance-isac");
  EXPECT_EQ(FormatGrants(dir(), *all), "all");
  EXPECT_EQ(FormatGrants(dir(), *none), "none");
}

TEST_F(AdminTest, ParseGrantsRefusesBadLists) {
  EXPECT_EQ(ParseGrants(dir(), "").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseGrants(dir(), "ACME CERT,,Globex SOC").status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseGrants(dir(), "all,ACME CERT").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseGrants(dir(), "ACME CERT,Initech").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(ParseGrants(dir(), "group:nope").status().code(), ErrorCode::kNotFound);
  std::string many;
  for (size_t i = 0; i <= kMaxGrantEntries; ++i) many += "ACME CERT,";
  many += "ACME CERT";
  EXPECT_EQ(ParseGrants(dir(), many).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(AdminTest, GrantsFromJson) {
  auto all = GrantsFromJson(dir(), json::parse(R"("all")"));
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->all);
  auto mixed =
      GrantsFromJson(dir(), json::parse(R"({"orgs": [)" + std::to_string(acme_.id) +
                                        R"(, "Globex SOC"], "groups": ["finance-isac"]})"));
  ASSERT_TRUE(mixed.ok()) << mixed.status().ToString();
  EXPECT_EQ(mixed->orgs.size(), 2u);
  EXPECT_EQ(mixed->groups, std::vector<int64_t>{group_.id});
  for (const char* bad :
       {R"("some")", "7", R"({"orgs": "ACME CERT"})", R"({"org": []})", R"({"orgs": [0]})",
        R"({"orgs": [true]})", R"({"all": "yes"})", R"({"all": true, "orgs": ["ACME CERT"]})"}) {
    auto r = GrantsFromJson(dir(), json::parse(bad));
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(GrantsFromJson(dir(), json::parse(R"({"orgs": [9999]})")).status().code(),
            ErrorCode::kNotFound);
}

TEST_F(AdminTest, FindCollectionByIdOrAlias) {
  store::CollectionInfo info;
  info.api_root = "api";
  info.title = "Feeds";
  info.alias = "feeds";
  info.readers.all = true;
  auto c = dir().CreateCollection(info);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(FindCollectionRef(dir(), c->id)->title, "Feeds");
  EXPECT_EQ(FindCollectionRef(dir(), "feeds")->id, c->id);
  EXPECT_EQ(FindCollectionRef(dir(), "feeds", "api")->id, c->id);
  EXPECT_EQ(FindCollectionRef(dir(), "nothing").status().code(), ErrorCode::kNotFound);
}

TEST_F(AdminTest, JsonFormsCarryNoSecrets) {
  store::TokenRecord t;
  t.id = "0123456789abcdef";
  t.user_id = 3;
  t.hash = "$argon2id$v=19$secret-hash";
  t.created = Timestamp{1700000000, 0};
  t.expires = Timestamp{1800000000, 0};
  t.label = "ci";
  json::object o = TokenJson(t, Timestamp{1750000000, 0});
  EXPECT_EQ(o.at("status"), "active");
  EXPECT_EQ(o.at("expires"), "2027-01-15T08:00:00.000Z");
  EXPECT_EQ(json::serialize(o).find("argon2"), std::string::npos);
  EXPECT_EQ(TokenJson(t, Timestamp{1800000000, 0}).at("status"), "expired");
  t.revoked = true;
  EXPECT_EQ(TokenJson(t, Timestamp{1900000000, 0}).at("status"), "revoked");
  t.expires.reset();
  EXPECT_TRUE(TokenJson(t, Timestamp{}).at("expires").is_null());

  json::object org = OrgJson(acme_);
  EXPECT_EQ(org.at("name"), "ACME CERT");
  EXPECT_EQ(org.at("identity").at("id").as_string(), acme_.identity_id);
  EXPECT_EQ(org.at("identity").at("identity_class"), "organization");
}

}  // namespace
}  // namespace tessera::admin
