// The hub's object model: collections, access grants, versions among visible rows, paging while
// writes land, deletes, statuses, and the migrations of real version-1 and version-3 stores.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <thread>

#include "common/uuid.h"
#include "store/sqlite_schema.h"
#include "store/store.h"
#include "store/test_util.h"

namespace tessera::store {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Keys;
using ::testing::Not;
using testing::Sdo;
using testing::Ts;

const std::string kA = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
const std::string kB = "indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2";
const std::string kC = "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b";

class CollectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::OpenOrDie(dir_.data());
    ASSERT_NE(store_, nullptr);
    coll_ = *store_->directory().GetSetting(kSettingDefaultCollection);
  }

  ImportSummary Put(const std::vector<stix::Object>& objects, std::string_view readers,
                    const std::string& collection = "") {
    const std::vector<Placement> p(
        objects.size(), Placement{collection.empty() ? coll_ : collection, 7, Keys(readers), {}});
    auto r = store_->Import(objects, p);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ImportSummary{};
  }

  CollectionQuery Query(const std::vector<std::string>& keys) {
    CollectionQuery q;
    q.collection = coll_;
    for (const std::string& k : keys) {
      auto key = ParseGrantKey(k);
      EXPECT_TRUE(key.has_value()) << k;
      if (key) q.scope.keys.push_back(*key);
    }
    return q;
  }

  // "id@version" of each row the query lists, in order.
  std::vector<std::string> List(const CollectionQuery& q) {
    auto page = store_->ListCollection(q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<std::string> out;
    if (!page.ok()) return out;
    for (const StoredObject& o : page->objects) {
      out.push_back(
          o.id.substr(0, o.id.find("--")) + "@" +
          (o.version ? FormatTimestamp(*o.version, TimePrecision::kSeconds).substr(0, 4) : "-"));
    }
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::string coll_;
};

TEST_F(CollectionTest, NewStoreHasTheDefaultCollectionInTheApiRoot) {
  auto uuid = Uuid::Parse(coll_);
  ASSERT_TRUE(uuid.ok()) << coll_;
  EXPECT_EQ(uuid->version(), 4);
  EXPECT_TRUE(uuid->IsRfc4122Variant());
  auto info = store_->directory().GetCollection(coll_);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->api_root, "api");
  EXPECT_EQ(info->title, "Default");
  EXPECT_EQ(info->default_tlp, stix::TlpLevel::kAmber);
  EXPECT_TRUE(info->readers.all);
  EXPECT_TRUE(info->writers.all);
  auto root = store_->directory().GetApiRoot("api");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root->title, "Tessera");
  EXPECT_GT(root->max_content_length, 0);
}

TEST_F(CollectionTest, ReaderSeesOnlyRowsWhoseGrantsMeetItsKeys) {
  Put({Sdo(kA, "2021-01-01T00:00:00.000Z")}, " org:1 ");
  Put({Sdo(kB, "2021-01-01T00:00:00.000Z")}, " coll org:2 ");
  Put({Sdo(kC, "2021-01-01T00:00:00.000Z", "malware")}, " group:5 org:3 ");
  Put({Sdo(kA, "2022-01-01T00:00:00.000Z")}, " org:12 ");

  auto all = Query({});
  all.match = VersionMatch::kAll;
  auto with = [&](const std::vector<std::string>& keys) {
    auto q = Query(keys);
    q.match = VersionMatch::kAll;
    return List(q);
  };
  EXPECT_THAT(with({"org:1"}), ElementsAre("indicator@2021"))
      << "org:1 must not match the grant org:12";
  EXPECT_THAT(with({"org:2"}), ElementsAre("indicator@2021"));
  EXPECT_THAT(with({"coll", "org:9"}), ElementsAre("indicator@2021"));
  EXPECT_THAT(with({"org:7", "group:5"}), ElementsAre("malware@2021"));
  EXPECT_THAT(with({"org:12"}), ElementsAre("indicator@2022"));
  EXPECT_THAT(with({}), ElementsAre()) << "no keys: nothing";
  EXPECT_THAT(with({"group:1"}), ElementsAre());
  auto operator_view = all;
  operator_view.scope.unrestricted = true;
  EXPECT_EQ(List(operator_view).size(), 4u);

  for (GrantKey wrong : {GrantKey{GrantKind::kOrg, -1}, GrantKey{GrantKind::kCollectionReaders, 3},
                         GrantKey::Group(kMaxGrantId + 1)}) {
    auto bad = Query({});
    bad.scope.keys = {wrong};
    EXPECT_EQ(store_->ListCollection(bad).status().code(), ErrorCode::kInvalidArgument)
        << "a malformed key: " << static_cast<int>(wrong.kind) << " " << wrong.id;
  }
}

TEST_F(CollectionTest, FirstAndLastAreAmongTheVersionsTheReaderSees) {
  Put({Sdo(kA, "2021-01-01T00:00:00.000Z")}, " coll ");
  Put({Sdo(kA, "2022-01-01T00:00:00.000Z")}, " org:1 ");
  Put({Sdo(kA, "2023-01-01T00:00:00.000Z")}, " org:2 ");

  auto q = Query({"coll", "org:1"});
  EXPECT_THAT(List(q), ElementsAre("indicator@2022")) << "last is the default";
  q.match = VersionMatch::kFirst;
  EXPECT_THAT(List(q), ElementsAre("indicator@2021"));
  q.match = VersionMatch::kAll;
  EXPECT_THAT(List(q), ElementsAre("indicator@2021", "indicator@2022"));
  q.match = VersionMatch::kFirst;
  q.also = {VersionMatch::kLast};
  EXPECT_THAT(List(q), ElementsAre("indicator@2021", "indicator@2022"));

  auto coll_only = Query({"coll"});
  EXPECT_THAT(List(coll_only), ElementsAre("indicator@2021"))
      << "a newer version the reader cannot see does not hide the one it can";
  auto org2 = Query({"org:2"});
  org2.match = VersionMatch::kFirst;
  EXPECT_THAT(List(org2), ElementsAre("indicator@2023"));

  auto exact = Query({"coll"});
  exact.match = VersionMatch::kExact;
  exact.versions = {Ts("2022-01-01T00:00:00Z")};
  EXPECT_THAT(List(exact), ElementsAre()) << "an invisible version is not found by its timestamp";
  exact.scope.keys = Keys("org:1");
  EXPECT_THAT(List(exact), ElementsAre("indicator@2022"));
  exact.versions.push_back(Ts("2021-01-01T00:00:00Z"));
  exact.scope.keys = Keys("org:1 coll");
  EXPECT_THAT(List(exact), ElementsAre("indicator@2021", "indicator@2022"));
}

