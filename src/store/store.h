#pragma once
// The store: every version of every STIX object Tessera has accepted, in the order it was added.
// `Store` is the one interface; OpenStore() gives the embedded SQLite backend (a PostgreSQL
// backend can implement the same interface later).
//
// Model. A row is one version of one object in one collection as one organization contributed it,
// keyed by (collection, id, version, provider_org): `version` is the object's `modified`, else
// `created` (stix::Object::Version()); an object with neither (most SCOs) has a single,
// unversioned form. Each organization's contribution counts on its own: when Org C posts an SCO
// that Org A already holds as TLP:RED (an SCO's id derives from its value, so anyone can compute
// it), C's copy is stored with C's grants and readable as C shared it, and whether A holds it
// changes nothing in the answer to C. A reader who may see several organizations' copies of one
// (id, version) is shown one of them in listings: the earliest visible (lowest seq). Each row
// carries:
//   - `seq`: the added order, strictly increasing across rows and never reused. Writers are
//     serialized, so a reader that pages by `seq` (after_seq) never misses a row committed later.
//   - `date_added`: when the row was added (TAXII 2.1 `date_added`). Strictly increasing with
//     `seq` as well: a row gets max(now, previous date_added + 1 microsecond), so filtering by
//     "added after T" is exact even when the clock steps back or many rows land in one call.
//   - access metadata: the organization that provided the version (`provider_org`, 0 for the
//     operator) and `readers`, the grant list policy computed when it was written (see
//     /docs/hub.md and policy::ReadersFor). The store knows nothing of TLP: it only intersects a
//     row's grants with a reader's keys (ReaderScope). Grant keys, roles and TLP level names are
//     typed words (store/access_words.h).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "stix/object.h"
#include "store/access_words.h"
#include "store/directory.h"

namespace tessera::store {

// One stored version of one object.
struct StoredObject {
  int64_t seq = 0;         // added order, > 0
  Timestamp date_added;    // microsecond precision
  std::string collection;  // the collection id (uuid)
  std::string type;        // "indicator", ...
  std::string id;          // "indicator--<uuid>"
  std::string spec_version;
  std::optional<Timestamp> version;  // modified, else created; nullopt when unversioned
  bool revoked = false;
  std::string json;               // the object exactly as it was accepted (stix::Object::json)
  int64_t provider_org = 0;       // the organization that shared it into the hub; 0: the operator
  std::vector<GrantKey> readers;  // the grant list, in the order it was placed with
};

// Where one object goes and who may read it there (computed by policy).
struct Placement {
  std::string collection;    // an existing collection id
  int64_t provider_org = 0;  // 0: the operator (CLI import)
  // Who may read it there: 1..kMaxReaderKeys keys, each valid (IsValidGrantKey).
  std::vector<GrantKey> readers;
  // What the search index files the row under (hunt::ObjectSearchKeys, computed by ingest), at
  // most kMaxSearchKeysPerRow, each 1..kMaxSearchKeyBytes bytes; stored with the row, in the same
  // transaction. None: the row is not found by search.
  std::vector<std::string> search_keys;
};

constexpr size_t kMaxSearchKeysPerRow = 4096;
constexpr size_t kMaxSearchKeyBytes = 70 * 1024;

// The most grant keys one placement may carry.
constexpr size_t kMaxReaderKeys = 10'000;

constexpr size_t kMaxReportedConflicts = 20;

// What an Import did. added + already_present == the number of objects passed. Both are counted
// per provider: another organization's copy of the same (collection, id, version) is neither
// "already present" nor "conflicting" for this one.
struct ImportSummary {
  size_t added = 0;  // new (collection, id, version, provider_org) rows
  // (collection, id, version, provider_org) was stored before (or earlier in the same call)
  size_t already_present = 0;
  // Of already_present: the stored version differs from the one offered (not equal as JSON). The
  // stored one is kept; STIX requires a producer to change `modified` when it changes an object.
  size_t conflicting = 0;
  std::vector<std::string> conflicting_ids;  // the first kMaxReportedConflicts of them
  int64_t first_seq = 0;                     // seq of the first row added; 0 when none was added
  int64_t last_seq = 0;                      // seq of the last row added; 0 when none was added

