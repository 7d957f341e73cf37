// Search by observable value through the single write path and a policy view (issue 16): the
// index is kept in the write's transaction (and its rollback), a reindex files exactly what the
// writes filed, deleted rows leave it, an upgraded store is refused until reindexed, and each
// reader finds only what it may read.

#include "search/search.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <fmt/core.h>

#include <array>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/digest.h"
#include "common/file.h"
#include "common/json.h"
#include "hunt/search_keys.h"
#include "ingest/ingest.h"
#include "policy/tokens.h"
#include "stix/reader.h"
#include "stix/tlp.h"

namespace tessera::search {
namespace {

namespace fs = std::filesystem;
using policy::Principal;
using policy::Role;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// The TLP 2.0 marking-definition of `level`.
std::string_view Tlp(stix::TlpLevel level) {
  return stix::FindTlpMarking(stix::TlpVersion::k2, level)->id;
}

// The one text column of each row `sql` gives on the store file `db_path`, after `setup` (may
// be empty) ran there.
std::vector<std::string> QueryRows(const std::string& db_path, const char* setup, const char* sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  if (*setup) {
    EXPECT_EQ(sqlite3_exec(db, setup, nullptr, nullptr, nullptr), SQLITE_OK);
  }
  std::vector<std::string> rows;
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &s, nullptr), SQLITE_OK);
  while (sqlite3_step(s) == SQLITE_ROW) {
    rows.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return rows;
}

// Every (rowid, word) the full-text index holds, in order (FTS5's vocabulary of instances).
std::vector<std::string> TextIndexRows(const std::string& db_path) {
  return QueryRows(db_path,
                   "CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, object_text, instance)",
                   "SELECT doc || ' ' || col || ' ' || term FROM temp.words "
                   "ORDER BY doc, col, offset");
}

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tessera-search-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    Open();
    for (const char* name : {"hub", "a", "b"}) {
      auto org = dir().CreateOrganization(name);
      ASSERT_TRUE(org.ok());
      orgs_[name] = *org;
    }
    ASSERT_TRUE(dir().PutSetting(store::kSettingHubOrg, std::to_string(orgs_["hub"].id)).ok());
    store::CollectionInfo open;
    open.api_root = "api";
    open.title = "open";
    open.default_tlp = stix::TlpLevel::kGreen;
    open.readers.all = open.writers.all = true;
    auto created = dir().CreateCollection(open);
    ASSERT_TRUE(created.ok());
    open_ = *created;
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(root_);
  }
  void Open() {
    store_.reset();
    auto s = store::OpenStore(root_ + "/data", store::OpenMode::kCreateIfMissing);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  store::Directory& dir() { return store_->directory(); }
  Principal As(const std::string& org) {
    Principal p;
    p.user_id = 1;
    p.user = org + "-user";
    p.org_id = orgs_[org].id;
    p.org_identity = orgs_[org].identity_id;
    p.role = Role::kAnalyst;
    p.groups = *dir().GroupsOf(p.org_id);
    return p;
  }
  // Writes `json` objects (a JSON list's members) as `org` through ingest, read as the import
  // and TAXII read them (their full text with them); all must be stored.
  void Write(const std::string& org, const std::string& objects) {
    stix::ReadOptions read;
    read.full_text = true;
    auto doc = stix::ReadDocument("[" + objects + "]", read);
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    ASSERT_TRUE(doc->ok()) << objects;
    auto out = ingest::Ingest(*store_, As(org), open_, doc->objects, {}, {});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    ASSERT_EQ(out->report.failure_count, 0)
        << (out->report.failures.empty() ? "" : out->report.failures[0].message);
  }
  static std::string Indicator(int n, const std::string& pattern, std::string_view marking = "",
                               const std::string& modified = "2026-01-01T00:00:00.000Z") {
    std::string o = R"({"type":"indicator","spec_version":"2.1","id":"indicator--)" + Uuid(n) +
                    R"(","created":"2026-01-01T00:00:00.000Z","modified":")" + modified +
                    R"(","name":"indicator )" + std::to_string(n) + R"(","pattern":)" +
                    boost::json::serialize(boost::json::string(pattern)) +
                    R"(,"pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z")";
    if (!marking.empty()) o += R"(,"object_marking_refs":[")" + std::string(marking) + "\"]";
    return o + "}";
  }
  static std::string Uuid(int n) {
    char tail[13];
    std::snprintf(tail, sizeof tail, "%012d", n);
    return std::string("8e2e2d2b-17d4-4cbf-938f-") + tail;
  }
  // The ids each value finds as `reader` ("" the operator): hits, then "related:" + id.
  std::vector<std::string> Find(const std::string& reader, const std::string& value) {
    Principal p;
    if (!reader.empty()) p = As(reader);
    const policy::ObjectView view =
        reader.empty() ? policy::ObjectView::Operator(*store_) : policy::ObjectView(*store_, p);
    auto found = SearchValues(view, std::vector<std::string>{value});
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    std::vector<std::string> ids;
    if (!found.ok()) return ids;
    for (const Hit& h : (*found)[0].hits) ids.push_back(h.id);
    for (const Hit& h : (*found)[0].related) ids.push_back("related:" + h.id);
    return ids;
  }
  // Every (key, seq) of the index, in order.
  // A row of IndexRows: the index files a key's digest, the first 16 bytes of its SHA-256
  // (schema 7), as SQLite's hex() writes it.
  static std::string Filed(std::string_view key, int64_t seq) {
    std::string out;
    const std::array<uint8_t, 32> d = Sha256(key);
    for (size_t i = 0; i < 16; ++i) out += fmt::format("{:02X}", d[i]);
    return out + " " + std::to_string(seq);
  }

  // The index's rows, "<digest in hex> <seq>", in the index's order.
  std::vector<std::string> IndexRows() {
    return QueryRows(root_ + "/data/tessera.db", "",
                     "SELECT hex(key) || ' ' || seq FROM search_keys ORDER BY key, seq");
  }

  // Deletes every version of `ids` from the open collection, as the operator.
  void DeleteAllVersions(std::vector<std::string> ids) {
    store::CollectionQuery q;
    q.ids = std::move(ids);
    q.match = store::VersionMatch::kAll;
    q.collection = open_.id;
    q.scope.unrestricted = true;
    ASSERT_TRUE(store_->DeleteVersions(q).ok());
  }

  std::string root_;
  std::unique_ptr<store::Store> store_;
  std::map<std::string, store::Organization> orgs_;
  store::CollectionInfo open_;
};

