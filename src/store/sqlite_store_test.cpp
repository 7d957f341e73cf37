#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "common/uuid.h"
#include "store/store.h"
#include "store/test_util.h"

namespace tessera::store {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using testing::Sdo;
using testing::Ts;

// An unversioned SCO.
stix::Object Sco(const std::string& id, const std::string& value) {
  stix::Object o;
  o.type = "ipv4-addr";
  o.id = id;
  o.json = R"({"type":"ipv4-addr","id":")" + id + R"(","value":")" + value + R"("})";
  return o;
}

const std::string kA = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
const std::string kB = "indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2";
const std::string kMalware = "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b";
const std::string kIp = "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd";

// `count` placements into the default collection (the one the migration creates), readable by
// its readers.
std::vector<Placement> InDefault(Store& store, size_t count) {
  auto coll = store.directory().GetSetting(kSettingDefaultCollection);
  EXPECT_TRUE(coll.ok()) << coll.status().ToString();
  return std::vector<Placement>(
      count, Placement{coll.ok() ? *coll : std::string(), 0, {GrantKey::CollectionReaders()}, {}});
}

// A write session of `store`; null (and the test fails) when it cannot begin.
std::unique_ptr<WriteSession> Begin(Store& store) {
  auto session = store.BeginWrite();
  EXPECT_TRUE(session.ok()) << session.status().ToString();
  return session.ok() ? std::move(session).value() : nullptr;
}

// Imports into the default collection.
Result<ImportSummary> Put(Store& store, const std::vector<stix::Object>& objects) {
  return store.Import(objects, InDefault(store, objects.size()));
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tessera-store-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    dir_ = (fs::path(root_) / "data").string();
  }
  void TearDown() override { fs::remove_all(root_); }

  std::unique_ptr<Store> Open(OpenMode mode = OpenMode::kCreateIfMissing) {
    auto s = OpenStore(dir_, mode);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  // Closes `store` and counts the rows of the store opened again (what was durable); -1 when it
  // cannot be counted.
  int64_t CountWhenReopened(std::unique_ptr<Store>& store) {
    store.reset();
    auto reopened = Open(OpenMode::kOpenExisting);
    if (reopened == nullptr) return -1;
    auto count = reopened->CountObjects();
    EXPECT_TRUE(count.ok()) << count.status().ToString();
    return count.ok() ? *count : -1;
  }

  std::vector<StoredObject> ListAll(Store& store, ObjectQuery q = {}) {
    auto page = store.ListObjects(q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->objects : std::vector<StoredObject>{};
  }

  // Runs `sql` on the store file with a connection of its own (to tamper with it from outside).
  void RawExec(const std::string& sql) { testing::RawExec(dir_, sql); }

  std::string root_;
  std::string dir_;
};

std::vector<std::string> Ids(const std::vector<StoredObject>& objects) {
  std::vector<std::string> ids;
  for (const auto& o : objects) ids.push_back(o.id);
  return ids;
}

TEST_F(SqliteStoreTest, OpenExistingWithoutStoreSaysToRunInit) {
  auto s = OpenStore(dir_, OpenMode::kOpenExisting);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kNotFound);
  EXPECT_THAT(s.status().message(), HasSubstr("tessera init"));
  EXPECT_FALSE(fs::exists(dir_)) << "opening an existing store must not create anything";
}

TEST_F(SqliteStoreTest, CreateMakesDirectoryOwnerOnlyAndStoreFile) {
  ASSERT_NE(Open(), nullptr);
  EXPECT_TRUE(fs::exists(fs::path(dir_) / "tessera.db"));
  const auto perms = fs::status(dir_).permissions();
  EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
}

TEST_F(SqliteStoreTest, ImportThenReopenKeepsEverything) {
  {
    auto store = Open();
    auto r = Put(*store, std::vector{Sdo(kA, "2021-01-01T00:00:00.000Z"), Sco(kIp, "1.2.3.4")});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->added, 2u);
    EXPECT_EQ(r->already_present, 0u);
  }
  auto store = Open(OpenMode::kOpenExisting);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*store->CountObjects(), 2);
  auto objects = ListAll(*store);
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0].json, Sdo(kA, "2021-01-01T00:00:00.000Z").json);
  EXPECT_EQ(objects[0].type, "indicator");
  EXPECT_EQ(objects[0].spec_version, "2.1");
  EXPECT_EQ(objects[0].version, Ts("2021-01-01T00:00:00Z"));
  EXPECT_EQ(objects[1].json, Sco(kIp, "1.2.3.4").json);
  EXPECT_EQ(objects[1].version, std::nullopt);
  EXPECT_EQ(objects[1].spec_version, "2.1") << "an SCO without spec_version is 2.1";
}

