#pragma once
// Internal to the SQLite backend: appending audit entries inside the backend's write
// transactions (store/audit_log.h's AuditScope).

#include <memory>
#include <string_view>

#include "audit/chain.h"
#include "store/audit_log.h"
#include "store/sqlite_db.h"

namespace tessera::store::sqlite {

// Appends `entry` to its chain on `c`, inside the caller's write transaction: fills number,
// prev_hash and hash (audit::BoundFields first).
Status AppendAuditOn(Connection& c, audit::Entry& entry);

// When an AuditScope for `db` is active on this thread and not written yet: appends its entry
// (result done, `details` added to its own) on `c`, inside the caller's write transaction, and
// marks the scope written. Call it just before COMMIT.
Status AppendScopedAudit(Database& db, Connection& c, std::string_view details = {});

// The audit log of the store file `db` (which must outlive it).
std::unique_ptr<AuditLog> MakeAuditLog(Database& db);

}  // namespace tessera::store::sqlite
