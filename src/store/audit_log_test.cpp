// The audit log's rows (store/audit_log.h): AuditScope appends a request's entry inside the
// transaction of the change it records, or alone when nothing was written; List filters and pages.

#include "store/audit_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>

#include "store/store.h"
#include "store/test_util.h"

namespace tessera::store {
namespace {

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    auto s = OpenStore(dir_.data(), OpenMode::kCreateIfMissing);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  AuditLog& log() { return AuditLogOf(*store_); }
  audit::Entry Entry(const std::string& action) {
    audit::Entry e;
    e.chain = std::string(audit::kHubChain);
    e.actor = "alice";
    e.org_id = 7;
    e.action = action;
    e.target = "t";
    return e;
  }
  std::vector<audit::Entry> All() {
    AuditQuery q;
    q.limit = kMaxAuditPage;
    auto entries = log().List(q);
    EXPECT_TRUE(entries.ok()) << entries.status().ToString();
    return entries.ok() ? *entries : std::vector<audit::Entry>{};
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(AuditLogTest, TheChangeAndItsEntryCommitTogether) {
  {
    AuditScope scope(log(), Entry("org.create"));
    ASSERT_TRUE(store_->directory().CreateOrganization("ACME").ok());
    EXPECT_TRUE(scope.written());
    ASSERT_TRUE(scope.Finish(audit::kDone).ok());  // nothing more is appended
  }
  // A change refused by the store rolls back, entry included; Finish records the refusal.
  {
    AuditScope scope(log(), Entry("org.create"));
    EXPECT_FALSE(store_->directory().CreateOrganization("ACME").ok());
    EXPECT_FALSE(scope.written());
    ASSERT_TRUE(scope.Finish(audit::kRefused, "name taken").ok());
  }
  // Without a scope, changes append nothing.
  ASSERT_TRUE(store_->directory().CreateOrganization("Globex").ok());
  const auto entries = All();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].number, 1);
  EXPECT_EQ(entries[1].result, "done");
  EXPECT_EQ(entries[1].prev_hash, audit::kGenesisHash);
  EXPECT_EQ(entries[0].number, 2);
  EXPECT_EQ(entries[0].result, "refused");
  EXPECT_EQ(entries[0].reason, "name taken");
  EXPECT_EQ(entries[0].prev_hash, entries[1].hash);

  const audit::Verifier v = testing::VerifiedHubChain(log());
  EXPECT_TRUE(v.intact()) << v.why();
  EXPECT_EQ(v.checked(), 2);
  EXPECT_EQ(v.head(), entries[0].hash);
}

// A request that commits a change and then fails (a second write refused, an error after it):
// its first entry says "done" (that change was committed and stays), and Finish appends a
// closing entry "failed" that names it; a request whose later writes succeed and carry no counts
// gets no closing entry.
TEST_F(AuditLogTest, ARequestThatFailsAfterItsFirstWriteGetsAFailedClosingEntry) {
  {
    AuditScope scope(log(), Entry("group.create"));
    auto org = store_->directory().CreateOrganization("ACME");
    ASSERT_TRUE(org.ok());
    ASSERT_TRUE(scope.written());
    ASSERT_TRUE(store_->directory().CreateOrganization("Globex").ok());  // a second write: fine
    EXPECT_FALSE(store_->directory().CreateOrganization("ACME").ok());   // a third: refused
    ASSERT_TRUE(scope.Finish(audit::kRefused, "organization name taken").ok());
    ASSERT_TRUE(scope.Finish(audit::kRefused, "again").ok());  // once only
  }
  {
    AuditScope scope(log(), Entry("org.create"));
    ASSERT_TRUE(store_->directory().CreateOrganization("Initech").ok());
    ASSERT_TRUE(store_->directory().CreateOrganization("Umbrella").ok());
    ASSERT_TRUE(scope.Finish(audit::kDone).ok());
  }
  const auto entries = All();  // newest first
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[2].result, "done");
  EXPECT_EQ(entries[1].number, 2);
  EXPECT_EQ(entries[1].action, "group.create");
  EXPECT_EQ(entries[1].actor, "alice");
  EXPECT_EQ(entries[1].target, "t");
  EXPECT_EQ(entries[1].result, "failed");
  EXPECT_EQ(entries[1].reason, "organization name taken");
  EXPECT_THAT(entries[1].details, ::testing::AllOf(::testing::HasSubstr("closes entry 1"),
                                                   ::testing::HasSubstr("1 further write(s)")));
  EXPECT_EQ(entries[0].action, "org.create");
  EXPECT_EQ(entries[0].result, "done");
}

