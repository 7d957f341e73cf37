#include "store/sqlite_db.h"

#include <algorithm>
#include <mutex>
#include <system_error>

#include "common/digest.h"
#include "store/sqlite_schema.h"

namespace tessera::store::sqlite {
namespace {

constexpr int kBusyTimeoutMs = 10'000;
// Statements a read connection keeps prepared before it starts over (listings vary with the
// number of filters; this bounds their memory).
constexpr size_t kMaxCachedStatements = 256;
// WAL pages after which a commit asks for a checkpoint (SQLite's own default for its automatic
// checkpoint; 16 MiB with the store's 16 KiB pages).
constexpr int kCheckpointPages = 1000;
// WAL pages after which the committing writer checkpoints itself, within its commit, as SQLite
// would: the checkpoint thread has fallen behind (or cannot run), and writers slow down rather
// than letting the WAL grow without bound.
constexpr int kWriterCheckpointPages = 4 * kCheckpointPages;

// tessera_search_key_digest(key): DigestOfSearchKey of a text, as a 16-byte blob; NULL for NULL.
void SearchKeyDigestFunction(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  if (text == nullptr) {
    sqlite3_result_null(ctx);
    return;
  }
  const SearchKeyDigest d =
      DigestOfSearchKey(std::string_view(text, static_cast<size_t>(sqlite3_value_bytes(argv[0]))));
  sqlite3_result_blob(ctx, d.data(), static_cast<int>(d.size()), SQLITE_TRANSIENT);
}

// Brings the schema to SchemaMigrations().size(), all inside one write transaction so that two
// processes opening a new store at once cannot both migrate. The migrations may call
// tessera_search_key_digest. Returns the schema version the file had before (0 for a new store).
Result<int64_t> Migrate(sqlite3* db, const std::string& path) {
  if (const int rc =
          sqlite3_create_function_v2(db, "tessera_search_key_digest", 1,
                                     SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
                                     nullptr, SearchKeyDigestFunction, nullptr, nullptr, nullptr);
      rc != SQLITE_OK) {
    return SqliteError(db, rc, "opening " + path);
  }
  TESSERA_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE", "opening " + path));
  auto fail = [db](Status st) {
    Exec(db, "ROLLBACK", "rolling back").ok();
    return st;
  };
  auto app_id = QueryInt(db, "PRAGMA application_id", "reading " + path);
  if (!app_id.ok()) return fail(app_id.status());
  auto version = QueryInt(db, "PRAGMA user_version", "reading " + path);
  if (!version.ok()) return fail(version.status());
  auto tables = QueryInt(db, "SELECT count(*) FROM sqlite_schema", "reading " + path);
  if (!tables.ok()) return fail(tables.status());

  const bool fresh = *tables == 0 && *version == 0;
  if (!fresh && *app_id != kApplicationId) {
    return fail(Corrupt(path + " is an SQLite database but not a Tessera store"));
  }
  const auto migrations = SchemaMigrations();
  const int64_t latest = static_cast<int64_t>(migrations.size());
  if (*version > latest) {
    return fail(Unavailable(path + " has schema version " + std::to_string(*version) +
                            ", newer than this tessera knows (" + std::to_string(latest) +
                            "): use a newer tessera"));
  }
  if (fresh) {
    Status st = Exec(db, ("PRAGMA application_id = " + std::to_string(kApplicationId)).c_str(),
                     "initializing " + path);
    if (!st.ok()) return fail(st);
  }
  for (int64_t v = *version; v < latest; ++v) {
    Status st = Exec(db, migrations[static_cast<size_t>(v)],
                     "upgrading " + path + " to schema version " + std::to_string(v + 1));
    if (st.ok()) {
      st =
          Exec(db, ("PRAGMA user_version = " + std::to_string(v + 1)).c_str(), "upgrading " + path);
    }
    if (!st.ok()) return fail(st);
  }
  if (Status st = Exec(db, "COMMIT", "committing the schema of " + path); !st.ok()) {
    return fail(st);
  }
  return *version;
}

Result<sqlite3*> OpenConnection(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, nullptr);
  if (rc != SQLITE_OK) {
    Status st = SqliteError(db, rc, "opening " + path);
    sqlite3_close(db);
    return st;
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  sqlite3_extended_result_codes(db, 1);
  return db;
}

}  // namespace

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return AlreadyExists(msg);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return NotFound(msg + " (it refers to something that does not exist)");
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
      return InvalidArgument(msg);
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Unavailable(msg + " (another process is writing to the store; try again)");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Corrupt(msg);
    case SQLITE_NOMEM:
    case SQLITE_MISUSE:
    case SQLITE_INTERNAL:
      return Internal(msg);
    case SQLITE_CONSTRAINT:
      return InvalidArgument(msg);
    default:
      return IoError(msg);
  }
}

