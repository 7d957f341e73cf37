// The policy view: what a member lists is what its organization is granted, what it may not see
// is not found (never forbidden), and the operator's view sees everything. ReaderNamed finds the
// member `tessera export --as` names.

#include "policy/view.h"

#include <gtest/gtest.h>

#include <set>

#include "policy/access.h"
#include "store/test_util.h"

namespace tessera::policy {
namespace {

using store::testing::Sdo;

class ViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::testing::OpenOrDie(dir_.data());
    ASSERT_NE(store_, nullptr);
    store::Directory& d = store_->directory();
    alpha_ = *d.CreateOrganization("alpha");
    beta_ = *d.CreateOrganization("beta");
    ASSERT_TRUE(d.CreateUser("alice", alpha_.id, store::Role::kAnalyst).ok());
    ASSERT_TRUE(
        d.CreateUser("beta", alpha_.id, store::Role::kReadOnly).ok());  // a user named like an org
    store::CollectionInfo c;
    c.api_root = "api";
    c.title = "alpha only";
    c.readers.orgs = c.writers.orgs = {alpha_.id};
    closed_ = *d.CreateCollection(c);
    open_ = *d.GetCollection(*d.GetSetting(store::kSettingDefaultCollection));
    auto put = [&](const stix::Object& o, const store::CollectionInfo& in, store::GrantKey r) {
      const std::vector<stix::Object> objects{o};
      const std::vector<store::Placement> placements{store::Placement{in.id, alpha_.id, {r}, {}}};
      ASSERT_TRUE(store_->Import(objects, placements).ok());
    };
    put(Sdo(kShared, "2021-01-01T00:00:00.000Z"), open_, store::GrantKey::CollectionReaders());
    put(Sdo(kMine, "2021-01-01T00:00:00.000Z"), open_, store::GrantKey::Org(alpha_.id));
    put(Sdo(kClosed, "2021-01-01T00:00:00.000Z"), closed_, store::GrantKey::CollectionReaders());
  }

  std::set<std::string> Ids(const ObjectView& view, const store::CollectionInfo& c) {
    store::CollectionQuery q;
    q.collection = "ignored: the view sets it";
    q.scope.unrestricted = true;  // ignored as well
    auto page = view.List(c, q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::set<std::string> out;
    if (page.ok())
      for (const auto& o : page->objects) out.insert(o.id);
    return out;
  }

  const std::string kShared = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
  const std::string kMine = "indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2";
  const std::string kClosed = "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b";
  store::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  store::Organization alpha_, beta_;
  store::CollectionInfo open_, closed_;
};

TEST_F(ViewTest, AMemberListsWhatItsOrganizationIsGrantedAndTheRestIsNotFound) {
  auto alice = ReaderNamed(store_->directory(), "alice");
  ASSERT_TRUE(alice.ok()) << alice.status().ToString();
  EXPECT_EQ(alice->org_id, alpha_.id);
  EXPECT_EQ(alice->role, Role::kAnalyst);
  auto beta = ReaderNamed(store_->directory(), "org:beta");
  ASSERT_TRUE(beta.ok()) << beta.status().ToString();
  EXPECT_EQ(beta->org_id, beta_.id);
  EXPECT_EQ(beta->role, Role::kReadOnly);

  const ObjectView as_alice(*store_, *alice), as_beta(*store_, *beta);
  EXPECT_EQ(Ids(as_alice, open_), (std::set<std::string>{kShared, kMine}));
  EXPECT_EQ(Ids(as_alice, closed_), (std::set<std::string>{kClosed}));
  EXPECT_EQ(Ids(as_beta, open_), (std::set<std::string>{kShared}));
  // Not found, never forbidden: the collection and its rows.
  EXPECT_EQ(as_beta.Collection(closed_.id).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(as_beta.Collection("no-such-collection").status().code(), ErrorCode::kNotFound);
  store::CollectionQuery q;
  EXPECT_EQ(as_beta.List(closed_, q).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(as_beta.Scan(closed_, q, [](const store::RowView&) {}).status().code(),
            ErrorCode::kNotFound);
  auto listable = as_beta.ListableCollections();
  ASSERT_TRUE(listable.ok());
  ASSERT_EQ(listable->size(), 1u);
  EXPECT_EQ((*listable)[0].id, open_.id);
  EXPECT_EQ(as_alice.ListableCollections()->size(), 2u);

  // The operator sees every row of every collection.
  const ObjectView op = ObjectView::Operator(*store_);
  EXPECT_TRUE(op.is_operator());
  EXPECT_EQ(Ids(op, open_), (std::set<std::string>{kShared, kMine}));
  EXPECT_TRUE(op.ScopeIn(closed_).unrestricted);
  EXPECT_FALSE(as_alice.ScopeIn(open_).unrestricted);
}

TEST_F(ViewTest, ReaderNamedRefusesUnknownAndAmbiguousNames) {
  EXPECT_EQ(ReaderNamed(store_->directory(), "nobody").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(ReaderNamed(store_->directory(), "user:alpha").status().code(), ErrorCode::kNotFound);
  auto both = ReaderNamed(store_->directory(), "beta");
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(both.status().message().find("org:beta"), std::string::npos);
  auto user = ReaderNamed(store_->directory(), "user:beta");
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->org_id, alpha_.id);
  auto org = ReaderNamed(store_->directory(), "alpha");
  ASSERT_TRUE(org.ok());
  EXPECT_EQ(org->org_id, alpha_.id);
  EXPECT_EQ(org->user_id, 0);
}

}  // namespace
}  // namespace tessera::policy