// ScanCollection hands over, row by row, exactly the rows ListCollection collects (seq,
// date_added and JSON), with the same answer to "is there more".
TEST_F(CollectionTest, ScanCollectionHandsOverTheRowsListCollectionReturns) {
  Put({Sdo(kA, "2021-01-01T00:00:00.000Z"), Sdo(kB, "2021-01-01T00:00:00.000Z")}, " coll ");
  Put({Sdo(kA, "2022-01-01T00:00:00.000Z")}, " org:1 ");
  Put({Sdo(kC, "2021-01-01T00:00:00.000Z", "malware")}, " org:2 ");
  struct Row {
    int64_t seq;
    int64_t added;
    std::string json;
    bool operator==(const Row&) const = default;
  };
  for (const std::vector<std::string>& keys :
       {std::vector<std::string>{"coll"}, std::vector<std::string>{"coll", "org:1"},
        std::vector<std::string>{"org:2"}, std::vector<std::string>{}}) {
    for (size_t limit : {1, 2, 10}) {
      for (VersionMatch m : {VersionMatch::kLast, VersionMatch::kAll}) {
        auto q = Query(keys);
        q.limit = limit;
        q.match = m;
        auto page = store_->ListCollection(q);
        ASSERT_TRUE(page.ok()) << page.status().ToString();
        std::vector<Row> listed, scanned;
        for (const StoredObject& o : page->objects) {
          listed.push_back({o.seq, o.date_added.ToMicros(), o.json});
        }
        auto more = store_->ScanCollection(q, [&](const RowView& r) {
          scanned.push_back({r.seq, r.date_added.ToMicros(), std::string(r.json)});
        });
        ASSERT_TRUE(more.ok()) << more.status().ToString();
        EXPECT_EQ(scanned, listed) << keys.size() << " keys, limit " << limit;
        EXPECT_EQ(*more, page->more) << keys.size() << " keys, limit " << limit;
      }
    }
  }
  auto bad = Query({"coll"});
  bad.limit = 0;
  EXPECT_EQ(store_->ScanCollection(bad, [](const RowView&) {}).status().code(),
            ErrorCode::kInvalidArgument);
}

// #15.15: a listing that needs no object JSON reads none (ids and versions instead), and a page
// can be bounded in JSON bytes: it ends before the row that would pass the bound (more = true)
// but always holds one row, however large.
TEST_F(CollectionTest, ListingsWithoutJsonAndPagesBoundedInBytes) {
  Put({Sdo(kA, "2021-01-01T00:00:00.000Z"), Sdo(kB, "2021-01-01T00:00:00.000Z"),
       Sdo(kC, "2021-01-01T00:00:00.000Z", "malware")},
      " coll ");
  auto q = Query({"coll"});
  q.match = VersionMatch::kAll;
  auto full = store_->ListCollection(q);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  ASSERT_EQ(full->objects.size(), 3u);
  const size_t one = full->objects[0].json.size();

  auto bare = q;
  bare.with_json = false;
  auto listed = store_->ListCollection(bare);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->objects.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(listed->objects[i].json.empty());
    EXPECT_EQ(listed->objects[i].id, full->objects[i].id);
    EXPECT_EQ(listed->objects[i].version, full->objects[i].version);
    EXPECT_EQ(listed->objects[i].provider_org, full->objects[i].provider_org);
  }
  std::vector<std::string> ids;
  auto scanned = store_->ScanCollection(bare, [&](const RowView& r) {
    EXPECT_TRUE(r.json.empty());
    EXPECT_EQ(r.version, Ts("2021-01-01T00:00:00.000Z"));
    ids.emplace_back(r.id);
  });
  ASSERT_TRUE(scanned.ok());
  EXPECT_FALSE(*scanned);
  EXPECT_EQ(ids, (std::vector<std::string>{kA, kB, kC}));

  for (size_t budget : {size_t{1}, one, 2 * one + 1, 100 * one}) {
    auto bounded = q;
    bounded.max_json_bytes = budget;
    const size_t want = budget < 2 * one ? 1 : budget < 3 * one ? 2 : 3;
    auto page = store_->ListCollection(bounded);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->objects.size(), want) << budget;
    EXPECT_EQ(page->more, want < 3) << budget;
    size_t rows = 0;
    auto more = store_->ScanCollection(bounded, [&](const RowView& r) {
      EXPECT_FALSE(r.json.empty());
      ++rows;
    });
    ASSERT_TRUE(more.ok());
    EXPECT_EQ(rows, want) << budget;
    EXPECT_EQ(*more, want < 3) << budget;
  }
}

TEST_F(CollectionTest, FiltersCombine) {
  Put({Sdo(kA, "2021-01-01T00:00:00.000Z"), Sdo(kC, "2021-01-01T00:00:00.000Z", "malware")},
      " coll ");
  auto first = store_->ListCollection(Query({"coll"}));
  ASSERT_TRUE(first.ok());
  stix::Object other_spec = Sdo(kB, "2021-01-01T00:00:00.000Z");
  other_spec.spec_version = "2.0";
  Put({other_spec}, " coll ");

  auto q = Query({"coll"});
  q.types = {"malware"};
  EXPECT_THAT(List(q), ElementsAre("malware@2021"));
  q.types.clear();
  q.spec_versions = {"2.0"};
  EXPECT_THAT(List(q), ElementsAre("indicator@2021"));
  q.spec_versions.clear();
  q.added_after = first->objects.back().date_added;
  auto after = store_->ListCollection(q);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->objects.size(), 1u);
  EXPECT_EQ(after->objects[0].id, kB);
  EXPECT_EQ(after->objects[0].provider_org, 7);
  EXPECT_EQ(after->objects[0].readers, Keys("coll"));
  EXPECT_EQ(after->objects[0].collection, coll_);
}