TEST_F(SqliteStoreTest, ImportingTheSameVersionTwiceIsANoOp) {
  auto store = Open();
  const std::vector<stix::Object> batch = {Sdo(kA, "2021-01-01T00:00:00.000Z"),
                                           Sco(kIp, "1.2.3.4")};
  ASSERT_TRUE(Put(*store, batch).ok());
  const auto before = ListAll(*store);
  auto again = Put(*store, batch);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->added, 0u);
  EXPECT_EQ(again->already_present, 2u);
  EXPECT_EQ(again->first_seq, 0);
  const auto after = ListAll(*store);
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].seq, before[i].seq);
    EXPECT_EQ(after[i].date_added, before[i].date_added);
  }
}

TEST_F(SqliteStoreTest, ChangedContentUnderAStoredVersionIsReportedAndTheStoredOneKept) {
  auto store = Open();
  const stix::Object original = Sdo(kA, "2021-01-01T00:00:00.000Z");
  ASSERT_TRUE(Put(*store, std::vector{original}).ok());

  // The same object with its properties in another order is the same version.
  stix::Object reordered = original;
  reordered.json =
      R"({"id":")" + kA + R"(","modified":"2021-01-01T00:00:00.000Z","type":"indicator"})";
  auto same = Put(*store, std::vector{reordered});
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->already_present, 1u);
  EXPECT_EQ(same->conflicting, 0u);

  stix::Object changed = original;
  changed.json = R"({"type":"indicator","id":")" + kA +
                 R"(","modified":"2021-01-01T00:00:00.000Z","name":"changed"})";
  auto r = Put(*store, std::vector{changed, Sco(kIp, "1.2.3.4")});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->added, 1u);
  EXPECT_EQ(r->already_present, 1u);
  EXPECT_EQ(r->conflicting, 1u);
  EXPECT_THAT(r->conflicting_ids, ElementsAre(kA));
  EXPECT_EQ(store->GetObject(kA, original.Version())->json, original.json);
}

TEST_F(SqliteStoreTest, SameVersionWrittenWithOtherPrecisionIsTheSameVersion) {
  auto store = Open();
  ASSERT_TRUE(Put(*store, std::vector{Sdo(kA, "2021-01-01T00:00:00.100Z")}).ok());
  auto r = Put(*store, std::vector{Sdo(kA, "2021-01-01T00:00:00.100000Z")});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->already_present, 1u);
  EXPECT_EQ(*store->CountObjects(), 1);
}

TEST_F(SqliteStoreTest, DuplicateInsideOneImportIsStoredOnce) {
  auto store = Open();
  auto r = Put(*store, std::vector{Sco(kIp, "1.2.3.4"), Sco(kIp, "1.2.3.4")});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->added, 1u);
  EXPECT_EQ(r->already_present, 1u);
}

TEST_F(SqliteStoreTest, EveryVersionIsKeptAndFoundByIdAndVersion) {
  auto store = Open();
  // Added newest first on purpose: versions are ordered by version, listings by added order.
  ASSERT_TRUE(Put(*store, std::vector{Sdo(kA, "2022-06-01T00:00:00.000Z")}).ok());
  ASSERT_TRUE(Put(*store, std::vector{Sdo(kA, "2021-01-01T00:00:00.000Z"),
                                      Sdo(kB, "2021-03-01T00:00:00.000Z")})
                  .ok());

  auto versions = store->GetVersions(kA);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version, Ts("2021-01-01T00:00:00Z"));
  EXPECT_EQ((*versions)[1].version, Ts("2022-06-01T00:00:00Z"));

  auto one = store->GetObject(kA, Ts("2021-01-01T00:00:00Z"));
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->json, Sdo(kA, "2021-01-01T00:00:00.000Z").json);
  EXPECT_EQ(store->GetObject(kA, Ts("2021-01-02T00:00:00Z")).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store->GetObject(kA, std::nullopt).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store->GetVersions(kMalware).status().code(), ErrorCode::kNotFound);

  ObjectQuery latest;
  latest.versions = Versions::kLatest;
  auto newest = ListAll(*store, latest);
  ASSERT_EQ(newest.size(), 2u);
  EXPECT_EQ(newest[0].id, kA);
  EXPECT_EQ(newest[0].version, Ts("2022-06-01T00:00:00Z"));
  EXPECT_EQ(newest[1].id, kB);
  EXPECT_EQ(ListAll(*store).size(), 3u);
}