  // Adds what a later Import did (the next batch of one WriteSession): the counts summed,
  // conflicting_ids kept to the first kMaxReportedConflicts, first_seq the first one, last_seq
  // the last one.
  void Add(const ImportSummary& later) {
    added += later.added;
    already_present += later.already_present;
    conflicting += later.conflicting;
    for (const std::string& id : later.conflicting_ids) {
      if (conflicting_ids.size() == kMaxReportedConflicts) break;
      conflicting_ids.push_back(id);
    }
    if (first_seq == 0) first_seq = later.first_seq;
    if (later.last_seq != 0) last_seq = later.last_seq;
  }
};

// Which versions of each object an operator listing returns.
enum class Versions {
  kAll,     // every stored version
  kLatest,  // only the newest version of each id (greatest `version`)
};

// An operator listing (export, hunt): rows matching every given filter, in added order
// (ascending seq), with no access check (the operator holds the database file anyway).
struct ObjectQuery {
  // Only rows of this collection; empty: every collection. A version stored several times (in
  // several collections, or contributed by several organizations) is listed once, at its first
  // row (lowest seq) in what is asked for.
  std::string collection;
  std::vector<std::string> types;        // any of these types; empty: any type
  std::vector<std::string> ids;          // any of these ids; empty: any id
  std::optional<Timestamp> added_after;  // only rows with date_added > this
  int64_t after_seq = 0;                 // only rows with seq > this (paging cursor)
  int64_t up_to_seq = 0;  // only rows with seq <= this (0: no bound); with LastSeq(), a listing
                          // over several pages ignores rows added while it runs
  Versions versions = Versions::kAll;
  size_t limit = 1000;  // at most this many rows; must be 1..kMaxListLimit
};

constexpr size_t kMaxListLimit = 100'000;
constexpr size_t kMaxQueryFilters = 1000;  // at most this many types, ids, versions, scope keys

// Who is reading: the grant keys of policy::ReaderKeys (its own organization, each of its groups,
// and the collection's readers when its organization can read the collection). A row is visible
// when one of its readers keys is among these. `unrestricted` sees every row: only for the
// operator's CLI.
struct ReaderScope {
  std::vector<GrantKey> keys;
  bool unrestricted = false;
};

// TAXII match[version]. Several may be combined (TAXII allows "first,last"): a row is selected
// when any selector in {match} + also selects it.
enum class VersionMatch {
  kLast,   // the newest version among those the reader can see
  kFirst,  // the oldest version among those the reader can see
  kAll,    // every version the reader can see
  kExact,  // the versions listed in CollectionQuery::versions
};

// Which rows of a selected version a collection query returns, when several organizations each
// contributed that (id, version) and the reader sees more than one of their copies.
enum class Copies {
  kOnePerVersion,  // the earliest visible copy (lowest seq) stands for the version: listings
  kEvery,          // every visible copy (deleting, where each copy is its provider's)
};

// A listing of one collection as one reader sees it, in added order (ascending seq).
struct CollectionQuery {
  std::string collection;  // required
  ReaderScope scope;
  std::vector<std::string> types;          // any of these; empty: any type
  std::vector<std::string> ids;            // any of these; empty: any id
  std::vector<std::string> spec_versions;  // any of these; empty: any spec_version
  std::optional<Timestamp> added_after;    // only rows with date_added > this
  int64_t after_seq = 0;                   // only rows with seq > this (paging cursor)
  int64_t up_to_seq = 0;                   // only rows with seq <= this (0: no bound)
  // first/last are computed among the versions VISIBLE to the scope (and, with up_to_seq, among
  // rows up to it); other filters do not change which version is first or last.
  VersionMatch match = VersionMatch::kLast;
  std::vector<VersionMatch> also;   // further selectors, unioned with `match`
  std::vector<Timestamp> versions;  // what kExact selects (at most kMaxQueryFilters)
  Copies copies = Copies::kOnePerVersion;
  // Only rows these organizations provided; empty: any. Applied after the version selection and
  // the choice of copy (as the other filters): meant with Copies::kEvery.
  std::vector<int64_t> providers;
  size_t limit = 100;  // 1..kMaxListLimit (ignored by DeleteVersions)
  // Whether the listing reads the objects' JSON. false (a manifest, a version list, a check
  // that something is visible): StoredObject::json and RowView::json stay empty, and
  // ScanCollection hands over each row's id and version instead; no object JSON is copied.
  bool with_json = true;
  // A bound on the JSON bytes of one page (with_json): the page ends before the row whose JSON
  // would bring it past max_json_bytes (more = true), but it always holds its first row, however
  // large. 0: no bound. Ignored by DeleteVersions.
  size_t max_json_bytes = 0;
};

struct ObjectPage {
  std::vector<StoredObject> objects;  // ascending seq
  bool more = false;                  // true when rows beyond the last returned one match the query
};

// A TAXII status resource (TAXII 2.1 §4.3.1), kept so that its owner can read it back.
struct StatusEntry {
  std::string id;       // the object id
  std::string version;  // the object's version as an RFC 3339 timestamp; "" when unversioned
  std::string message;  // why (failures), or a note (e.g. "TLP:RED without recipients: ...")
};
struct StatusRecord {
  std::string id;  // uuid4, unique
  std::string api_root;
  std::string collection;
  int64_t owner_user = 0;  // the user who posted; only its organization may read it back
  int64_t owner_org = 0;
  Timestamp request_timestamp;
  std::string status = "complete";  // "complete" or "pending"
  int64_t total_count = 0;
  int64_t success_count = 0;
  int64_t failure_count = 0;
  int64_t pending_count = 0;
  std::vector<StatusEntry> successes, failures, pendings;
};

// What the store already holds of one object about to be imported (Store::ReadHoldings): what
// the write rules (ingest) decide on. Only objects whose id the store holds have one.
struct Holding {
  size_t index = 0;  // the object's position in what ReadHoldings was asked
  // The first row stored with the object's id (lowest seq), in any collection, from any
  // provider: who first contributed the id, and the created_by_ref it was first stored with.
  StoredObject first;
  // The first row (lowest seq) of the object's version (stix::Object::Version(); the unversioned
  // form for an object without one), in any collection, from any provider.
  std::optional<StoredObject> first_of_version;
  // The row that Import(object, placement) would keep instead of adding one (it would count the
  // object in already_present): the row with the key Import deduplicates on. nullopt: Import
  // would add a row. A backend that changes that key changes this with it.
  std::optional<StoredObject> kept;
};

// A collection a search looks in, and the reader's scope there (what it sees of its rows).
struct ScopedCollection {
  std::string collection;
  ReaderScope scope;
};

// What a search keeps of the rows its scope sees, by their own columns (search's filters,
// docs/search.md): a row is kept when it passes every filter given.
struct RowFilter {
  std::vector<std::string> types;  // any of these types; empty: any (at most kMaxQueryFilters)
  std::vector<int64_t> providers;  // provided by any of these organizations; empty: any (as many)
  std::optional<Timestamp> added_after, added_before;  // date_added > after, < before
  // Its version (modified, else created) > after, < before; an unversioned row passes neither.
  std::optional<Timestamp> modified_after, modified_before;
  std::optional<bool> revoked;  // revoked or not; nullopt: either
};

// A search of the index (Store::FindByKeys): the rows filed under any of `keys` that the scope
// of their collection sees and `filter` keeps, newest first (descending seq).
struct KeyQuery {
  std::vector<std::string> keys;     // 1..kMaxQueryFilters
  std::vector<ScopedCollection> in;  // 0..kMaxQueryFilters; none: no row
  RowFilter filter;
  size_t limit = 100;  // 1..kMaxListLimit rows
};

struct KeyRow {
  std::string key;      // the key it was found by (one of KeyQuery::keys)
  StoredObject object;  // with its JSON
};

struct KeyPage {
  std::vector<KeyRow> rows;  // descending seq; a row filed under several of the keys comes once
                             // per key
  bool more = false;         // more rows than the limit match
};

// A full-text query (Store::FindByText), parsed from what a user typed (search/text_query.h).
// A term is words, matched as the index tokenizes them (docs/search.md, "Full text"): case and
// diacritics aside, word characters only.
struct TextTerm {
  std::string words;    // one word, or a phrase: several words, in this order, side by side
  bool prefix = false;  // its last word is a prefix ("phish*")
};
// The rows whose words match a term of every group of `all` and no term of `none`. With no group
// at all (and no `none`), every row: a listing of what the search's filters keep, newest first.
struct TextQuery {
  std::vector<std::vector<TextTerm>> all;  // groups, each 1.. terms; none: every row
  std::vector<TextTerm> none;
};

// The order of a full-text search's rows.
enum class TextOrder {
  kNewest,     // descending seq (the newest added first)
  kRelevance,  // the best match first (the backend's ranking: bm25 in SQLite), then newest, in
               // windows of kRelevanceWindow rows (TextSearch)
};

// How many rows one window of a search by relevance ranks (TextSearch).
inline constexpr size_t kRelevanceWindow = 1'000;

// Where a full-text search's order stands: TextSearch::at asks for the rows after it, and each
// row of a TextPage says where the order stands after it.
struct TextPosition {
  // Only rows with seq <= this (0: no bound): fixed when a result's first page is served, so
  // that rows added while one pages are not in it.
  int64_t up_to_seq = 0;
  int64_t before_seq = 0;  // kNewest: only rows with seq < this (0: from the newest)
  size_t offset = 0;       // kRelevance: the rows of the order that come before
};

// A full-text search (Store::FindByText): the rows matching `query` that the scope of their
// collection sees, each the newest version of its object in its collection that the scope sees
// (older versions are not searched), one copy of it (the earliest visible), in `order`. A query
// without terms lists every such row, kNewest only (relevance needs words).
// kRelevance ranks windows, not the whole result, so that a word most rows hold costs no more
// than a rare one: the rows, newest first, are cut into windows of kRelevanceWindow; the order
// is the first window's rows ranked, then the second's, and so on. Rows the scope does not see,
// or the filter drops, are in no window, exactly as rows nobody stored. A result of at most
// kRelevanceWindow rows is one window: ranked whole. A page at offset p reads the p rows before
// it (not their rank) and the window it starts in.
struct TextSearch {
  TextQuery query;
  std::vector<ScopedCollection> in;  // 0..kMaxQueryFilters; none: no row
  RowFilter filter;                  // applied with the scope
  TextOrder order = TextOrder::kNewest;
  TextPosition at;     // the rows after it
  size_t limit = 100;  // 1..kMaxListLimit rows
};

struct TextRow {
  StoredObject object;  // with its JSON
  TextPosition after;   // where the order stands after this row: `at` of the rows that follow
};

struct TextPage {
  std::vector<TextRow> rows;  // in the search's order
  bool more = false;          // more rows than the limit match
};

// The size of the search index (Store::ReadSearchIndexStats).
struct SearchIndexStats {
  int64_t keys = 0;        // (key, row) entries
  int64_t rows = 0;        // rows filed under at least one key
  int64_t text_rows = 0;   // rows in the full-text index (those with any words)
  int64_t bytes = 0;       // the keys' pages on disk (table and its index), 0 when unknown
  int64_t text_bytes = 0;  // the full-text index's pages on disk, 0 when unknown
  bool complete = true;    // false: rows stored before the index was made are not filed yet
};

// One listed row as the store holds it while reading (Store::ScanCollection).
struct RowView {
  int64_t seq = 0;
  Timestamp date_added;
  std::string_view json;             // the object as accepted; empty unless q.with_json
  std::string_view id;               // only when !q.with_json
  std::optional<Timestamp> version;  // only when !q.with_json; nullopt: unversioned
};

// Where a store stands, read in one transaction: a reader that keeps what it read in memory
// compares these to know whether it is still current.
struct Generations {
  int64_t directory = 0;  // Directory::Generation()
  int64_t objects = 0;    // grows whenever a stored row is deleted (adding rows does not count)
  int64_t last_seq = 0;   // LastSeq()
};

// One write transaction that stays open across several batches (Store::BeginWrite): a file of
// any size imported as one transaction, each batch judged against what the store holds,
// earlier batches of the same session included, and nothing stored unless every batch is.
//
// While it is open the session holds the store's writer: other writers of this process
// (Import, DeleteVersions, PutStatus, another session, the directory's writes) wait until it
// commits or rolls back, so the thread that holds a session must write through it alone (it
// would wait for itself); other processes writing the same store wait up to the busy timeout,
// then fail kUnavailable, as they do while any import runs. Readers of this and other
// processes go on reading the last committed state and see nothing of the session until it
// commits.
//
// In the SQLite store, nothing of the session is checkpointed while it is open (a checkpoint
// copies only committed transactions into the database file): the write-ahead log (the `-wal`
// file) grows with everything the session writes, about the size of the objects' JSON and
// their index entries, and keeps that size on disk after the commit (it is reused from its
// start). Memory does not grow with it: pages beyond the writer's page cache (64 MiB) go to the
// log as they are written.
//
// Not thread-safe: one thread uses a session at a time. It must not outlive its Store.
class WriteSession {
 public:
  // Rolls back unless Commit succeeded.
  virtual ~WriteSession() = default;

