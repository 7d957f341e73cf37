// The query plans of look-ups by id (issue 16): GET .../objects/{id}/, its versions, match[id]
// (up to taxii::kMaxMatchValues ids) and the manifest by id must probe the (id, version, ...) key,
// whatever the store's size, never walk a collection. SQLite picks a plan without looking at the
// data (the store keeps no statistics), so the plan asked of a small store is the one a large
// store runs.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "store/sqlite_store_internal.h"
#include "store/store.h"
#include "store/test_util.h"

namespace tessera::store {
namespace {

namespace fs = std::filesystem;
using testing::Keys;
using testing::Sdo;
using testing::Ts;

// One way a reader asks for objects by id, as the TAXII endpoints build it (taxii/service.cpp).
struct PlanCase {
  const char* name;
  size_t ids;  // how many ids are asked for
  VersionMatch match;
  bool unrestricted;    // the operator's scope, else a member's grant keys
  bool bounded = true;  // up_to_seq set (every listing but the "is it there at all?" probe)
  int64_t after_seq = 0;
  bool typed = false;  // with match[type] as well
};

void PrintTo(const PlanCase& c, std::ostream* out) { *out << c.name; }

const PlanCase kCases[] = {
    {"object by id, latest version", 1, VersionMatch::kLast, false},
    {"object by id, operator", 1, VersionMatch::kLast, true},
    {"object by id, first version", 1, VersionMatch::kFirst, false},
    {"versions of an object", 1, VersionMatch::kAll, false},
    {"versions of an object, next page", 1, VersionMatch::kAll, false, true, 2},
    {"match[id] with 100 ids", 100, VersionMatch::kLast, false},
    {"match[id] with 100 ids, all versions", 100, VersionMatch::kAll, true},
    {"match[id] and match[type]", 3, VersionMatch::kLast, false, true, 0, true},
    {"is the object there at all (404 or not)", 1, VersionMatch::kAll, false, false},
};

class QueryPlanTest : public ::testing::TestWithParam<PlanCase> {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tessera-plan-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { fs::remove_all(root_); }

  // "SEARCH o USING INDEX ..." lines of the plan of `sql` on the store in root_.
  std::vector<std::string> Plan(const sqlite::Sql& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open((fs::path(root_) / kStoreFileName).c_str(), &db), SQLITE_OK);
    std::vector<std::string> lines;
    {
      sqlite::Statement s;
      Status st = s.Prepare(db, "EXPLAIN QUERY PLAN " + sql.text);
      EXPECT_TRUE(st.ok()) << st.ToString();
      if (st.ok()) {
        sql.Bind(s);
        while (true) {
          auto row = s.Step("explaining");
          EXPECT_TRUE(row.ok()) << row.status().ToString();
          if (!row.ok() || !*row) break;
          lines.push_back(s.ColumnText(3));
        }
      }
    }
    sqlite3_close(db);
    return lines;
  }

