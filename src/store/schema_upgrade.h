#pragma once
// What opening a store did to its schema. The schema is a numbered list of migrations (PRAGMA
// user_version): migration n takes a store from version n - 1 to n. Opening a store applies the
// missing ones, in order, in one transaction (all of them or none), and never goes back: a store
// of a newer schema than this build knows is refused (OpenStore: kUnavailable).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "store/store.h"

namespace tessera::store {

struct SchemaUpgrade {
  int64_t from = 0;  // the version the file had; 0 for a new (empty) file
  int64_t to = 0;    // the version it has now: the latest this build knows
  // Migrations from + 1 .. to were applied by this opening; none when from == to.
  bool migrated() const { return from != to; }
};

// OpenStore, which also sets `upgrade` to what the opening did to the schema (left unchanged on
// failure). Another process may have upgraded the store first: then from == to.
Result<std::unique_ptr<Store>> OpenStore(const std::string& data_dir, OpenMode mode,
                                         size_t read_connections, SchemaUpgrade& upgrade);

}  // namespace tessera::store