Status Statement::Prepare(sqlite3* db, std::string_view sql) {
  sqlite3_finalize(stmt_);
  stmt_ = nullptr;
  db_ = db;
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, "preparing a statement");
  return Status::Ok();
}

Result<bool> Statement::Step(std::string_view what) {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, rc, what);
}

Status Statement::Run(std::string_view what) {
  while (true) {
    TESSERA_ASSIGN_OR_RETURN(bool row, Step(what));
    if (!row) return Status::Ok();
  }
}

void Sql::Bind(Statement& s) const {
  int i = 1;
  for (const auto& p : params) {
    if (const auto* v = std::get_if<int64_t>(&p)) {
      s.BindInt(i++, *v);
    } else if (const auto* t = std::get_if<std::string>(&p)) {
      s.BindText(i++, *t);
    } else {
      s.BindBlob(i++, std::get<std::vector<uint8_t>>(p));
    }
  }
}

SearchKeyDigest DigestOfSearchKey(std::string_view key) {
  const std::array<uint8_t, 32> full = Sha256(key);
  SearchKeyDigest d;
  std::copy_n(full.begin(), d.size(), d.begin());
  return d;
}

Status Exec(sqlite3* db, const char* sql, std::string_view what) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = std::string(what) + ": " + (err ? err : sqlite3_errstr(rc));
  sqlite3_free(err);
  Status st = SqliteError(nullptr, rc, what);
  return Status(st.code(), msg);
}

Result<int64_t> QueryInt(sqlite3* db, const char* sql, std::string_view what) {
  Statement s;
  TESSERA_RETURN_IF_ERROR(s.Prepare(db, sql));
  TESSERA_ASSIGN_OR_RETURN(bool row, s.Step(what));
  return row ? s.ColumnInt(0) : 0;
}

Connection::~Connection() {
  cache_.clear();  // statements first: sqlite3_close refuses a connection with live statements
  sqlite3_close(db_);
}

