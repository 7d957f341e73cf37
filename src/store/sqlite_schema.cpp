#include "store/sqlite_schema.h"

namespace tessera::store {
namespace {

// Version 1: the objects table.
//  - seq: added order. AUTOINCREMENT so that a seq is never handed out twice, even after the
//    newest rows are deleted: a reader paging by seq must not miss a row.
//  - version: the object's modified/created as fixed-width text with nanosecond digits (text order
//    is time order), '' for the unversioned form; (id, version) is the key.
//  - date_added: microseconds since the Unix epoch, strictly increasing with seq.
//  - json: the object as accepted.
// Indexes: the (id, version) key serves look-ups by id and by id + version, and "latest version";
// (type, seq) serves listings by type in added order; date_added serves "added after".
constexpr const char* kV1 = R"sql(
CREATE TABLE objects (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT    NOT NULL,
  version      TEXT    NOT NULL,
  type         TEXT    NOT NULL,
  spec_version TEXT    NOT NULL,
  date_added   INTEGER NOT NULL,
  revoked      INTEGER NOT NULL,
  json         TEXT    NOT NULL,
  UNIQUE (id, version)
);
CREATE INDEX objects_by_type ON objects (type, seq);
CREATE INDEX objects_by_date_added ON objects (date_added);
)sql";

constexpr const char* kMigrations[] = {kV1};

}  // namespace

std::span<const char* const> SchemaMigrations() { return kMigrations; }

}  // namespace tessera::store
