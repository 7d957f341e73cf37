// The embedded SQLite backend of the Store interface.
//
// Durability: WAL journal with synchronous=FULL, so a commit has been fsync'ed to the WAL when
// COMMIT returns (with NORMAL a commit in WAL mode can be lost on power failure). One write
// transaction per Import call (a WriteSession of one batch) or per WriteSession, prepared
// statements reused across calls, and few indexes keep the cost per row low. 16 KiB pages (new
// stores) and a 64 MiB page cache cut the system calls of a large import and of its checkpoint.
//
// Concurrency: one writer connection behind a mutex; reads lease a connection from a pool
// (sqlite::Database), each with its own prepared statements, so TAXII reads run in parallel and
// never wait for an import to commit.

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string_view>
#include <system_error>
#include <unordered_map>

#include "store/schema_upgrade.h"
#include "store/sqlite_audit.h"
#include "store/sqlite_db.h"
#include "store/sqlite_directory.h"
#include "store/sqlite_store_internal.h"
#include "store/store.h"

namespace tessera::store {
namespace {

using sqlite::Connection;
using sqlite::Exec;
using sqlite::ResetOnExit;
using sqlite::Sql;
using sqlite::SqliteError;
using sqlite::Statement;

// The stored form of a version: fixed width (nanosecond digits), so that text order is time
// order; "" for the unversioned form.
std::string VersionKey(const std::optional<Timestamp>& v) {
  return v ? FormatTimestamp(*v, TimePrecision::kNanos) : std::string();
}

// The stored form of a grant list: FormatGrantKey of each key, separated by single spaces, with a
// leading and a trailing space (" coll org:7 group:3 "), so that instr(readers, ' org:7 ')
// matches whole keys. Private to this backend.
std::string EncodeReaders(std::span<const GrantKey> keys) {
  std::string out = " ";
  for (const GrantKey& k : keys) {
    AppendGrantKey(k, out);
    out.push_back(' ');
  }
  return out;
}

Result<std::vector<GrantKey>> DecodeReaders(std::string_view r) {
  std::vector<GrantKey> keys;
  if (r.size() < 3 || r.front() != ' ' || r.back() != ' ') {
    return Corrupt("a stored readers list is malformed: '" + std::string(r.substr(0, 100)) + "'");
  }
  size_t start = 1;
  while (start < r.size()) {
    const size_t end = r.find(' ', start);
    auto key = ParseGrantKey(r.substr(start, end - start));
    if (end == std::string_view::npos || !key) {
      return Corrupt("a stored readers list is malformed: '" + std::string(r.substr(0, 100)) + "'");
    }
    keys.push_back(*key);
    start = end + 1;
  }
  return keys;
}

// Columns every listing selects, in the order ReadRow expects.
constexpr std::string_view kRowColumns =
    "o.seq, o.date_added, c.id, o.type, o.id, o.spec_version, o.version, o.revoked, "
    "o.json, o.provider_org, o.readers";

// The same without the objects' JSON (CollectionQuery::with_json false).
constexpr std::string_view kRowColumnsWithoutJson =
    "o.seq, o.date_added, c.id, o.type, o.id, o.spec_version, o.version, o.revoked, "
    "'', o.provider_org, o.readers";

// Rows with their collection's uuid.
constexpr std::string_view kFrom = " FROM objects o JOIN collections c ON c.num = o.coll";

// The same for a query by id (CollectionQuery::ids). The unary '+' on o.coll here and on o.seq in
// CollectionWhere keeps SQLite from walking objects_by_coll (coll, seq) in seq order, which it
// prefers because it yields the ORDER BY without a sort, but which reads every row of the
// collection to find a few ids (hundreds of milliseconds on a million rows); the ids are probed
// on the (id, version, ...) key instead and the few rows found are sorted.
constexpr std::string_view kFromById = " FROM objects o JOIN collections c ON c.num = +o.coll";

// What the query of `q` reads from: kFromById when it names ids.
std::string_view FromFor(const CollectionQuery& q) { return q.ids.empty() ? kFrom : kFromById; }

// Reads the kRowColumns of the current row of `s`, which start at column `first`.
Result<StoredObject> ReadRow(const Statement& s, int first = 0) {
  StoredObject o;
  o.seq = s.ColumnInt(first + 0);
  o.date_added = Timestamp::FromMicros(s.ColumnInt(first + 1));
  o.collection = s.ColumnText(first + 2);
  o.type = s.ColumnText(first + 3);
  o.id = s.ColumnText(first + 4);
  o.spec_version = s.ColumnText(first + 5);
  const std::string version = s.ColumnText(first + 6);
  if (!version.empty()) {
    auto ts = ParseTimestamp(version);
    if (!ts.ok()) {
      return Corrupt("stored version of " + o.id + " is not a timestamp: " + version);
    }
    o.version = *ts;
  }
  o.revoked = s.ColumnInt(first + 7) != 0;
  o.json = s.ColumnText(first + 8);
  o.provider_org = s.ColumnInt(first + 9);
  TESSERA_ASSIGN_OR_RETURN(o.readers, DecodeReaders(s.ColumnView(first + 10)));
  return o;
}

// Steps `s` to the end, appending rows to `page`, at most `limit` (one more sets page.more) and,
// when max_json_bytes > 0, no row after the first whose JSON would bring the page past it.
Status ReadPage(Statement& s, size_t limit, ObjectPage& page, std::string_view what,
                size_t max_json_bytes = 0) {
  page.objects.reserve(std::min<size_t>(limit, 1000));
  size_t json_bytes = 0;
  while (true) {
    TESSERA_ASSIGN_OR_RETURN(bool row, s.Step(what));
    if (!row) return Status::Ok();
    if (page.objects.size() == limit) {
      page.more = true;
      return Status::Ok();
    }
    if (max_json_bytes > 0) {
      json_bytes += s.ColumnView(8).size();
      if (!page.objects.empty() && json_bytes > max_json_bytes) {
        page.more = true;
        return Status::Ok();
      }
    }
    TESSERA_ASSIGN_OR_RETURN(StoredObject o, ReadRow(s));
    page.objects.push_back(std::move(o));
  }
}

template <typename T>
void InList(Sql& sql, std::string_view column, const std::vector<T>& values) {
  sql.Add(" AND ").Add(column).Add(" IN (");
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) sql.Add(",");
    sql.Param(values[i]);
  }
  sql.Add(")");
}

// " AND (<alias>.readers has one of the keys)"; nothing for an unrestricted scope.
void AddVisibility(Sql& sql, std::string_view alias, const ReaderScope& scope) {
  if (scope.unrestricted) return;
  sql.Add(" AND (");
  for (size_t i = 0; i < scope.keys.size(); ++i) {
    if (i) sql.Add(" OR ");
    sql.Add("instr(")
        .Add(alias)
        .Add(".readers, ")
        .Param(EncodeReaders({&scope.keys[i], 1}))
        .Add(") > 0");
  }
  sql.Add(")");
}

Status CheckQuery(const CollectionQuery& q) {
  if (q.collection.empty()) return InvalidArgument("a collection listing needs a collection");
  if (q.limit == 0 || q.limit > kMaxListLimit) {
    return InvalidArgument("a listing limit must be 1.." + std::to_string(kMaxListLimit));
  }
  if (q.types.size() > kMaxQueryFilters || q.ids.size() > kMaxQueryFilters ||
      q.spec_versions.size() > kMaxQueryFilters || q.versions.size() > kMaxQueryFilters ||
      q.scope.keys.size() > kMaxQueryFilters || q.providers.size() > kMaxQueryFilters ||
      q.also.size() > 8) {
    return InvalidArgument("at most " + std::to_string(kMaxQueryFilters) +
                           " types, ids, spec versions, versions, reader keys and providers may be "
                           "asked for at once");
  }
  for (const GrantKey& k : q.scope.keys) {
    if (!IsValidGrantKey(k)) return InvalidArgument("not a reader key: " + FormatGrantKey(k));
  }
  return Status::Ok();
}

// The WHERE clause (after kFrom + " WHERE ") of what `q` selects. `later_copies`: whether the
// rows may include a later copy (LaterCopiesMayBeListed); when not, no row is asked for an
// earlier copy.
void CollectionWhere(const CollectionQuery& q, bool later_copies, Sql& sql) {
  // By id, the seq bounds filter the rows found; they must not choose the index (kFromById).
  const std::string_view seq = q.ids.empty() ? " AND o.seq" : " AND +o.seq";
  sql.Add("c.id = ").Param(q.collection).Add(seq).Add(" > ").Param(q.after_seq);
  if (q.up_to_seq > 0) sql.Add(seq).Add(" <= ").Param(q.up_to_seq);
  if (!q.types.empty()) InList(sql, "o.type", q.types);
  if (!q.ids.empty()) InList(sql, "o.id", q.ids);
  if (!q.spec_versions.empty()) InList(sql, "o.spec_version", q.spec_versions);
  if (q.added_after) sql.Add(" AND o.date_added > ").Param(q.added_after->ToMicros());
  AddVisibility(sql, "o", q.scope);

  if (!q.providers.empty()) InList(sql, "o.provider_org", q.providers);

  std::vector<VersionMatch> selectors = {q.match};
  selectors.insert(selectors.end(), q.also.begin(), q.also.end());
  const bool all =
      std::find(selectors.begin(), selectors.end(), VersionMatch::kAll) != selectors.end();
  // One copy per (id, version): when several organizations contributed the same version and the
  // reader sees more than one of their rows, the earliest visible one (lowest seq) stands for
  // them. Only a row stored as a later copy (schema 5's later_copy) can have an earlier one, so
  // the probe runs for those rows alone. The '+' keeps SQLite on the (id, version, ...) key (see
  // below).
  if (q.copies == Copies::kOnePerVersion && later_copies) {
    sql.Add(
        " AND (o.later_copy = 0 OR NOT EXISTS (SELECT 1 FROM objects d WHERE d.id = o.id "
        "AND d.version = o.version AND +d.coll = o.coll AND d.seq < o.seq");
    AddVisibility(sql, "d", q.scope);
    sql.Add("))");
  }
  if (all) return;
  sql.Add(" AND (");
  bool first_part = true;
  for (VersionMatch m : selectors) {
    if (!first_part) sql.Add(" OR ");
    first_part = false;
    if (m == VersionMatch::kExact) {
      if (q.versions.empty()) {
        sql.Add("0");
        continue;
      }
      sql.Add("o.version IN (");
      for (size_t i = 0; i < q.versions.size(); ++i) {
        if (i) sql.Add(",");
        sql.Param(VersionKey(q.versions[i]));
      }
      sql.Add(")");
      continue;
    }
    // The newest (oldest) version among those the reader sees. The unary '+' keeps SQLite from
    // probing objects_by_coll (coll, seq) for `n`, which scans the whole collection per row
    // (80 us per object of a 1,000-object collection, growing with its size); the probe must be
    // the (id, version) key.
    sql.Add("NOT EXISTS (SELECT 1 FROM objects n WHERE n.id = o.id AND +n.coll = o.coll")
        .Add(m == VersionMatch::kLast ? " AND n.version > o.version"
                                      : " AND n.version < o.version");
    if (q.up_to_seq > 0) sql.Add(" AND +n.seq <= ").Param(q.up_to_seq);
    AddVisibility(sql, "n", q.scope);
    sql.Add(")");
  }
  sql.Add(")");
}