std::vector<std::string> FindText(store::Store& store, const Principal* reader,
                                  const std::string& text);

TextRequest Text(std::string text) {
  TextRequest r;
  r.text = std::move(text);
  return r;
}

TEST_F(SearchTest, EachKindOfValueFindsTheObjectsThatNameIt) {
  Write("a", Indicator(1, "[ipv4-addr:value = '203.0.113.0/24']") + "," +
                 Indicator(2, "[domain-name:value = 'evil.example']") + "," +
                 Indicator(3, "[url:value = 'http://evil.example/x']") + "," +
                 Indicator(4, "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']") + "," +
                 Indicator(5, "[email-addr:value = 'bad@evil.example']") + "," +
                 R"({"type":"mutex","spec_version":"2.1","id":"mutex--)" + Uuid(6) +
                 R"(","name":"Global\\xyz"})");
  EXPECT_THAT(Find("a", "203.0.113.66"), ElementsAre("indicator--" + Uuid(1)));
  EXPECT_THAT(Find("a", "www.evil.example"), ElementsAre("indicator--" + Uuid(2)));
  EXPECT_THAT(Find("a", "HTTP://EVIL.example:80/x"), ElementsAre("indicator--" + Uuid(3)));
  EXPECT_THAT(Find("a", "D41D8CD98F00B204E9800998ECF8427E"), ElementsAre("indicator--" + Uuid(4)));
  EXPECT_THAT(Find("a", "Bad@Evil.Example"), ElementsAre("indicator--" + Uuid(5)));
  EXPECT_THAT(Find("a", "Global\\xyz"), ElementsAre("mutex--" + Uuid(6)));
  EXPECT_THAT(Find("a", "198.51.100.1"), IsEmpty());
}

TEST_F(SearchTest, AHitSaysWhatItIsAndRelatedObjectsComeOneRelationshipAway) {
  const std::string ip = R"({"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--)" +
                         Uuid(10) + R"(","value":"198.51.100.9"})";
  const std::string observed =
      R"({"type":"observed-data","spec_version":"2.1","id":"observed-data--)" + Uuid(11) +
      R"(","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",)"
      R"("first_observed":"2026-01-01T00:00:00Z","last_observed":"2026-01-01T00:00:00Z",)"
      R"("number_observed":1,"object_refs":["ipv4-addr--)" +
      Uuid(10) + R"("]})";
  const std::string rel =
      R"({"type":"relationship","spec_version":"2.1","id":"relationship--)" + Uuid(12) +
      R"(","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",)"
      R"("relationship_type":"indicates","source_ref":"indicator--)" +
      Uuid(13) + R"(","target_ref":"malware--)" + Uuid(14) + R"("})";
  Write("a", ip + "," + observed + "," +
                 Indicator(13, "[ipv4-addr:value = '198.51.100.9']", Tlp(stix::TlpLevel::kGreen)) +
                 "," + rel);
  EXPECT_THAT(Find("a", "198.51.100.9"),
              ElementsAre("indicator--" + Uuid(13), "ipv4-addr--" + Uuid(10),
                          "observed-data--" + Uuid(11), "related:relationship--" + Uuid(12)));

  const policy::ObjectView view = policy::ObjectView::Operator(*store_);
  auto found = SearchValues(view, std::vector<std::string>{"198.51.100.9"});
  ASSERT_TRUE(found.ok());
  const Hit& h = (*found)[0].hits[0];
  EXPECT_EQ(h.type, "indicator");
  EXPECT_EQ(h.name, "indicator 13");
  EXPECT_EQ(h.tlp, "green");
  EXPECT_EQ(h.producer, "a");
  EXPECT_EQ(h.collection, open_.id);
  EXPECT_EQ(h.matched, "ip:198.51.100.9/32");
  ASSERT_TRUE(h.modified);
  EXPECT_EQ((*found)[0].hits[2].matched, "ref:ipv4-addr--" + Uuid(10));
  EXPECT_EQ((*found)[0].related[0].matched, "ref:indicator--" + Uuid(13));
}

TEST_F(SearchTest, AnObjectIsOneHitAtItsNewestVersionNamingTheValue) {
  Write("a", Indicator(20, "[domain-name:value = 'old.example']", "", "2026-01-01T00:00:00.000Z"));
  Write("a", Indicator(20, "[domain-name:value = 'old.example']", "", "2026-02-01T00:00:00.000Z"));
  Write("a", Indicator(20, "[domain-name:value = 'new.example']", "", "2026-03-01T00:00:00.000Z"));
  const policy::ObjectView view = policy::ObjectView::Operator(*store_);
  auto found = SearchValues(view, std::vector<std::string>{"old.example", "new.example"});
  ASSERT_TRUE(found.ok());
  ASSERT_EQ((*found)[0].hits.size(), 1u);
  EXPECT_EQ(FormatTimestamp(*(*found)[0].hits[0].modified, TimePrecision::kMillis),
            "2026-02-01T00:00:00.000Z");
  ASSERT_EQ((*found)[1].hits.size(), 1u);
  EXPECT_EQ(FormatTimestamp(*(*found)[1].hits[0].modified, TimePrecision::kMillis),
            "2026-03-01T00:00:00.000Z");
}

TEST_F(SearchTest, AValueKnownOnlyFromAnotherOrganizationsRedIndicatorIsNotFound) {
  Write("a", Indicator(30, "[ipv4-addr:value = '192.0.2.77']", Tlp(stix::TlpLevel::kRed)));
  EXPECT_THAT(Find("a", "192.0.2.77"), ElementsAre("indicator--" + Uuid(30)));
  EXPECT_THAT(Find("", "192.0.2.77"), ElementsAre("indicator--" + Uuid(30)));
  EXPECT_THAT(Find("b", "192.0.2.77"), IsEmpty());
  // The same answer as a value nobody holds.
  Principal b = As("b");
  const policy::ObjectView view(*store_, b);
  auto hidden = SearchValues(view, std::vector<std::string>{"192.0.2.77"});
  auto unknown = SearchValues(view, std::vector<std::string>{"192.0.2.78"});
  ASSERT_TRUE(hidden.ok() && unknown.ok());
  EXPECT_TRUE((*hidden)[0].hits.empty() && (*hidden)[0].related.empty());
  EXPECT_EQ((*hidden)[0].truncated, (*unknown)[0].truncated);
}

