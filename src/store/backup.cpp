#include "store/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <thread>

#include "common/digest.h"
#include "common/file.h"
#include "common/json.h"
#include "common/time.h"
#include "store/audit_log.h"
#include "store/directory.h"
#include "store/sqlite_db.h"
#include "store/sqlite_schema.h"
#include "store/store.h"

namespace tessera::store {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using sqlite::Exec;
using sqlite::QueryInt;
using sqlite::SqliteError;

// Pages copied per sqlite3_backup_step: a hundredth of the store, at least 16 and at most 1024
// (4 MiB at the default page size). A step holds only a read snapshot (WAL), so its size sets how
// often progress is reported, not how long writers wait.
constexpr int64_t kMinPagesPerStep = 16;
constexpr int64_t kMaxPagesPerStep = 1024;
// How long the copy waits, in all, for a source that stays busy (another process recovering the
// log) before it gives up.
constexpr auto kBusyPatience = std::chrono::seconds(30);
// The largest manifest read (it is a few hundred bytes).
constexpr size_t kMaxManifestBytes = 64 << 10;

std::string OsError(const std::string& what) { return what + ": " + std::strerror(errno); }

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqlitePtr = std::unique_ptr<sqlite3, SqliteCloser>;

Result<SqlitePtr> OpenSqlite(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_EXRESCODE, nullptr);
  SqlitePtr db(raw);
  if (rc != SQLITE_OK) return SqliteError(raw, rc, "opening " + path);
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

// Removes a temporary directory when the scope ends, unless released.
class TempDir {
 public:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  ~TempDir() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  void Release() { path_.clear(); }

 private:
  std::string path_;
};

// A new owner-only directory beside `target` (same file system, so it can be renamed onto it):
// PARENT/.NAME.<what>-XXXXXX.
Result<std::string> MakeTempDirBeside(const fs::path& target, const std::string& what) {
  std::string tmpl =
      (target.parent_path() / ("." + target.filename().string() + "." + what + "-XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr) return IoError(OsError("creating " + tmpl));
  if (::chmod(tmpl.c_str(), 0700) != 0) {
    Status st = IoError(OsError("restricting " + tmpl));
    ::rmdir(tmpl.c_str());
    return st;
  }
  return tmpl;
}

Status SyncPath(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));
  if (fd < 0) return IoError(OsError("opening " + path + " to sync it"));
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  errno = saved;
  if (rc != 0) return IoError(OsError("syncing " + path));
  return Status::Ok();
}

// Renames `from` to `to`, failing with kAlreadyExists when `to` exists (even an empty directory).
Status RenameNoReplace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
    return Status::Ok();
  }
  if (errno == EEXIST || errno == ENOTEMPTY) return AlreadyExists(to + " exists");
  return IoError(OsError("renaming " + from + " to " + to));
}

// Reads `from` to its end (common/digest.h's Sha256File), hashing it with SHA-256 and, when `to`
// is set, writing it to that new file (mode 0600) and syncing it; `progress`, when set, hears
// `step` after each block. Sets `bytes`; returns the lowercase hex digest.
Result<std::string> HashAndCopy(const std::string& from, const std::string* to, int64_t* bytes,
                                const StepProgressFn& progress = {}, std::string_view step = {}) {
  int out = -1;
  if (to != nullptr) {
    out = ::open(to->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0) return IoError(OsError("creating " + *to));
  }
  struct Closer {
    int fd;
    ~Closer() {
      if (fd >= 0) ::close(fd);
    }
  } closer{out};
  int64_t total = 0;
  if (progress) {
    std::error_code ec;
    const auto size = fs::file_size(from, ec);
    total = ec ? 0 : static_cast<int64_t>(size);
  }
  int64_t done = 0;
  auto digest = Sha256File(from, [&](std::string_view block) -> Status {
    for (size_t written = 0; out >= 0 && written < block.size();) {
      const ssize_t w = ::write(out, block.data() + written, block.size() - written);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return IoError(OsError("writing " + *to));
      written += static_cast<size_t>(w);
    }
    done += static_cast<int64_t>(block.size());
    if (progress) progress(StepProgress{step, done, std::max(total, done)});
    return Status::Ok();
  });
  if (!digest.ok()) {
    if (digest.status().code() == ErrorCode::kNotFound) return IoError(digest.status().message());
    return digest.status();
  }
  if (out >= 0 && ::fsync(out) != 0) return IoError(OsError("syncing " + *to));
  *bytes = digest->bytes;
  return digest->hex();
}