// SELECT `columns` of the rows ListCollection(q) returns, in seq order, one more than q.limit
// (which tells whether there are more).
Sql CollectionSelect(const CollectionQuery& q, bool later_copies, std::string_view columns) {
  Sql sql;
  sql.Add("SELECT ").Add(columns).Add(FromFor(q)).Add(" WHERE ");
  CollectionWhere(q, later_copies, sql);
  sql.Add(" ORDER BY o.seq LIMIT ").Param(static_cast<int64_t>(q.limit) + 1);
  return sql;
}

// The stored form of a status's entries (the statuses.details column):
// {"successes":[{"id":..,"version":..,"message":..},...],"failures":[...],"pendings":[...]}.
// Written directly: a POST of 1,000 objects stores 1,000 entries.
std::string StatusDetails(const StatusRecord& r) {
  std::string out;
  size_t size = 64;
  for (const auto* list : {&r.successes, &r.failures, &r.pendings}) {
    for (const StatusEntry& e : *list)
      size += e.id.size() + e.version.size() + e.message.size() + 40;
  }
  out.reserve(size);
  auto add = [&out](std::string_view name, const std::vector<StatusEntry>& entries) {
    out += '"';
    out += name;
    out += "\":[";
    for (size_t i = 0; i < entries.size(); ++i) {
      const StatusEntry& e = entries[i];
      out += i ? ",{\"id\":" : "{\"id\":";
      out += boost::json::serialize(boost::json::string_view(e.id));
      out += ",\"version\":";
      out += boost::json::serialize(boost::json::string_view(e.version));
      out += ",\"message\":";
      out += boost::json::serialize(boost::json::string_view(e.message));
      out += '}';
    }
    out += ']';
  };
  out += '{';
  add("successes", r.successes);
  out += ',';
  add("failures", r.failures);
  out += ',';
  add("pendings", r.pendings);
  out += '}';
  return out;
}

Result<std::vector<StatusEntry>> EntriesFromJson(const boost::json::value* v) {
  std::vector<StatusEntry> out;
  if (v == nullptr) return out;
  const auto* a = v->if_array();
  if (a == nullptr) return Corrupt("stored status details are not a list");
  for (const auto& item : *a) {
    const auto* o = item.if_object();
    if (o == nullptr) return Corrupt("a stored status entry is not an object");
    StatusEntry e;
    auto text = [o](const char* key) -> std::string {
      const auto* p = o->if_contains(key);
      return p && p->is_string() ? std::string(p->get_string()) : std::string();
    };
    e.id = text("id");
    e.version = text("version");
    e.message = text("message");
    out.push_back(std::move(e));
  }
  return out;
}

constexpr std::string_view kDefaultSpecVersion = "2.1";

Status CheckPlacementCount(std::span<const stix::Object> objects,
                           std::span<const Placement> placements) {
  if (objects.size() == placements.size()) return Status::Ok();
  return InvalidArgument("every object needs its placement (" + std::to_string(objects.size()) +
                         " objects, " + std::to_string(placements.size()) + " placements)");
}

Status CheckStatus(const StatusRecord& r) {
  if (r.id.empty() || r.id.size() > kMaxNameBytes) {
    return InvalidArgument("a status needs an id");
  }
  if (r.status != "complete" && r.status != "pending") {
    return InvalidArgument("a status is 'complete' or 'pending', not '" + r.status + "'");
  }
  return Status::Ok();
}

// Store::ReadHoldings of objects[i] with placements[i] on connection `c`, appended to `out`,
// inside the caller's transaction (a reader's snapshot, or a write session's own transaction).
Status ReadHoldingsOn(Connection& c, std::span<const stix::Object> objects,
                      std::span<const Placement> placements, std::vector<Holding>& out) {
  const std::string select =
      std::string("SELECT ") + std::string(kRowColumns) + std::string(kFrom) + " WHERE o.id = ?1";
  // Whether the id is held at all: an index probe without a join or a sort, for the usual
  // case of a new id.
  TESSERA_ASSIGN_OR_RETURN(Statement * held_id,
                           c.Prepared("SELECT 1 FROM objects WHERE id = ?1 LIMIT 1"));
  TESSERA_ASSIGN_OR_RETURN(Statement * first, c.Prepared(select + " ORDER BY o.seq LIMIT 1"));
  TESSERA_ASSIGN_OR_RETURN(Statement * of_version,
                           c.Prepared(select + " AND o.version = ?2 ORDER BY o.seq LIMIT 1"));
  // The key Import deduplicates on: (id, version, collection, provider).
  TESSERA_ASSIGN_OR_RETURN(
      Statement * kept,
      c.Prepared(select + " AND o.version = ?2 AND c.id = ?3 AND o.provider_org = ?4"));
  // Whether a row was read into `into`.
  auto read_row = [](Statement& s, StoredObject& into) -> Result<bool> {
    ResetOnExit reset(s);
    TESSERA_ASSIGN_OR_RETURN(bool row, s.Step("reading what the store holds of an object"));
    if (row) {
      TESSERA_ASSIGN_OR_RETURN(into, ReadRow(s));
    }
    return row;
  };
  StoredObject row;
  for (size_t i = 0; i < objects.size(); ++i) {
    {
      ResetOnExit reset(*held_id);
      held_id->BindText(1, objects[i].id);
      TESSERA_ASSIGN_OR_RETURN(bool any, held_id->Step("looking up an object's id"));
      if (!any) continue;  // the usual case: a new id, nothing else to read
    }
    first->BindText(1, objects[i].id);
    TESSERA_ASSIGN_OR_RETURN(bool held, read_row(*first, row));
    if (!held) continue;
    Holding& h = out.emplace_back();
    h.index = i;
    h.first = std::move(row);
    const std::string version = VersionKey(objects[i].Version());
    of_version->BindText(1, objects[i].id);
    of_version->BindText(2, version);
    TESSERA_ASSIGN_OR_RETURN(held, read_row(*of_version, row));
    if (!held) continue;
    h.first_of_version = std::move(row);
    kept->BindText(1, objects[i].id);
    kept->BindText(2, version);
    kept->BindText(3, placements[i].collection);
    kept->BindInt(4, placements[i].provider_org);
    TESSERA_ASSIGN_OR_RETURN(held, read_row(*kept, row));
    if (held) h.kept = std::move(row);
  }
  return Status::Ok();
}

// One batch of an import, checked, with what can be computed before the writer's serialized
// section: the rows' version keys and reader lists, the collections it names. The spans and
// views point into the caller's objects and placements.
struct PreparedBatch {
  std::span<const stix::Object> objects;
  std::span<const Placement> placements;
  std::vector<std::string> versions;  // VersionKey of each object
  std::vector<std::string> readers;   // EncodeReaders of each placement
  std::set<std::string_view> collections;
};

// kInvalidArgument unless `keys` obey Placement::search_keys's limits.
Status CheckSearchKeys(std::span<const std::string> keys) {
  if (keys.size() > kMaxSearchKeysPerRow) {
    return InvalidArgument("a row is filed under at most " + std::to_string(kMaxSearchKeysPerRow) +
                           " search keys, not " + std::to_string(keys.size()));
  }
  for (const std::string& k : keys) {
    if (k.empty() || k.size() > kMaxSearchKeyBytes) {
      return InvalidArgument("a search key is 1.." + std::to_string(kMaxSearchKeyBytes) +
                             " bytes, not " + std::to_string(k.size()));
    }
  }
  return Status::Ok();
}

using sqlite::DigestOfSearchKey;
using sqlite::SearchKeyDigest;

// The search keys of the rows a write session stores, filed in the index in digest order when
// there are kFlushEntries of them and before the session commits. The index is a B-tree on
// (digest, seq): keys in digest order touch each of its pages once per flush, where keys in row
// order touch a page each, and an import of millions of rows would read and write back a page
// per key once the index outgrows SQLite's cache. Nothing reads the index inside a session, so
// filing a key later in the same transaction is invisible. Memory: kFlushEntries entries (24
// bytes each) plus the keys of one row (kMaxSearchKeysPerRow): the caller flushes when Full
// after each row.
class PendingSearchKeys {
 public:
  static constexpr size_t kFlushEntries = size_t{1} << 20;

  void Add(int64_t seq, std::span<const std::string> keys) {
    // Room for a whole flush once a quarter of it waits, not for every small write session.
    if (entries_.size() + keys.size() > entries_.capacity() &&
        entries_.size() >= kFlushEntries / 4) {
      entries_.reserve(kFlushEntries + kMaxSearchKeysPerRow);
    }
    for (const std::string& k : keys) entries_.emplace_back(DigestOfSearchKey(k), seq);
  }
  bool Full() const { return entries_.size() >= kFlushEntries; }

