#pragma once
// The schema of the embedded SQLite store, as an ordered list of migrations. Migration i (0-based)
// takes a store from schema version i to i + 1 (PRAGMA user_version). Migrations are never edited
// once released; a change of schema is a new migration appended to the list.

#include <span>

namespace tessera::store {

// Every migration, oldest first. The latest schema version is the size of the list.
std::span<const char* const> SchemaMigrations();

}  // namespace tessera::store