// An import in several transactions (a file each): the entry has the first one's counts and the
// closing entry the others'.
TEST_F(AuditLogTest, LaterCountedWritesGetAClosingEntry) {
  auto org = store_->directory().CreateOrganization("ACME");
  ASSERT_TRUE(org.ok());
  auto coll = store_->directory().GetSetting(kSettingDefaultCollection);
  ASSERT_TRUE(coll.ok());
  {
    AuditScope scope(log(), Entry("objects.import"));
    for (int i = 0; i < 2; ++i) {
      std::vector<stix::Object> objects = {
          testing::Sdo("indicator--0000000" + std::to_string(i) + "-0000-4000-8000-000000000000",
                       "2020-01-01T00:00:00.000Z")};
      std::vector<Placement> placements = {Placement{*coll, org->id, testing::Keys("coll"), {}}};
      ASSERT_TRUE(store_->Import(objects, placements).ok());
    }
    ASSERT_TRUE(scope.Finish(audit::kDone).ok());
  }
  const auto entries = All();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_THAT(entries[1].details, ::testing::HasSubstr("added 1"));
  EXPECT_EQ(entries[0].result, "done");
  EXPECT_THAT(entries[0].details, ::testing::AllOf(::testing::HasSubstr("closes entry 1"),
                                                   ::testing::HasSubstr(": added 1")));
}

TEST_F(AuditLogTest, AnImportIsOneEntryWithItsCounts) {
  auto org = store_->directory().CreateOrganization("ACME");
  ASSERT_TRUE(org.ok());
  AuditScope scope(log(), Entry("objects.import"));
  std::vector<stix::Object> objects;
  for (int i = 0; i < 3; ++i) {
    objects.push_back(
        testing::Sdo("indicator--0000000" + std::to_string(i) + "-0000-4000-8000-000000000000",
                     "2020-01-01T00:00:00.000Z"));
  }
  std::vector<Placement> placements(objects.size());
  auto coll = store_->directory().GetSetting(kSettingDefaultCollection);
  ASSERT_TRUE(coll.ok());
  auto info = store_->directory().GetCollection(*coll);
  ASSERT_TRUE(info.ok());
  for (Placement& p : placements) {
    p.collection = info->id;
    p.provider_org = org->id;
    p.readers = testing::Keys("coll");
  }
  auto summary = store_->Import(objects, placements);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_TRUE(scope.written());
  const auto entries = All();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_THAT(entries[0].details, ::testing::HasSubstr("added 3"));
}

TEST_F(AuditLogTest, ListFiltersAndPages) {
  for (const char* action : {"user.create", "user.update", "token.create", "user.create"}) {
    ASSERT_TRUE(log().Append(Entry(action)).ok());
  }
  AuditQuery q;
  q.action = "user";
  auto users = log().List(q);
  ASSERT_TRUE(users.ok());
  EXPECT_EQ(users->size(), 3u);
  q.action = "user.create";
  EXPECT_EQ(log().List(q)->size(), 2u);
  q.action = "use";  // a family is a whole word
  EXPECT_EQ(log().List(q)->size(), 0u);
  AuditQuery page;
  page.limit = 3;
  auto first = log().List(page);
  ASSERT_EQ(first->size(), 3u);
  page.before = first->back().number;
  auto second = log().List(page);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ(second->front().number, 1);
  AuditQuery other;
  other.org_id = 8;
  EXPECT_TRUE(log().List(other)->empty());
  other.limit = 0;
  EXPECT_EQ(log().List(other).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::store
