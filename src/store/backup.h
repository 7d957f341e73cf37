#pragma once
// Online backup and restore of a data directory.
//
// What a data directory holds: the store file tessera.db and, while a process has it open, its
// write-ahead log tessera.db-wal (committed transactions not yet copied into tessera.db) and the
// WAL index tessera.db-shm (shared memory, rebuilt from the log when missing). Everything else a
// hub needs is inside the store: accounts, tokens (their keyed hashes), the token-hashing key and
// the hub's other secrets (settings), collections, grants, objects, statuses, the search index.
// Copying tessera.db alone while the hub runs misses what is still in the log; copying the three
// files one by one can tear a transaction. A backup is therefore made through SQLite: one read
// transaction (a snapshot that includes the log's committed content) copied page by page with
// SQLite's online backup API, which never blocks the hub's writers (WAL: readers and writers do
// not wait for each other) and is not restarted by their commits.
//
// A backup is a directory that is itself a complete data directory (`tessera serve --data BACKUP`
// would run on it, though restoring is the way): BACKUP/tessera.db, a single file with no log,
// and BACKUP/tessera-backup.json (kBackupManifestName), which records when and from where it was
// made, its schema version, what it holds, and the size and SHA-256 of tessera.db. It is written
// under a temporary name beside BACKUP, verified, synced, and renamed into place: BACKUP is never
// seen half-written and an existing BACKUP is never replaced.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tessera::store {

// The manifest's file name inside a backup directory.
constexpr const char* kBackupManifestName = "tessera-backup.json";
// The manifest's "format" value; a backup of another format is refused.
constexpr const char* kBackupFormat = "tessera-backup/1";

// How much of the store has been copied so far (SQLite pages; the total can grow while writers
// add to the store).
struct BackupProgress {
  int64_t pages_done = 0;
  int64_t pages_total = 0;
  int64_t page_size = 0;
};
using BackupProgressFn = std::function<void(const BackupProgress&)>;

// How far a step of a restore (or of a backup's verification) that reads a file has got: `step`
// names it ("verifying the backup", "copying the store"; a static string), `done_bytes` of
// `total_bytes` read. A step whose length is unknown ("opening the restored store", which may
// upgrade its schema) is reported once with `total_bytes` 0.
struct StepProgress {
  std::string_view step;
  int64_t done_bytes = 0;
  int64_t total_bytes = 0;
};
using StepProgressFn = std::function<void(const StepProgress&)>;

// What the hub holds, counted through the store's own interface.
struct StoreCounts {
  int64_t object_versions = 0;  // Store::CountObjects: one per version per collection
  int64_t organizations = 0;
  int64_t users = 0;
  int64_t tokens = 0;  // issued, revoked and expired ones included
  int64_t collections = 0;
};

// What a verification of a store file found. A store file passes when SQLite's integrity check
// says "ok", it is a Tessera store (its application id) and its schema is not newer than this
// Tessera's.
struct StoreCheck {
  std::string store_file;  // path of the file checked
  int64_t bytes = 0;
  std::string sha256;  // lowercase hex of the file's bytes
  int64_t schema_version = 0;
  int64_t latest_schema_version = 0;  // this Tessera's
};

struct BackupResult {
  std::string backup_dir;  // the directory written
  std::string source_dir;  // the data directory backed up (absolute)
  std::string created;     // RFC 3339: when the snapshot was taken
  StoreCheck check;        // the verification of the written copy
  // Counted by opening the copy as a store before it was sealed; only when its schema is the
  // latest (opening an older one would upgrade it, and a backup keeps the schema it was made
  // with).
  std::optional<StoreCounts> counts;
};

// Writes a backup of the store in `data_dir` to the new directory `backup_dir` (whose parent must
// exist), while other processes (a running `tessera serve`) keep reading and writing the store.
// The backup holds exactly what was committed when its read transaction began: every write
// acknowledged before the call began is in it. `progress`, when set, is called after each step
// (on the calling thread). The copy is verified (VerifyStoreFile) before it is renamed into place.
// Fails, leaving no directory and no temporary file behind, with: kAlreadyExists (backup_dir
// exists), kNotFound (no store in data_dir), kCorrupt (data_dir's tessera.db is not a Tessera
// store, or the copy fails verification), kUnavailable (the store is newer than this Tessera),
// kIo otherwise. Not thread-safe with itself on the same backup_dir (the rename makes the second
// fail with kAlreadyExists).
Result<BackupResult> BackupDataDir(const std::string& data_dir, const std::string& backup_dir,
                                   const BackupProgressFn& progress = {});

