#pragma once
// The rows of the audit log's chains (audit/chain.h), kept in the store's file (table audit_log,
// schema 9), and AuditScope, which makes the store append an entry inside the transaction of the
// change it records.
//
// Every method returns kInvalidArgument for a malformed query, kUnavailable / kIo / kCorrupt for
// storage failures. Appends are durable when they return. Thread-safe.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/chain.h"
#include "common/status.h"
#include "common/time.h"

namespace tessera::store {

// The most entries one List call returns.
constexpr size_t kMaxAuditPage = 1000;

struct AuditQuery {
  std::string chain{audit::kHubChain};
  std::optional<Timestamp> since;     // entries at or after this time
  std::optional<std::string> actor;   // exactly this actor
  std::optional<int64_t> org_id;      // exactly this organization
  std::optional<std::string> action;  // this action, or every action under it ("user" or "user.")
  int64_t before = 0;                 // entries numbered below this (0: from the newest)
  size_t limit = 100;                 // 1..kMaxAuditPage
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;

  // Appends `entry` to its chain in a transaction of its own: fills number (the next one),
  // prev_hash and hash, cuts over-long fields (audit::BoundFields), and returns the stored entry.
  virtual Result<audit::Entry> Append(audit::Entry entry) = 0;

  // The entries `q` selects, newest first, at most q.limit.
  virtual Result<std::vector<audit::Entry>> List(const AuditQuery& q) = 0;

  // Calls `each` with every entry of `chain` in the order of their numbers, oldest first, in one
  // read transaction; stops at the first error `each` returns and returns it.
  virtual Status Scan(std::string_view chain,
                      const std::function<Status(const audit::Entry&)>& each) = 0;

  // What identifies the store file this log writes to (AuditScope matches it).
  virtual const void* tag() const = 0;
};

class Store;

// The audit log kept in `store`'s file. Valid as long as the store; thread-safe. (A free function
// rather than a Store method while SQLite is the one backend; it aborts on any other.)
AuditLog& AuditLogOf(Store& store);

// While an AuditScope lives on a thread, the first write transaction that the store of `log`
// commits on that thread (a directory change, an import, a delete of objects) appends the scope's
// entry, with result "done", inside that transaction: the change and its entry are committed
// together or not at all. An import or a delete adds its counts to the entry's details. Finish
// appends the entry in a transaction of its own when no write did (a refused attempt, a change
// that found nothing to change). Scopes do not nest (the inner one is ignored: the outer one keeps
// its place). Not thread-safe: use it on the thread that created it; `log` must outlive it.
//
// A request can commit several transactions (an import of several files, one per file; a group
// created, then its members added; `tessera init`), and only the first carries the entry, "done"
// because that change is. When the request then fails, or its later transactions carried counts
// the entry could not know (the further files of an import), a closing entry follows when it ends
// (Finish, or the CLI's FinishCliAudit through ClosingEntry): same action, actor and target,
// result kDone or audit::kFailed with the reason, details "closes entry N" with how many more
// writes were committed and their counts. A request that ends without its closing entry (the
// process killed) leaves the first entry alone: "done" means its first change was committed.
class AuditScope {
 public:
  AuditScope(AuditLog& log, audit::Entry entry);
  ~AuditScope();
  AuditScope(const AuditScope&) = delete;
  AuditScope& operator=(const AuditScope&) = delete;

  // The entry to be written; change its target or details before the write that records it.
  audit::Entry& entry() { return entry_; }
  // Whether a write transaction has appended the entry.
  bool written() const { return written_; }

  // Unless written: sets the result (audit::kDone or audit::kRefused) and reason and appends the
  // entry now. When written: appends the closing entry, if one is due (ClosingEntry with `result`
  // and `reason`). Returns the append's error; Ok when nothing was due. Once per scope.
  Status Finish(std::string_view result, std::string_view reason = {});

  // The closing entry due when the request ends with `result` (kDone, or anything else: then it
  // failed, for `reason`), or nullopt: the entry is not written yet, or the request succeeded and
  // its later writes carried no counts. Not yet appended (its number and hashes are unset).
  std::optional<audit::Entry> ClosingEntry(std::string_view result, std::string_view reason) const;

  // The scope active on this thread for `log`'s store, or null. For the store's write paths.
  static AuditScope* Active(const void* store_tag);
  const void* store_tag() const { return tag_; }
  // Called by the store inside a transaction once it has appended the entry.
  void MarkWritten(audit::Entry stored) {
    written_ = true;
    entry_ = std::move(stored);
  }
  // Called by the store inside each later write transaction of a written scope, with what that
  // write says of itself (an import's counts; "" for a directory change).
  void NoteLaterWrite(std::string_view details);

 private:
  AuditLog& log_;
  audit::Entry entry_;
  const void* tag_;
  bool written_ = false;
  bool active_ = false;  // this scope is the thread's current one
  bool finished_ = false;
  int64_t later_writes_ = 0;   // write transactions committed after the entry's
  std::string later_details_;  // what they said, "; "-separated, at most audit::kMaxFieldBytes
};

// The OS user running this process, as the CLI's actor: "cli:<name>" ("cli:uid-<n>" when the
// name is unknown).
std::string CliActor();

}  // namespace tessera::store