TEST_F(SearchTest, TheIndexIsWrittenAndRolledBackWithTheRows) {
  auto session = store_->BeginWrite();
  ASSERT_TRUE(session.ok());
  store::Placement p{open_.id, 0, {store::GrantKey::CollectionReaders()}, {"ip:10.0.0.1/32"}};
  stix::Object o;
  o.type = "ipv4-addr";
  o.id = "ipv4-addr--" + Uuid(40);
  o.json = R"({"type":"ipv4-addr","id":"ipv4-addr--)" + Uuid(40) + R"(","value":"10.0.0.1"})";
  ASSERT_TRUE((*session)->Import(std::vector{o}, std::vector{p}).ok());
  (*session)->Rollback();
  EXPECT_THAT(IndexRows(), IsEmpty());
  ASSERT_TRUE(store_->Import(std::vector{o}, std::vector{p}).ok());
  EXPECT_THAT(IndexRows(), ElementsAre(Filed("ip:10.0.0.1/32", 1)));
}

TEST_F(SearchTest, AReindexFilesExactlyWhatTheWritesFiledAndDeletedRowsLeaveTheIndex) {
  Write(
      "a",
      Indicator(50, "[ipv4-addr:value = '203.0.113.5'] OR [domain-name:value = 'x.example']") +
          "," + Indicator(51, "[url:value = 'http://x.example/a']") + "," +
          R"({"type":"file","spec_version":"2.1","id":"file--)" + Uuid(52) +
          R"(","name":"a.exe","hashes":{"SHA-256":"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"}})");
  const std::vector<std::string> incremental = IndexRows();
  ASSERT_EQ(incremental.size(), 5u);
  auto stats = store_->RebuildSearchIndex(hunt::ObjectSearchKeys);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(IndexRows(), incremental);
  EXPECT_EQ(stats->keys, 5);
  EXPECT_EQ(stats->rows, 3);
  EXPECT_TRUE(stats->complete);

  DeleteAllVersions({"indicator--" + Uuid(51)});
  EXPECT_EQ(IndexRows().size(), 4u);
  EXPECT_THAT(Find("", "http://x.example/a"), IsEmpty());
}

TEST_F(SearchTest, AStoreFromBeforeTheIndexIsRefusedUntilReindexed) {
  Write("a", Indicator(60, "[ipv4-addr:value = '203.0.113.60']"));
  // What migration 6 leaves in a store that held objects: an empty index, marked stale.
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((root_ + "/data/tessera.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "DELETE FROM search_keys; INSERT INTO object_text (object_text) "
                           "VALUES ('delete-all'); INSERT INTO settings (key, value) VALUES "
                           "('search_index', 'stale')",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  const policy::ObjectView view = policy::ObjectView::Operator(*store_);
  auto refused = SearchValues(view, std::vector<std::string>{"203.0.113.60"});
  EXPECT_EQ(refused.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("tessera search reindex"), std::string::npos);
  auto stats = store_->ReadSearchIndexStats();
  ASSERT_TRUE(stats.ok());
  EXPECT_FALSE(stats->complete);
  EXPECT_EQ(SearchText(view, Text("indicator")).status().code(), ErrorCode::kUnavailable);
  ASSERT_TRUE(store_->RebuildSearchIndex(hunt::ObjectSearchKeys).ok());
  EXPECT_THAT(Find("", "203.0.113.60"), ElementsAre("indicator--" + Uuid(60)));
  EXPECT_THAT(FindText(*store_, nullptr, "indicator"), ElementsAre("indicator--" + Uuid(60)));
}

// What the migrations after 8 added, taken away again, so that a store wound back to an earlier
// schema is that schema's store (migrating it again would otherwise add a column twice). Every
// new migration adds its undoing here.
constexpr const char* kUndoAfter8 =
    "DROP TABLE token_use; ALTER TABLE organizations DROP COLUMN disabled; "
    "DROP TABLE audit_log; ";

// A store of schema 7 had no full-text index; migration 8 files its rows' words from their JSON
// (the view object_words), the same words the write path files, so the store searches at once;
// and the trigger, which tells a deleted row's words from the same view, leaves no word behind.
TEST_F(SearchTest, AStoreOfSchema7IsGivenItsWordsByMigration8) {
  const std::string db = root_ + "/data/tessera.db";
  Write("a", R"({"type":"threat-actor","spec_version":"2.1","id":"threat-actor--)" + Uuid(61) +
                 R"(","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",)"
                 R"("name":"Sp\u00e9cial \"Bear\"","aliases":["APT-99","","Zeta"],)"
                 R"("labels":["a\nb"],"description":""})" +
                 "," + Indicator(62, "[ipv4-addr:value = '203.0.113.62']") + "," +
                 R"({"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--)" + Uuid(63) +
                 R"(","value":"192.0.2.1"})");
  const std::vector<std::string> written = TextIndexRows(db);
  ASSERT_FALSE(written.empty());
  store_.reset();
  const std::string wind_back = std::string(kUndoAfter8) +
                                "DROP TRIGGER objects_delete_text; DROP VIEW object_words; "
                                "DROP TABLE object_text; PRAGMA user_version = 7";
  ASSERT_THAT(QueryRows(db, wind_back.c_str(),
                        "SELECT name FROM sqlite_master WHERE name LIKE 'object_text%'"),
              IsEmpty());
  Open();
  EXPECT_EQ(TextIndexRows(db), written);
  auto stats = store_->ReadSearchIndexStats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_TRUE(stats->complete);
  EXPECT_EQ(stats->text_rows, 2);
  EXPECT_THAT(FindText(*store_, nullptr, "bear zeta"), ElementsAre("threat-actor--" + Uuid(61)));
  DeleteAllVersions(
      {"threat-actor--" + Uuid(61), "indicator--" + Uuid(62), "ipv4-addr--" + Uuid(63)});
  EXPECT_THAT(TextIndexRows(db), IsEmpty());
}