  // Store::ReadHoldings of `objects`, read inside this session's transaction: rows written by
  // earlier Import calls of this session count as held. The same results and errors.
  virtual Result<std::vector<Holding>> ReadHoldings(std::span<const stix::Object> objects,
                                                    std::span<const Placement> placements) = 0;

  // Store::Import of one batch inside the session's transaction: the same rules, checks and
  // summary (already_present counts rows of earlier batches too), but nothing is durable or
  // visible to readers before Commit. A batch Import's checks refuse (kInvalidArgument: sizes,
  // an object without type or id, a malformed placement) is refused before anything is written
  // and leaves the session open. A failure while writing (kNotFound collection, kIo, kCorrupt,
  // ...) ends the session: it has rolled back, and every later call returns that failure again.
  // A failing ReadHoldings ends it the same way (kInvalidArgument for its sizes aside).
  virtual Result<ImportSummary> Import(std::span<const stix::Object> objects,
                                       std::span<const Placement> placements) = 0;

  // Directory::CreateCollection inside the session's transaction: the collection (its id made
  // when empty) exists for the later Import calls of this session and for everyone else only
  // when Commit succeeds, so that a collection and its first objects (an incident and its own
  // collection, docs/incidents.md) are stored together or not at all. CreateCollection's errors
  // (kInvalidArgument, kAlreadyExists for an id or alias taken, kNotFound for an unknown API
  // root, organization or group) and storage failures alike end the session: it has rolled back
  // (a refused collection may have written part of itself), and every later call fails.
  virtual Result<CollectionInfo> CreateCollection(const CollectionInfo& info) = 0;
  // Directory::UpdateCollection inside the session's transaction (an incident's participants
  // changed with the incident's new version). Its errors (kNotFound: no such collection,
  // organization or group; kInvalidArgument; kAlreadyExists: the alias is taken) end the session
  // as CreateCollection's do.
  virtual Result<CollectionInfo> UpdateCollection(const CollectionInfo& info) = 0;