// Checks the store file at `store_file` (SQLite integrity check, application id, schema version,
// size and SHA-256), reading it through a read-only connection: it must be a file without a
// write-ahead log, as a backup's is. kCorrupt when a check fails, saying which; kUnavailable when
// its schema is newer than this Tessera's; kIo when it cannot be read.
Result<StoreCheck> VerifyStoreFile(const std::string& store_file);

// What VerifyBackup found in a backup directory: its manifest and the check of its store file.
struct BackupInfo {
  std::string backup_dir;
  std::string created;          // from the manifest
  std::string source_dir;       // from the manifest
  std::string manifest_sha256;  // lowercase hex of the manifest file's bytes, as read
  StoreCheck check;
  std::optional<StoreCounts> counts;  // from the manifest, when it has them
};

// Verifies the backup in `backup_dir`: its manifest is there and of kBackupFormat, tessera.db has
// the size and SHA-256 the manifest records (so it is what `tessera backup` wrote, unchanged),
// and VerifyStoreFile passes. kInvalidArgument when `backup_dir` is not a Tessera backup (no
// directory, no manifest, a manifest of another format), kCorrupt when it is one that fails a
// check (saying which), kUnavailable when its schema is newer than this Tessera's, kIo when it
// cannot be read. `progress`, when set, hears the reading of tessera.db ("verifying the backup").
Result<BackupInfo> VerifyBackup(const std::string& backup_dir, const StepProgressFn& progress = {});

struct RestoreOptions {
  // Replace an existing data directory (one that holds a store, or any non-empty directory). The
  // replaced directory is kept, renamed to RestoreResult::replaced_dir.
  bool force = false;
  // Who restores, for the restored store's audit entry (the CLI's "cli:<OS user>",
  // store::CliActor, when empty).
  std::string actor;
  // Hears each step: "verifying the backup", "copying the store" (bytes of tessera.db), "opening
  // the restored store". Called on the calling thread.
  StepProgressFn progress;
};

// The audit action of a restore, recorded in the restored store's own log.
constexpr const char* kRestoreAuditAction = "store.restore";

struct RestoreResult {
  BackupInfo backup;                        // the verified backup
  std::string data_dir;                     // the data directory written
  int64_t schema_version_before = 0;        // the backup's schema
  int64_t schema_version_after = 0;         // the restored store's (upgraded on opening)
  StoreCounts counts;                       // counted by opening the restored store
  std::optional<std::string> replaced_dir;  // where the earlier data directory went (--force)
};

// Restores the backup in `backup_dir` into `data_dir`: verifies it (VerifyBackup), copies its
// store file into a new directory beside `data_dir` under a temporary name, opens it as a store
// (which upgrades an older schema), appends to its audit log (chain audit::kHubChain, after the
// backup's own entries, so `tessera audit verify` still passes) an entry kRestoreAuditAction by
// options.actor whose target is the backup directory and whose details name the data directory,
// the backup's source and snapshot time, the SHA-256 of its tessera.db and of its manifest and
// the schema versions, and renames it into place (the entry is therefore in the restored store
// exactly when the restore happened; a refused or failed restore writes no entry anywhere); with
// options.force an existing `data_dir` is exchanged atomically for it and kept as
// RestoreResult::replaced_dir. `data_dir` is at every moment either as it was or the complete
// restored store. Fails, with `data_dir` unchanged and no temporary directory left, with what
// VerifyBackup fails with, or: kAlreadyExists (`data_dir` holds a store or other files and not
// options.force), kUnavailable (a process, such as a running `tessera serve`, has the store in
// `data_dir` open; refused even with force: stop it first), kIo otherwise.
Result<RestoreResult> RestoreDataDir(const std::string& backup_dir, const std::string& data_dir,
                                     const RestoreOptions& options = {});

// The id of a process that has the store in `data_dir` open (it holds SQLite's shared-memory lock
// on tessera.db-shm), or nullopt when none does. Another process's hold is seen; this process's
// own connections are not (POSIX record locks are per process).
std::optional<int64_t> ProcessHoldingStore(const std::string& data_dir);

}  // namespace tessera::store
