// The audit log's rows in SQLite (table audit_log, schema 9) and AuditScope.

#include "store/audit_log.h"

#include <pwd.h>
#include <unistd.h>
#include <cstdlib>
#include <optional>

#include "store/sqlite_audit.h"
#include "store/sqlite_db.h"

namespace tessera::store {
namespace {

thread_local AuditScope* current_scope = nullptr;

using sqlite::Connection;
using sqlite::Exec;
using sqlite::ResetOnExit;
using sqlite::Statement;

constexpr const char* kColumns =
    "chain, number, time, actor, org_id, org, action, target, result, reason, client, details, "
    "prev_hash, hash";

audit::Entry ReadEntry(const Statement& s) {
  audit::Entry e;
  e.chain = s.ColumnText(0);
  e.number = s.ColumnInt(1);
  e.time = Timestamp::FromMicros(s.ColumnInt(2));
  e.actor = s.ColumnText(3);
  e.org_id = s.ColumnInt(4);
  e.org = s.ColumnText(5);
  e.action = s.ColumnText(6);
  e.target = s.ColumnText(7);
  e.result = s.ColumnText(8);
  e.reason = s.ColumnText(9);
  e.client = s.ColumnText(10);
  e.details = s.ColumnText(11);
  e.prev_hash = s.ColumnText(12);
  e.hash = s.ColumnText(13);
  return e;
}

class SqliteAuditLog final : public AuditLog {
 public:
  explicit SqliteAuditLog(sqlite::Database& db) : db_(db) {}

  Result<audit::Entry> Append(audit::Entry entry) override {
    return db_.WithWriter([&](Connection& c) -> Result<audit::Entry> {
      TESSERA_RETURN_IF_ERROR(Exec(c.db(), "BEGIN IMMEDIATE", "starting an audit entry"));
      Status st = sqlite::AppendAuditOn(c, entry);
      if (st.ok()) st = Exec(c.db(), "COMMIT", "committing an audit entry");
      if (!st.ok()) {
        Exec(c.db(), "ROLLBACK", "rolling back").ok();
        return st;
      }
      return entry;
    });
  }

  Result<std::vector<audit::Entry>> List(const AuditQuery& q) override {
    if (q.limit == 0 || q.limit > kMaxAuditPage) {
      return InvalidArgument("the limit is 1 to " + std::to_string(kMaxAuditPage));
    }
    if (q.before < 0) return InvalidArgument("the cursor is not a position in the log");
    sqlite::Sql sql;
    sql.Add("SELECT ").Add(kColumns).Add(" FROM audit_log WHERE chain = ").Param(q.chain);
    if (q.before > 0) sql.Add(" AND number < ").Param(q.before);
    if (q.since) sql.Add(" AND time >= ").Param(q.since->ToMicros());
    if (q.actor) sql.Add(" AND actor = ").Param(*q.actor);
    if (q.org_id) sql.Add(" AND org_id = ").Param(*q.org_id);
    if (q.action) {
      std::string a = *q.action;
      if (!a.empty() && a.back() == '.') a.pop_back();
      sql.Add(" AND (action = ")
          .Param(a)
          .Add(" OR substr(action, 1, ")
          .Param(static_cast<int64_t>(a.size() + 1))
          .Add(") = ")
          .Param(a + ".")
          .Add(")");
    }
    sql.Add(" ORDER BY number DESC LIMIT ").Param(static_cast<int64_t>(q.limit));
    return db_.WithReader([&](Connection& c) -> Result<std::vector<audit::Entry>> {
      Statement s;
      TESSERA_RETURN_IF_ERROR(s.Prepare(c.db(), sql.text));
      sql.Bind(s);
      std::vector<audit::Entry> out;
      while (true) {
        TESSERA_ASSIGN_OR_RETURN(bool row, s.Step("reading the audit log"));
        if (!row) break;
        out.push_back(ReadEntry(s));
      }
      return out;
    });
  }

  Status Scan(std::string_view chain,
              const std::function<Status(const audit::Entry&)>& each) override {
    return db_.WithReader([&](Connection& c) -> Status {
      TESSERA_RETURN_IF_ERROR(Exec(c.db(), "BEGIN", "reading the audit log"));
      Statement s;
      Status st = s.Prepare(c.db(), std::string("SELECT ") + kColumns +
                                        " FROM audit_log WHERE chain = ? ORDER BY number");
      if (st.ok()) {
        s.BindText(1, chain);
        while (st.ok()) {
          auto row = s.Step("reading the audit log");
          if (!row.ok()) {
            st = row.status();
            break;
          }
          if (!*row) break;
          st = each(ReadEntry(s));
        }
      }
      s.Reset();
      Exec(c.db(), "COMMIT", "reading the audit log").ok();
      return st;
    });
  }

  const void* tag() const override { return &db_; }

