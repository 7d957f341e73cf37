#pragma once
// Internal to the SQLite backend: the Directory over a store's connections.

#include <memory>

#include "store/directory.h"
#include "store/sqlite_db.h"

namespace tessera::store {

// A Directory using `db`, which must outlive it.
std::unique_ptr<Directory> NewSqliteDirectory(sqlite::Database& db);

}  // namespace tessera::store
