#pragma once
// The store: every version of every STIX object Tessera has accepted, in the order it was added.
// `Store` is the one interface; OpenStore() gives the embedded SQLite backend (a PostgreSQL
// backend can implement the same interface later).
//
// Model. A row is one version of one object, keyed by (id, version): `version` is the object's
// `modified`, else `created` (stix::Object::Version()); an object with neither (most SCOs) has a
// single, unversioned form. Each row carries:
//   - `seq`: the added order, strictly increasing across rows and never reused. Writers are
//     serialized, so a reader that pages by `seq` (after_seq) never misses a row committed later.
//   - `date_added`: when the row was added (TAXII 2.1 `date_added`). Strictly increasing with
//     `seq` as well: a row gets max(now, previous date_added + 1 microsecond), so filtering by
//     "added after T" is exact even when the clock steps back or many rows land in one call.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "stix/object.h"

namespace tessera::store {

// One stored version of one object.
struct StoredObject {
  int64_t seq = 0;       // added order, > 0
  Timestamp date_added;  // microsecond precision
  std::string type;      // "indicator", ...
  std::string id;        // "indicator--<uuid>"
  std::string spec_version;
  std::optional<Timestamp> version;  // modified, else created; nullopt when unversioned
  bool revoked = false;
  std::string json;  // the object exactly as it was accepted (stix::Object::json)
};

// What an Import did. added + already_present == the number of objects passed.
struct ImportSummary {
  size_t added = 0;            // new (id, version) rows
  size_t already_present = 0;  // (id, version) was stored before (or earlier in the same call)
  // Of already_present: the stored version differs from the one offered (not equal as JSON). The
  // stored one is kept; STIX requires a producer to change `modified` when it changes an object.
  size_t conflicting = 0;
  std::vector<std::string> conflicting_ids;  // the first kMaxReportedConflicts of them
  int64_t first_seq = 0;                     // seq of the first row added; 0 when none was added
  int64_t last_seq = 0;                      // seq of the last row added; 0 when none was added
};

constexpr size_t kMaxReportedConflicts = 20;

// Which versions of each object a listing returns.
enum class Versions {
  kAll,     // every stored version
  kLatest,  // only the newest version of each id (greatest `version`)
};

// A listing: rows matching every given filter, in added order (ascending seq).
struct ObjectQuery {
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
constexpr size_t kMaxQueryFilters = 1000;  // at most this many types, and this many ids

struct ObjectPage {
  std::vector<StoredObject> objects;  // ascending seq
  bool more = false;                  // true when rows beyond the last returned one match the query
};

// Thread-safety: every method is safe to call from several threads; calls on one Store are
// serialized. Several processes may open the same store: readers proceed while one writes
// (SQLite WAL); writers wait for each other (up to a busy timeout, then kUnavailable).
class Store {
 public:
  virtual ~Store() = default;

  // Stores `objects` atomically: all of them or, on any failure, none. When it returns ok the
  // rows are durable (committed and synced). An (id, version) already stored is left untouched
  // and counted in already_present, so importing the same version twice is a no-op. The objects
  // are not validated again: callers pass what stix::ReadDocument accepted. Objects are added in
  // the order given. Fails with kInvalidArgument when an object lacks a type or id, kUnavailable
  // when another writer holds the store too long, kIo / kCorrupt on storage failure.
  virtual Result<ImportSummary> Import(std::span<const stix::Object> objects) = 0;

  // The rows matching `query`; kInvalidArgument when the query breaks a limit above.
  virtual Result<ObjectPage> ListObjects(const ObjectQuery& query) = 0;

  // Every stored version of `id`, oldest version first; kNotFound when there is none.
  virtual Result<std::vector<StoredObject>> GetVersions(const std::string& id) = 0;

  // One version of `id`; `version` nullopt asks for the unversioned form. kNotFound when absent.
  virtual Result<StoredObject> GetObject(const std::string& id,
                                         const std::optional<Timestamp>& version) = 0;

  // The seq of the newest row; 0 when the store is empty.
  virtual Result<int64_t> LastSeq() = 0;

  // How many rows (object versions) are stored.
  virtual Result<int64_t> CountObjects() = 0;
};

enum class OpenMode {
  kOpenExisting,     // kNotFound (saying to run `tessera init`) when there is no store
  kCreateIfMissing,  // creates data_dir (and parents) and an empty store when missing
};

// The file name of the embedded store inside a data directory.
constexpr const char* kStoreFileName = "tessera.db";

// Opens (or creates) the store in data_dir (file data_dir/tessera.db) and brings its schema up to
// date. Fails with kNotFound (kOpenExisting and no store), kCorrupt (the file is not a Tessera
// store), kUnavailable (the store was written by a newer Tessera, or is locked), kIo otherwise.
// The returned Store owns its connection; it is closed when the Store is destroyed.
Result<std::unique_ptr<Store>> OpenStore(const std::string& data_dir, OpenMode mode);

}  // namespace tessera::store