  // Stores every batch at once: when it returns ok they are durable (committed and synced, one
  // sync for the whole session). On failure nothing is stored. Either way the session is over:
  // later calls fail.
  virtual Status Commit() = 0;

  // Undoes every batch: nothing of the session is stored. The session is over. Destruction
  // without a successful Commit does the same.
  virtual void Rollback() = 0;
};

// Thread-safety: every method is safe to call from several threads. Writes (Import,
// DeleteVersions, PutStatus) are serialized on one writer connection; reads run in parallel on a
// pool of read connections and never wait for a write to commit (they see the last committed
// state). Several processes may open the same store: readers proceed while one writes (SQLite
// WAL); writers wait for each other (up to a busy timeout, then kUnavailable).
class Store {
 public:
  virtual ~Store() = default;

  // Stores objects[i] with placements[i], atomically: all of them or, on any failure, none. When
  // it returns ok the rows are durable (committed and synced). A (collection, id, version)
  // already stored is left untouched and counted in already_present, so importing the same
  // version twice is a no-op. The objects are not validated again: callers pass what
  // stix::ReadDocument accepted. Rows are added in the order given, each filed in the search
  // index under its placement's search_keys and in the full-text index under its words
  // (objects[i].text; for an object built in code, stix::ReadFullText of its json). Fails with
  // kInvalidArgument when the sizes differ, an object lacks a type or id, or a placement is
  // malformed; kNotFound when a placement names no existing collection; kUnavailable when another
  // writer holds the store too long; kIo / kCorrupt on storage failure.
  virtual Result<ImportSummary> Import(std::span<const stix::Object> objects,
                                       std::span<const Placement> placements) = 0;