// A store of schema 6 filed the keys' text; migration 7 converts them into digests in place, so
// the store searches at once, and a reindex gives the same index.
TEST_F(SearchTest, AStoreOfTextKeysIsConvertedIntoDigests) {
  Write("a", Indicator(61, "[domain-name:value = 'old.example']"));
  const std::vector<std::string> written = IndexRows();
  ASSERT_THAT(written, ElementsAre(Filed("domain:old.example", 1)));
  store_.reset();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((root_ + "/data/tessera.db").c_str(), &db), SQLITE_OK);
    const std::string wind_back =
        std::string(kUndoAfter8) +
        "DROP TRIGGER objects_delete_text; DROP VIEW object_words; "
        "DROP TABLE object_text; "
        "DROP TRIGGER objects_delete_search_keys; DROP TABLE search_keys; "
        "CREATE TABLE search_keys (key TEXT NOT NULL, seq INTEGER NOT NULL, "
        "PRIMARY KEY (key, seq)) WITHOUT ROWID; "
        "CREATE INDEX search_keys_by_seq ON search_keys (seq); "
        "CREATE TRIGGER objects_delete_search_keys AFTER DELETE ON objects "
        "BEGIN DELETE FROM search_keys WHERE seq = old.seq; END; "
        "INSERT INTO search_keys SELECT 'domain:old.example', seq FROM objects; "
        "PRAGMA user_version = 6;";
    ASSERT_EQ(sqlite3_exec(db, wind_back.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  Open();
  EXPECT_EQ(IndexRows(), written);
  auto stats = store_->ReadSearchIndexStats();
  ASSERT_TRUE(stats.ok());
  EXPECT_TRUE(stats->complete);
  EXPECT_THAT(Find("", "www.old.example"), ElementsAre("indicator--" + Uuid(61)));
  ASSERT_TRUE(store_->RebuildSearchIndex(hunt::ObjectSearchKeys).ok());
  EXPECT_EQ(IndexRows(), written);
}

// The index holds digests and nothing else: a text key (what a Tessera of schema 6 still running
// against an upgraded store would write) is refused.
TEST_F(SearchTest, TheIndexRefusesAnythingButADigest) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((root_ + "/data/tessera.db").c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, "INSERT INTO search_keys (key, seq) VALUES ('ip:10.0.0.1/32', 1)",
                         nullptr, nullptr, nullptr),
            SQLITE_CONSTRAINT);
  sqlite3_close(db);
  EXPECT_THAT(IndexRows(), IsEmpty());
}

// A write session of several batches files every row's keys by its commit, whichever batch the
// row came in, and a search then tells each key's rows apart.
TEST_F(SearchTest, ASessionOfManyBatchesFilesEveryRow) {
  auto session = store_->BeginWrite();
  ASSERT_TRUE(session.ok());
  for (int n = 0; n < 3; ++n) {
    std::vector<stix::Object> objects;
    std::vector<store::Placement> placements;
    for (int k = 0; k < 100; ++k) {
      const int i = n * 100 + k;
      const std::string value = "10.1." + std::to_string(i / 256) + "." + std::to_string(i % 256);
      stix::Object o;
      o.type = "ipv4-addr";
      o.id = "ipv4-addr--" + Uuid(1000 + i);
      o.json = R"({"type":"ipv4-addr","id":")" + o.id + R"(","value":")" + value + R"("})";
      objects.push_back(o);
      placements.push_back(store::Placement{
          open_.id, 0, {store::GrantKey::CollectionReaders()}, {"ip:" + value + "/32"}});
    }
    ASSERT_TRUE((*session)->Import(objects, placements).ok());
  }
  ASSERT_TRUE((*session)->Commit().ok());
  EXPECT_EQ(IndexRows().size(), 300u);
  EXPECT_THAT(Find("", "10.1.0.7"), ElementsAre("ipv4-addr--" + Uuid(1007)));
  EXPECT_THAT(Find("", "10.1.1.43"), ElementsAre("ipv4-addr--" + Uuid(1299)));
  EXPECT_THAT(Find("", "10.1.2.0"), IsEmpty());
}

TEST_F(SearchTest, BadValuesAndTooManyValuesAreRefused) {
  const policy::ObjectView view = policy::ObjectView::Operator(*store_);
  EXPECT_EQ(SearchValues(view, std::vector<std::string>{}).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(SearchValues(view, std::vector<std::string>{"ok.example", " "}).status().code(),
            ErrorCode::kInvalidArgument);
  std::vector<std::string> many(kMaxValues + 1, "x.example");
  auto refused = SearchValues(view, many);
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("10000"), std::string::npos);
  many.pop_back();
  auto bulk = SearchValues(view, many);
  ASSERT_TRUE(bulk.ok()) << bulk.status().ToString();
  EXPECT_EQ(bulk->size(), kMaxValues);
}

// The ids a full-text search finds as `reader` ("" the operator), newest first.
std::vector<std::string> FindText(store::Store& store, const Principal* reader,
                                  const std::string& text) {
  const policy::ObjectView view =
      reader ? policy::ObjectView(store, *reader) : policy::ObjectView::Operator(store);
  auto found = SearchText(view, Text(text));
  EXPECT_TRUE(found.ok()) << found.status().ToString();
  std::vector<std::string> ids;
  if (!found.ok()) return ids;
  for (const Hit& h : found->hits) {
    EXPECT_EQ(h.matched, "text");
    ids.push_back(h.id);
  }
  return ids;
}

boost::json::value TextCases() {
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  auto text = ReadInput(std::string(src ? src : ".") + "/tests/data/search/text.json");
  EXPECT_TRUE(text.ok()) << text.status().message();
  auto doc = ParseJson(text.ok() ? *text : "{}");
  return doc.ok() ? *doc : boost::json::value();
}