 private:
  sqlite::Database& db_;
};

}  // namespace

namespace sqlite {

Status AppendAuditOn(Connection& c, audit::Entry& entry) {
  audit::BoundFields(entry);
  if (entry.chain.empty()) return InvalidArgument("an audit entry needs its chain");
  TESSERA_ASSIGN_OR_RETURN(
      Statement * last,
      c.Prepared(
          "SELECT number, hash FROM audit_log WHERE chain = ? ORDER BY number DESC LIMIT 1"));
  ResetOnExit reset_last(*last);
  last->BindText(1, entry.chain);
  TESSERA_ASSIGN_OR_RETURN(bool found, last->Step("reading the audit log's head"));
  entry.number = found ? last->ColumnInt(0) + 1 : 1;
  entry.prev_hash = found ? last->ColumnText(1) : std::string(audit::kGenesisHash);
  // Microseconds are what the row keeps, so the hash covers what is read back.
  entry.time = Timestamp::FromMicros(entry.time.ToMicros());
  entry.hash = audit::EntryHash(entry.prev_hash, entry);
  TESSERA_ASSIGN_OR_RETURN(
      Statement * insert,
      c.Prepared("INSERT INTO audit_log (chain, number, time, actor, org_id, org, action, target, "
                 "result, reason, client, details, prev_hash, hash) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ResetOnExit reset_insert(*insert);
  insert->BindText(1, entry.chain);
  insert->BindInt(2, entry.number);
  insert->BindInt(3, entry.time.ToMicros());
  insert->BindText(4, entry.actor);
  insert->BindInt(5, entry.org_id);
  insert->BindText(6, entry.org);
  insert->BindText(7, entry.action);
  insert->BindText(8, entry.target);
  insert->BindText(9, entry.result);
  insert->BindText(10, entry.reason);
  insert->BindText(11, entry.client);
  insert->BindText(12, entry.details);
  insert->BindText(13, entry.prev_hash);
  insert->BindText(14, entry.hash);
  return insert->Run("appending an audit entry");
}

Status AppendScopedAudit(Database& db, Connection& c, std::string_view details) {
  AuditScope* scope = AuditScope::Active(&db);
  if (scope == nullptr) return Status::Ok();
  if (scope->written()) {
    scope->NoteLaterWrite(details);
    return Status::Ok();
  }
  audit::Entry entry = scope->entry();
  entry.result = std::string(audit::kDone);
  entry.reason.clear();
  if (!details.empty()) {
    entry.details =
        entry.details.empty() ? std::string(details) : entry.details + "; " + std::string(details);
  }
  if (entry.time.ToMicros() == 0) entry.time = Timestamp::Now();
  TESSERA_RETURN_IF_ERROR(AppendAuditOn(c, entry));
  scope->MarkWritten(std::move(entry));
  return Status::Ok();
}

std::unique_ptr<AuditLog> MakeAuditLog(Database& db) {
  return std::make_unique<SqliteAuditLog>(db);
}

}  // namespace sqlite

AuditScope::AuditScope(AuditLog& log, audit::Entry entry)
    : log_(log), entry_(std::move(entry)), tag_(log.tag()) {
  if (current_scope == nullptr) {
    current_scope = this;
    active_ = true;
  }
}

AuditScope::~AuditScope() {
  if (active_) current_scope = nullptr;
}

void AuditScope::NoteLaterWrite(std::string_view details) {
  ++later_writes_;
  if (details.empty() || later_details_.size() > audit::kMaxFieldBytes) return;
  if (!later_details_.empty()) later_details_ += "; ";
  later_details_ += details;
}

std::optional<audit::Entry> AuditScope::ClosingEntry(std::string_view result,
                                                     std::string_view reason) const {
  if (!written_) return std::nullopt;
  const bool failed = result != audit::kDone;
  if (!failed && later_details_.empty()) return std::nullopt;
  audit::Entry closing = entry_;
  closing.number = 0;
  closing.prev_hash.clear();
  closing.hash.clear();
  closing.time = Timestamp::Now();
  closing.result = std::string(failed ? audit::kFailed : audit::kDone);
  closing.reason = failed ? std::string(reason) : std::string();
  closing.details = "closes entry " + std::to_string(entry_.number) +
                    " (the request's first change); " + std::to_string(later_writes_) +
                    " further write(s) committed";
  if (!later_details_.empty()) closing.details += ": " + later_details_;
  if (failed) closing.details += "; then the request failed: what was committed stays";
  return closing;
}

Status AuditScope::Finish(std::string_view result, std::string_view reason) {
  if (!active_) return Status::Ok();  // an inner scope: the outer one records the request
  if (finished_) return Status::Ok();
  finished_ = true;
  if (written_) {
    std::optional<audit::Entry> closing = ClosingEntry(result, reason);
    if (!closing) return Status::Ok();
    return log_.Append(std::move(*closing)).status();
  }
  entry_.result = std::string(result);
  entry_.reason = std::string(reason);
  if (entry_.time.ToMicros() == 0) entry_.time = Timestamp::Now();
  TESSERA_ASSIGN_OR_RETURN(audit::Entry stored, log_.Append(entry_));
  MarkWritten(std::move(stored));
  return Status::Ok();
}

AuditScope* AuditScope::Active(const void* store_tag) {
  if (current_scope == nullptr || current_scope->tag_ != store_tag) return nullptr;
  return current_scope;
}

std::string CliActor() {
  const uid_t uid = geteuid();
  std::string name;
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') name = user;
  struct passwd pw {};
  struct passwd* found = nullptr;
  char buf[1024];
  if (getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found != nullptr) {
    name = found->pw_name;
  }
  if (name.empty()) name = "uid-" + std::to_string(uid);
  return "cli:" + name;
}

}  // namespace tessera::store