  // Import and PutStatus(status) in one transaction (one sync): the status is stored exactly
  // when the objects are. The same failures as both.
  virtual Result<ImportSummary> ImportWithStatus(std::span<const stix::Object> objects,
                                                 std::span<const Placement> placements,
                                                 const StatusRecord& status) = 0;

  // Opens a WriteSession: takes the store's writer (waiting for this process's other writers)
  // and begins its transaction. kUnavailable when another process holds the store's writer
  // past the busy timeout; kIo / kCorrupt on storage failure. Store::Import is a session of one
  // batch.
  virtual Result<std::unique_ptr<WriteSession>> BeginWrite() = 0;

  // What the store holds of objects[i] were it imported with placements[i], for the write rules
  // (ingest) to decide before Import: one Holding (index i) for each object whose id the store
  // holds, in ascending index; none for a new id (the usual case: one index probe, nothing
  // copied). Operator use: no access check. Read in one read transaction (one snapshot); rows
  // committed by another writer between this call and Import may be missed (Import still never
  // stores a key twice). kInvalidArgument when the sizes differ; kIo / kCorrupt / kUnavailable
  // on storage failure. Thread-safe.
  virtual Result<std::vector<Holding>> ReadHoldings(std::span<const stix::Object> objects,
                                                    std::span<const Placement> placements) = 0;