TEST_F(SearchTest, FullTextTheCases) {
  const boost::json::value doc = TextCases();
  ASSERT_TRUE(doc.is_object());
  std::string objects;
  for (const auto& o : doc.as_object().at("objects").as_array()) {
    if (!objects.empty()) objects += ",";
    objects += boost::json::serialize(o);
  }
  Write("a", objects);
  const auto& searches = doc.as_object().at("searches").as_array();
  ASSERT_GT(searches.size(), 20u);
  for (const auto& c : searches) {
    const std::string text(c.at("text").as_string());
    SCOPED_TRACE(text);
    std::vector<std::string> tails;
    for (const std::string& id : FindText(*store_, nullptr, text))
      tails.push_back(id.substr(id.size() - 12));
    std::vector<std::string> expected;
    for (const auto& id : c.at("ids").as_array()) expected.emplace_back(id.as_string());
    EXPECT_EQ(tails, expected);
  }
}

TEST_F(SearchTest, FullTextFindsTheNewestVersionItsReaderSeesAndOnlyWhatItMayRead) {
  const std::string id = "malware--" + Uuid(70);
  const auto malware = [&](const std::string& modified, const std::string& name,
                           std::string_view marking) {
    return R"({"type":"malware","spec_version":"2.1","id":")" + id +
           R"(","created":"2026-01-01T00:00:00.000Z","modified":")" + modified + R"(","name":")" +
           name + R"(","is_family":false,"object_marking_refs":[")" + std::string(marking) +
           R"("]})";
  };
  Write("a", malware("2026-01-01T00:00:00.000Z", "Oldname", Tlp(stix::TlpLevel::kGreen)));
  Write("a", malware("2026-02-01T00:00:00.000Z", "Newname", Tlp(stix::TlpLevel::kRed)));
  Principal a = As("a"), b = As("b");
  // a reads the RED version: the old words no longer find the object.
  EXPECT_THAT(FindText(*store_, &a, "newname"), ElementsAre(id));
  EXPECT_THAT(FindText(*store_, &a, "oldname"), IsEmpty());
  // b reads only the GREEN version: its newest, found by its words, never by the RED ones.
  EXPECT_THAT(FindText(*store_, &b, "oldname"), ElementsAre(id));
  EXPECT_THAT(FindText(*store_, &b, "newname"), IsEmpty());
  auto hits = SearchText(policy::ObjectView(*store_, b), Text("oldname"));
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->hits.size(), 1u);
  EXPECT_EQ(hits->hits[0].tlp, "green");
  EXPECT_EQ(hits->hits[0].producer, "a");
  EXPECT_EQ(hits->hits[0].name, "Oldname");
}

TEST_F(SearchTest, TheFullTextIndexIsKeptWithTheRowsAndRebuiltTheSame) {
  const std::string db = root_ + "/data/tessera.db";
  // Rolled back with the write.
  auto session = store_->BeginWrite();
  ASSERT_TRUE(session.ok());
  store::Placement p{open_.id, 0, {store::GrantKey::CollectionReaders()}, {}};
  stix::Object built;  // built in code: its words are read from its JSON
  built.type = "malware";
  built.id = "malware--" + Uuid(80);
  built.json = R"({"type":"malware","id":"malware--)" + Uuid(80) +
               R"(","name":"Built","description":"in code","labels":["x","y"]})";
  ASSERT_TRUE((*session)->Import(std::vector{built}, std::vector{p}).ok());
  (*session)->Rollback();
  EXPECT_THAT(TextIndexRows(db), IsEmpty());
  ASSERT_TRUE(store_->Import(std::vector{built}, std::vector{p}).ok());
  EXPECT_THAT(TextIndexRows(db), ElementsAre("1 description in", "1 description code", "1 labels x",
                                             "1 labels y", "1 name built"));
  // Written through ingest (the reader's words), rebuilt from the JSON: the same index.
  Write("a", R"({"type":"threat-actor","spec_version":"2.1","id":"threat-actor--)" + Uuid(81) +
                 R"(","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",)"
                 R"("name":"Sp\u00e9cial \"Bear\"","aliases":["APT-99","Zeta"]})" +
                 "," + R"({"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--)" + Uuid(82) +
                 R"(","value":"192.0.2.1"})");
  const std::vector<std::string> written = TextIndexRows(db);
  EXPECT_EQ(written.size(), 5u + 5u);  // spécial bear, apt 99, zeta
  auto stats = store_->RebuildSearchIndex(hunt::ObjectSearchKeys);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(TextIndexRows(db), written);
  EXPECT_EQ(stats->text_rows, 2);
  EXPECT_GT(stats->text_bytes, 0);
  // A deleted row leaves the index; nothing else does.
  DeleteAllVersions({"threat-actor--" + Uuid(81)});
  EXPECT_EQ(TextIndexRows(db), std::vector<std::string>(written.begin(), written.begin() + 5));
  EXPECT_THAT(FindText(*store_, nullptr, "bear"), IsEmpty());
  EXPECT_THAT(FindText(*store_, nullptr, "built"), ElementsAre("malware--" + Uuid(80)));
}

TEST_F(SearchTest, FullTextRefusesABadQueryTheSameForEveryReader) {
  Principal b = As("b");
  for (const std::string text : {" ", "-only", "\"spear", "x*"}) {
    auto op = SearchText(policy::ObjectView::Operator(*store_), Text(text));
    auto member = SearchText(policy::ObjectView(*store_, b), Text(text));
    EXPECT_EQ(op.status().code(), ErrorCode::kInvalidArgument) << text;
    EXPECT_EQ(member.status().ToString(), op.status().ToString()) << text;
  }
  TextRequest too_many = Text("malware");
  too_many.limit = kMaxTextLimit + 1;
  EXPECT_EQ(SearchText(policy::ObjectView::Operator(*store_), too_many).status().code(),
            ErrorCode::kInvalidArgument);
}

