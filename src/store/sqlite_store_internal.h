#pragma once
// Internals of the SQLite backend that its tests look at; not part of the Store interface.

#include "store/sqlite_db.h"
#include "store/store.h"

namespace tessera::store::sqlite_internal {

// The statement Store::ListCollection(q) runs when the collection may hold later copies (the
// general form): its text and parameters, for a test to ask SQLite for its query plan.
sqlite::Sql CollectionSelectSql(const CollectionQuery& q);

// The statement Store::FindByText(q) runs; for TextOrder::kRelevance, the one that reads the
// window of q.at.offset (the seqs and ranks of its rows; the rows kept are read after).
sqlite::Sql TextSearchSql(const TextSearch& q);

}  // namespace tessera::store::sqlite_internal