  // Files every pending key inside the caller's write transaction and forgets them (keeping
  // their room for the next ones).
  Status Flush(Connection& c) {
    std::sort(entries_.begin(), entries_.end());
    entries_.erase(std::unique(entries_.begin(), entries_.end()), entries_.end());
    TESSERA_ASSIGN_OR_RETURN(
        Statement * s, c.Prepared("INSERT OR IGNORE INTO search_keys (key, seq) VALUES (?1, ?2)"));
    for (const auto& [digest, seq] : entries_) {
      ResetOnExit reset(*s);
      s->BindBlob(1, digest);
      s->BindInt(2, seq);
      TESSERA_RETURN_IF_ERROR(s->Run("filing a row in the search index"));
    }
    entries_.clear();
    return Status::Ok();
  }

 private:
  std::vector<std::pair<SearchKeyDigest, int64_t>> entries_;
};

// Files row `seq` in the full-text index under `text`, inside the caller's write transaction;
// nothing when it has no words. One prepared statement; the text is bound, not copied.
Status InsertObjectText(Connection& c, int64_t seq, const stix::FullText& text) {
  if (text.empty()) return Status::Ok();
  TESSERA_ASSIGN_OR_RETURN(Statement * s,
                           c.Prepared("INSERT INTO object_text (rowid, name, description, labels, "
                                      "aliases) VALUES (?1, ?2, ?3, ?4, ?5)"));
  ResetOnExit reset(*s);
  s->BindInt(1, seq);
  const std::string_view fields[] = {text.name(), text.description(), text.labels(),
                                     text.aliases()};
  for (int i = 0; i < 4; ++i) {
    if (fields[i].empty()) {
      s->BindNull(i + 2);
    } else {
      s->BindText(i + 2, fields[i]);
    }
  }
  return s->Run("filing a row in the full-text index");
}

// InsertObjectText of `o`'s words: those the reader read, else (an object built in code) those
// of its JSON.
Status InsertObjectText(Connection& c, int64_t seq, const stix::Object& o) {
  if (o.text) return InsertObjectText(c, seq, *o.text);
  return InsertObjectText(c, seq, stix::ReadFullText(o.json));
}

// kInvalidArgument as Store::Import says.
Result<PreparedBatch> PrepareBatch(std::span<const stix::Object> objects,
                                   std::span<const Placement> placements) {
  TESSERA_RETURN_IF_ERROR(CheckPlacementCount(objects, placements));
  for (const stix::Object& o : objects) {
    if (o.id.empty() || o.type.empty()) {
      return InvalidArgument("an object without a type or id cannot be stored");
    }
  }
  PreparedBatch batch{objects, placements, {}, {}, {}};
  for (const Placement& p : placements) {
    if (p.collection.empty()) return InvalidArgument("a placement needs a collection");
    if (p.provider_org < 0) return InvalidArgument("a provider organization id is >= 0");
    if (p.readers.empty() || p.readers.size() > kMaxReaderKeys) {
      return InvalidArgument("a placement needs 1.." + std::to_string(kMaxReaderKeys) +
                             " reader keys, not " + std::to_string(p.readers.size()));
    }
    for (const GrantKey& k : p.readers) {
      if (!IsValidGrantKey(k)) return InvalidArgument("not a reader key: " + FormatGrantKey(k));
    }
    TESSERA_RETURN_IF_ERROR(CheckSearchKeys(p.search_keys));
    batch.collections.insert(p.collection);
  }
  batch.versions.reserve(objects.size());
  batch.readers.reserve(objects.size());
  for (size_t i = 0; i < objects.size(); ++i) {
    batch.versions.push_back(VersionKey(objects[i].Version()));
    batch.readers.push_back(EncodeReaders(placements[i].readers));
  }
  return batch;
}

// Whether `o` equals, as JSON, the stored row (o.id, version, collection, provider) (property
// order and white space aside). On the writer, inside its transaction.
Result<bool> SameAsStored(Connection& c, int64_t coll, int64_t provider, const stix::Object& o,
                          const std::string& version) {
  TESSERA_ASSIGN_OR_RETURN(Statement * s,
                           c.Prepared("SELECT json FROM objects WHERE id = ?1 AND version = ?2 AND "
                                      "coll = ?3 AND provider_org = ?4"));
  ResetOnExit reset(*s);
  s->BindText(1, o.id);
  s->BindText(2, version);
  s->BindInt(3, coll);
  s->BindInt(4, provider);
  TESSERA_ASSIGN_OR_RETURN(bool row, s->Step("reading " + o.id));
  const std::string stored = row ? s->ColumnText(0) : std::string();
  if (stored == o.json) return true;  // the usual case: the same file imported again
  boost::system::error_code ec1, ec2;
  const boost::json::value a = boost::json::parse(stored, ec1);
  const boost::json::value b = boost::json::parse(o.json, ec2);
  return !ec1 && !ec2 && a == b;
}

// Stores batch.objects[i] with batch.placements[i] inside the caller's write transaction, on
// the writer; the search keys of the rows it adds go to `keys`.
Result<ImportSummary> ImportLocked(Connection& c, const PreparedBatch& batch,
                                   PendingSearchKeys& keys) {
  // Each collection's integer key; usually one collection per call.
  std::vector<std::pair<std::string_view, int64_t>> nums;
  {
    TESSERA_ASSIGN_OR_RETURN(Statement * s,
                             c.Prepared("SELECT num FROM collections WHERE id = ?1"));
    for (std::string_view coll : batch.collections) {
      ResetOnExit reset(*s);
      s->BindText(1, coll);
      TESSERA_ASSIGN_OR_RETURN(bool row, s->Step("checking a collection"));
      if (!row) return NotFound("no collection " + std::string(coll));
      nums.emplace_back(coll, s->ColumnInt(0));
    }
  }
  auto num_of = [&nums](std::string_view coll) {
    for (const auto& [id, num] : nums) {
      if (id == coll) return num;
    }
    return int64_t{0};  // unreachable: every placement's collection was looked up above
  };
  ImportSummary summary;
  TESSERA_ASSIGN_OR_RETURN(
      int64_t last_added,
      sqlite::QueryInt(c.db(), "SELECT coalesce(max(date_added), 0) FROM objects",
                       "reading the last date_added"));
  int64_t next_added = std::max(Timestamp::Now().ToMicros(), last_added + 1);

  TESSERA_ASSIGN_OR_RETURN(
      Statement * insert,
      c.Prepared("INSERT INTO objects (coll, id, version, type, spec_version, date_added, "
                 "revoked, json, provider_org, readers, later_copy) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, EXISTS (SELECT 1 FROM "
                 "objects WHERE id = ?2 AND version = ?3 AND coll = ?1)) "
                 "ON CONFLICT (id, version, coll, provider_org) DO NOTHING"));
  Statement& s = *insert;
  for (size_t i = 0; i < batch.objects.size(); ++i) {
    const stix::Object& o = batch.objects[i];
    const Placement& p = batch.placements[i];
    const std::string& version = batch.versions[i];
    const std::string_view spec =
        o.spec_version.empty() ? kDefaultSpecVersion : std::string_view(o.spec_version);
    const int64_t coll = num_of(p.collection);
    s.BindInt(1, coll);
    s.BindText(2, o.id);
    s.BindText(3, version);
    s.BindText(4, o.type);
    s.BindText(5, spec);
    s.BindInt(6, next_added);
    s.BindInt(7, o.revoked ? 1 : 0);
    s.BindText(8, o.json);
    s.BindInt(9, p.provider_org);
    s.BindText(10, batch.readers[i]);
    const int rc = sqlite3_step(s.get());
    if (rc != SQLITE_DONE) {
      Status st = SqliteError(c.db(), rc, "storing " + o.id);
      s.Reset();
      return st;
    }
    s.Reset();
    if (sqlite3_changes(c.db()) == 1) {
      const int64_t seq = sqlite3_last_insert_rowid(c.db());
      keys.Add(seq, p.search_keys);
      if (keys.Full()) TESSERA_RETURN_IF_ERROR(keys.Flush(c));
      TESSERA_RETURN_IF_ERROR(InsertObjectText(c, seq, o));
      if (summary.first_seq == 0) summary.first_seq = seq;
      summary.last_seq = seq;
      ++summary.added;
      ++next_added;
    } else {
      ++summary.already_present;
      TESSERA_ASSIGN_OR_RETURN(bool same, SameAsStored(c, coll, p.provider_org, o, version));
      if (!same) {
        if (summary.conflicting_ids.size() < kMaxReportedConflicts) {
          summary.conflicting_ids.push_back(o.id);
        }
        ++summary.conflicting;
      }
    }
  }
  return summary;
}

// On the writer, inside a transaction.
// Stores r, whose entries are `details` (StatusDetails(r)), inside the caller's write
// transaction.
Status PutStatusLocked(Connection& c, const StatusRecord& r, const std::string& details) {
  TESSERA_ASSIGN_OR_RETURN(
      Statement * s,
      c.Prepared("INSERT OR REPLACE INTO statuses (id, api_root, collection, owner_user, "
                 "owner_org, request_timestamp, status, total_count, success_count, "
                 "failure_count, pending_count, details) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"));
  ResetOnExit reset(*s);
  s->BindText(1, r.id);
  s->BindText(2, r.api_root);
  s->BindText(3, r.collection);
  s->BindInt(4, r.owner_user);
  s->BindInt(5, r.owner_org);
  s->BindInt(6, r.request_timestamp.ToMicros());
  s->BindText(7, r.status);
  s->BindInt(8, r.total_count);
  s->BindInt(9, r.success_count);
  s->BindInt(10, r.failure_count);
  s->BindInt(11, r.pending_count);
  s->BindText(12, details);
  return s->Run("storing status " + r.id);
}