// Each filter, for value and text search alike: the objects each keeps (by Uuid number, newest
// first) of four objects that all hold the value 198.51.100.50 (the malware only by name) and,
// but the address, the word "filterword".
TEST_F(SearchTest, EachFilterKeepsWhatItSaysForValuesAndTextAlike) {
  const auto indicator = [](int n, std::string_view tlp, const std::string& modified,
                            const std::string& valid_until) {
    return R"({"type":"indicator","spec_version":"2.1","id":"indicator--)" + Uuid(n) +
           R"(","created":"2026-01-01T00:00:00.000Z","modified":")" + modified +
           R"(","name":"filterword )" + std::to_string(n) +
           R"(","pattern":"[ipv4-addr:value = '198.51.100.50']","pattern_type":"stix",)"
           R"("valid_from":"2020-01-01T00:00:00Z","valid_until":")" +
           valid_until + R"(","object_marking_refs":[")" + std::string(tlp) + R"("]})";
  };
  Write("a", indicator(1, Tlp(stix::TlpLevel::kGreen), "2026-01-01T00:00:00.000Z",
                       "2099-01-01T00:00:00Z"));
  Write("b", indicator(2, Tlp(stix::TlpLevel::kAmber), "2026-03-01T00:00:00.000Z",
                       "2020-06-01T00:00:00Z"));
  Write("a",
        R"({"type":"malware","spec_version":"2.1","id":"malware--)" + Uuid(3) +
            R"(","created":"2026-02-01T00:00:00.000Z","modified":"2026-02-01T00:00:00.000Z",)"
            R"("name":"filterword 3","is_family":false,"revoked":true,"object_marking_refs":[")" +
            std::string(Tlp(stix::TlpLevel::kClear)) + R"("]})");
  Write("a", R"({"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--)" + Uuid(4) +
                 R"(","value":"198.51.100.50"})");
  struct Case {
    std::vector<std::pair<std::string, std::string>> filters;
    std::vector<int> by_text, by_value;
  };
  const std::vector<Case> cases = {
      {{}, {3, 2, 1}, {4, 2, 1}},
      {{{"type", "indicator"}}, {2, 1}, {2, 1}},
      {{{"type", "malware"}, {"type", "ipv4-addr"}}, {3}, {4}},
      {{{"tlp", "green"}}, {1}, {1}},
      {{{"tlp", "amber"}, {"tlp", "clear"}}, {3, 2}, {2}},
      {{{"tlp", "red"}}, {}, {}},
      {{{"producer", "a"}}, {3, 1}, {4, 1}},
      {{{"producer", "b"}, {"producer", "a"}}, {3, 2, 1}, {4, 2, 1}},
      {{{"producer", "no such organization"}}, {}, {}},
      {{{"collection", open_.id}}, {3, 2, 1}, {4, 2, 1}},
      {{{"collection", "d6e1c4a2-0000-4000-8000-000000000000"}}, {}, {}},
      {{{"valid", "true"}}, {1}, {1}},
      {{{"valid", "false"}}, {2}, {2}},
      {{{"revoked", "true"}}, {3}, {}},
      {{{"revoked", "false"}}, {2, 1}, {4, 2, 1}},
      {{{"modified_after", "2026-01-15T00:00:00Z"}}, {3, 2}, {2}},
      {{{"modified_before", "2026-01-15T00:00:00Z"}}, {1}, {1}},
      {{{"modified_after", "2026-01-01T00:00:00Z"}}, {3, 2}, {2}},  // exclusive
      {{{"type", "indicator"}, {"tlp", "green"}, {"valid", "true"}}, {1}, {1}},
      {{{"added_before", "2000-01-01T00:00:00Z"}}, {}, {}},
      {{{"added_after", "2000-01-01T00:00:00Z"}}, {3, 2, 1}, {4, 2, 1}},
  };
  const policy::ObjectView view = policy::ObjectView::Operator(*store_);
  const auto numbers = [](const std::vector<Hit>& hits) {
    std::vector<int> out;
    for (const Hit& h : hits) out.push_back(std::stoi(h.id.substr(h.id.size() - 12)));
    return out;
  };
  for (const Case& c : cases) {
    Parameters text, value;
    std::string trace;
    ASSERT_TRUE(AddParameter("text", "filterword", text).ok());
    ASSERT_TRUE(AddParameter("value", "198.51.100.50", value).ok());
    for (const auto& [name, v] : c.filters) {
      trace += name + "=" + v + " ";
      ASSERT_TRUE(AddParameter(name, v, text).ok()) << name;
      ASSERT_TRUE(AddParameter(name, v, value).ok()) << name;
    }
    SCOPED_TRACE(trace);
    auto by_text = SearchText(view, TextRequestOf(text, nullptr));
    ASSERT_TRUE(by_text.ok()) << by_text.status().ToString();
    EXPECT_EQ(numbers(by_text->hits), c.by_text);
    auto by_value = SearchValues(view, value.values, value.filters);
    ASSERT_TRUE(by_value.ok()) << by_value.status().ToString();
    EXPECT_EQ(numbers((*by_value)[0].hits), c.by_value);
  }
}

TEST_F(SearchTest, BadFilterValuesAreRefusedNamingTheParameter) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"tlp", "white"},
      {"tlp", "AMBER+STRICT "},
      {"valid", "yes"},
      {"revoked", "1"},
      {"added_after", "yesterday"},
      {"modified_before", "2026-13-01T00:00:00Z"},
      {"limit", "0"},
      {"limit", "1001"},
      {"limit", "ten"},
      {"sort", "newest"},
      {"colour", "red"},
      {"next", ""}};
  for (const auto& [name, value] : bad) {
    Parameters p;
    Status st = AddParameter(name, value, p);
    EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument) << name << "=" << value;
    EXPECT_NE(st.message().find(name), std::string::npos) << st.message();
  }
  Parameters twice;
  ASSERT_TRUE(AddParameter("revoked", "true", twice).ok());
  EXPECT_FALSE(AddParameter("revoked", "false", twice).ok());
  Parameters both;
  ASSERT_TRUE(AddParameter("text", "x", both).ok());
  ASSERT_TRUE(AddParameter("value", "x", both).ok());
  EXPECT_FALSE(CheckParameters(both).ok());
  Parameters empty_text;
  ASSERT_TRUE(AddParameter("text", "", empty_text).ok());
  EXPECT_FALSE(CheckParameters(empty_text).ok());  // a listing leaves `text` out
  Parameters relevance_of_a_listing;
  ASSERT_TRUE(AddParameter("sort", "relevance", relevance_of_a_listing).ok());
  EXPECT_FALSE(CheckParameters(relevance_of_a_listing).ok());
  Parameters relevance_of_values;
  ASSERT_TRUE(AddParameter("value", "x", relevance_of_values).ok());
  ASSERT_TRUE(AddParameter("sort", "relevance", relevance_of_values).ok());
  EXPECT_FALSE(CheckParameters(relevance_of_values).ok());
}

