#pragma once
// Internal to the SQLite backend: the Directory over a store's connections.

#include <memory>

#include "store/directory.h"
#include "store/sqlite_db.h"

namespace tessera::store {

// A Directory using `db`, which must outlive it.
std::unique_ptr<Directory> NewSqliteDirectory(sqlite::Database& db);

// Directory::CreateCollection's checks and insert, on `c` inside the caller's write transaction
// (WriteSession::CreateCollection): the stored collection (id made when empty, `created` now),
// or CreateCollection's errors. Commits nothing and appends no audit entry.
Result<CollectionInfo> InsertNewCollectionOn(sqlite::Connection& c, const CollectionInfo& in);

// Directory::UpdateCollection's checks and update, on `c` inside the caller's write transaction
// (WriteSession::UpdateCollection): the collection as stored, or UpdateCollection's errors.
Result<CollectionInfo> UpdateCollectionOn(sqlite::Connection& c, const CollectionInfo& in);

}  // namespace tessera::store