TEST_F(CollectionTest, PagingWhileImportsLandSeesEveryRowOnceInOrder) {
  constexpr int rows_sql = 120;
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < rows_sql; ++i) {
      const std::string id = "indicator--" + Uuid::V4().ToString();
      // Every other row is invisible to the reader: it must neither appear nor stop paging.
      Put({Sdo(id, "2021-01-01T00:00:00.000Z")}, i % 2 ? " org:99 " : " coll ");
    }
    done = true;
  });
  auto q = Query({"coll"});
  q.limit = 7;
  std::vector<int64_t> seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    const bool finished = done.load();
    auto page = store_->ListCollection(q);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const StoredObject& o : page->objects) seen.push_back(o.seq);
    if (!page->objects.empty()) q.after_seq = page->objects.back().seq;
    if (finished && !page->more) break;
    if (page->objects.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  writer.join();
  ASSERT_EQ(seen.size(), static_cast<size_t>(rows_sql / 2));
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), seen.size());
}

TEST_F(CollectionTest, OneObjectInTwoCollectionsIsKeyedPerCollection) {
  CollectionInfo second;
  second.api_root = "api";
  second.title = "Second";
  second.default_tlp = stix::TlpLevel::kGreen;
  auto other = store_->directory().CreateCollection(second);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_EQ(Put({Sdo(kA, "2021-01-01T00:00:00.000Z")}, " coll ").added, 1u);
  EXPECT_EQ(Put({Sdo(kA, "2021-01-01T00:00:00.000Z")}, " coll ", other->id).added, 1u);
  EXPECT_EQ(Put({Sdo(kA, "2021-01-01T00:00:00.000Z")}, " coll ", other->id).already_present, 1u);

  auto q = Query({"coll"});
  q.collection = other->id;
  auto page = store_->ListCollection(q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0].collection, other->id);

  ObjectQuery everything;
  auto listed = store_->ListObjects(everything);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->objects.size(), 1u) << "the operator's listing shows a version once";
  everything.collection = other->id;
  listed = store_->ListObjects(everything);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->objects.size(), 1u);
  EXPECT_EQ(listed->objects[0].collection, other->id);
  EXPECT_EQ(*store_->CountObjects(), 2);
}

// #15 item 3: Org A (org 1) holds an ipv4-addr SCO as TLP:RED (its id derives from the value, so
// anyone can compute it); Org C (org 3) posts the same SCO for the collection. C's copy is stored
// and readable as C shared it, and C's answer is the same as for a value nobody holds: the store
// is no oracle of what others hold. A reader who sees both copies is shown one (the earliest).
TEST_F(CollectionTest, EachOrganizationsCopyOfAVersionCountsOnItsOwn) {
  const std::string ip = "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd";
  auto sco = [&](const std::string& note) {
    stix::Object o;
    o.type = "ipv4-addr";
    o.id = ip;
    o.spec_version = "2.1";
    o.json = R"({"type":"ipv4-addr","id":")" + ip + R"(","value":"203.0.113.9")" + note + "}";
    return o;
  };
  auto put = [&](int64_t provider, const stix::Object& o, std::string_view readers) {
    auto r =
        store_->Import(std::vector{o}, std::vector{Placement{coll_, provider, Keys(readers), {}}});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ImportSummary{};
  };
  const ImportSummary fresh = put(3, Sdo(kB, "2021-01-01T00:00:00.000Z"), "coll org:3");
  const ImportSummary a = put(1, sco(""), "org:1");  // A: RED, no recipients
  ASSERT_EQ(a.added, 1u);
  {
    // Listed before C's copy exists (the store learns there is no later copy up to here); what
    // it learned does not hide C's copy, stored after, from the listings below.
    auto before = Query({"org:1", "coll"});
    before.up_to_seq = a.last_seq;
    auto page = store_->ListCollection(before);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->objects.size(), 2u);
  }

  const ImportSummary c = put(3, sco(R"(,"x_note":"from C")"), "coll org:3");
  EXPECT_EQ(c.added, fresh.added) << "C's answer does not depend on what A holds";
  EXPECT_EQ(c.already_present, fresh.already_present);
  EXPECT_EQ(c.conflicting, 0u) << "A's copy is not C's stored version";
  // Already present and conflicting are C's own: the same again, then different content.
  EXPECT_EQ(put(3, sco(R"(,"x_note":"from C")"), "coll org:3").already_present, 1u);
  const ImportSummary changed = put(3, sco(R"(,"x_note":"changed")"), "coll org:3");
  EXPECT_EQ(changed.already_present, 1u);
  EXPECT_EQ(changed.conflicting, 1u);
  EXPECT_EQ(*store_->CountObjects(), 3);

  auto json_seen_by = [&](const std::vector<std::string>& keys, VersionMatch m) {
    auto q = Query(keys);
    q.match = m;
    q.ids = {ip};
    auto page = store_->ListCollection(q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<std::string> out;
    if (page.ok()) {
      for (const StoredObject& o : page->objects) out.push_back(o.json);
    }
    return out;
  };
  for (VersionMatch m : {VersionMatch::kLast, VersionMatch::kFirst, VersionMatch::kAll}) {
    SCOPED_TRACE(static_cast<int>(m));
    EXPECT_THAT(json_seen_by({"org:3", "coll"}, m), ElementsAre(HasSubstr("from C")))
        << "C reads its own share";
    EXPECT_THAT(json_seen_by({"org:2", "coll"}, m), ElementsAre(HasSubstr("from C")))
        << "and so does every reader of the collection";
    EXPECT_THAT(json_seen_by({"org:1", "coll"}, m), ElementsAre(Not(HasSubstr("from C"))))
        << "A sees both copies, listed once: the earliest (its own)";
    EXPECT_THAT(json_seen_by({"org:1"}, m), ElementsAre(Not(HasSubstr("from C"))));
    EXPECT_THAT(json_seen_by({"org:2"}, m), ElementsAre()) << "B alone sees neither copy";
  }
  auto exact = Query({"org:1", "coll"});
  exact.match = VersionMatch::kExact;
  exact.also = {VersionMatch::kLast};
  exact.ids = {ip};
  exact.versions = {Ts("2021-01-01T00:00:00Z")};
  EXPECT_EQ(List(exact).size(), 1u) << "several selectors still give one copy";

  // Paging one row at a time never shows the version twice, bounded as TAXII pages (the page
  // that holds C's copy alone still knows A's came first) or not, listed or scanned.
  for (int64_t bound : {int64_t{0}, c.last_seq, c.last_seq + 100}) {
    SCOPED_TRACE(bound);
    auto paged = Query({"org:1", "coll"});
    paged.match = VersionMatch::kAll;
    paged.limit = 1;
    paged.up_to_seq = bound;
    std::vector<std::string> ids;
    std::vector<int64_t> listed, scanned;
    for (int i = 0; i < 10; ++i) {
      auto page = store_->ListCollection(paged);
      ASSERT_TRUE(page.ok());
      for (const StoredObject& o : page->objects) {
        ids.push_back(o.id);
        listed.push_back(o.seq);
      }
      auto more =
          store_->ScanCollection(paged, [&](const RowView& r) { scanned.push_back(r.seq); });
      ASSERT_TRUE(more.ok());
      EXPECT_EQ(*more, page->more);
      if (!page->more) break;
      paged.after_seq = page->objects.back().seq;
    }
    EXPECT_THAT(ids, ElementsAre(kB, ip));
    EXPECT_EQ(scanned, listed);
  }

  // The operator's listing shows the version once, too.
  ObjectQuery everything;
  everything.ids = {ip};
  EXPECT_EQ(store_->ListObjects(everything)->objects.size(), 1u);
  everything.collection = coll_;
  EXPECT_EQ(store_->ListObjects(everything)->objects.size(), 1u);

  // Each copy is deleted on its own: C's, then A's is still there.
  auto mine = Query({"org:3", "coll"});
  mine.ids = {ip};
  mine.match = VersionMatch::kAll;
  mine.copies = Copies::kEvery;
  EXPECT_EQ(store_->ListCollection(mine)->objects.size(), 1u) << "C sees its copy only";
  auto both = Query({"org:1", "coll"});
  both.ids = {ip};
  both.match = VersionMatch::kAll;
  both.copies = Copies::kEvery;
  EXPECT_EQ(store_->ListCollection(both)->objects.size(), 2u);
  both.providers = {3};
  EXPECT_EQ(*store_->DeleteVersions(both), 1);
  EXPECT_THAT(json_seen_by({"org:1"}, VersionMatch::kAll), ElementsAre(Not(HasSubstr("from C"))));
  EXPECT_THAT(json_seen_by({"org:3", "coll"}, VersionMatch::kAll), ElementsAre());
}