// The SQLite WriteSession: the writer lease and one BEGIN IMMEDIATE transaction on it, from Begin
// until Commit or Rollback. Store::Import and ImportWithStatus are sessions of one batch.
class SqliteWriteSession final : public WriteSession {
 public:
  // Takes the writer (waiting for this process's other writers) and begins the transaction.
  static Result<std::unique_ptr<SqliteWriteSession>> Begin(sqlite::Database& db) {
    sqlite::Database::WriterLease lease = db.LeaseWriter();
    TESSERA_RETURN_IF_ERROR(
        Exec(lease.connection().db(), "BEGIN IMMEDIATE", "starting a write to the store"));
    return std::unique_ptr<SqliteWriteSession>(new SqliteWriteSession(std::move(lease)));
  }
  ~SqliteWriteSession() override { Rollback(); }
  SqliteWriteSession(const SqliteWriteSession&) = delete;
  SqliteWriteSession& operator=(const SqliteWriteSession&) = delete;

  Result<std::vector<Holding>> ReadHoldings(std::span<const stix::Object> objects,
                                            std::span<const Placement> placements) override {
    TESSERA_RETURN_IF_ERROR(ended_);
    TESSERA_RETURN_IF_ERROR(CheckPlacementCount(objects, placements));
    std::vector<Holding> out;
    if (Status st = ReadHoldingsOn(lease_->connection(), objects, placements, out); !st.ok()) {
      return End(st);
    }
    return out;
  }

  Result<ImportSummary> Import(std::span<const stix::Object> objects,
                               std::span<const Placement> placements) override {
    TESSERA_RETURN_IF_ERROR(ended_);
    TESSERA_ASSIGN_OR_RETURN(PreparedBatch batch, PrepareBatch(objects, placements));
    return ImportPrepared(batch);
  }

  // Import of a batch PrepareBatch made.
  Result<ImportSummary> ImportPrepared(const PreparedBatch& batch) {
    TESSERA_RETURN_IF_ERROR(ended_);
    auto summary = ImportLocked(lease_->connection(), batch, pending_keys_);
    if (!summary.ok()) return End(summary.status());
    audited_.Add(*summary);
    return summary;
  }

  Result<CollectionInfo> CreateCollection(const CollectionInfo& info) override {
    TESSERA_RETURN_IF_ERROR(ended_);
    return DirectoryChange(InsertNewCollectionOn(lease_->connection(), info));
  }

  Result<CollectionInfo> UpdateCollection(const CollectionInfo& info) override {
    TESSERA_RETURN_IF_ERROR(ended_);
    return DirectoryChange(UpdateCollectionOn(lease_->connection(), info));
  }

  // What a directory change in the session gave: any failure ends the session (a refused change
  // may have written part of itself: the collection row before one of its grants).
  Result<CollectionInfo> DirectoryChange(Result<CollectionInfo> made) {
    if (!made.ok()) return End(made.status());
    return made;
  }

  // Stores `status`, whose entries are `details` (StatusDetails), in the session's transaction.
  Status PutStatus(const StatusRecord& status, const std::string& details) {
    TESSERA_RETURN_IF_ERROR(ended_);
    if (Status st = PutStatusLocked(lease_->connection(), status, details); !st.ok()) {
      return End(st);
    }
    status_id_ = status.id;
    status_failures_ = status.failure_count;
    return Status::Ok();
  }

  Status Commit() override {
    TESSERA_RETURN_IF_ERROR(ended_);
    if (Status st = pending_keys_.Flush(lease_->connection()); !st.ok()) return End(st);
    // One audit entry for the whole write (store/audit_log.h), with its counts.
    std::string counts = "added " + std::to_string(audited_.added) + ", already present " +
                         std::to_string(audited_.already_present);
    if (audited_.conflicting > 0) {
      counts += " (" + std::to_string(audited_.conflicting) + " conflicting)";
    }
    if (!status_id_.empty()) {
      counts += ", refused " + std::to_string(status_failures_) + ", status " + status_id_;
    }
    if (Status st = sqlite::AppendScopedAudit(lease_->database(), lease_->connection(), counts);
        !st.ok()) {
      return End(st);
    }
    if (Status st = Exec(lease_->connection().db(), "COMMIT", "committing a write to the store");
        !st.ok()) {
      return End(st);
    }
    lease_.reset();
    ended_ = Internal("a write session was used after its commit");
    return Status::Ok();
  }

  void Rollback() override {
    if (ended_.ok()) End(Internal("a write session was used after its rollback")).ok();
  }

 private:
  explicit SqliteWriteSession(sqlite::Database::WriterLease lease) : lease_(std::move(lease)) {}

  // What the session wrote, for its audit entry.
  ImportSummary audited_;
  std::string status_id_;
  int64_t status_failures_ = 0;

  // Rolls back what the session wrote, hands the writer back and returns `why`, which every
  // later call returns.
  Status End(Status why) {
    // ROLLBACK can only fail when SQLite already rolled back.
    Exec(lease_->connection().db(), "ROLLBACK", "rolling back").ok();
    lease_.reset();
    ended_ = why;
    return why;
  }

  std::optional<sqlite::Database::WriterLease> lease_;  // held while the session is open
  Status ended_;                    // why the session is over; ok while it is open
  PendingSearchKeys pending_keys_;  // of the rows stored, filed by Commit at the latest
};

// Whether the search index files every row (no kSettingSearchIndex mark).
Result<bool> SearchIndexComplete(Connection& c) {
  TESSERA_ASSIGN_OR_RETURN(Statement * s, c.Prepared("SELECT 1 FROM settings WHERE key = ?1"));
  ResetOnExit reset(*s);
  s->BindText(1, kSettingSearchIndex);
  TESSERA_ASSIGN_OR_RETURN(bool marked, s->Step("reading the search index's state"));
  return !marked;
}

// kUnavailable unless the search index files every row.
Status CheckSearchIndexComplete(Connection& c) {
  TESSERA_ASSIGN_OR_RETURN(bool complete, SearchIndexComplete(c));
  if (!complete) {
    return Unavailable(
        "the search index does not hold the objects stored before it was made yet: run "
        "`tessera search reindex`");
  }
  return Status::Ok();
}

// A search's `sql` on a reader, in one read transaction, once the index is complete: at most
// `limit` rows, each read by `read` (a statement's row to a Page::rows element), and whether
// more matched.
template <typename Page, typename Read>
Result<Page> SearchOn(Connection& c, size_t limit, const Sql& sql, Read read) {
  TESSERA_RETURN_IF_ERROR(Exec(c.db(), "BEGIN", "searching"));
  auto page = [&]() -> Result<Page> {
    TESSERA_RETURN_IF_ERROR(CheckSearchIndexComplete(c));
    TESSERA_ASSIGN_OR_RETURN(Statement * s, c.Prepared(sql.text));
    ResetOnExit reset(*s);
    sql.Bind(*s);
    Page out;
    while (true) {
      TESSERA_ASSIGN_OR_RETURN(bool row, s->Step("searching"));
      if (!row) break;
      if (out.rows.size() == limit) {
        out.more = true;
        break;
      }
      TESSERA_ASSIGN_OR_RETURN(auto r, read(*s));
      out.rows.push_back(std::move(r));
    }
    return out;
  }();
  Exec(c.db(), page.ok() ? "COMMIT" : "ROLLBACK", "searching").ok();
  return page;
}

// kInvalidArgument when `f` asks for more than kMaxQueryFilters types or providers.
Status CheckRowFilter(const RowFilter& f) {
  if (f.types.size() > kMaxQueryFilters || f.providers.size() > kMaxQueryFilters) {
    return InvalidArgument("a search filters by at most " + std::to_string(kMaxQueryFilters) +
                           " types and as many producers");
  }
  return Status::Ok();
}

// " AND ..." for each filter of `f` on the row `o`: in SQL, on its columns, so that an index on
// them can serve it.
void AddRowFilter(Sql& sql, const RowFilter& f) {
  if (!f.types.empty()) InList(sql, "o.type", f.types);
  if (!f.providers.empty()) InList(sql, "o.provider_org", f.providers);
  if (f.added_after) sql.Add(" AND o.date_added > ").Param(f.added_after->ToMicros());
  if (f.added_before) sql.Add(" AND o.date_added < ").Param(f.added_before->ToMicros());
  if (f.modified_after || f.modified_before) sql.Add(" AND o.version <> ''");
  if (f.modified_after) sql.Add(" AND o.version > ").Param(VersionKey(f.modified_after));
  if (f.modified_before) sql.Add(" AND o.version < ").Param(VersionKey(f.modified_before));
  if (f.revoked) sql.Add(" AND o.revoked = ").Param(int64_t{*f.revoked ? 1 : 0});
}

// " AND <filter's conditions> AND (0 OR (c.id = <collection> AND <the rows its scope sees>
// <extra>) OR ...)": the rows `filter` keeps among those the scope of their collection sees
// (none where a scope sees nothing); extra(sql, collection) adds to each collection's branch.
template <typename Extra>
void AddScopedRows(Sql& sql, const RowFilter& filter, std::span<const ScopedCollection> in,
                   Extra extra) {
  AddRowFilter(sql, filter);
  sql.Add(" AND (0");
  for (const ScopedCollection& sc : in) {
    if (!sc.scope.unrestricted && sc.scope.keys.empty()) continue;  // sees nothing there
    sql.Add(" OR (c.id = ").Param(sc.collection);
    AddVisibility(sql, "o", sc.scope);
    extra(sql, sc);
    sql.Add(")");
  }
  sql.Add(")");
}

// A term as an FTS5 string: its words between double quotes (a quote inside doubled), so that
// nothing a user typed is FTS5 syntax (a column filter, NEAR, ^, AND), then '*' for a prefix.
void AddFts5Term(const TextTerm& t, std::string& out) {
  out.push_back('"');
  for (char ch : t.words) {
    if (ch == '"') out.push_back('"');
    out.push_back(ch);
  }
  out.push_back('"');
  if (t.prefix) out.push_back('*');
}