TEST_F(SqliteStoreTest, UnversionedObjectIsFoundWithoutVersion) {
  auto store = Open();
  ASSERT_TRUE(Put(*store, std::vector{Sco(kIp, "1.2.3.4")}).ok());
  auto o = store->GetObject(kIp, std::nullopt);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->type, "ipv4-addr");
  EXPECT_EQ(o->version, std::nullopt);
}

TEST_F(SqliteStoreTest, ListingsFollowAddedOrderWithStrictlyIncreasingSeqAndDateAdded) {
  auto store = Open();
  ASSERT_TRUE(Put(*store, std::vector{Sdo(kB, "2021-01-01T00:00:00.000Z"),
                                      Sdo(kMalware, "2021-01-01T00:00:00.000Z", "malware")})
                  .ok());
  ASSERT_TRUE(Put(*store, std::vector{Sdo(kA, "2020-01-01T00:00:00.000Z")}).ok());
  ASSERT_TRUE(Put(*store, std::vector{Sco(kIp, "1.2.3.4")}).ok());
  auto all = ListAll(*store);
  EXPECT_THAT(Ids(all), ElementsAre(kB, kMalware, kA, kIp));
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_LT(all[i - 1].seq, all[i].seq);
    EXPECT_LT(all[i - 1].date_added, all[i].date_added);
  }

  ObjectQuery by_type;
  by_type.types = {"indicator"};
  EXPECT_THAT(Ids(ListAll(*store, by_type)), ElementsAre(kB, kA));
  by_type.types = {"malware", "ipv4-addr"};
  EXPECT_THAT(Ids(ListAll(*store, by_type)), ElementsAre(kMalware, kIp));

  ObjectQuery by_id;
  by_id.ids = {kIp, kB};
  EXPECT_THAT(Ids(ListAll(*store, by_id)), ElementsAre(kB, kIp));

  ObjectQuery after;
  after.added_after = all[1].date_added;
  EXPECT_THAT(Ids(ListAll(*store, after)), ElementsAre(kA, kIp));
}