// Versions contributed by several organizations: first and last are among the visible versions,
// and a version several of them contributed is one entry, its earliest visible copy.
TEST_F(CollectionTest, VersionsFromSeveralOrganizationsAreListedOnceEach) {
  auto put = [&](int64_t provider, const std::string& modified, std::string_view readers) {
    auto r = store_->Import(std::vector{Sdo(kA, modified)},
                            std::vector{Placement{coll_, provider, Keys(readers), {}}});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->added : 0u;
  };
  EXPECT_EQ(put(1, "2021-01-01T00:00:00.000Z", "coll org:1"), 1u);
  EXPECT_EQ(put(3, "2021-01-01T00:00:00.000Z", "coll org:3"), 1u);
  EXPECT_EQ(put(3, "2022-01-01T00:00:00.000Z", "org:3"), 1u);
  EXPECT_EQ(put(1, "2022-01-01T00:00:00.000Z", "coll org:1"), 1u);

  auto q = Query({"coll", "org:3"});
  q.match = VersionMatch::kAll;
  std::vector<int64_t> providers;
  auto page = store_->ListCollection(q);
  ASSERT_TRUE(page.ok());
  for (const StoredObject& o : page->objects) providers.push_back(o.provider_org);
  EXPECT_EQ(List(q), (std::vector<std::string>{"indicator@2021", "indicator@2022"}));
  EXPECT_THAT(providers, ElementsAre(1, 3)) << "each version's earliest visible copy";
  q.match = VersionMatch::kLast;
  EXPECT_EQ(List(q), (std::vector<std::string>{"indicator@2022"}));
  q.match = VersionMatch::kFirst;
  EXPECT_EQ(List(q), (std::vector<std::string>{"indicator@2021"}));
  auto b = Query({"coll", "org:2"});
  b.match = VersionMatch::kAll;
  page = store_->ListCollection(b);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[1].provider_org, 1) << "org 3's 2022 copy is not B's to see";
}

TEST_F(CollectionTest, ImportRefusesBadPlacementsAndStoresNothing) {
  const std::vector<stix::Object> two = {Sdo(kA, "2021-01-01T00:00:00.000Z"),
                                         Sdo(kB, "2021-01-01T00:00:00.000Z")};
  std::vector<Placement> p(1, Placement{coll_, 0, Keys("coll"), {}});
  EXPECT_EQ(store_->Import(two, p).status().code(), ErrorCode::kInvalidArgument);
  p.assign(2, Placement{coll_, 0, Keys("coll"), {}});
  p[1].collection = Uuid::V4().ToString();
  EXPECT_EQ(store_->Import(two, p).status().code(), ErrorCode::kNotFound);
  const std::vector<std::vector<GrantKey>> bad_lists = {
      {},
      {GrantKey{GrantKind::kOrg, -1}},
      {GrantKey::CollectionReaders(), GrantKey{GrantKind::kCollectionReaders, 1}},
      {GrantKey::Group(kMaxGrantId + 1)},
      std::vector<GrantKey>(kMaxReaderKeys + 1, GrantKey::Org(1))};
  for (const std::vector<GrantKey>& bad : bad_lists) {
    p.assign(2, Placement{coll_, 0, Keys("coll"), {}});
    p[1].readers = bad;
    EXPECT_EQ(store_->Import(two, p).status().code(), ErrorCode::kInvalidArgument)
        << bad.size() << " keys";
  }
  EXPECT_EQ(*store_->CountObjects(), 0);
}

