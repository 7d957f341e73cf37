#pragma once
// Internal to the SQLite backend (not part of the store's public contract): prepared statements,
// error mapping, and the connections of one store file: a single writer connection behind a
// mutex, and a pool of read connections so that reads run in parallel with each other and with a
// write (WAL: a reader sees the last committed state and never waits for a writer to commit).

#include <sqlite3.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "common/status.h"

namespace tessera::store::sqlite {

// "PRAGMA application_id" of a Tessera store: "TSRA". Tells a Tessera store from another SQLite
// file that happens to sit at the same path (OpenDatabase checks it; so does a backup's check).
inline constexpr int32_t kApplicationId = 0x54535241;

// Maps an SQLite result code to a Status: busy/locked -> kUnavailable, corrupt -> kCorrupt,
// constraint violations -> kAlreadyExists (unique / primary key), kNotFound (foreign key),
// kInvalidArgument (check, not null); else kIo.
Status SqliteError(sqlite3* db, int rc, std::string_view what);

// A prepared statement; finalized on destruction. Not thread-safe (owned by one connection).
class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  Status Prepare(sqlite3* db, std::string_view sql);
  sqlite3_stmt* get() const { return stmt_; }

  // Binds with SQLITE_STATIC: `v` must outlive the next Step()/Reset().
  void BindText(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void BindInt(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void BindNull(int i) { sqlite3_bind_null(stmt_, i); }
  void BindBlob(int i, std::span<const uint8_t> v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }

  // SQLITE_ROW -> true, SQLITE_DONE -> false, anything else -> error.
  Result<bool> Step(std::string_view what);
  // Steps to the end (a statement that returns no rows).
  Status Run(std::string_view what);
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int64_t ColumnInt(int i) const { return sqlite3_column_int64(stmt_, i); }
  double ColumnDouble(int i) const { return sqlite3_column_double(stmt_, i); }
  bool ColumnIsNull(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
  std::string ColumnText(int i) const { return std::string(ColumnView(i)); }
  // The bytes of blob column i: valid until the next Step, Reset or column call that converts it.
  std::span<const uint8_t> ColumnBlob(int i) const {
    const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, i));
    return p ? std::span<const uint8_t>(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, i)))
             : std::span<const uint8_t>();
  }
  // The text of column i as SQLite holds it: valid until the next Step, Reset or column call
  // that converts the column.
  std::string_view ColumnView(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
    return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, i)))
             : std::string_view();
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets a statement when the scope ends, so that an early return cannot leave it mid-step.
class ResetOnExit {
 public:
  explicit ResetOnExit(Statement& s) : s_(s) {}
  ~ResetOnExit() { s_.Reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  Statement& s_;
};

// SQL text with its parameters, built piece by piece; Bind() binds them in order.
struct Sql {
  std::string text;
  std::vector<std::variant<int64_t, std::string, std::vector<uint8_t>>> params;

  Sql& Add(std::string_view s) {
    text += s;
    return *this;
  }
  Sql& Param(int64_t v) {
    text += '?';
    params.emplace_back(v);
    return *this;
  }
  Sql& Param(std::string v) {
    text += '?';
    params.emplace_back(std::move(v));
    return *this;
  }
  Sql& Param(std::vector<uint8_t> blob) {
    text += '?';
    params.emplace_back(std::move(blob));
    return *this;
  }
  // Binds every parameter; `this` must outlive the statement's next Reset().
  void Bind(Statement& s) const;
};

// A search key as the index stores it (schema 7): the first 16 bytes of its SHA-256. Shorter than
// most keys and compared in a byte or two, where keys share long prefixes ("ref:indicator--").
// Filing an object under a key another value has means finding a second preimage of 128 bits
// (about 2^128 digests); even two keys of the writer's own choosing that share one cost about
// 2^64. Migration 7 computes it in SQL as tessera_search_key_digest(key), on the connection that
// migrates.
using SearchKeyDigest = std::array<uint8_t, 16>;
SearchKeyDigest DigestOfSearchKey(std::string_view key);

Status Exec(sqlite3* db, const char* sql, std::string_view what);
Result<int64_t> QueryInt(sqlite3* db, const char* sql, std::string_view what);

// One connection and its cache of prepared statements (keyed by SQL text). Not thread-safe: it is
// used by one thread at a time (the writer under the writer mutex, a reader while leased).
class Connection {
 public:
  explicit Connection(sqlite3* db) : db_(db) {}
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* db() const { return db_; }
  // The prepared statement for `sql`, reset and unbound, prepared on first use and kept. The
  // reference stays valid until DropCache() or the connection is destroyed.
  Result<Statement*> Prepared(std::string_view sql);
  // Finalizes every cached statement (keeps the cache bounded when queries vary a lot).
  void DropCache() { cache_.clear(); }
  size_t cached() const { return cache_.size(); }

 private:
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

// The connections of one store file. Thread-safe.
class Database {
 public:
  // Opens the writer connection on `path` (creating the file when `create`), sets WAL,
  // synchronous=FULL, foreign keys, and migrates the schema. Read connections are opened lazily,
  // at most `max_readers` of them.
  static Result<std::unique_ptr<Database>> Open(const std::string& path, bool create,
                                                size_t max_readers);
  ~Database();