// "(a OR b)", the terms of one group.
void AddFts5Group(std::span<const TextTerm> group, std::string& out) {
  out.push_back('(');
  for (size_t i = 0; i < group.size(); ++i) {
    if (i) out += " OR ";
    AddFts5Term(group[i], out);
  }
  out.push_back(')');
}

// The FTS5 expression of `q`: "(a OR b) AND (c) NOT (d OR e)".
std::string Fts5Expression(const TextQuery& q) {
  std::string out;
  for (size_t i = 0; i < q.all.size(); ++i) {
    if (i) out += " AND ";
    AddFts5Group(q.all[i], out);
  }
  if (!q.none.empty()) {
    out += " NOT ";
    AddFts5Group(q.none, out);
  }
  return out;
}

// kInvalidArgument when `q` breaks TextSearch's limits.
Status CheckTextSearch(const TextSearch& q) {
  const auto has_words = [](const TextTerm& t) { return !t.words.empty(); };
  if (q.query.all.empty() && !q.query.none.empty()) {
    return InvalidArgument("a full-text query needs a term that is not excluded");
  }
  if (q.query.all.empty() && q.order == TextOrder::kRelevance) {
    return InvalidArgument("ordering by relevance needs words to search");
  }
  for (const std::vector<TextTerm>& group : q.query.all) {
    if (group.empty() || !std::all_of(group.begin(), group.end(), has_words)) {
      return InvalidArgument("a full-text query has an empty term");
    }
  }
  if (!std::all_of(q.query.none.begin(), q.query.none.end(), has_words)) {
    return InvalidArgument("a full-text query has an empty term");
  }
  if (q.in.size() > kMaxQueryFilters) {
    return InvalidArgument("a search looks in at most " + std::to_string(kMaxQueryFilters) +
                           " collections");
  }
  for (const ScopedCollection& sc : q.in) {
    if (sc.scope.keys.size() > kMaxQueryFilters) {
      return InvalidArgument("at most " + std::to_string(kMaxQueryFilters) +
                             " reader keys may be asked for at once");
    }
  }
  if (q.limit == 0 || q.limit > kMaxListLimit) {
    return InvalidArgument("a search limit must be 1.." + std::to_string(kMaxListLimit));
  }
  if (q.at.up_to_seq < 0 || q.at.before_seq < 0) return InvalidArgument("a seq bound is >= 0");
  return CheckRowFilter(q.filter);
}

// The query of `q`. Each collection's branch reads the rows its scope sees there, each the
// newest version of its object the scope sees there (objects' (id, version, ...) key) and, of
// that version's copies, the earliest visible one (later_copy rows only, as listings do).
// kNewest: the rows, newest first, at most q.limit + 1. kRelevance: the window (store.h,
// TextSearch) that holds the row at q.at.offset, newest first as well, so that it stops at the
// window's end: each row's seq and its bm25 rank only (the caller ranks them and reads the rows
// it keeps: TextRowsSql).
Sql TextSearchSql(const TextSearch& q) {
  const bool relevance = q.order == TextOrder::kRelevance;
  // Without terms, the listing walks objects' rowid (seq) downwards from the newest; with them,
  // the full-text index's rows, whose rowid is the seq.
  const bool listing = q.query.all.empty();
  const char* seq = listing ? "o.seq" : "t.rowid";
  const int64_t up_to_seq = q.at.up_to_seq;
  Sql sql;
  // bm25's weights: a word in a name or an alias counts ten times one in a description, a label
  // three times.
  if (relevance) {
    sql.Add("SELECT t.rowid, bm25(object_text, 10.0, 1.0, 3.0, 10.0)");
  } else {
    sql.Add("SELECT ").Add(kRowColumns);
  }
  if (listing) {
    sql.Add(" FROM objects o JOIN collections c ON c.num = o.coll WHERE 1");
    // date_added grows strictly with seq (store.h), so `added_after` is a lower bound on seq
    // too: found by the date index, it stops the walk where the dates end instead of at the
    // first row of the store.
    if (q.filter.added_after) {
      sql.Add(" AND o.seq > coalesce((SELECT b.seq FROM objects b WHERE b.date_added <= ")
          .Param(q.filter.added_after->ToMicros())
          .Add(" ORDER BY b.date_added DESC LIMIT 1), 0)");
    }
  } else {
    sql.Add(
           " FROM object_text t JOIN objects o ON o.seq = t.rowid JOIN collections c ON c.num = "
           "o.coll WHERE object_text MATCH ")
        .Param(Fts5Expression(q.query));
  }
  if (up_to_seq > 0) sql.Add(" AND ").Add(seq).Add(" <= ").Param(up_to_seq);
  if (!relevance && q.at.before_seq > 0) {
    sql.Add(" AND ").Add(seq).Add(" < ").Param(q.at.before_seq);
  }
  AddScopedRows(sql, q.filter, q.in, [up_to_seq](Sql& branch, const ScopedCollection& sc) {
    // Each probes the (id, version, ...) key: '+' keeps SQLite from walking the collection by
    // objects_by_coll (coll, seq) instead, a million rows for each hit (query_plan_test.cpp).
    branch.Add(
        " AND NOT EXISTS (SELECT 1 FROM objects n WHERE n.id = o.id AND n.version > o.version "
        "AND +n.coll = o.coll");
    if (up_to_seq > 0) branch.Add(" AND +n.seq <= ").Param(up_to_seq);
    AddVisibility(branch, "n", sc.scope);
    branch.Add(
        ") AND (o.later_copy = 0 OR NOT EXISTS (SELECT 1 FROM objects e WHERE e.id = o.id AND "
        "e.version = o.version AND +e.coll = o.coll AND +e.seq < o.seq");
    AddVisibility(branch, "e", sc.scope);
    branch.Add("))");
  });
  if (relevance) {
    // The windows before it are skipped unranked (SQLite computes bm25 for the rows it returns).
    const size_t window = q.at.offset / kRelevanceWindow;
    sql.Add(" ORDER BY t.rowid DESC LIMIT ")
        .Param(static_cast<int64_t>(kRelevanceWindow))
        .Add(" OFFSET ")
        .Param(static_cast<int64_t>(window * kRelevanceWindow));
  } else {
    sql.Add(" ORDER BY ").Add(seq).Add(" DESC LIMIT ").Param(static_cast<int64_t>(q.limit) + 1);
  }
  return sql;
}

// The rows whose seqs the parameter lists (a JSON array), with their collection, in no order:
// the rows a search by relevance keeps. One statement for any number of rows, each found by its
// seq.
const std::string& TextRowsSql() {
  static const std::string sql = "SELECT " + std::string(kRowColumns) + std::string(kFrom) +
                                 " WHERE o.seq IN (SELECT value FROM json_each(?1))";
  return sql;
}

// Store::FindByText for kRelevance, inside a read transaction: ranks the window that holds the
// row at q.at.offset, and the next ones while the page is not full, then reads the rows it keeps.
Result<TextPage> RankedTextPage(Connection& c, const TextSearch& q) {
  struct Ranked {
    int64_t seq;
    double rank;  // bm25: the lower the better
  };
  std::vector<Ranked> kept;  // at most q.limit + 1: one more tells `more`
  TextSearch window = q;
  size_t first = q.at.offset % kRelevanceWindow;  // the first row wanted, in the window
  std::vector<Ranked> rows;
  rows.reserve(kRelevanceWindow);
  while (kept.size() <= q.limit) {
    const Sql sql = TextSearchSql(window);
    TESSERA_ASSIGN_OR_RETURN(Statement * s, c.Prepared(sql.text));
    ResetOnExit reset(*s);
    sql.Bind(*s);
    rows.clear();
    while (true) {
      TESSERA_ASSIGN_OR_RETURN(bool row, s->Step("ranking a full-text search"));
      if (!row) break;
      rows.push_back(Ranked{s->ColumnInt(0), s->ColumnDouble(1)});
    }
    // The best first, then the newest: rows arrive newest first and the sort is stable.
    std::stable_sort(rows.begin(), rows.end(),
                     [](const Ranked& a, const Ranked& b) { return a.rank < b.rank; });
    for (size_t i = first; i < rows.size() && kept.size() <= q.limit; ++i) kept.push_back(rows[i]);
    if (rows.size() < kRelevanceWindow) break;  // the last window
    // The next window, from its first row.
    window.at.offset = (window.at.offset / kRelevanceWindow + 1) * kRelevanceWindow;
    first = 0;
  }
  TextPage page;
  if (kept.size() > q.limit) {
    page.more = true;
    kept.pop_back();
  }
  if (kept.empty()) return page;
  std::string seqs = "[";
  for (const Ranked& r : kept) seqs += (seqs.size() > 1 ? "," : "") + std::to_string(r.seq);
  seqs += "]";
  TESSERA_ASSIGN_OR_RETURN(Statement * s, c.Prepared(TextRowsSql()));
  ResetOnExit reset(*s);
  s->BindText(1, seqs);
  std::map<int64_t, StoredObject> read;
  while (true) {
    TESSERA_ASSIGN_OR_RETURN(bool row, s->Step("reading the rows of a full-text search"));
    if (!row) break;
    TESSERA_ASSIGN_OR_RETURN(StoredObject o, ReadRow(*s));
    read.emplace(o.seq, std::move(o));
  }
  // In the same read transaction as the ranking: every row ranked is there.
  TextPosition after = q.at;
  for (const Ranked& r : kept) {
    auto it = read.find(r.seq);
    if (it == read.end()) return Corrupt("a ranked row vanished within one read transaction");
    ++after.offset;
    page.rows.push_back(TextRow{std::move(it->second), after});
  }
  return page;
}