TEST_F(CollectionTest, DeleteRemovesWhatTheQuerySelectsAndSeqIsNeverReused) {
  Put({Sdo(kA, "2021-01-01T00:00:00.000Z"), Sdo(kA, "2022-01-01T00:00:00.000Z")}, " coll ");
  Put({Sdo(kA, "2023-01-01T00:00:00.000Z")}, " org:2 ");
  const ImportSummary b = Put({Sdo(kB, "2021-01-01T00:00:00.000Z")}, " coll ");

  auto q = Query({"coll"});
  q.match = VersionMatch::kAll;
  EXPECT_EQ(store_->DeleteVersions(q).status().code(), ErrorCode::kInvalidArgument)
      << "a delete names its objects";
  q.ids = {kA};
  auto n = store_->DeleteVersions(q);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 2);
  auto all = Query({"coll", "org:2"});
  all.match = VersionMatch::kAll;
  EXPECT_THAT(List(all), ElementsAre("indicator@2023", "indicator@2021"))
      << "the version the deleter could not see stays, and so does the other object";

  auto last = Query({"org:2"});
  last.ids = {kA};
  EXPECT_EQ(*store_->DeleteVersions(last), 1);
  // Delete the newest row too: its seq must not come back.
  auto b_query = Query({"coll"});
  b_query.ids = {kB};
  EXPECT_EQ(*store_->DeleteVersions(b_query), 1);
  EXPECT_EQ(*store_->DeleteVersions(b_query), 0);
  const ImportSummary again = Put({Sdo(kB, "2021-01-01T00:00:00.000Z")}, " coll ");
  EXPECT_GT(again.first_seq, b.last_seq);
}

TEST_F(CollectionTest, StatusRoundTripsAndImportWithStatusIsAtomic) {
  StatusRecord st;
  st.id = Uuid::V4().ToString();
  st.api_root = "api";
  st.collection = coll_;
  st.owner_user = 3;
  st.owner_org = 4;
  st.request_timestamp = Ts("2026-01-02T03:04:05.123456Z");
  st.total_count = 3;
  st.success_count = 2;
  st.failure_count = 1;
  st.successes = {{kA, "2021-01-01T00:00:00.000Z", ""},
                  {kB, "2021-01-01T00:00:00.000Z", "TLP:RED without recipients: provider only"}};
  // A message with what JSON must escape: quotes, a backslash, a newline, a control character,
  // and text beyond ASCII.
  st.failures = {{kC, "", "unknown recipient \"identity--x\"\\ \n\x01 \xc3\xa9t\xc3\xa9"}};

  const std::vector<stix::Object> objs = {Sdo(kA, "2021-01-01T00:00:00.000Z"),
                                          Sdo(kB, "2021-01-01T00:00:00.000Z")};
  std::vector<Placement> p(2, Placement{coll_, 4, Keys("coll"), {}});
  auto r = store_->ImportWithStatus(objs, p, st);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->added, 2u);

  auto back = store_->GetStatus(st.id);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->owner_user, 3);
  EXPECT_EQ(back->owner_org, 4);
  EXPECT_EQ(back->request_timestamp, st.request_timestamp);
  EXPECT_EQ(back->status, "complete");
  EXPECT_EQ(back->total_count, 3);
  EXPECT_EQ(back->success_count, 2);
  EXPECT_EQ(back->failure_count, 1);
  auto same = [](const std::vector<StatusEntry>& a, const std::vector<StatusEntry>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i].id != b[i].id || a[i].version != b[i].version || a[i].message != b[i].message) {
        return false;
      }
    }
    return true;
  };
  EXPECT_TRUE(same(back->successes, st.successes));
  EXPECT_TRUE(same(back->failures, st.failures));
  EXPECT_TRUE(back->pendings.empty());

  // A failed import stores no status.
  StatusRecord failed = st;
  failed.id = Uuid::V4().ToString();
  p[0].collection = Uuid::V4().ToString();
  EXPECT_FALSE(store_->ImportWithStatus(objs, p, failed).ok());
  EXPECT_EQ(store_->GetStatus(failed.id).status().code(), ErrorCode::kNotFound);

  failed.status = "done";
  EXPECT_EQ(store_->PutStatus(failed).code(), ErrorCode::kInvalidArgument);
  failed.status = "pending";
  ASSERT_TRUE(store_->PutStatus(failed).ok());
  EXPECT_EQ(store_->GetStatus(failed.id)->status, "pending");
}

TEST_F(CollectionTest, ReadsRunWhileAWriteTransactionIsOpen) {
  Put({Sdo(kA, "2021-01-01T00:00:00.000Z")}, " coll ");
  // Another process holds the write lock: reads must still answer, from the last commit.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open((fs::path(dir_.data()) / kStoreFileName).c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other,
                         "BEGIN IMMEDIATE; DELETE FROM objects; INSERT INTO settings VALUES "
                         "('x', 'y');",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_THAT(List(Query({"coll"})), ElementsAre("indicator@2021"));
  EXPECT_EQ(store_->directory().GetSetting("x").status().code(), ErrorCode::kNotFound);
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
}

TEST_F(CollectionTest, ManyReadersAndOneWriterAtOnce) {
  Put({Sdo(kA, "2021-01-01T00:00:00.000Z")}, " coll ");
  // Readers share a pool of 2 connections: 6 threads wait for each other, never fail.
  auto small_pool = OpenStore(dir_.data(), OpenMode::kOpenExisting, 2);
  ASSERT_TRUE(small_pool.ok());
  Store& reader = **small_pool;
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 6; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        auto page = reader.ListCollection(Query({"coll"}));
        ASSERT_TRUE(page.ok()) << page.status().ToString();
        ASSERT_FALSE(page->objects.empty());
        ASSERT_TRUE(reader.directory().GetCollection(coll_).ok());
        ++reads;
      }
    });
  }
  for (int i = 0; i < 30; ++i) {
    Put({Sdo("indicator--" + Uuid::V4().ToString(), "2021-01-01T00:00:00.000Z")}, " coll ");
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_GT(reads.load(), 0);
  auto all = Query({"coll"});
  all.limit = 1000;
  EXPECT_EQ(store_->ListCollection(all)->objects.size(), 31u);
}