  // The rows of q.collection visible to q.scope that match q, ascending seq, at most q.limit;
  // page.more says whether more match. An unknown collection yields an empty page (callers check
  // the collection in the directory first). kInvalidArgument when q breaks a limit.
  virtual Result<ObjectPage> ListCollection(const CollectionQuery& q) = 0;

  // The same rows as ListCollection(q), handed to `each` as they are read instead of collected:
  // for an answer written straight from the rows (a TAXII envelope), without copying each one.
  // The views in a RowView are valid only during the call that receives it. Returns whether more
  // rows match than q.limit (page.more).
  virtual Result<bool> ScanCollection(const CollectionQuery& q,
                                      const std::function<void(const RowView&)>& each) = 0;

  // Deletes every row ListCollection(q) would select, without the limit; q.ids must not be empty
  // (kInvalidArgument otherwise). With Copies::kOnePerVersion that is one copy of each selected
  // version: to delete an organization's own copies, ask for Copies::kEvery and its providers.
  // Returns how many rows were deleted. Durable when it returns.
  virtual Result<int64_t> DeleteVersions(const CollectionQuery& q) = 0;

  // Stores (or replaces) the status with record.id. Durable when it returns. kInvalidArgument
  // when id is empty or status is neither "complete" nor "pending".
  virtual Status PutStatus(const StatusRecord& record) = 0;
  // kNotFound when there is no status with `id` (callers check the owner themselves).
  virtual Result<StatusRecord> GetStatus(const std::string& id) = 0;
  // Deletes the statuses whose request_timestamp is before `cutoff`, oldest first, at most
  // `max_rows` of them (so that one call stays short); how many were deleted. Durable when it
  // returns.
  virtual Result<int64_t> DeleteStatusesBefore(Timestamp cutoff, size_t max_rows) = 0;