// Store::RebuildSearchIndex inside the writer's transaction.
Status RebuildSearchIndexLocked(
    Connection& c, const std::function<std::vector<std::string>(const stix::Object&)>& keys_of) {
  TESSERA_RETURN_IF_ERROR(Exec(c.db(), "DELETE FROM search_keys", "emptying the search index"));
  PendingSearchKeys pending;
  TESSERA_RETURN_IF_ERROR(Exec(c.db(),
                               "INSERT INTO object_text (object_text) VALUES ('delete-all')",
                               "emptying the full-text index"));
  Statement rows;
  TESSERA_RETURN_IF_ERROR(
      rows.Prepare(c.db(), "SELECT seq, type, id, json FROM objects ORDER BY seq"));
  while (true) {
    TESSERA_ASSIGN_OR_RETURN(bool row, rows.Step("reading the rows to index"));
    if (!row) break;
    stix::Object o;
    o.type = rows.ColumnText(1);
    o.id = rows.ColumnText(2);
    o.json = rows.ColumnText(3);
    const std::vector<std::string> keys = keys_of(o);
    TESSERA_RETURN_IF_ERROR(CheckSearchKeys(keys));
    pending.Add(rows.ColumnInt(0), keys);
    if (pending.Full()) TESSERA_RETURN_IF_ERROR(pending.Flush(c));
    TESSERA_RETURN_IF_ERROR(InsertObjectText(c, rows.ColumnInt(0), stix::ReadFullText(o.json)));
  }
  TESSERA_RETURN_IF_ERROR(pending.Flush(c));
  TESSERA_ASSIGN_OR_RETURN(Statement * clear, c.Prepared("DELETE FROM settings WHERE key = ?1"));
  ResetOnExit reset(*clear);
  clear->BindText(1, kSettingSearchIndex);
  return clear->Run("marking the search index complete");
}

// The bytes of the pages of the tables and indexes whose name passes `where` (a condition on
// dbstat's `name`), where SQLite was built with the dbstat table; 0 where it was not.
int64_t PageBytes(Connection& c, std::string_view where) {
  const std::string sql = "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE " + std::string(where);
  auto bytes = sqlite::QueryInt(c.db(), sql.c_str(), "measuring the search index");
  return bytes.ok() ? *bytes : 0;
}