// The store file opened with SQLite itself, as an older Tessera left it: to make a fixture of an
// older schema and to read what a migration kept. Fails the test on any SQLite error.
class RawStoreFile {
 public:
  explicit RawStoreFile(const fs::path& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK) << path;
  }
  ~RawStoreFile() { sqlite3_close(db_); }
  RawStoreFile(const RawStoreFile&) = delete;
  RawStoreFile& operator=(const RawStoreFile&) = delete;

  void Exec(const std::string& sql) {
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error != nullptr ? error : "") << " in: " << sql.substr(0, 200);
    sqlite3_free(error);
  }
  // The first column of the first row of `sql`'s result as a number; -1 when there is no row.
  int64_t Int(const std::string& sql) {
    const std::vector<std::string> rows = Rows(sql);
    return rows.empty() ? -1 : std::stoll(rows[0]);
  }
  // Each row of `sql`'s result, its columns joined by '|'.
  std::vector<std::string> Rows(const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sql;
    while (s != nullptr && sqlite3_step(s) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(s); ++i) {
        if (i > 0) row += '|';
        const unsigned char* text = sqlite3_column_text(s, i);
        row += text != nullptr ? reinterpret_cast<const char*>(text) : "NULL";
      }
      out.push_back(std::move(row));
    }
    sqlite3_finalize(s);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

// tests/data/store/v1.db copied into `dir`'s data directory as its store file; its path, or an
// empty path (and a test failure) when the fixture cannot be found.
fs::path CopyVersionOneStore(const testing::TempDir& dir) {
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  EXPECT_NE(src, nullptr) << "TESSERA_SOURCE_DIR names the checkout";
  if (src == nullptr) return {};
  fs::create_directories(dir.data());
  const fs::path db = fs::path(dir.data()) / kStoreFileName;
  fs::copy_file(fs::path(src) / "tests/data/store/v1.db", db);
  return db;
}

// A store written by Tessera with schema version 1 (tests/data/store/v1.db: `tessera init` and
// `tessera import tests/data/store/versions.json` before the hub existed).
TEST(StoreMigrationTest, RealVersionOneStoreMovesIntoTheDefaultCollection) {
  testing::TempDir dir;
  const fs::path db = CopyVersionOneStore(dir);
  ASSERT_FALSE(db.empty());
  {
    RawStoreFile raw(db);
    ASSERT_EQ(raw.Int("PRAGMA user_version"), 1) << "the fixture is a version-1 store";
    ASSERT_EQ(raw.Int("SELECT count(*) FROM objects"), 3);
    // As if the newest rows had been removed: seq 4..10 were handed out once.
    raw.Exec("UPDATE sqlite_sequence SET seq = 10 WHERE name = 'objects'");
  }

  auto store = testing::OpenOrDie(dir.data(), OpenMode::kOpenExisting);
  ASSERT_NE(store, nullptr);
  auto coll = store->directory().GetSetting(kSettingDefaultCollection);
  ASSERT_TRUE(coll.ok()) << coll.status().ToString();
  ASSERT_TRUE(store->directory().GetCollection(*coll).ok());

  CollectionQuery q;
  q.collection = *coll;
  q.scope.keys = Keys("coll");
  q.match = VersionMatch::kAll;
  auto page = store->ListCollection(q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->objects.size(), 3u);
  const std::string indicator = "indicator--1f8a7a2b-6c6e-4a43-9c1e-4f7f1b7a9e01";
  EXPECT_EQ(page->objects[0].seq, 1);
  EXPECT_EQ(page->objects[0].id, indicator);
  EXPECT_EQ(page->objects[0].version, Ts("2024-03-01T10:00:00Z"));
  EXPECT_EQ(page->objects[1].seq, 2);
  EXPECT_EQ(page->objects[1].type, "identity");
  EXPECT_EQ(page->objects[2].seq, 3);
  EXPECT_EQ(page->objects[2].version, Ts("2024-04-02T16:30:00Z"));
  for (const StoredObject& o : page->objects) {
    EXPECT_EQ(o.readers, Keys("coll"));
    EXPECT_EQ(o.provider_org, 0);
    EXPECT_EQ(o.collection, *coll);
    EXPECT_THAT(o.json, HasSubstr(o.id));
  }
  EXPECT_LT(page->objects[0].date_added, page->objects[2].date_added);
  q.match = VersionMatch::kLast;
  EXPECT_EQ(store->ListCollection(q)->objects.size(), 2u);

  std::vector<Placement> p(1, Placement{*coll, 0, Keys("coll"), {}});
  auto r = store->Import(std::vector{Sdo(indicator, "2025-01-01T00:00:00.000Z")}, p);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->first_seq, 11) << "AUTOINCREMENT's high-water mark survives the rebuild";
  EXPECT_GT(store->ListCollection(q)->objects.back().date_added, page->objects[2].date_added);
}