  // The operator's listing (no access check); kInvalidArgument when the query breaks a limit.
  virtual Result<ObjectPage> ListObjects(const ObjectQuery& query) = 0;

  // Every stored version of `id` in any collection (each version once), oldest version first;
  // kNotFound when there is none. Operator use: no access check.
  virtual Result<std::vector<StoredObject>> GetVersions(const std::string& id) = 0;

  // One version of `id` in any collection; `version` nullopt asks for the unversioned form.
  // kNotFound when absent. Operator use: no access check.
  virtual Result<StoredObject> GetObject(const std::string& id,
                                         const std::optional<Timestamp>& version) = 0;

  // The rows q asks for (KeyQuery), each with the key that found it; a row is visible when one
  // of its readers keys is in the scope given for its collection (as ListCollection's). Every
  // version and every copy filed under a key is a row of its own. kInvalidArgument when q
  // breaks a limit; kUnavailable when the index is not complete (SearchIndexStats::complete:
  // `tessera search reindex`). Thread-safe.
  virtual Result<KeyPage> FindByKeys(const KeyQuery& q) = 0;

  // The rows `q` asks for (TextSearch), at most q.limit. kInvalidArgument when q breaks a limit
  // (no group, an empty group or term, more than kMaxQueryFilters collections or reader keys);
  // kUnavailable when the index is not complete, as FindByKeys. Thread-safe.
  virtual Result<TextPage> FindByText(const TextSearch& q) = 0;

  // Files every stored row again under keys_of(row as a stix::Object: its type, id and json), and
  // in the full-text index under its words (stix::ReadFullText of its JSON), in one write
  // transaction that replaces the whole index, and marks it complete. keys_of must obey
  // Placement::search_keys's limits (kInvalidArgument otherwise, nothing changed). Returns the
  // index's size afterwards. Durable when it returns.
  virtual Result<SearchIndexStats> RebuildSearchIndex(
      const std::function<std::vector<std::string>(const stix::Object&)>& keys_of) = 0;

  virtual Result<SearchIndexStats> ReadSearchIndexStats() = 0;

  // The seq of the newest row; 0 when the store is empty.
  virtual Result<int64_t> LastSeq() = 0;

  // The three generations at one instant (one small read). What ListCollection returns for a
  // query bounded by up_to_seq <= last_seq is the same for as long as `objects` and `directory`
  // stay the same.
  virtual Result<Generations> ReadGenerations() = 0;

  // How many rows (object versions, one per collection they are in) are stored.
  virtual Result<int64_t> CountObjects() = 0;

  // The directory (organizations, users, tokens, groups, API roots, collections, settings) kept
  // in the same file. Valid as long as the Store; thread-safe.
  virtual Directory& directory() = 0;
};

enum class OpenMode {
  kOpenExisting,     // kNotFound (saying to run `tessera init`) when there is no store
  kCreateIfMissing,  // creates data_dir (and parents) and an empty store when missing
};

// The file name of the embedded store inside a data directory.
constexpr const char* kStoreFileName = "tessera.db";

// How many read connections a store opens at most (reads beyond it wait for a free one).
constexpr size_t kDefaultReadConnections = 8;

// Opens (or creates) the store in data_dir (file data_dir/tessera.db) and brings its schema up to
// date. Fails with kNotFound (kOpenExisting and no store), kCorrupt (the file is not a Tessera
// store), kUnavailable (the store was written by a newer Tessera, or is locked), kIo otherwise.
// The returned Store owns its connections; they are closed when the Store is destroyed.
Result<std::unique_ptr<Store>> OpenStore(const std::string& data_dir, OpenMode mode,
                                         size_t read_connections = kDefaultReadConnections);

}  // namespace tessera::store