Result<Statement*> Connection::Prepared(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it != cache_.end()) {
    it->second->Reset();
    return it->second.get();
  }
  auto s = std::make_unique<Statement>();
  TESSERA_RETURN_IF_ERROR(s->Prepare(db_, sql));
  Statement* out = s.get();
  cache_.emplace(std::string(sql), std::move(s));
  return out;
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, bool create,
                                                 size_t max_readers) {
  // SQLite counts every allocation under a process-wide mutex unless told not to: two mutex
  // operations per allocation, several allocations per row. Nothing here reads those counts
  // (sqlite3_memory_used, soft heap limits). sqlite3_config must come before SQLite initializes:
  // once per process, before the first connection; it fails harmlessly (and changes nothing)
  // when something else in the process already initialized SQLite.
  static std::once_flag configured;
  std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  int flags = SQLITE_OPEN_READWRITE;
  if (create) flags |= SQLITE_OPEN_CREATE;
  TESSERA_ASSIGN_OR_RETURN(sqlite3 * raw, OpenConnection(path, flags));
  std::unique_ptr<Database> db(new Database(path, max_readers == 0 ? 1 : max_readers));
  db->writer_ = std::make_unique<Connection>(raw);  // owns raw from here on

  // Takes effect only on a new, empty file (the page size of an existing store is kept).
  TESSERA_RETURN_IF_ERROR(Exec(raw, "PRAGMA page_size = 16384", "opening " + path));
  // journal_mode answers with the mode in effect; anything but "wal" means WAL is unavailable
  // (e.g. a file system without shared memory) and durability/concurrency would not hold.
  {
    Statement s;
    TESSERA_RETURN_IF_ERROR(s.Prepare(raw, "PRAGMA journal_mode = WAL"));
    TESSERA_ASSIGN_OR_RETURN(bool row, s.Step("opening " + path));
    const std::string mode_now = row ? s.ColumnText(0) : std::string();
    if (mode_now != "wal") {
      return IoError(path + ": cannot use write-ahead logging (journal mode is '" + mode_now +
                     "')");
    }
  }
  TESSERA_RETURN_IF_ERROR(Exec(raw, "PRAGMA synchronous = FULL", "opening " + path));
  // The writer's page cache, 160 MiB at most: an import of millions of rows inserts at random
  // places in the index of ids (about 90 bytes a row), and each insert whose page is not cached
  // reads it and later writes it back. At 2.2 million rows (a 1.26 GB file) a 64 MiB cache made
  // the import 1.5x slower than this one (docs/benchmarks.md); the import stays under 300 MB.
  TESSERA_RETURN_IF_ERROR(Exec(raw, "PRAGMA cache_size = -163840", "opening " + path));  // KiB
  TESSERA_RETURN_IF_ERROR(Exec(raw, "PRAGMA foreign_keys = ON", "opening " + path));
  TESSERA_ASSIGN_OR_RETURN(db->schema_found_, Migrate(raw, path));
  db->schema_now_ = static_cast<int64_t>(SchemaMigrations().size());
  // Replaces SQLite's automatic checkpoint (which runs inside a commit) with OnCommit.
  sqlite3_wal_hook(raw, &Database::OnCommit, db.get());
  db->MapWalIndex();
  return db;
}

int Database::OnCommit(void* self, sqlite3* db, const char* schema, int wal_pages) noexcept {
  if (wal_pages < kCheckpointPages) return SQLITE_OK;
  auto* database = static_cast<Database*>(self);
  if (wal_pages >= kWriterCheckpointPages || !database->checkpointer_.Request()) {
    // PASSIVE: copies what no reader still needs and waits for no one. Its failure fails
    // nothing (the commit has happened; the next one tries again), so it is not reported.
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
  return SQLITE_OK;
}

bool Database::Checkpointer::Request() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (broken_) return false;
    requested_ = true;
    if (!thread_.joinable()) {
      // Called from SQLite's commit hook: no exception may cross SQLite's C frames. A thread
      // that cannot be started (the process's thread limit) leaves the writer to checkpoint.
      try {
        thread_ = std::thread([this] { Run(); });
      } catch (const std::system_error&) {
        broken_ = true;
        return false;
      }
    }
  }
  cv_.notify_one();
  return true;
}

Database::Checkpointer::~Checkpointer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Database::Checkpointer::Run() {
  auto opened = OpenConnection(path_, SQLITE_OPEN_READWRITE);
  // Stated, not left to the build's default: with synchronous=OFF a checkpoint would not sync the
  // database file before the WAL may be reused, and what was acknowledged could be lost in a
  // power failure.
  if (opened.ok() && !Exec(*opened, "PRAGMA synchronous = FULL", "opening " + path_).ok()) {
    sqlite3_close(*opened);
    opened = IoError("cannot set synchronous");
  }
  if (!opened.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    broken_ = true;  // the writer checkpoints itself from now on
    return;
  }
  sqlite3* db = *opened;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return requested_ || stopping_; });
    if (stopping_) break;
    requested_ = false;
    lock.unlock();
    // As in OnCommit: a failed checkpoint is retried at the next request.
    sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    lock.lock();
  }
  lock.unlock();
  sqlite3_close(db);
}