// A hub's store at schema version 3, the last before each organization's copy became a row of
// its own: tests/data/store/v1.db brought to version 3 by the released migrations, then rows as
// schema 3's Import wrote them for two member organizations (alpha holds an ipv4-addr SCO as
// TLP:RED for itself alone, gamma a domain-name SCO as TLP:CLEAR). Opening it with the current
// schema (4 and later) loses nothing: every row keeps its seq, date_added, provider, grants and
// JSON, and no seq is handed out twice. And the share schema 3 turned away (gamma's CLEAR copy of
// alpha's address) is now stored and read as gamma shared it, while alpha's copy stays alpha's.
TEST(StoreMigrationTest, SchemaThreeStoreKeepsEveryRowAndTakesEachOrganizationsShare) {
  testing::TempDir dir;
  const fs::path db = CopyVersionOneStore(dir);
  ASSERT_FALSE(db.empty());

  const std::string ip = "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd";
  const std::string domain = "domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5";
  auto sco = [](const std::string& id, const std::string& type, const std::string& value,
                const char* tlp_marking) {
    return R"({"type":")" + type + R"(","spec_version":"2.1","id":")" + id + R"(","value":")" +
           value + R"(","object_marking_refs":[")" + tlp_marking + R"("]})";
  };
  const char* red = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
  const char* clear = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
  const std::string alpha_red = sco(ip, "ipv4-addr", "203.0.113.9", red);
  const std::string gamma_clear = sco(ip, "ipv4-addr", "203.0.113.9", clear);
  const std::string rows_sql =
      "SELECT seq, coll, id, version, type, spec_version, date_added, revoked, json, "
      "provider_org, readers FROM objects ORDER BY seq";
  std::vector<std::string> rows_before;
  int64_t objects_generation = 0;
  {
    RawStoreFile raw(db);
    ASSERT_EQ(raw.Int("PRAGMA user_version"), 1);
    const auto migrations = SchemaMigrations();
    ASSERT_GE(migrations.size(), 4u) << "this test brings a store to version 3";
    raw.Exec("BEGIN");
    raw.Exec(migrations[1]);
    raw.Exec(migrations[2]);
    raw.Exec("PRAGMA user_version = 3");
    raw.Exec(
        "INSERT INTO organizations (id, name, identity_id, identity_json, created) VALUES "
        "(1, 'alpha', 'identity--6c9c8b65-0e3b-4a8e-9a44-3f1f4f7e0a01', '{}', 1), "
        "(2, 'gamma', 'identity--6c9c8b65-0e3b-4a8e-9a44-3f1f4f7e0a02', '{}', 1), "
        "(3, 'beta', 'identity--6c9c8b65-0e3b-4a8e-9a44-3f1f4f7e0a03', '{}', 1)");
    // Rows as schema 3's Import wrote them: the grant list " org:1 " and " coll org:2 ".
    auto row = [&](int seq, const std::string& id, const std::string& type, const std::string& json,
                   int provider, const std::string& readers) {
      raw.Exec(
          "INSERT INTO objects (seq, coll, id, version, type, spec_version, date_added, revoked, "
          "json, provider_org, readers) SELECT " +
          std::to_string(seq) + ", c.num, '" + id + "', '', '" + type +
          "', '2.1', (SELECT max(date_added) + 1 FROM objects), 0, '" + json + "', " +
          std::to_string(provider) + ", '" + readers +
          "' FROM collections c, settings s "
          "WHERE s.key = 'default_collection' AND c.id = s.value");
    };
    row(4, ip, "ipv4-addr", alpha_red, 1, " org:1 ");
    row(5, domain, "domain-name", sco(domain, "domain-name", "example.org", clear), 2,
        " coll org:2 ");
    // As if the newest rows had been removed: seq 6..10 were handed out once.
    raw.Exec("UPDATE sqlite_sequence SET seq = 10 WHERE name = 'objects'");
    raw.Exec("COMMIT");
    rows_before = raw.Rows(rows_sql);
    ASSERT_EQ(rows_before.size(), 5u);
    objects_generation = raw.Int("SELECT n FROM generations WHERE name = 'objects'");
  }

  auto store = testing::OpenOrDie(dir.data(), OpenMode::kOpenExisting);
  ASSERT_NE(store, nullptr);
  {
    RawStoreFile raw(db);
    EXPECT_EQ(raw.Int("PRAGMA user_version"), static_cast<int64_t>(SchemaMigrations().size()));
    EXPECT_EQ(raw.Rows(rows_sql), rows_before) << "every row as it was";
    EXPECT_GT(raw.Int("SELECT n FROM generations WHERE name = 'objects'"), objects_generation)
        << "the rows were rewritten: what a server kept of them is stale";
  }
  auto coll = store->directory().GetSetting(kSettingDefaultCollection);
  ASSERT_TRUE(coll.ok()) << coll.status().ToString();
  auto seen_by = [&](std::string_view keys) {
    CollectionQuery q;
    q.collection = *coll;
    q.scope.keys = Keys(keys);
    q.match = VersionMatch::kAll;
    std::vector<std::string> out;
    auto page = store->ListCollection(q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (page.ok()) {
      for (const StoredObject& o : page->objects) {
        out.push_back(std::to_string(o.seq) + " " + std::to_string(o.provider_org) + " " +
                      (o.json.find(red) != std::string::npos ? "red" : "") +
                      (o.json.find(clear) != std::string::npos ? "clear" : ""));
      }
    }
    return out;
  };
  EXPECT_THAT(seen_by("org:1 coll"), ElementsAre("1 0 ", "2 0 ", "3 0 ", "4 1 red", "5 2 clear"));
  EXPECT_THAT(seen_by("org:2 coll"), ElementsAre("1 0 ", "2 0 ", "3 0 ", "5 2 clear"));

  // gamma shares the address alpha holds: a row of its own, the next seq never handed out.
  stix::Object gammas;
  gammas.type = "ipv4-addr";
  gammas.id = ip;
  gammas.spec_version = "2.1";
  gammas.json = gamma_clear;
  auto r =
      store->Import(std::vector{gammas}, std::vector{Placement{*coll, 2, Keys("coll org:2"), {}}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->added, 1u) << "schema 3 kept alpha's row instead";
  EXPECT_EQ(r->already_present, 0u);
  EXPECT_EQ(r->first_seq, 11) << "AUTOINCREMENT's high-water mark survives the rebuild";
  EXPECT_THAT(seen_by("org:2 coll"), ElementsAre("1 0 ", "2 0 ", "3 0 ", "5 2 clear", "11 2 clear"))
      << "gamma reads its share";
  EXPECT_THAT(seen_by("org:3 coll"), ElementsAre("1 0 ", "2 0 ", "3 0 ", "5 2 clear", "11 2 clear"))
      << "so does every reader of the collection";
  EXPECT_THAT(seen_by("org:1 coll"), ElementsAre("1 0 ", "2 0 ", "3 0 ", "4 1 red", "5 2 clear"))
      << "alpha sees its own copy of the address, the earliest, once";
  EXPECT_THAT(seen_by("org:3"), ElementsAre()) << "beta is granted nothing by name";

  // alpha's own copy is still its key: the same again is already present, not a second row.
  stix::Object alphas = gammas;
  alphas.json = alpha_red;
  r = store->Import(std::vector{alphas}, std::vector{Placement{*coll, 1, Keys("org:1"), {}}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->added, 0u);
  EXPECT_EQ(r->already_present, 1u);
  EXPECT_EQ(r->conflicting, 0u);
}

// A store at schema version 4, where two organizations hold the same version of an SCO in one
// collection (alpha's TLP:RED copy first, gamma's TLP:CLEAR copy later). Schema 5 marks gamma's
// row as the later copy, and listings still show each reader one copy, the earliest it may read.
TEST(StoreMigrationTest, SchemaFourStoreMarksTheLaterCopies) {
  testing::TempDir dir;
  const fs::path db = CopyVersionOneStore(dir);
  ASSERT_FALSE(db.empty());
  const std::string ip = "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd";
  {
    RawStoreFile raw(db);
    const auto migrations = SchemaMigrations();
    ASSERT_GE(migrations.size(), 5u) << "this test brings a store to version 4";
    raw.Exec("BEGIN");
    raw.Exec(migrations[1]);
    raw.Exec(migrations[2]);
    raw.Exec(migrations[3]);
    raw.Exec("PRAGMA user_version = 4");
    auto row = [&](int seq, const std::string& marking, int provider, const std::string& readers) {
      raw.Exec(
          "INSERT INTO objects (seq, coll, id, version, type, spec_version, date_added, revoked, "
          "json, provider_org, readers) SELECT " +
          std::to_string(seq) + ", c.num, '" + ip + "', '', 'ipv4-addr', '2.1', " +
          "(SELECT max(date_added) + 1 FROM objects), 0, '{\"type\":\"ipv4-addr\",\"id\":\"" + ip +
          "\",\"value\":\"203.0.113.9\",\"marking\":\"" + marking + "\"}', " +
          std::to_string(provider) + ", '" + readers +
          "' FROM collections c, settings s "
          "WHERE s.key = 'default_collection' AND c.id = s.value");
    };
    row(4, "red", 1, " org:1 ");
    row(5, "clear", 2, " coll org:2 ");
    raw.Exec("COMMIT");
  }

  auto store = testing::OpenOrDie(dir.data(), OpenMode::kOpenExisting);
  ASSERT_NE(store, nullptr);
  {
    RawStoreFile raw(db);
    EXPECT_EQ(raw.Int("PRAGMA user_version"), static_cast<int64_t>(SchemaMigrations().size()));
    EXPECT_EQ(raw.Rows("SELECT seq || ' ' || later_copy FROM objects ORDER BY seq"),
              (std::vector<std::string>{"1 0", "2 0", "3 0", "4 0", "5 1"}));
    EXPECT_EQ(raw.Int("SELECT count(*) FROM objects INDEXED BY objects_later_copies "
                      "WHERE later_copy = 1 AND coll > 0"),
              1)
        << "the index of later copies holds gamma's row";
  }
  auto coll = store->directory().GetSetting(kSettingDefaultCollection);
  ASSERT_TRUE(coll.ok()) << coll.status().ToString();
  auto seen_by = [&](std::string_view keys, VersionMatch match) {
    CollectionQuery q;
    q.collection = *coll;
    q.scope.keys = Keys(keys);
    q.match = match;
    std::vector<std::string> out;
    auto page = store->ListCollection(q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (page.ok()) {
      for (const StoredObject& o : page->objects) {
        if (o.id == ip) out.push_back(std::to_string(o.seq) + " " + std::to_string(o.provider_org));
      }
    }
    return out;
  };
  for (VersionMatch m : {VersionMatch::kAll, VersionMatch::kLast, VersionMatch::kFirst}) {
    EXPECT_THAT(seen_by("org:1 coll", m), ElementsAre("4 1")) << "alpha: its own copy, once";
    EXPECT_THAT(seen_by("org:3 coll", m), ElementsAre("5 2")) << "beta: gamma's, the one it reads";
  }
}

// ReadHoldings tells the write rules who first contributed an id, the first copy of a version,
// and the row Import would keep instead of adding one (its key: id, version, collection).
TEST_F(CollectionTest, HoldingsNameTheFirstContributionAndTheRowImportWouldKeep) {
  CollectionInfo second;
  second.api_root = "api";
  second.title = "Second";
  auto other = store_->directory().CreateCollection(second);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  const stix::Object v1 = Sdo(kA, "2021-01-01T00:00:00.000Z");
  const stix::Object v2 = Sdo(kA, "2022-01-01T00:00:00.000Z");
  ASSERT_EQ(Put({v1}, " coll ", other->id).added, 1u);
  ASSERT_EQ(Put({v2}, " org:7 ").added, 1u);

  const std::vector<stix::Object> asked = {v1, v2, Sdo(kA, "2023-01-01T00:00:00.000Z"),
                                           Sdo(kB, "2021-01-01T00:00:00.000Z")};
  const std::vector<Placement> here(asked.size(), Placement{coll_, 7, Keys("coll"), {}});
  auto holdings = store_->ReadHoldings(asked, here);
  ASSERT_TRUE(holdings.ok()) << holdings.status().ToString();
  ASSERT_EQ(holdings->size(), 3u) << "nothing for the new id";
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*holdings)[i].index, i);
    EXPECT_EQ((*holdings)[i].first.collection, other->id) << "the first by seq, any collection";
    EXPECT_EQ((*holdings)[i].first.json, v1.json);
  }
  // v1 is stored, but in the other collection only: Import here would add a row.
  ASSERT_TRUE((*holdings)[0].first_of_version);
  EXPECT_EQ((*holdings)[0].first_of_version->json, v1.json);
  EXPECT_FALSE((*holdings)[0].kept);
  // v2 is stored here: Import would keep that row.
  ASSERT_TRUE((*holdings)[1].kept);
  EXPECT_EQ((*holdings)[1].kept->readers, Keys("org:7"));
  EXPECT_EQ((*holdings)[1].kept->provider_org, 7);
  // Another organization's copy of v2 would be a row of its own: nothing is kept for it.
  auto theirs =
      store_->ReadHoldings(std::vector{v2}, std::vector{Placement{coll_, 9, Keys("coll"), {}}});
  ASSERT_TRUE(theirs.ok()) << theirs.status().ToString();
  ASSERT_EQ(theirs->size(), 1u);
  ASSERT_TRUE((*theirs)[0].first_of_version);
  EXPECT_FALSE((*theirs)[0].kept);
  // A new version of a known id.
  EXPECT_FALSE((*holdings)[2].first_of_version);
  EXPECT_FALSE((*holdings)[2].kept);
  // Only the new id: nothing held, in the middle of held ones as well.
  const std::vector<stix::Object> mixed = {Sdo(kB, "2021-01-01T00:00:00.000Z"), v2};
  auto sparse = store_->ReadHoldings(mixed, std::span(here).first(2));
  ASSERT_TRUE(sparse.ok()) << sparse.status().ToString();
  ASSERT_EQ(sparse->size(), 1u);
  EXPECT_EQ((*sparse)[0].index, 1u);

  EXPECT_EQ(store_->ReadHoldings(asked, std::span(here).first(1)).status().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::store