// "20261203T205400Z": a UTC time usable in a file name.
std::string CompactUtcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y%m%dT%H%M%SZ", &tm);
  return out;
}

int64_t LatestSchema() { return static_cast<int64_t>(SchemaMigrations().size()); }

// The application id and schema version of an open connection, checked: kCorrupt for a file that
// is not a Tessera store, kUnavailable for one newer than this Tessera.
Result<int64_t> CheckedSchemaVersion(sqlite3* db, const std::string& path) {
  TESSERA_ASSIGN_OR_RETURN(int64_t app_id,
                           QueryInt(db, "PRAGMA application_id", "reading " + path));
  TESSERA_ASSIGN_OR_RETURN(int64_t version, QueryInt(db, "PRAGMA user_version", "reading " + path));
  if (app_id != sqlite::kApplicationId) {
    return Corrupt(path + " is not a Tessera store (its SQLite application id is " +
                   std::to_string(app_id) + ")");
  }
  if (version > LatestSchema()) {
    return Unavailable(path + " has schema version " + std::to_string(version) +
                       ", newer than this tessera knows (" + std::to_string(LatestSchema()) +
                       "): use a newer tessera");
  }
  return version;
}

// Counts what `store` holds through the Store interface.
Result<StoreCounts> CountOpened(Store& store) {
  StoreCounts c;
  TESSERA_ASSIGN_OR_RETURN(c.object_versions, store.CountObjects());
  Directory& d = store.directory();
  TESSERA_ASSIGN_OR_RETURN(auto orgs, d.ListOrganizations());
  c.organizations = static_cast<int64_t>(orgs.size());
  TESSERA_ASSIGN_OR_RETURN(auto users, d.ListUsers(std::nullopt));
  c.users = static_cast<int64_t>(users.size());
  for (const User& u : users) {
    TESSERA_ASSIGN_OR_RETURN(auto tokens, d.ListTokens(u.id));
    c.tokens += static_cast<int64_t>(tokens.size());
  }
  TESSERA_ASSIGN_OR_RETURN(auto roots, d.ListApiRoots());
  for (const ApiRoot& r : roots) {
    TESSERA_ASSIGN_OR_RETURN(auto cols, d.ListCollections(r.name));
    c.collections += static_cast<int64_t>(cols.size());
  }
  return c;
}

// Counts what the store in `dir` holds (opening it upgrades an older schema).
Result<StoreCounts> CountStore(const std::string& dir) {
  TESSERA_ASSIGN_OR_RETURN(std::unique_ptr<Store> opened,
                           OpenStore(dir, OpenMode::kOpenExisting, 1));
  return CountOpened(*opened);
}

json::object CountsJson(const StoreCounts& c) {
  json::object o;
  o["object_versions"] = c.object_versions;
  o["organizations"] = c.organizations;
  o["users"] = c.users;
  o["tokens"] = c.tokens;
  o["collections"] = c.collections;
  return o;
}