Result<SearchIndexStats> SearchIndexStatsOn(Connection& c) {
  SearchIndexStats stats;
  TESSERA_ASSIGN_OR_RETURN(stats.complete, SearchIndexComplete(c));
  TESSERA_ASSIGN_OR_RETURN(stats.keys, sqlite::QueryInt(c.db(), "SELECT count(*) FROM search_keys",
                                                        "counting the search index"));
  TESSERA_ASSIGN_OR_RETURN(stats.rows,
                           sqlite::QueryInt(c.db(), "SELECT count(DISTINCT seq) FROM search_keys",
                                            "counting the search index"));
  TESSERA_ASSIGN_OR_RETURN(stats.text_rows,
                           sqlite::QueryInt(c.db(), "SELECT count(*) FROM object_text_docsize",
                                            "counting the full-text index"));
  stats.bytes = PageBytes(c, "name IN ('search_keys', 'search_keys_by_seq')");
  // The FTS5 table's shadow tables (object_text_data, _idx, _docsize, _config).
  stats.text_bytes = PageBytes(c, "name LIKE 'object\\_text\\_%' ESCAPE '\\'");
  return stats;
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::unique_ptr<sqlite::Database> db)
      : db_(std::move(db)),
        directory_(NewSqliteDirectory(*db_)),
        audit_log_(sqlite::MakeAuditLog(*db_)) {}

  Result<ImportSummary> Import(std::span<const stix::Object> objects,
                               std::span<const Placement> placements) override {
    return ImportOnce(objects, placements, nullptr);
  }

  Result<ImportSummary> ImportWithStatus(std::span<const stix::Object> objects,
                                         std::span<const Placement> placements,
                                         const StatusRecord& status) override {
    return ImportOnce(objects, placements, &status);
  }

  Result<std::vector<Holding>> ReadHoldings(std::span<const stix::Object> objects,
                                            std::span<const Placement> placements) override {
    TESSERA_RETURN_IF_ERROR(CheckPlacementCount(objects, placements));
    std::vector<Holding> out;
    if (objects.empty()) return out;
    const Status read = db_->WithReader([&](Connection& c) -> Status {
      // One snapshot, and one read transaction instead of one per probe.
      TESSERA_RETURN_IF_ERROR(Exec(c.db(), "BEGIN", "reading what the store holds"));
      Status st = ReadHoldingsOn(c, objects, placements, out);
      if (st.ok()) st = Exec(c.db(), "COMMIT", "reading what the store holds");
      if (!st.ok()) Exec(c.db(), "ROLLBACK", "rolling back").ok();
      return st;
    });
    if (!read.ok()) return read;
    return out;
  }

  Result<std::unique_ptr<WriteSession>> BeginWrite() override {
    TESSERA_ASSIGN_OR_RETURN(std::unique_ptr<SqliteWriteSession> session,
                             SqliteWriteSession::Begin(*db_));
    return std::unique_ptr<WriteSession>(std::move(session));
  }

  Result<ObjectPage> ListCollection(const CollectionQuery& q) override {
    TESSERA_RETURN_IF_ERROR(CheckQuery(q));
    if (!q.scope.unrestricted && q.scope.keys.empty()) return ObjectPage{};  // sees nothing
    return db_->WithReader([&](Connection& c) -> Result<ObjectPage> {
      TESSERA_ASSIGN_OR_RETURN(bool later_copies, LaterCopiesMayBeListed(c, q));
      const Sql sql =
          CollectionSelect(q, later_copies, q.with_json ? kRowColumns : kRowColumnsWithoutJson);
      TESSERA_ASSIGN_OR_RETURN(Statement * s, c.Prepared(sql.text));
      ResetOnExit reset(*s);
      sql.Bind(*s);
      ObjectPage page;
      TESSERA_RETURN_IF_ERROR(
          ReadPage(*s, q.limit, page, "listing a collection", q.with_json ? q.max_json_bytes : 0));
      return page;
    });
  }

  Result<bool> ScanCollection(const CollectionQuery& q,
                              const std::function<void(const RowView&)>& each) override {
    TESSERA_RETURN_IF_ERROR(CheckQuery(q));
    if (!q.scope.unrestricted && q.scope.keys.empty()) return false;  // sees nothing
    return db_->WithReader([&](Connection& c) -> Result<bool> {
      TESSERA_ASSIGN_OR_RETURN(bool later_copies, LaterCopiesMayBeListed(c, q));
      const Sql sql = CollectionSelect(
          q, later_copies,
          q.with_json ? "o.seq, o.date_added, o.json" : "o.seq, o.date_added, o.id, o.version");
      TESSERA_ASSIGN_OR_RETURN(Statement * s, c.Prepared(sql.text));
      ResetOnExit reset(*s);
      sql.Bind(*s);
      size_t json_bytes = 0;
      for (size_t n = 0;; ++n) {
        TESSERA_ASSIGN_OR_RETURN(bool row, s->Step("listing a collection"));
        if (!row) return false;
        if (n == q.limit) return true;
        RowView view{s->ColumnInt(0), Timestamp::FromMicros(s->ColumnInt(1)), {}, {}, {}};
        if (q.with_json) {
          view.json = s->ColumnView(2);
          json_bytes += view.json.size();
          if (n > 0 && q.max_json_bytes > 0 && json_bytes > q.max_json_bytes) return true;
        } else {
          view.id = s->ColumnView(2);
          const std::string_view version = s->ColumnView(3);
          if (!version.empty()) {
            auto ts = ParseTimestamp(version);
            if (!ts.ok()) {
              return Corrupt("stored version of " + std::string(view.id) +
                             " is not a timestamp: " + std::string(version));
            }
            view.version = *ts;
          }
        }
        each(view);
      }
    });
  }

  Result<int64_t> DeleteVersions(const CollectionQuery& q) override {
    TESSERA_RETURN_IF_ERROR(CheckQuery(q));
    if (q.ids.empty()) return InvalidArgument("deleting objects needs their ids");
    if (!q.scope.unrestricted && q.scope.keys.empty()) return int64_t{0};
    Sql sql;
    sql.Add("DELETE FROM objects WHERE seq IN (SELECT o.seq").Add(FromFor(q)).Add(" WHERE ");
    CollectionWhere(q, /*later_copies=*/true, sql);
    sql.Add(")");
    return db_->WithWriter([&](Connection& c) -> Result<int64_t> {
      TESSERA_RETURN_IF_ERROR(Exec(c.db(), "BEGIN IMMEDIATE", "starting a delete"));
      Statement s;
      Status st = s.Prepare(c.db(), sql.text);
      if (st.ok()) {
        sql.Bind(s);
        st = s.Run("deleting objects");
      }
      const int64_t n = st.ok() ? sqlite3_changes64(c.db()) : 0;
      if (st.ok()) st = sqlite::AppendScopedAudit(*db_, c, "deleted " + std::to_string(n));
      if (st.ok()) st = Exec(c.db(), "COMMIT", "committing a delete");
      if (!st.ok()) {
        Exec(c.db(), "ROLLBACK", "rolling back").ok();
        return st;
      }
      return n;
    });
  }

  Status PutStatus(const StatusRecord& record) override {
    TESSERA_RETURN_IF_ERROR(CheckStatus(record));
    const std::string details = StatusDetails(record);
    return db_->WithWriter([&](Connection& c) -> Status {
      TESSERA_RETURN_IF_ERROR(Exec(c.db(), "BEGIN IMMEDIATE", "starting to store a status"));
      Status st = PutStatusLocked(c, record, details);
      if (st.ok()) st = Exec(c.db(), "COMMIT", "committing a status");
      if (!st.ok()) Exec(c.db(), "ROLLBACK", "rolling back").ok();
      return st;
    });
  }

  Result<int64_t> DeleteStatusesBefore(Timestamp cutoff, size_t max_rows) override {
    if (max_rows == 0) return int64_t{0};
    // Statuses are added in time order, so the oldest rowids go first; the scan stops after
    // max_rows expired ones.
    return db_->WithWriter([&](Connection& c) -> Result<int64_t> {
      TESSERA_RETURN_IF_ERROR(Exec(c.db(), "BEGIN IMMEDIATE", "starting to expire statuses"));
      Statement s;
      Status st = s.Prepare(c.db(),
                            "DELETE FROM statuses WHERE rowid IN (SELECT rowid FROM statuses "
                            "WHERE request_timestamp < ?1 ORDER BY rowid LIMIT ?2)");
      if (st.ok()) {
        s.BindInt(1, cutoff.ToMicros());
        s.BindInt(2, static_cast<int64_t>(std::min<size_t>(max_rows, INT64_MAX)));
        st = s.Run("expiring statuses");
      }
      const int64_t n = st.ok() ? sqlite3_changes64(c.db()) : 0;
      if (st.ok()) st = Exec(c.db(), "COMMIT", "committing expired statuses");
      if (!st.ok()) {
        Exec(c.db(), "ROLLBACK", "rolling back").ok();
        return st;
      }
      return n;
    });
  }

  Result<StatusRecord> GetStatus(const std::string& id) override {
    return db_->WithReader([&](Connection& c) -> Result<StatusRecord> {
      TESSERA_ASSIGN_OR_RETURN(
          Statement * s,
          c.Prepared("SELECT id, api_root, collection, owner_user, owner_org, request_timestamp, "
                     "status, total_count, success_count, failure_count, pending_count, details "
                     "FROM statuses WHERE id = ?1"));
      ResetOnExit reset(*s);
      s->BindText(1, id);
      TESSERA_ASSIGN_OR_RETURN(bool row, s->Step("reading status " + id));
      if (!row) return NotFound("no status " + id);
      StatusRecord r;
      r.id = s->ColumnText(0);
      r.api_root = s->ColumnText(1);
      r.collection = s->ColumnText(2);
      r.owner_user = s->ColumnInt(3);
      r.owner_org = s->ColumnInt(4);
      r.request_timestamp = Timestamp::FromMicros(s->ColumnInt(5));
      r.status = s->ColumnText(6);
      r.total_count = s->ColumnInt(7);
      r.success_count = s->ColumnInt(8);
      r.failure_count = s->ColumnInt(9);
      r.pending_count = s->ColumnInt(10);
      boost::system::error_code ec;
      const boost::json::value details = boost::json::parse(s->ColumnText(11), ec);
      if (ec || !details.is_object()) return Corrupt("stored status " + id + " is not JSON");
      const auto& d = details.get_object();
      TESSERA_ASSIGN_OR_RETURN(r.successes, EntriesFromJson(d.if_contains("successes")));
      TESSERA_ASSIGN_OR_RETURN(r.failures, EntriesFromJson(d.if_contains("failures")));
      TESSERA_ASSIGN_OR_RETURN(r.pendings, EntriesFromJson(d.if_contains("pendings")));
      return r;
    });
  }

  Result<ObjectPage> ListObjects(const ObjectQuery& q) override {
    if (q.limit == 0 || q.limit > kMaxListLimit) {
      return InvalidArgument("a listing limit must be 1.." + std::to_string(kMaxListLimit));
    }
    if (q.types.size() > kMaxQueryFilters || q.ids.size() > kMaxQueryFilters) {
      return InvalidArgument("at most " + std::to_string(kMaxQueryFilters) +
                             " types and ids may be asked for at once");
    }
    Sql sql;
    sql.Add("SELECT ").Add(kRowColumns).Add(kFrom).Add(" WHERE o.seq > ").Param(q.after_seq);
    if (!q.collection.empty()) sql.Add(" AND c.id = ").Param(q.collection);
    if (!q.types.empty()) InList(sql, "o.type", q.types);
    if (!q.ids.empty()) InList(sql, "o.id", q.ids);
    if (q.up_to_seq > 0) sql.Add(" AND o.seq <= ").Param(q.up_to_seq);
    if (q.added_after) sql.Add(" AND o.date_added > ").Param(q.added_after->ToMicros());
    // A version stored several times (in several collections, or contributed by several
    // organizations) is listed once, at its first row (in the collection asked for, if any).
    sql.Add(
        " AND NOT EXISTS (SELECT 1 FROM objects d WHERE d.id = o.id AND d.version = o.version "
        "AND d.seq < o.seq");
    if (!q.collection.empty()) sql.Add(" AND +d.coll = o.coll");
    sql.Add(")");
    if (q.versions == Versions::kLatest) {
      sql.Add(
          " AND NOT EXISTS (SELECT 1 FROM objects n WHERE n.id = o.id AND n.version > o.version");
      if (!q.collection.empty()) sql.Add(" AND +n.coll = o.coll");  // probe (id, version)
      if (q.up_to_seq > 0) sql.Add(" AND +n.seq <= ").Param(q.up_to_seq);
      sql.Add(")");
    }
    sql.Add(" ORDER BY o.seq LIMIT ").Param(static_cast<int64_t>(q.limit) + 1);
    return db_->WithReader([&](Connection& c) -> Result<ObjectPage> {
      TESSERA_ASSIGN_OR_RETURN(Statement * s, c.Prepared(sql.text));
      ResetOnExit reset(*s);
      sql.Bind(*s);
      ObjectPage page;
      TESSERA_RETURN_IF_ERROR(ReadPage(*s, q.limit, page, "listing objects"));
      return page;
    });
  }

  Result<std::vector<StoredObject>> GetVersions(const std::string& id) override {
    return db_->WithReader([&](Connection& c) -> Result<std::vector<StoredObject>> {
      // min(seq) makes the other (bare) columns come from the first placement of each version.
      TESSERA_ASSIGN_OR_RETURN(
          Statement * s,
          c.Prepared("SELECT min(o.seq), o.date_added, c.id, o.type, o.id, "
                     "o.spec_version, o.version, o.revoked, o.json, o.provider_org, o.readers "
                     "FROM objects o JOIN collections c ON c.num = o.coll "
                     "WHERE o.id = ?1 GROUP BY o.version ORDER BY o.version"));
      ResetOnExit reset(*s);
      s->BindText(1, id);
      ObjectPage page;
      TESSERA_RETURN_IF_ERROR(ReadPage(*s, kMaxListLimit, page, "reading the versions of " + id));
      if (page.objects.empty()) return NotFound("no object " + id);
      return std::move(page.objects);
    });
  }

  Result<StoredObject> GetObject(const std::string& id,
                                 const std::optional<Timestamp>& version) override {
    const std::string key = VersionKey(version);
    return db_->WithReader([&](Connection& c) -> Result<StoredObject> {
      TESSERA_ASSIGN_OR_RETURN(
          Statement * s,
          c.Prepared(std::string("SELECT ") + std::string(kRowColumns) + std::string(kFrom) +
                     " WHERE o.id = ?1 AND o.version = ?2 "
                     "ORDER BY o.seq LIMIT 1"));
      ResetOnExit reset(*s);
      s->BindText(1, id);
      s->BindText(2, key);
      TESSERA_ASSIGN_OR_RETURN(bool row, s->Step("reading " + id));
      if (!row) {
        return NotFound(
            "no object " + id +
            (version ? " with version " + FormatTimestamp(*version, TimePrecision::kShortest)
                     : std::string(" (unversioned)")));
      }
      return ReadRow(*s);
    });
  }

  Result<KeyPage> FindByKeys(const KeyQuery& q) override {
    if (q.keys.empty() || q.keys.size() > kMaxQueryFilters || q.in.size() > kMaxQueryFilters) {
      return InvalidArgument("a search asks for 1.." + std::to_string(kMaxQueryFilters) +
                             " keys in at most as many collections");
    }
    if (q.limit == 0 || q.limit > kMaxListLimit) {
      return InvalidArgument("a search limit must be 1.." + std::to_string(kMaxListLimit));
    }
    for (const ScopedCollection& sc : q.in) {
      if (sc.scope.keys.size() > kMaxQueryFilters) {
        return InvalidArgument("at most " + std::to_string(kMaxQueryFilters) +
                               " reader keys may be asked for at once");
      }
    }
    TESSERA_RETURN_IF_ERROR(CheckRowFilter(q.filter));
    Sql sql;
    sql.Add("SELECT k.key, ")
        .Add(kRowColumns)
        .Add(
            " FROM search_keys k JOIN objects o ON o.seq = k.seq JOIN collections c ON c.num = "
            "o.coll WHERE 1");
    // The index holds digests: a row's key is the asked one with the row's digest.
    std::vector<std::vector<uint8_t>> digests;
    for (const std::string& k : q.keys) {
      const SearchKeyDigest d = DigestOfSearchKey(k);
      digests.emplace_back(d.begin(), d.end());
    }
    InList(sql, "k.key", digests);
    AddScopedRows(sql, q.filter, q.in, [](Sql&, const ScopedCollection&) {});
    sql.Add(" ORDER BY o.seq DESC LIMIT ").Param(static_cast<int64_t>(q.limit) + 1);
    return db_->WithReader([&](Connection& c) {
      return SearchOn<KeyPage>(c, q.limit, sql, [&](const Statement& s) -> Result<KeyRow> {
        KeyRow r;
        const std::span<const uint8_t> digest = s.ColumnBlob(0);
        for (size_t i = 0; i < digests.size(); ++i) {
          if (std::ranges::equal(digests[i], digest)) {
            r.key = q.keys[i];
            break;
          }
        }
        // ReadRow reads the columns after the key: a statement's columns from 1.
        TESSERA_ASSIGN_OR_RETURN(r.object, ReadRow(s, 1));
        return r;
      });
    });
  }

  Result<TextPage> FindByText(const TextSearch& q) override {
    TESSERA_RETURN_IF_ERROR(CheckTextSearch(q));
    if (q.order == TextOrder::kRelevance) {
      return db_->WithReader([&](Connection& c) -> Result<TextPage> {
        TESSERA_RETURN_IF_ERROR(Exec(c.db(), "BEGIN", "searching"));
        auto page = [&]() -> Result<TextPage> {
          TESSERA_RETURN_IF_ERROR(CheckSearchIndexComplete(c));
          return RankedTextPage(c, q);
        }();
        Exec(c.db(), page.ok() ? "COMMIT" : "ROLLBACK", "searching").ok();
        return page;
      });
    }
    const Sql sql = TextSearchSql(q);
    return db_->WithReader([&](Connection& c) {
      return SearchOn<TextPage>(c, q.limit, sql, [&q](const Statement& s) -> Result<TextRow> {
        TextRow r;
        TESSERA_ASSIGN_OR_RETURN(r.object, ReadRow(s));
        r.after = q.at;
        r.after.before_seq = r.object.seq;
        return r;
      });
    });
  }

  Result<SearchIndexStats> RebuildSearchIndex(
      const std::function<std::vector<std::string>(const stix::Object&)>& keys_of) override {
    return db_->WithWriter([&](Connection& c) -> Result<SearchIndexStats> {
      TESSERA_RETURN_IF_ERROR(
          Exec(c.db(), "BEGIN IMMEDIATE", "starting to rebuild the search index"));
      Status st = RebuildSearchIndexLocked(c, keys_of);
      if (st.ok()) st = Exec(c.db(), "COMMIT", "committing the search index");
      if (!st.ok()) {
        Exec(c.db(), "ROLLBACK", "rolling back").ok();
        return st;
      }
      return SearchIndexStatsOn(c);
    });
  }

  Result<SearchIndexStats> ReadSearchIndexStats() override {
    return db_->WithReader([](Connection& c) { return SearchIndexStatsOn(c); });
  }

  Result<int64_t> LastSeq() override {
    TESSERA_ASSIGN_OR_RETURN(Generations g, ReadGenerations());
    return g.last_seq;
  }

  Result<Generations> ReadGenerations() override {
    // Read once per commit: while the commit mark stays the same, so do the generations.
    const auto mark = db_->ReadCommitMark();
    if (mark) {
      std::lock_guard<std::mutex> lock(generations_mu_);
      if (generations_mark_ == mark) return generations_;
    }
    TESSERA_ASSIGN_OR_RETURN(
        Generations g, db_->WithReader([](Connection& c) -> Result<Generations> {
          TESSERA_ASSIGN_OR_RETURN(
              Statement * s,
              c.Prepared("SELECT (SELECT n FROM generations WHERE name = 'directory'), "
                         "(SELECT n FROM generations WHERE name = 'objects'), "
                         "(SELECT coalesce(max(seq), 0) FROM objects)"));
          ResetOnExit reset(*s);
          TESSERA_ASSIGN_OR_RETURN(bool row, s->Step("reading the store's generations"));
          if (!row) return Corrupt("reading the store's generations gave no row");
          return Generations{s->ColumnInt(0), s->ColumnInt(1), s->ColumnInt(2)};
        }));
    if (mark) {
      // Taken before the read: if a commit came between, the mark is already stale and the next
      // call reads again.
      std::lock_guard<std::mutex> lock(generations_mu_);
      generations_mark_ = mark;
      generations_ = g;
    }
    return g;
  }

  Result<int64_t> CountObjects() override {
    return db_->WithReader([](Connection& c) {
      return sqlite::QueryInt(c.db(), "SELECT count(*) FROM objects", "counting objects");
    });
  }

  Directory& directory() override { return *directory_; }
  AuditLog& audit_log() { return *audit_log_; }

 private:
  // A write session of one batch (and the status, when given): what can be prepared is, before
  // the writer is taken, so that the serialized section holds only the inserts and the commit.
  Result<ImportSummary> ImportOnce(std::span<const stix::Object> objects,
                                   std::span<const Placement> placements,
                                   const StatusRecord* status) {
    TESSERA_ASSIGN_OR_RETURN(PreparedBatch batch, PrepareBatch(objects, placements));
    if (status) TESSERA_RETURN_IF_ERROR(CheckStatus(*status));
    const std::string details = status ? StatusDetails(*status) : std::string();
    TESSERA_ASSIGN_OR_RETURN(std::unique_ptr<SqliteWriteSession> session,
                             SqliteWriteSession::Begin(*db_));
    TESSERA_ASSIGN_OR_RETURN(ImportSummary summary, session->ImportPrepared(batch));
    if (status) TESSERA_RETURN_IF_ERROR(session->PutStatus(*status, details));
    TESSERA_RETURN_IF_ERROR(session->Commit());
    return summary;
  }

  // Whether the rows q lists may include a later copy (schema 5), so that the listing must ask
  // those rows for an earlier one. Later copies are rare, and asking every row whether it is one
  // costs a column read per row; instead, what the later_copies index says of a collection is
  // read once and kept: the highest seq of a later copy among the rows up to the last seq then.
  // That stays true: a row is stored as a later copy or not once and for all, and rows stored
  // afterwards (by any process) get higher seqs. So a listing bounded by up_to_seq at or below
  // that last seq has no later copy unless the highest one is above its after_seq; a listing
  // without such a bound is answered "may".
  Result<bool> LaterCopiesMayBeListed(Connection& c, const CollectionQuery& q) {
    if (q.copies != Copies::kOnePerVersion) return false;
    if (q.up_to_seq <= 0) return true;
    {
      std::lock_guard<std::mutex> lock(later_copies_mu_);
      auto it = later_copies_.find(q.collection);
      if (it != later_copies_.end() && q.up_to_seq <= it->second.last_seq) {
        return it->second.highest > q.after_seq;
      }
    }
    TESSERA_ASSIGN_OR_RETURN(
        Statement * s,
        c.Prepared("SELECT coalesce((SELECT max(seq) FROM objects), 0), coalesce((SELECT max(seq) "
                   "FROM objects WHERE coll = (SELECT num FROM collections WHERE id = ?1) AND "
                   "later_copy = 1), 0)"));
    ResetOnExit reset(*s);
    s->BindText(1, q.collection);
    TESSERA_ASSIGN_OR_RETURN(bool row, s->Step("looking for later copies"));
    if (!row) return Corrupt("looking for later copies gave no answer");
    const LaterCopies seen{s->ColumnInt(0), s->ColumnInt(1)};
    {
      std::lock_guard<std::mutex> lock(later_copies_mu_);
      if (later_copies_.size() >= kMaxCollectionsKept) later_copies_.clear();
      LaterCopies& kept = later_copies_[q.collection];
      if (seen.last_seq >= kept.last_seq) kept = seen;
    }
    return q.up_to_seq > seen.last_seq || seen.highest > q.after_seq;
  }

  std::unique_ptr<sqlite::Database> db_;
  std::unique_ptr<Directory> directory_;
  std::unique_ptr<AuditLog> audit_log_;
  // LaterCopiesMayBeListed's memory, by collection id.
  struct LaterCopies {
    int64_t last_seq = 0;  // the store's last seq when the index was read
    int64_t highest = 0;   // the highest seq of a later copy in the collection then (0: none)
  };
  static constexpr size_t kMaxCollectionsKept = 4096;
  std::mutex later_copies_mu_;
  std::unordered_map<std::string, LaterCopies> later_copies_;
  // The generations last read, and the commit mark taken just before that read.
  std::mutex generations_mu_;
  std::optional<sqlite::Database::CommitMark> generations_mark_;  // guarded by generations_mu_
  Generations generations_;                                       // guarded by generations_mu_
};

}  // namespace