TEST_F(SqliteStoreTest, PagingBySeqSeesEveryRowOnce) {
  auto store = Open();
  std::vector<stix::Object> batch;
  for (int i = 0; i < 25; ++i) {
    batch.push_back(Sdo(
        kA, "2021-01-01T00:00:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + ".000Z"));
  }
  ASSERT_TRUE(Put(*store, batch).ok());
  ObjectQuery q;
  q.limit = 10;
  std::vector<StoredObject> seen;
  for (int pages = 0;; ++pages) {
    ASSERT_LT(pages, 10);
    auto page = store->ListObjects(q);
    ASSERT_TRUE(page.ok());
    seen.insert(seen.end(), page->objects.begin(), page->objects.end());
    if (!page->more) break;
    EXPECT_EQ(page->objects.size(), 10u);
    q.after_seq = page->objects.back().seq;
    // A row added between pages comes after the cursor, so the reader still gets it.
    if (pages == 0) {
      ASSERT_TRUE(Put(*store, std::vector{Sco(kIp, "1.2.3.4")}).ok());
    }
  }
  ASSERT_EQ(seen.size(), 26u);
  EXPECT_EQ(seen.back().id, kIp);
}

TEST_F(SqliteStoreTest, ListingBoundedByLastSeqIgnoresLaterRows) {
  auto store = Open();
  EXPECT_EQ(*store->LastSeq(), 0);
  ASSERT_TRUE(Put(*store, std::vector{Sdo(kA, "2021-01-01T00:00:00.000Z"),
                                      Sdo(kB, "2021-01-01T00:00:00.000Z")})
                  .ok());
  ObjectQuery q;
  q.up_to_seq = *store->LastSeq();
  q.limit = 1;
  auto first = store->ListObjects(q);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->more);
  ASSERT_TRUE(Put(*store, std::vector{Sdo(kA, "2022-01-01T00:00:00.000Z")}).ok());
  q.after_seq = first->objects.back().seq;
  auto second = store->ListObjects(q);
  ASSERT_TRUE(second.ok());
  EXPECT_THAT(Ids(second->objects), ElementsAre(kB));
  EXPECT_FALSE(second->more) << "the version added after the listing began is not part of it";
  EXPECT_EQ(*store->LastSeq(), second->objects.back().seq + 1);
}

TEST_F(SqliteStoreTest, QueryLimitsAreEnforced) {
  auto store = Open();
  ObjectQuery q;
  q.limit = 0;
  EXPECT_EQ(store->ListObjects(q).status().code(), ErrorCode::kInvalidArgument);
  q.limit = kMaxListLimit + 1;
  EXPECT_EQ(store->ListObjects(q).status().code(), ErrorCode::kInvalidArgument);
  q.limit = 10;
  q.ids.assign(kMaxQueryFilters + 1, kA);
  EXPECT_EQ(store->ListObjects(q).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, AFailingImportLeavesNothing) {
  auto store = Open();
  ASSERT_TRUE(Put(*store, std::vector{Sdo(kB, "2021-01-01T00:00:00.000Z")}).ok());
  // Make the store refuse one object in the middle of a batch, as a full disk would.
  RawExec("CREATE TRIGGER refuse BEFORE INSERT ON objects WHEN NEW.id = '" + kMalware +
          "' BEGIN SELECT RAISE(ABORT, 'refused by test'); END;");
  auto r = Put(*store, std::vector{Sdo(kA, "2021-01-01T00:00:00.000Z"), Sco(kIp, "1.2.3.4"),
                                   Sdo(kMalware, "2021-01-01T00:00:00.000Z", "malware")});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr(kMalware));
  EXPECT_THAT(Ids(ListAll(*store)), ElementsAre(kB));

  // The store stays usable, and the rolled-back rows can be imported once the cause is gone.
  RawExec("DROP TRIGGER refuse;");
  auto ok = Put(*store, std::vector{Sdo(kA, "2021-01-01T00:00:00.000Z")});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->added, 1u);
}

TEST_F(SqliteStoreTest, ObjectWithoutIdIsRefusedAndNothingStored) {
  auto store = Open();
  stix::Object bad = Sco(kIp, "1.2.3.4");
  bad.id.clear();
  auto r = Put(*store, std::vector{Sdo(kA, "2021-01-01T00:00:00.000Z"), bad});
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(*store->CountObjects(), 0);
}

TEST_F(SqliteStoreTest, ForeignSqliteFileIsNotOpenedAsAStore) {
  fs::create_directories(dir_);
  RawExec("CREATE TABLE t (x); INSERT INTO t VALUES (1);");
  auto s = OpenStore(dir_, OpenMode::kOpenExisting);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kCorrupt);
}

TEST_F(SqliteStoreTest, NonSqliteFileIsCorrupt) {
  fs::create_directories(dir_);
  std::ofstream(fs::path(dir_) / kStoreFileName) << std::string(4096, 'x');
  auto s = OpenStore(dir_, OpenMode::kOpenExisting);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kCorrupt) << s.status().ToString();
}

TEST_F(SqliteStoreTest, StoreFromNewerTesseraIsRefused) {
  ASSERT_NE(Open(), nullptr);
  RawExec("PRAGMA user_version = 999;");
  auto s = OpenStore(dir_, OpenMode::kOpenExisting);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(s.status().message(), HasSubstr("newer"));
}

TEST_F(SqliteStoreTest, TwoStoresOnOneFileSeeEachOthersCommits) {
  auto writer = Open();
  auto reader = Open(OpenMode::kOpenExisting);
  ASSERT_TRUE(Put(*writer, std::vector{Sco(kIp, "1.2.3.4")}).ok());
  EXPECT_EQ(*reader->CountObjects(), 1);
  ASSERT_TRUE(Put(*reader, std::vector{Sdo(kA, "2021-01-01T00:00:00.000Z")}).ok());
  auto all = ListAll(*writer);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_LT(all[0].date_added, all[1].date_added);
}