// With no text, a search lists what its reader may read and its filters keep, newest first
// (what arrived lately), one hit per object at the newest version the reader sees, paged as full
// text is; relevance needs words.
TEST_F(SearchTest, WithNoTextASearchListsWhatTheReaderMayReadNewestFirst) {
  ASSERT_TRUE(policy::InitCrypto().ok());
  policy::PageTokenKey key;
  key.fill(0x3c);
  const policy::PageTokenSealer sealer(key);
  const auto malware = [](int n, std::string_view marking, const std::string& modified) {
    return R"({"type":"malware","spec_version":"2.1","id":"malware--)" + Uuid(n) +
           R"(","created":"2026-01-01T00:00:00.000Z","modified":")" + modified +
           R"(","name":"listed","is_family":false,"object_marking_refs":[")" +
           std::string(marking) + R"("]})";
  };
  const std::string v1 = "2026-01-01T00:00:00.000Z", v2 = "2026-02-01T00:00:00.000Z";
  Write("a", malware(90, Tlp(stix::TlpLevel::kGreen), v1));
  Write("a", malware(91, Tlp(stix::TlpLevel::kRed), v1));
  Write("b", malware(92, Tlp(stix::TlpLevel::kGreen), v1));
  Write("a", malware(90, Tlp(stix::TlpLevel::kGreen), v2));  // a new version of the first
  Principal a = As("a"), b = As("b");
  const auto list = [&](const Principal& who, TextRequest r) {
    auto found = SearchText(policy::ObjectView(*store_, who), r);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    std::vector<std::string> out;
    if (!found.ok()) return out;
    for (const Hit& h : found->hits) {
      EXPECT_EQ(h.matched, kListMatch);
      out.push_back(
          h.id.substr(h.id.size() - 2) +
          (h.modified ? "@" + FormatTimestamp(*h.modified, TimePrecision::kSeconds) : ""));
    }
    return out;
  };
  EXPECT_THAT(list(a, Text("")), ElementsAre("90@2026-02-01T00:00:00Z", "92@2026-01-01T00:00:00Z",
                                             "91@2026-01-01T00:00:00Z"));
  EXPECT_THAT(list(b, Text("")), ElementsAre("90@2026-02-01T00:00:00Z", "92@2026-01-01T00:00:00Z"));
  // Filters, as for text: type, producer, and added_after (newer than the second row).
  auto all = SearchText(policy::ObjectView(*store_, a), Text(""));
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->hits.size(), 3u);
  TextRequest recent = Text("");
  recent.filters.added_after = all->hits[2].date_added;
  EXPECT_THAT(list(a, recent), ElementsAre("90@2026-02-01T00:00:00Z", "92@2026-01-01T00:00:00Z"));
  TextRequest of_b = Text("");
  of_b.filters.producers = {"b"};
  EXPECT_THAT(list(a, of_b), ElementsAre("92@2026-01-01T00:00:00Z"));
  TextRequest indicators = Text("");
  indicators.filters.types = {"indicator"};
  EXPECT_THAT(list(a, indicators), IsEmpty());
  // Pages of one with sealed cursors.
  TextRequest paged = Text("");
  paged.limit = 1;
  paged.sealer = &sealer;
  std::vector<std::string> pages;
  while (true) {
    auto page = SearchText(policy::ObjectView(*store_, a), paged);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const Hit& h : page->hits) pages.push_back(h.id.substr(h.id.size() - 2));
    if (page->next.empty()) break;
    paged.next = page->next;
    ASSERT_LT(pages.size(), 5u);
  }
  EXPECT_THAT(pages, ElementsAre("90", "92", "91"));
  TextRequest by_relevance = Text("");
  by_relevance.order = store::TextOrder::kRelevance;
  EXPECT_EQ(SearchText(policy::ObjectView(*store_, a), by_relevance).status().code(),
            ErrorCode::kInvalidArgument);
}

// 250 hits in pages of 100: 100, 100, 50, each once, in either order; a cursor works only for
// the asker and the request it was made for, and a tampered one tells nothing.
TEST_F(SearchTest, FullTextPagesWithSealedCursors) {
  ASSERT_TRUE(policy::InitCrypto().ok());
  policy::PageTokenKey key;
  key.fill(0x5a);
  const policy::PageTokenSealer sealer(key);
  for (int batch = 0; batch < 5; ++batch) {
    std::string objects;
    for (int i = 0; i < 50; ++i) {
      const int n = 1000 + batch * 50 + i;
      if (!objects.empty()) objects += ",";
      objects += R"({"type":"malware","spec_version":"2.1","id":"malware--)" + Uuid(n) +
                 R"(","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",)"
                 R"("name":"pagedword )" +
                 std::string(static_cast<size_t>(1 + i % 3), 'x') + R"(","is_family":false})";
    }
    Write("a", objects);
  }
  Principal a = As("a"), b = As("b");
  const policy::ObjectView view(*store_, a);
  for (const char* sort : {"time", "relevance"}) {
    SCOPED_TRACE(sort);
    Parameters p;
    ASSERT_TRUE(AddParameter("text", "pagedword", p).ok());
    ASSERT_TRUE(AddParameter("sort", sort, p).ok());
    std::set<std::string> seen;
    std::vector<size_t> sizes;
    TextRequest request = TextRequestOf(p, &sealer);
    std::string first_next;
    while (true) {
      auto page = SearchText(view, request);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      sizes.push_back(page->hits.size());
      for (const Hit& h : page->hits) EXPECT_TRUE(seen.insert(h.id).second) << h.id;
      EXPECT_EQ(page->more, !page->next.empty());
      if (page->next.empty()) break;
      if (first_next.empty()) first_next = page->next;
      request.next = page->next;
      ASSERT_LT(sizes.size(), 5u);
    }
    EXPECT_EQ(sizes, (std::vector<size_t>{100, 100, 50}));
    EXPECT_EQ(seen.size(), 250u);

    // Tampered, from another query, another asker, no sealer: refused alike.
    TextRequest tampered = TextRequestOf(p, &sealer);
    tampered.next = first_next;
    tampered.next[10] = tampered.next[10] == 'A' ? 'B' : 'A';
    TextRequest other = TextRequestOf(p, &sealer);
    other.text = "pagedword -nothing";
    other.next = first_next;
    TextRequest elsewhere = TextRequestOf(p, &sealer);
    elsewhere.next = first_next;
    TextRequest unsealed = TextRequestOf(p, nullptr);
    unsealed.next = first_next;
    for (auto result :
         {SearchText(view, tampered), SearchText(view, other),
          SearchText(policy::ObjectView(*store_, b), elsewhere), SearchText(view, unsealed)}) {
      EXPECT_EQ(result.status().code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(result.status().message().find("next"), std::string::npos);
    }
  }
}