// Copies the store file at `source` into the new file `dest` through SQLite's online backup API,
// inside one read transaction on the source, so that the copy is the snapshot taken when it began
// (the log's committed content included) and writers' commits neither wait nor restart it. The
// copy is left as a single file without a log (journal_mode DELETE). Sets `created` to when the
// snapshot was taken.
Status CopySnapshot(const std::string& source, const std::string& dest,
                    const BackupProgressFn& progress, std::string* created) {
  TESSERA_ASSIGN_OR_RETURN(SqlitePtr src, OpenSqlite(source, SQLITE_OPEN_READWRITE));
  // The read transaction begins at its first read: from here on, the source is this snapshot.
  TESSERA_RETURN_IF_ERROR(Exec(src.get(), "BEGIN", "reading " + source));
  TESSERA_RETURN_IF_ERROR(
      QueryInt(src.get(), "SELECT count(*) FROM sqlite_schema", "reading " + source).status());
  *created = FormatTimestamp(Timestamp::Now());
  TESSERA_RETURN_IF_ERROR(CheckedSchemaVersion(src.get(), source).status());

  TESSERA_ASSIGN_OR_RETURN(SqlitePtr dst,
                           OpenSqlite(dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  sqlite3_backup* backup = sqlite3_backup_init(dst.get(), "main", src.get(), "main");
  if (backup == nullptr) {
    return SqliteError(dst.get(), sqlite3_errcode(dst.get()), "starting the copy to " + dest);
  }
  TESSERA_ASSIGN_OR_RETURN(int64_t page_size,
                           QueryInt(src.get(), "PRAGMA page_size", "reading " + source));
  TESSERA_ASSIGN_OR_RETURN(int64_t page_count,
                           QueryInt(src.get(), "PRAGMA page_count", "reading " + source));
  const int pages_per_step =
      static_cast<int>(std::clamp(page_count / 100, kMinPagesPerStep, kMaxPagesPerStep));
  auto busy_since = std::chrono::steady_clock::time_point();
  int rc = SQLITE_OK;
  while (true) {
    rc = sqlite3_backup_step(backup, pages_per_step);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      const auto now = std::chrono::steady_clock::now();
      if (busy_since == std::chrono::steady_clock::time_point()) busy_since = now;
      if (now - busy_since > kBusyPatience) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    busy_since = {};
    if (rc != SQLITE_OK && rc != SQLITE_DONE) break;
    if (progress) {
      const int64_t total = sqlite3_backup_pagecount(backup);
      progress(BackupProgress{total - sqlite3_backup_remaining(backup), total, page_size});
    }
    if (rc == SQLITE_DONE) break;
  }
  const int finish = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return SqliteError(dst.get(), rc, "copying " + source + " to " + dest);
  if (finish != SQLITE_OK) return SqliteError(dst.get(), finish, "finishing the copy to " + dest);
  TESSERA_RETURN_IF_ERROR(Exec(src.get(), "COMMIT", "ending the read of " + source));
  return Status::Ok();
}

// Turns the copy into a single file (no -wal, no -shm): what a backup keeps and a read-only
// connection can open anywhere.
Status MakeSingleFile(const std::string& path) {
  TESSERA_ASSIGN_OR_RETURN(SqlitePtr db, OpenSqlite(path, SQLITE_OPEN_READWRITE));
  TESSERA_ASSIGN_OR_RETURN(int64_t ignored,
                           QueryInt(db.get(), "PRAGMA journal_mode = DELETE", "sealing " + path));
  (void)ignored;
  return Status::Ok();
}

// The manifest of the backup in `backup_dir`; sets `sha256` to the hex SHA-256 of its bytes.
Result<json::object> ReadManifest(const std::string& backup_dir, std::string* sha256) {
  const std::string path = (fs::path(backup_dir) / kBackupManifestName).string();
  std::error_code ec;
  if (!fs::is_directory(backup_dir, ec)) {
    return InvalidArgument(backup_dir + " is not a Tessera backup: no such directory");
  }
  if (!fs::exists(path, ec)) {
    return InvalidArgument(backup_dir + " is not a Tessera backup (it has no " +
                           kBackupManifestName + "; `tessera backup` writes one)");
  }
  const auto size = fs::file_size(path, ec);
  if (ec) return IoError(path + ": " + ec.message());
  if (size > kMaxManifestBytes) return Corrupt(path + " is too large to be a backup manifest");
  TESSERA_ASSIGN_OR_RETURN(std::string text, ReadInput(path));
  *sha256 = Sha256Hex(Sha256(text));
  auto parsed = ParseJson(text);
  if (!parsed.ok() || !parsed->is_object()) {
    return Corrupt(path + " is not a backup manifest (not a JSON object)");
  }
  json::object m = parsed->as_object();
  const json::value* format = m.if_contains("format");
  if (format == nullptr || !format->is_string() || format->as_string() != kBackupFormat) {
    return InvalidArgument(path + " is not a manifest of format " + kBackupFormat);
  }
  return m;
}

std::string StringField(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<int64_t> IntField(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= INT64_MAX) return static_cast<int64_t>(v->as_uint64());
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> ProcessHoldingStore(const std::string& data_dir) {
  // Every SQLite connection that has a WAL-mode database open holds a shared lock on the "DMS"
  // byte of its -shm file, offset 128 (https://www.sqlite.org/walformat.html, "the DMS lock"),
  // for as long as it is open. A write lock there would conflict with any such hold.
  const std::string shm = (fs::path(data_dir) / (std::string(kStoreFileName) + "-shm")).string();
  const int fd = ::open(shm.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = 128;
  fl.l_len = 1;
  const int rc = ::fcntl(fd, F_GETLK, &fl);
  ::close(fd);
  if (rc != 0 || fl.l_type == F_UNLCK) return std::nullopt;
  return static_cast<int64_t>(fl.l_pid);
}

namespace {

// The checks of VerifyStoreFile but the digest: fills check->schema_version.
Status CheckStoreFile(const std::string& store_file, StoreCheck* check) {
  check->store_file = store_file;
  check->latest_schema_version = LatestSchema();
  std::error_code ec;
  if (!fs::is_regular_file(store_file, ec)) return Corrupt(store_file + " is missing");
  for (const char* suffix : {"-wal", "-journal"}) {
    if (fs::exists(store_file + suffix, ec)) {
      return Corrupt(store_file + " has a " + (suffix + 1) +
                     " file beside it: it was opened and written after it was made");
    }
  }
  TESSERA_ASSIGN_OR_RETURN(SqlitePtr db, OpenSqlite(store_file, SQLITE_OPEN_READONLY));
  auto version = CheckedSchemaVersion(db.get(), store_file);
  if (!version.ok()) {
    // "file is not a database" and the like: not a store, whatever SQLite calls it.
    if (version.status().code() == ErrorCode::kUnavailable) return version.status();
    return Corrupt(version.status().message());
  }
  check->schema_version = *version;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db.get(), "PRAGMA integrity_check(20)", -1, &stmt, nullptr);
  std::string problems;
  if (rc == SQLITE_OK) {
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      const std::string line = text != nullptr ? text : "";
      if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
    }
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) {
    return Corrupt(SqliteError(db.get(), rc, "checking " + store_file).message());
  }
  if (!problems.empty()) {
    return Corrupt(store_file + " fails SQLite's integrity check: " + problems);
  }
  return Status::Ok();
}

}  // namespace

Result<StoreCheck> VerifyStoreFile(const std::string& store_file) {
  StoreCheck check;
  TESSERA_RETURN_IF_ERROR(CheckStoreFile(store_file, &check));
  TESSERA_ASSIGN_OR_RETURN(check.sha256, HashAndCopy(store_file, nullptr, &check.bytes));
  return check;
}

Result<BackupResult> BackupDataDir(const std::string& data_dir, const std::string& backup_dir,
                                   const BackupProgressFn& progress) {
  const fs::path dest = fs::absolute(backup_dir).lexically_normal();
  const fs::path dest_clean = dest.has_filename() ? dest : dest.parent_path();
  std::error_code ec;
  if (fs::exists(fs::symlink_status(dest_clean, ec))) {
    return AlreadyExists(dest_clean.string() +
                         " exists: a backup is written to a new directory, never over one");
  }
  if (!fs::is_directory(dest_clean.parent_path(), ec)) {
    return IoError("the directory " + dest_clean.parent_path().string() +
                   " (where the backup goes) does not exist");
  }
  const fs::path source_dir = fs::absolute(data_dir).lexically_normal();
  const std::string source = (source_dir / kStoreFileName).string();
  if (!fs::exists(source, ec)) {
    return NotFound("no Tessera store in " + data_dir + " (no " + kStoreFileName + ")");
  }

  BackupResult result;
  result.backup_dir = dest_clean.string();
  result.source_dir = source_dir.string();
  TESSERA_ASSIGN_OR_RETURN(std::string tmp_path, MakeTempDirBeside(dest_clean, "backup"));
  TempDir tmp(tmp_path);
  const std::string copy = (fs::path(tmp.path()) / kStoreFileName).string();

  TESSERA_RETURN_IF_ERROR(CopySnapshot(source, copy, progress, &result.created));
  // Counted through the store's interface while the copy still is what the source was; only at
  // the latest schema, which opening leaves as it is.
  {
    TESSERA_ASSIGN_OR_RETURN(SqlitePtr db, OpenSqlite(copy, SQLITE_OPEN_READWRITE));
    TESSERA_ASSIGN_OR_RETURN(int64_t version, CheckedSchemaVersion(db.get(), copy));
    db.reset();
    if (version == LatestSchema()) {
      auto counts = CountStore(tmp.path());
      if (!counts.ok()) {
        return Corrupt("the copy cannot be opened as a store: " + counts.status().message());
      }
      result.counts = *counts;
    }
  }
  TESSERA_RETURN_IF_ERROR(MakeSingleFile(copy));
  auto check = VerifyStoreFile(copy);
  if (!check.ok()) {
    return Status(check.status().code(),
                  "the copy fails verification: " + check.status().message());
  }
  result.check = *check;
  result.check.store_file = (dest_clean / kStoreFileName).string();

  json::object m;
  m["format"] = kBackupFormat;
  m["created"] = result.created;
  m["source"] = result.source_dir;
  m["store_file"] = kStoreFileName;
  m["bytes"] = result.check.bytes;
  m["sha256"] = result.check.sha256;
  m["schema_version"] = result.check.schema_version;
  if (result.counts) {
    m["counts"] = CountsJson(*result.counts);
  } else {
    m["counts"] = nullptr;
  }
  TESSERA_RETURN_IF_ERROR(WriteFileAtomically((fs::path(tmp.path()) / kBackupManifestName).string(),
                                              PrettyJson(m), FileReaders::kOwnerOnly));
  TESSERA_RETURN_IF_ERROR(SyncPath(copy, false));
  TESSERA_RETURN_IF_ERROR(SyncPath(tmp.path(), true));
  TESSERA_RETURN_IF_ERROR(RenameNoReplace(tmp.path(), result.backup_dir));
  tmp.Release();
  TESSERA_RETURN_IF_ERROR(SyncPath(dest_clean.parent_path().string(), true));
  return result;
}

Result<BackupInfo> VerifyBackup(const std::string& backup_dir, const StepProgressFn& progress) {
  BackupInfo info;
  TESSERA_ASSIGN_OR_RETURN(json::object m, ReadManifest(backup_dir, &info.manifest_sha256));
  info.backup_dir = fs::absolute(backup_dir).lexically_normal().string();
  info.created = StringField(m, "created");
  info.source_dir = StringField(m, "source");
  const std::string store_file = (fs::path(backup_dir) / kStoreFileName).string();
  const std::string want_sha = StringField(m, "sha256");
  const std::optional<int64_t> want_bytes = IntField(m, "bytes");
  if (want_sha.size() != 64 || !want_bytes) {
    return Corrupt(backup_dir + "/" + kBackupManifestName + " lacks the store's size or SHA-256");
  }
  // The digest first: a changed file is reported as changed, whatever else is wrong with it.
  std::error_code ec;
  if (!fs::is_regular_file(store_file, ec)) return Corrupt(store_file + " is missing");
  TESSERA_ASSIGN_OR_RETURN(info.check.sha256, HashAndCopy(store_file, nullptr, &info.check.bytes,
                                                          progress, "verifying the backup"));
  if (info.check.bytes != *want_bytes || info.check.sha256 != want_sha) {
    return Corrupt(store_file + " is not the file the backup wrote (size " +
                   std::to_string(info.check.bytes) + ", SHA-256 " + info.check.sha256 +
                   "; the manifest says " + std::to_string(*want_bytes) + ", " + want_sha + ")");
  }
  TESSERA_RETURN_IF_ERROR(CheckStoreFile(store_file, &info.check));
  if (const json::value* c = m.if_contains("counts"); c != nullptr && c->is_object()) {
    const json::object& co = c->as_object();
    StoreCounts counts;
    counts.object_versions = IntField(co, "object_versions").value_or(0);
    counts.organizations = IntField(co, "organizations").value_or(0);
    counts.users = IntField(co, "users").value_or(0);
    counts.tokens = IntField(co, "tokens").value_or(0);
    counts.collections = IntField(co, "collections").value_or(0);
    info.counts = counts;
  }
  return info;
}

namespace {

// The restored store's audit entry (RestoreDataDir's contract), appended to the copy before it is
// renamed into place.
Status AppendRestoreEntry(Store& store, const RestoreResult& r, const RestoreOptions& options,
                          bool replacing) {
  audit::Entry e;
  e.chain = std::string(audit::kHubChain);
  e.time = Timestamp::Now();
  e.actor = options.actor.empty() ? CliActor() : options.actor;
  e.action = kRestoreAuditAction;
  e.target = "backup:" + r.backup.backup_dir;
  e.result = std::string(audit::kDone);
  e.details = "restored into " + r.data_dir +
              (replacing ? " (replacing the store there, kept beside it)" : "") + "; backup of " +
              r.backup.source_dir + " taken at " + r.backup.created + "; tessera.db SHA-256 " +
              r.backup.check.sha256 + ", " + std::to_string(r.backup.check.bytes) +
              " bytes; manifest SHA-256 " + r.backup.manifest_sha256 + "; schema " +
              std::to_string(r.schema_version_before);
  // Opening the store brought it to this tessera's schema.
  if (LatestSchema() != r.schema_version_before) {
    e.details += ", upgraded to " + std::to_string(LatestSchema());
  }
  auto appended = AuditLogOf(store).Append(std::move(e));
  if (!appended.ok()) {
    return Status(
        appended.status().code(),
        "recording the restore in the restored store's audit log: " + appended.status().message());
  }
  return Status::Ok();
}

}  // namespace

Result<RestoreResult> RestoreDataDir(const std::string& backup_dir, const std::string& data_dir,
                                     const RestoreOptions& options) {
  RestoreResult result;
  TESSERA_ASSIGN_OR_RETURN(result.backup, VerifyBackup(backup_dir, options.progress));
  result.schema_version_before = result.backup.check.schema_version;

  const fs::path target_abs = fs::absolute(data_dir).lexically_normal();
  const fs::path target = target_abs.has_filename() ? target_abs : target_abs.parent_path();
  result.data_dir = target.string();
  std::error_code ec;
  const bool target_exists = fs::exists(fs::symlink_status(target, ec));
  bool target_empty = false;
  if (target_exists) {
    if (!fs::is_directory(fs::symlink_status(target, ec))) {
      return AlreadyExists(result.data_dir + " exists and is not a directory");
    }
    target_empty = fs::is_empty(target, ec);
    if (ec) return IoError(result.data_dir + ": " + ec.message());
    if (auto pid = ProcessHoldingStore(result.data_dir)) {
      return Unavailable("the store in " + result.data_dir + " is open in process " +
                         std::to_string(*pid) +
                         " (a running `tessera serve`?): stop it before restoring over it");
    }
    if (!target_empty && !options.force) {
      const bool has_store = fs::exists(target / kStoreFileName, ec);
      return AlreadyExists(result.data_dir +
                           (has_store ? " holds a Tessera store" : " is not empty") +
                           ": restore into a new directory, or give --force to replace it (it "
                           "is kept, renamed)");
    }
  } else {
    fs::create_directories(target.parent_path(), ec);
    if (ec) return IoError("creating " + target.parent_path().string() + ": " + ec.message());
  }

  TESSERA_ASSIGN_OR_RETURN(std::string tmp_path, MakeTempDirBeside(target, "restore"));
  TempDir tmp(tmp_path);
  const std::string from = (fs::path(backup_dir) / kStoreFileName).string();
  const std::string copy = (fs::path(tmp.path()) / kStoreFileName).string();
  int64_t bytes = 0;
  TESSERA_ASSIGN_OR_RETURN(std::string sha,
                           HashAndCopy(from, &copy, &bytes, options.progress, "copying the store"));
  if (sha != result.backup.check.sha256 || bytes != result.backup.check.bytes) {
    return Corrupt(from + " changed while it was being restored");
  }
  // Opening it as a store sets the write-ahead log again and upgrades an older schema.
  if (options.progress) options.progress(StepProgress{"opening the restored store", 0, 0});
  {
    auto opened = OpenStore(tmp.path(), OpenMode::kOpenExisting, 1);
    if (!opened.ok()) {
      return Status(opened.status().code(),
                    "the restored copy cannot be opened as a store: " + opened.status().message());
    }
    auto counts = CountOpened(**opened);
    if (!counts.ok()) {
      return Status(counts.status().code(),
                    "the restored copy cannot be read as a store: " + counts.status().message());
    }
    result.counts = *counts;
    TESSERA_RETURN_IF_ERROR(
        AppendRestoreEntry(**opened, result, options, target_exists && !target_empty));
  }
  {
    TESSERA_ASSIGN_OR_RETURN(SqlitePtr db, OpenSqlite(copy, SQLITE_OPEN_READWRITE));
    TESSERA_ASSIGN_OR_RETURN(result.schema_version_after, CheckedSchemaVersion(db.get(), copy));
  }
  TESSERA_RETURN_IF_ERROR(SyncPath(copy, false));
  TESSERA_RETURN_IF_ERROR(SyncPath(tmp.path(), true));

  if (!target_exists) {
    TESSERA_RETURN_IF_ERROR(RenameNoReplace(tmp.path(), result.data_dir));
    tmp.Release();
  } else {
    // A process may have opened the store since the first look.
    if (auto pid = ProcessHoldingStore(result.data_dir)) {
      return Unavailable("the store in " + result.data_dir + " is open in process " +
                         std::to_string(*pid) + ": stop it before restoring over it");
    }
    if (::renameat2(AT_FDCWD, tmp.path().c_str(), AT_FDCWD, result.data_dir.c_str(),
                    RENAME_EXCHANGE) != 0) {
      return IoError(OsError("exchanging " + tmp.path() + " and " + result.data_dir));
    }
    // tmp.path() now names the replaced directory.
    if (target_empty) {
      ::rmdir(tmp.path().c_str());
      tmp.Release();
    } else {
      std::string kept = result.data_dir + ".replaced-" + CompactUtcNow();
      Status moved = RenameNoReplace(tmp.path(), kept);
      for (int i = 2; moved.code() == ErrorCode::kAlreadyExists && i < 100; ++i) {
        kept = result.data_dir + ".replaced-" + CompactUtcNow() + "-" + std::to_string(i);
        moved = RenameNoReplace(tmp.path(), kept);
      }
      if (moved.ok()) {
        result.replaced_dir = kept;
      } else {
        result.replaced_dir = tmp.path();  // still kept, under the temporary name
      }
      tmp.Release();
    }
  }
  TESSERA_RETURN_IF_ERROR(SyncPath(target.parent_path().string(), true));
  return result;
}

}  // namespace tessera::store