void Database::MapWalIndex() {
  // SQLite's own mapping of the first WAL-index region (32 KiB, the header at its start), through
  // the writer connection's file: it stays mapped while that connection has the WAL open, i.e.
  // for the life of this Database. Not a mapping of our own: that would need a descriptor of the
  // -shm file, and closing any descriptor of a file drops every POSIX lock this process holds on
  // it, SQLite's included; another process would then find the WAL index unused, truncate it and
  // rebuild it under this one.
  sqlite3_file* file = nullptr;
  if (sqlite3_file_control(writer_->db(), "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK ||
      file == nullptr || file->pMethods == nullptr || file->pMethods->iVersion < 2 ||
      file->pMethods->xShmMap == nullptr) {
    return;
  }
  constexpr int kWalIndexRegionBytes = 32 * 1024;  // SQLite's WAL-index region size
  void volatile* region = nullptr;
  if (file->pMethods->xShmMap(file, 0, kWalIndexRegionBytes, 0, &region) != SQLITE_OK) return;
  wal_index_ = const_cast<const void*>(region);
}

std::optional<Database::CommitMark> Database::ReadCommitMark() const {
  if (wal_index_ == nullptr) return std::nullopt;
  // In this process the header is written by the writer connection alone (its commits, the
  // checkpoints it runs when the checkpoint thread falls behind, and WAL restarts), with plain
  // memcpy, always under writer_mu_. (The checkpoint thread's PASSIVE checkpoints write only the
  // checkpoint information that follows the header, never the header itself, except when they
  // find the header torn by a process that died mid-commit and rebuild the WAL-index, as any
  // connection then does: a mark read meanwhile simply differs, and the caller reads the store.)
  // Reading it while another thread holds writer_mu_ would be a data race by C++ rules (undefined
  // behaviour, and what ThreadSanitizer reports), so the header is read only when writer_mu_ can
  // be taken at once: then no commit of this process runs. While a write is in progress the
  // answer is "unknown" (nullopt) and the caller reads the store, as it must anyway until that
  // write commits. try_lock costs no system call; the writer is held up for a 96-byte copy.
  // (Our reader connections never write the header: they are query-only and only rebuild the
  // WAL-index after a crash, which the writer connection, opened first, has already done.)
  if (writer_thread_.load() == std::this_thread::get_id()) return std::nullopt;
  std::unique_lock<std::mutex> lock(writer_mu_, std::try_to_lock);
  if (!lock.owns_lock()) return std::nullopt;
  // Other processes (the CLI) may write these words meanwhile, which the C++ memory model does
  // not govern: word-sized atomic loads, and a torn pair of copies simply differs from any
  // earlier mark (the caller then reads the store).
  const auto* words = static_cast<const uint32_t*>(wal_index_);
  CommitMark mark;
  for (size_t i = 0; i < mark.size(); ++i) {
    mark[i] = __atomic_load_n(&words[i], __ATOMIC_ACQUIRE);
  }
  return mark;
}

Database::~Database() {
  if (writer_) sqlite3_wal_hook(writer_->db(), nullptr, nullptr);
  std::lock_guard<std::mutex> lock(pool_mu_);
  // Every lease has been returned: WithReader returns its connection before it returns.
  idle_.clear();
}

Result<std::unique_ptr<Connection>> Database::OpenReader() {
  TESSERA_ASSIGN_OR_RETURN(sqlite3 * raw, OpenConnection(path_, SQLITE_OPEN_READWRITE));
  auto c = std::make_unique<Connection>(raw);
  // A reader never writes: query_only turns a bug that would write into an error.
  TESSERA_RETURN_IF_ERROR(Exec(raw, "PRAGMA query_only = 1", "opening a reader on " + path_));
  TESSERA_RETURN_IF_ERROR(Exec(raw, "PRAGMA cache_size = -16384", "opening a reader on " + path_));
  return c;
}

Result<std::unique_ptr<Connection>> Database::AcquireReader() {
  {
    std::unique_lock<std::mutex> lock(pool_mu_);
    pool_cv_.wait(lock, [this] { return !idle_.empty() || open_readers_ < max_readers_; });
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      if (c->cached() > kMaxCachedStatements) c->DropCache();
      return c;
    }
    ++open_readers_;  // reserve a slot; opened outside the lock
  }
  auto c = OpenReader();
  if (!c.ok()) {
    std::lock_guard<std::mutex> lock(pool_mu_);
    --open_readers_;
    pool_cv_.notify_one();
  }
  return c;
}

void Database::ReleaseReader(std::unique_ptr<Connection> c) {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    idle_.push_back(std::move(c));
  }
  pool_cv_.notify_one();
}

}  // namespace tessera::store::sqlite