  // The writer connection with the writer mutex held for as long as the lease lives: writes of
  // this process are serialized on it. A holder opens its own transaction (BEGIN IMMEDIATE) and
  // ends it before the lease goes. Movable; waits while another thread holds the lease (a thread
  // that already holds it and asks again deadlocks). Must not outlive the Database.
  class WriterLease {
   public:
    WriterLease(WriterLease&&) = default;
    WriterLease& operator=(WriterLease&&) = delete;
    ~WriterLease() {
      if (lock_.owns_lock()) db_->writer_thread_.store(std::thread::id());
    }
    Connection& connection() const { return *db_->writer_; }
    Database& database() const { return *db_; }

   private:
    friend class Database;
    explicit WriterLease(Database& db) : db_(&db), lock_(db.writer_mu_) {
      db.writer_thread_.store(std::this_thread::get_id());
    }
    Database* db_;
    std::unique_lock<std::mutex> lock_;
  };
  WriterLease LeaseWriter() { return WriterLease(*this); }

  // Runs `fn(Connection&)` on the writer connection under a WriterLease.
  template <typename F>
  auto WithWriter(F&& fn) {
    WriterLease lease = LeaseWriter();
    return fn(lease.connection());
  }

  // Runs `fn(Connection&)` on a read connection leased from the pool (waits while all
  // max_readers are in use). The connection is query-only; `fn` may run several statements, in
  // a read transaction of its own if it needs one consistent snapshot.
  template <typename F>
  auto WithReader(F&& fn) {
    auto lease = AcquireReader();
    using R = decltype(fn(std::declval<Connection&>()));
    if (!lease.ok()) return R(lease.status());
    auto out = fn(**lease);
    ReleaseReader(std::move(*lease));
    return out;
  }

  const std::string& path() const { return path_; }

  // The schema version (PRAGMA user_version) the file had when Open found it (0 for a new file),
  // and the one it has now, the latest this build knows (SchemaMigrations().size()). Open applied
  // migrations schema_found() + 1 .. schema_now(), numbered as the versions they lead to.
  int64_t schema_found() const { return schema_found_; }
  int64_t schema_now() const { return schema_now_; }

  // A cheap mark of the committed state of the file, for a reader that keeps what it read: when
  // two marks are equal, no transaction committed in between, by this process or any other.
  // It is the WAL-index header (the first 96 bytes of the "-shm" file that every SQLite process
  // on the file maps and updates on each commit; its layout is fixed by SQLite's WAL format,
  // https://www.sqlite.org/walformat.html), read through SQLite's own mapping of that file (the
  // writer connection's): no system call, and the writer mutex only tried, never waited for.
  // Taken before a read, a mark that still matches later proves the read current. nullopt when
  // the header cannot be mapped, or while this process is writing (callers then read the store).
  // Also nullopt on the thread that holds the writer (a WriterLease, a store::WriteSession).
  using CommitMark = std::array<uint32_t, 24>;
  std::optional<CommitMark> ReadCommitMark() const;

 private:
  // Copies the WAL back into the database file (a checkpoint) on a thread of its own, so that
  // the copy and its fsync happen outside the writer's serialized section: SQLite's automatic
  // checkpoint would run them inside the commit that crossed the threshold, holding every other
  // writer up. Started at the first request; stopped and joined by its destructor.
  class Checkpointer {
   public:
    explicit Checkpointer(std::string path) : path_(std::move(path)) {}
    ~Checkpointer();
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;
    // Asks for a checkpoint soon; false when this checkpointer cannot run one (its connection
    // did not open), and the caller checkpoints itself.
    bool Request();

   private:
    void Run();
    const std::string path_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool requested_ = false;  // guarded by mu_
    bool stopping_ = false;   // guarded by mu_
    bool broken_ = false;     // guarded by mu_
    std::thread thread_;
  };
  // sqlite3_wal_hook of the writer connection: after each commit, with the WAL's size in pages.
  // A long transaction (a store::WriteSession) cannot be checkpointed before it commits: the WAL
  // grows with it, and its commit finds it past kWriterCheckpointPages and checkpoints it.
  static int OnCommit(void* self, sqlite3* db, const char* schema, int wal_pages) noexcept;

  Database(std::string path, size_t max_readers)
      : path_(std::move(path)), max_readers_(max_readers) {}
  Result<std::unique_ptr<Connection>> AcquireReader();
  void ReleaseReader(std::unique_ptr<Connection> c);
  Result<std::unique_ptr<Connection>> OpenReader();
  void MapWalIndex();  // sets wal_index_ when the -shm header can be mapped

  const std::string path_;
  const size_t max_readers_;
  int64_t schema_found_ = 0;  // set by Open
  int64_t schema_now_ = 0;    // set by Open
  // SQLite's mapping of the WAL-index header (valid while writer_ lives), or null; read only.
  const void* wal_index_ = nullptr;
  mutable std::mutex writer_mu_;        // also taken (try_lock) by ReadCommitMark
  std::unique_ptr<Connection> writer_;  // guarded by writer_mu_
  // The thread holding writer_mu_ through a WriterLease (none: std::thread::id()), so that
  // ReadCommitMark never tries the mutex on the thread that holds it.
  std::atomic<std::thread::id> writer_thread_;

  Checkpointer checkpointer_{path_};

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by pool_mu_
  size_t open_readers_ = 0;                        // guarded by pool_mu_
};

}  // namespace tessera::store::sqlite