TEST_F(SqliteStoreTest, ConcurrentImportsFromThreadsAllLand) {
  auto store = Open();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&store, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string mod = "2021-01-01T00:00:" + std::string(i < 10 ? "0" : "") +
                                std::to_string(i) + "." + std::to_string(100 + t) + "Z";
        EXPECT_TRUE(Put(*store, std::vector{Sdo(kA, mod)}).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(*store->CountObjects(), 40);
}

TEST_F(SqliteStoreTest, CommitsAreCopiedIntoTheDatabaseFileWithoutAnyoneAsking) {
  // Writes land in the write-ahead log first; once it holds more than the checkpoint threshold
  // (1,000 pages of 16 KiB), the store copies them into the database file on a thread of its
  // own: no further write, read or close is needed for that to happen. (32 MB stays below the
  // 4,000 pages at which a committing writer would copy them itself.)
  auto store = Open();
  const fs::path db = fs::path(dir_) / kStoreFileName;
  const auto size_before = fs::file_size(db);
  const std::string padding(8000, 'x');
  for (int batch = 0; batch < 4; ++batch) {
    std::vector<stix::Object> notes;
    for (int i = 0; i < 1000; ++i) {
      stix::Object o;
      o.type = "note";
      o.id = "note--" + Uuid::V4().ToString();
      o.json = R"({"type":"note","id":")" + o.id + R"(","content":")" + padding + R"("})";
      notes.push_back(std::move(o));
    }
    auto put = Put(*store, notes);
    ASSERT_TRUE(put.ok()) << put.status().ToString();
  }
  // 32 MB of objects were committed; wait (bounded) for a good part of them to reach the file
  // (only a checkpoint makes it grow; how much of the WAL it holds when a checkpoint runs varies).
  constexpr uintmax_t kCopied = 8u << 20;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (fs::file_size(db) < size_before + kCopied && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GE(fs::file_size(db), size_before + kCopied);
  EXPECT_LT(fs::file_size(fs::path(dir_) / "tessera.db-wal"), uintmax_t{64} << 20);
  EXPECT_EQ(*store->CountObjects(), 4000);
  EXPECT_EQ(CountWhenReopened(store), 4000);
}

// A write session: batches written one after the other in one transaction, each seeing what the
// earlier ones wrote, none seen by readers or stored before the commit.
TEST_F(SqliteStoreTest, AWriteSessionSeesItsEarlierBatchesAndStoresThemAtCommit) {
  {
    auto store = Open();
    auto session = Begin(*store);
    ASSERT_NE(session, nullptr);
    const std::vector first = {Sdo(kA, "2021-01-01T00:00:00.000Z"), Sco(kIp, "1.2.3.4")};
    auto one = session->Import(first, InDefault(*store, 2));
    ASSERT_TRUE(one.ok()) << one.status().ToString();
    EXPECT_EQ(one->added, 2u);

    // The next batch: kA's version as the first batch wrote it, a new version of kA, a new id.
    const std::vector second = {Sdo(kA, "2021-01-01T00:00:00.000Z"),
                                Sdo(kA, "2022-01-01T00:00:00.000Z"),
                                Sdo(kB, "2021-01-01T00:00:00.000Z")};
    auto held = session->ReadHoldings(second, InDefault(*store, 3));
    ASSERT_TRUE(held.ok()) << held.status().ToString();
    ASSERT_EQ(held->size(), 2u) << "kA is held (by the first batch), kB is not";
    EXPECT_EQ((*held)[0].index, 0u);
    ASSERT_TRUE((*held)[0].kept);
    EXPECT_EQ((*held)[0].kept->json, first[0].json);
    EXPECT_EQ((*held)[1].index, 1u);
    EXPECT_EQ((*held)[1].first.json, first[0].json);
    EXPECT_FALSE((*held)[1].first_of_version);
    // Outside the session nothing is stored yet: readers see the last commit.
    auto outside = store->ReadHoldings(second, InDefault(*store, 3));
    ASSERT_TRUE(outside.ok()) << outside.status().ToString();
    EXPECT_TRUE(outside->empty());
    EXPECT_EQ(*store->CountObjects(), 0);

    auto two = session->Import(second, InDefault(*store, 3));
    ASSERT_TRUE(two.ok()) << two.status().ToString();
    EXPECT_EQ(two->added, 2u);
    EXPECT_EQ(two->already_present, 1u) << "the first batch's row";
    EXPECT_GT(two->first_seq, one->last_seq);
    ASSERT_TRUE(session->Commit().ok());
    EXPECT_EQ(*store->CountObjects(), 4);
    EXPECT_EQ(session->Import(second, InDefault(*store, 3)).status().code(), ErrorCode::kInternal)
        << "a session is over once committed";
  }
  // Durable: the rows are there when the store is opened again.
  auto store = Open(OpenMode::kOpenExisting);
  ASSERT_NE(store, nullptr);
  EXPECT_THAT(Ids(ListAll(*store)), ElementsAre(kA, kIp, kA, kB));
}

TEST_F(SqliteStoreTest, AWriteSessionNotCommittedStoresNothing) {
  auto store = Open();
  ASSERT_TRUE(Put(*store, std::vector{Sco(kIp, "1.2.3.4")}).ok());
  const std::vector batch = {Sdo(kA, "2021-01-01T00:00:00.000Z")};
  {
    auto session = Begin(*store);
    ASSERT_NE(session, nullptr);
    ASSERT_TRUE(session->Import(batch, InDefault(*store, 1)).ok());
    ASSERT_TRUE(
        session->Import(std::vector{Sdo(kB, "2021-01-01T00:00:00.000Z")}, InDefault(*store, 1))
            .ok());
    session->Rollback();
    EXPECT_EQ(session->Commit().code(), ErrorCode::kInternal) << "rolled back is over";
  }
  EXPECT_THAT(Ids(ListAll(*store)), ElementsAre(kIp));
  {
    // Dropped without a commit: the same.
    auto session = Begin(*store);
    ASSERT_NE(session, nullptr);
    ASSERT_TRUE(session->Import(batch, InDefault(*store, 1)).ok());
  }
  EXPECT_THAT(Ids(ListAll(*store)), ElementsAre(kIp));
  // The writer was handed back: the store takes writes again, and the rolled-back rows are new.
  auto again = Put(*store, batch);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->added, 1u);
  EXPECT_EQ(CountWhenReopened(store), 2) << "durable";
}

TEST_F(SqliteStoreTest, AFailedBatchEndsTheWriteSessionAndStoresNothing) {
  auto store = Open();
  auto session = Begin(*store);
  ASSERT_NE(session, nullptr);
  ASSERT_TRUE(session->Import(std::vector{Sco(kIp, "1.2.3.4")}, InDefault(*store, 1)).ok());
  // A malformed batch writes nothing and leaves the session open.
  stix::Object no_id = Sdo(kB, "2021-01-01T00:00:00.000Z");
  no_id.id.clear();
  EXPECT_EQ(session->Import(std::vector{no_id}, InDefault(*store, 1)).status().code(),
            ErrorCode::kInvalidArgument);
  ASSERT_TRUE(
      session->Import(std::vector{Sdo(kA, "2021-01-01T00:00:00.000Z")}, InDefault(*store, 1)).ok());
  // A batch the store cannot write ends it: everything is undone, and it says why again.
  const std::vector<Placement> nowhere = {
      Placement{Uuid::V4().ToString(), 0, {GrantKey::CollectionReaders()}, {}}};
  auto lost = session->Import(std::vector{Sdo(kB, "2021-01-01T00:00:00.000Z")}, nowhere);
  ASSERT_EQ(lost.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(session->Commit().code(), ErrorCode::kNotFound);
  EXPECT_EQ(*store->CountObjects(), 0);
  EXPECT_TRUE(Put(*store, std::vector{Sco(kIp, "1.2.3.4")}).ok()) << "the writer was handed back";
}

TEST_F(SqliteStoreTest, AWriteSessionHoldsOtherWritersUntilItEnds) {
  auto store = Open();
  auto session = Begin(*store);
  ASSERT_NE(session, nullptr);
  ASSERT_TRUE(session->Import(std::vector{Sco(kIp, "1.2.3.4")}, InDefault(*store, 1)).ok());
  std::atomic<bool> written = false;
  std::thread other([&] {
    EXPECT_TRUE(Put(*store, std::vector{Sdo(kA, "2021-01-01T00:00:00.000Z")}).ok());
    written = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(written) << "another writer of the process waits for the session";
  EXPECT_EQ(*store->CountObjects(), 0) << "readers do not wait, and see the last commit";
  auto generations = store->ReadGenerations();  // also on the thread that holds the session
  ASSERT_TRUE(generations.ok()) << generations.status().ToString();
  EXPECT_EQ(generations->last_seq, 0);
  ASSERT_TRUE(session->Commit().ok());
  other.join();
  EXPECT_TRUE(written);
  EXPECT_THAT(Ids(ListAll(*store)), ElementsAre(kIp, kA)) << "the session's rows first";
}

}  // namespace
}  // namespace tessera::store