  std::string root_;
};

TEST_P(QueryPlanTest, ALookUpByIdProbesTheKeyAndReadsNoCollection) {
  const PlanCase& c = GetParam();
  auto store = OpenStore(root_, OpenMode::kCreateIfMissing);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto coll = (*store)->directory().GetSetting(kSettingDefaultCollection);
  ASSERT_TRUE(coll.ok());
  // A few rows, so that the plan is asked of a real schema with rows in it.
  std::vector<stix::Object> objects;
  for (int i = 0; i < 20; ++i) {
    objects.push_back(Sdo("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd" + std::to_string(10 + i),
                          "2024-01-01T00:00:00.000Z"));
  }
  std::vector<Placement> placements(objects.size(), Placement{*coll, 0, Keys("coll"), {}});
  ASSERT_TRUE((*store)->Import(objects, placements).ok());

  CollectionQuery q;
  q.collection = *coll;
  if (c.unrestricted) {
    q.scope.unrestricted = true;
  } else {
    q.scope.keys = Keys("coll org:3 group:2");
  }
  for (size_t i = 0; i < c.ids; ++i) {
    q.ids.push_back("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3" + std::to_string(1000 + i));
  }
  q.match = c.match;
  q.after_seq = c.after_seq;
  if (c.bounded) q.up_to_seq = 20;
  q.added_after = Ts("2020-01-01T00:00:00Z");
  if (c.typed) q.types = {"indicator", "malware"};

  const std::vector<std::string> plan = Plan(sqlite_internal::CollectionSelectSql(q));
  std::string text;
  for (const std::string& line : plan) text += line + "\n";
  ASSERT_FALSE(plan.empty());
  bool probes_key = false;
  for (const std::string& line : plan) {
    EXPECT_EQ(line.find("SCAN o"), std::string::npos) << c.name << ":\n" << text;
    EXPECT_EQ(line.find("objects_by_coll"), std::string::npos) << c.name << ":\n" << text;
    EXPECT_EQ(line.find("USING INTEGER PRIMARY KEY"), std::string::npos) << c.name << ":\n" << text;
    probes_key =
        probes_key || line.find("SEARCH o USING INDEX sqlite_autoindex_objects_1 (id=?)") == 0;
  }
  EXPECT_TRUE(probes_key) << c.name << ":\n" << text;
}

INSTANTIATE_TEST_SUITE_P(ById, QueryPlanTest, ::testing::ValuesIn(kCases));

// The plans of full-text searches (issue 16): the full-text index is the outer loop, read once
// in the order asked, each row it gives joined to its object by seq, and the checks for a later
// version or an earlier copy of a hit probe the (id, version) key. A check that walks the
// collection instead (objects_by_coll, rowid<?) took 3 s for 11 hits and 96 s for a page of 100
// on a million objects.
struct TextPlanCase {
  const char* name;
  bool unrestricted;  // the operator's scope, else a member's grant keys
  TextOrder order;
  bool filtered = false;  // with type, producer and time filters
  bool paged = false;     // a later page (before_seq / offset, up_to_seq)
  int collections = 1;
};

const TextPlanCase kTextCases[] = {
    {"member, newest first", false, TextOrder::kNewest},
    {"operator, newest first", true, TextOrder::kNewest},
    {"member, by relevance", false, TextOrder::kRelevance},
    {"operator, by relevance", true, TextOrder::kRelevance},
    {"member, newest first, filtered, next page", false, TextOrder::kNewest, true, true},
    {"member, by relevance, filtered, next page", false, TextOrder::kRelevance, true, true},
    {"member, three collections", false, TextOrder::kNewest, false, false, 3},
};

class TextPlanTest : public QueryPlanTest {};

TEST_F(TextPlanTest, AFullTextSearchReadsTheIndexOnceAsTheOuterLoop) {
  auto store = OpenStore(root_, OpenMode::kCreateIfMissing);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto coll = (*store)->directory().GetSetting(kSettingDefaultCollection);
  ASSERT_TRUE(coll.ok());
  for (const TextPlanCase& c : kTextCases) {
    TextSearch q;
    q.query.all = {{TextTerm{"malware", false}}, {TextTerm{"load", true}}};
    for (int i = 0; i < c.collections; ++i) {
      ScopedCollection sc;
      sc.collection = i == 0 ? *coll : "collection-" + std::to_string(i);
      if (c.unrestricted) {
        sc.scope.unrestricted = true;
      } else {
        sc.scope.keys = Keys("coll org:3 group:2");
      }
      q.in.push_back(sc);
    }
    q.order = c.order;
    if (c.filtered) {
      q.filter.types = {"indicator", "malware"};
      q.filter.providers = {3};
      q.filter.added_after = Ts("2020-01-01T00:00:00Z");
    }
    q.at.up_to_seq = 1000;  // as every search sets it (search::SearchText)
    if (c.paged) {
      q.at.before_seq = 500;
      q.at.offset = 2500;  // in the third window of a search by relevance
    }
    const std::vector<std::string> plan = Plan(sqlite_internal::TextSearchSql(q));
    std::string text;
    for (const std::string& line : plan) text += line + "\n";
    ASSERT_FALSE(plan.empty()) << c.name;
    EXPECT_EQ(plan[0].rfind("SCAN t VIRTUAL TABLE INDEX", 0), 0u) << c.name << ":\n" << text;
    for (size_t i = 1; i < plan.size(); ++i) {
      EXPECT_EQ(plan[i].find("SCAN"), std::string::npos) << c.name << ":\n" << text;
      EXPECT_EQ(plan[i].find(" t "), std::string::npos) << c.name << ":\n" << text;
    }
    // A hit's later versions and earlier copies are probed by the (id, version) key.
    EXPECT_EQ(text.find("objects_by_coll"), std::string::npos) << c.name << ":\n" << text;
    EXPECT_NE(text.find("INDEX sqlite_autoindex_objects_1 (id=? AND version>?)"), std::string::npos)
        << c.name << ":\n"
        << text;
    // Neither order sorts what the index gives: each walks it newest first and stops, newest
    // first at the page's end, by relevance at the end of the window it ranks (the previous
    // statement ranked every matching row, hundreds of thousands for a common word).
    EXPECT_EQ(text.find("TEMP B-TREE"), std::string::npos) << c.name << ":\n" << text;
  }
}

// A search by relevance ranks one window of kRelevanceWindow rows, newest first: its statement
// stops there (LIMIT), and a later page skips the windows before its own (OFFSET, a multiple of
// the window) instead of ranking them.
TEST_F(TextPlanTest, ASearchByRelevanceRanksOneWindowOfRows) {
  for (const size_t offset :
       {size_t{0}, size_t{10}, kRelevanceWindow - 1, kRelevanceWindow, 2 * kRelevanceWindow + 7}) {
    TextSearch q;
    q.query.all = {{TextTerm{"malware", false}}};
    q.in.push_back(ScopedCollection{"c", ReaderScope{Keys("coll org:3"), false}});
    q.order = TextOrder::kRelevance;
    q.at.up_to_seq = 100000;
    q.at.offset = offset;
    const sqlite::Sql sql = sqlite_internal::TextSearchSql(q);
    const size_t order = sql.text.find(" ORDER BY t.rowid DESC LIMIT ? OFFSET ?");
    ASSERT_NE(order, std::string::npos) << sql.text;
    EXPECT_EQ(sql.text.rfind("SELECT t.rowid, bm25(object_text, ", 0), 0u) << sql.text;
    ASSERT_GE(sql.params.size(), 2u);
    const auto param = [&](size_t from_end) {
      return std::get<int64_t>(sql.params[sql.params.size() - from_end]);
    };
    EXPECT_EQ(param(2), static_cast<int64_t>(kRelevanceWindow)) << offset;
    EXPECT_EQ(param(1), static_cast<int64_t>(offset / kRelevanceWindow * kRelevanceWindow))
        << offset;
  }
}

// A listing (a TextSearch without terms: what arrived lately) walks the rows newest first by
// their seq, without sorting them, from the bound `added_after` gives (found by the date index:
// date_added grows with seq) or from the newest; each row's later versions and earlier copies
// are probed by the (id, version) key as for full text.
TEST_F(TextPlanTest, AListingWalksTheRowsNewestFirstWithoutSorting) {
  auto store = OpenStore(root_, OpenMode::kCreateIfMissing);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto coll = (*store)->directory().GetSetting(kSettingDefaultCollection);
  ASSERT_TRUE(coll.ok());
  for (const bool unrestricted : {false, true}) {
    for (const bool recent : {false, true}) {
      for (const int collections : {1, 3}) {
        TextSearch q;
        for (int i = 0; i < collections; ++i) {
          ScopedCollection sc;
          sc.collection = i == 0 ? *coll : "collection-" + std::to_string(i);
          if (unrestricted) {
            sc.scope.unrestricted = true;
          } else {
            sc.scope.keys = Keys("coll org:3 group:2");
          }
          q.in.push_back(sc);
        }
        if (recent) q.filter.added_after = Ts("2026-01-01T00:00:00Z");
        q.at.up_to_seq = 1000;
        q.at.before_seq = 500;
        const std::string name = std::string(unrestricted ? "operator" : "member") +
                                 (recent ? ", added_after" : "") + ", " +
                                 std::to_string(collections) + " collection(s)";
        const std::vector<std::string> plan = Plan(sqlite_internal::TextSearchSql(q));
        std::string text;
        for (const std::string& line : plan) text += line + "\n";
        ASSERT_FALSE(plan.empty()) << name;
        EXPECT_EQ(text.find("TEMP B-TREE"), std::string::npos) << name << ":\n" << text;
        EXPECT_EQ(text.find("object_text"), std::string::npos) << name << ":\n" << text;
        EXPECT_NE(text.find("INDEX sqlite_autoindex_objects_1 (id=? AND version>?)"),
                  std::string::npos)
            << name << ":\n"
            << text;
        if (recent) {
          EXPECT_NE(text.find("objects_by_date_added (date_added<?)"), std::string::npos)
              << name << ":\n"
              << text;
        }
      }
    }
  }
}

}  // namespace
}  // namespace tessera::store