// By relevance, a member gets the best rows it may read first, window by window (the newest
// store::kRelevanceWindow rows it may read, then the next ones), through pages that neither
// repeat nor skip a row. The RED rows of another organization, interleaved with the readable
// ones and ranked above all of them, change nothing: the member gets exactly what it would get
// were they never stored. A hit filter (tlp) applies after the windows, which are cut from the
// rows the reader may read.
TEST_F(SearchTest, ByRelevanceAMemberGetsTheBestRowsItMayReadWindowByWindow) {
  ASSERT_TRUE(policy::InitCrypto().ok());
  policy::PageTokenKey key;
  key.fill(0x7b);
  const policy::PageTokenSealer sealer(key);
  const int window = static_cast<int>(store::kRelevanceWindow);
  // n even: GREEN (b reads it); odd: RED (only a reads it). The word is in every description and
  // in the name (ten times the weight) of every RED row and of the GREEN rows with n % 6 == 0;
  // every row has as many words, so the rows of each kind rank alike. Seqs follow n.
  const int rows = 2 * (2 * window + 300);
  const auto named = [](int n) { return n % 2 == 1 || n % 6 == 0; };
  std::string batch;
  for (int n = 0; n < rows; ++n) {
    if (!batch.empty()) batch += ",";
    batch += R"({"type":"malware","spec_version":"2.1","id":"malware--)" + Uuid(10000 + n) +
             R"(","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",)"
             R"("name":")" +
             std::string(named(n) ? "rankword" : "plainname") +
             R"(","description":"rankword seen","is_family":false,"object_marking_refs":[")" +
             std::string(Tlp(n % 2 ? stix::TlpLevel::kRed : stix::TlpLevel::kGreen)) + R"("]})";
    if ((n + 1) % 500 == 0 || n + 1 == rows) {
      Write("a", batch);
      batch.clear();
    }
  }
  // The order of `ns` (newest first) by relevance: in windows, the named ones first.
  const auto ranked = [&](const std::vector<int>& ns) {
    std::vector<int> out;
    for (size_t w = 0; w < ns.size(); w += store::kRelevanceWindow) {
      const size_t end = std::min(ns.size(), w + store::kRelevanceWindow);
      for (size_t i = w; i < end; ++i)
        if (named(ns[i])) out.push_back(ns[i]);
      for (size_t i = w; i < end; ++i)
        if (!named(ns[i])) out.push_back(ns[i]);
    }
    return out;
  };
  std::vector<int> all, green;
  for (int n = rows - 1; n >= 0; --n) {
    all.push_back(n);
    if (n % 2 == 0) green.push_back(n);
  }
  // Every page of `request` as `who`, their hits' n in order; each page but the last is full.
  const auto pages = [&](const Principal* who, TextRequest request) {
    const policy::ObjectView view =
        who ? policy::ObjectView(*store_, *who) : policy::ObjectView::Operator(*store_);
    std::vector<int> out;
    for (int page = 0; page < 20; ++page) {
      auto found = SearchText(view, request);
      EXPECT_TRUE(found.ok()) << found.status().ToString();
      if (!found.ok()) break;
      for (const Hit& h : found->hits)
        out.push_back(std::stoi(h.id.substr(h.id.size() - 12)) - 10000);
      EXPECT_EQ(found->more, !found->next.empty());
      if (found->next.empty()) break;
      EXPECT_EQ(found->hits.size(), request.limit);
      request.next = found->next;
    }
    return out;
  };
  Principal b = As("b");
  TextRequest request = Text("rankword");
  request.order = store::TextOrder::kRelevance;
  request.sealer = &sealer;
  request.limit = 300;  // pages that straddle the windows
  const std::vector<int> expected = ranked(green);
  ASSERT_EQ(expected.size(), 2u * window + 300);
  EXPECT_EQ(pages(&b, request), expected);
  // The same through the rounds a hit filter makes (every row b reads is GREEN).
  TextRequest filtered = request;
  filtered.filters.tlp = {stix::TlpLevel::kGreen};
  EXPECT_EQ(pages(&b, filtered), expected);
  // One page of the most hits: the first of the order.
  TextRequest one = request;
  one.limit = kMaxTextLimit;
  auto first = SearchText(policy::ObjectView(*store_, b), one);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->hits.size(), kMaxTextLimit);
  EXPECT_TRUE(first->more);
  EXPECT_EQ(first->hits[0].id, "malware--" + Uuid(10000 + expected[0]));
  EXPECT_EQ(first->hits.back().id, "malware--" + Uuid(10000 + expected[kMaxTextLimit - 1]));
  // The operator reads every row: its windows hold RED rows too, most of its best hits RED.
  TextRequest top = request;
  top.limit = 10;
  const std::vector<int> by_operator = ranked(all);
  auto operator_top = SearchText(policy::ObjectView::Operator(*store_), top);
  ASSERT_TRUE(operator_top.ok()) << operator_top.status().ToString();
  ASSERT_EQ(operator_top->hits.size(), 10u);
  size_t red = 0;
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(operator_top->hits[i].id, "malware--" + Uuid(10000 + by_operator[i]));
    EXPECT_EQ(operator_top->hits[i].tlp, by_operator[i] % 2 ? "red" : "green");
    red += by_operator[i] % 2;
  }
  EXPECT_GE(red, 6u);  // the named rows: every RED one, a third of the GREEN ones
  // Its GREEN hits, filtered after its windows: each window's GREEN rows, the named first.
  std::vector<int> operator_green;
  for (int n : by_operator)
    if (n % 2 == 0) operator_green.push_back(n);
  EXPECT_EQ(pages(nullptr, filtered), operator_green);
}

}  // namespace
}  // namespace tessera::search