namespace sqlite_internal {

sqlite::Sql CollectionSelectSql(const CollectionQuery& q) {
  return CollectionSelect(q, /*later_copies=*/true, kRowColumns);
}

sqlite::Sql TextSearchSql(const TextSearch& q) { return store::TextSearchSql(q); }

}  // namespace sqlite_internal

Result<std::unique_ptr<Store>> OpenStore(const std::string& data_dir, OpenMode mode,
                                         size_t read_connections) {
  SchemaUpgrade ignored;
  return OpenStore(data_dir, mode, read_connections, ignored);
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& data_dir, OpenMode mode,
                                         size_t read_connections, SchemaUpgrade& upgrade) {
  namespace fs = std::filesystem;
  const fs::path dir(data_dir);
  const std::string path = (dir / kStoreFileName).string();
  std::error_code ec;
  const bool exists = fs::exists(path, ec);
  if (ec) return IoError(path + ": " + ec.message());
  if (!exists) {
    if (mode == OpenMode::kOpenExisting) {
      return NotFound("no Tessera store in " + data_dir + " (no " + kStoreFileName +
                      "): create one with `tessera init --data " + data_dir + "`");
    }
    if (!fs::is_directory(dir, ec)) {
      fs::create_directories(dir, ec);
      if (ec) return IoError("creating " + data_dir + ": " + ec.message());
      // The store holds shared intelligence, some of it restricted (TLP:AMBER, RED): keep the
      // directory to its owner.
      if (::chmod(dir.c_str(), 0700) != 0) {
        return IoError("restricting " + data_dir + ": " + std::strerror(errno));
      }
    }
  }
  auto db = sqlite::Database::Open(path, mode == OpenMode::kCreateIfMissing, read_connections);
  if (!db.ok()) {
    // Every failure names the file ("file is not a database" alone does not say which).
    if (db.status().message().find(path) != std::string::npos) return db.status();
    return Status(db.status().code(), path + ": " + db.status().message());
  }
  upgrade = SchemaUpgrade{(*db)->schema_found(), (*db)->schema_now()};
  return std::unique_ptr<Store>(std::make_unique<SqliteStore>(std::move(*db)));
}

AuditLog& AuditLogOf(Store& store) {
  auto* sqlite_store = dynamic_cast<SqliteStore*>(&store);
  if (sqlite_store == nullptr) std::abort();  // the one backend there is (audit_log.h)
  return sqlite_store->audit_log();
}

}  // namespace tessera::store
