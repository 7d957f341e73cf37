// The Directory over the store's SQLite connections (tables of schema version 2, see
// sqlite_schema.cpp). Writes run in a transaction of their own on the writer connection; reads on
// the read pool.

#include "store/sqlite_directory.h"

#include <algorithm>
#include <boost/json.hpp>
#include <functional>

#include "common/display.h"
#include "common/uuid.h"
#include "store/sqlite_audit.h"

namespace tessera::store {

namespace {

using sqlite::Connection;
using sqlite::Exec;
using sqlite::ResetOnExit;
using sqlite::Statement;

Status CheckText(std::string_view what, std::string_view s, size_t max, bool required) {
  if (required && s.empty()) return InvalidArgument(std::string(what) + " must not be empty");
  if (s.size() > max) {
    return InvalidArgument(std::string(what) + " is longer than " + std::to_string(max) + " bytes");
  }
  // Valid UTF-8 that prints as what it is: no controls but tab and newline, no format or bidi
  // characters (common/display.h).
  return CheckDisplayText(what, s, /*allow_newlines=*/true);
}

// A line of text: CheckText without tabs and newlines (a label with a newline would forge a row
// of `tessera token list`).
Status CheckLine(std::string_view what, std::string_view s, size_t max, bool required) {
  TESSERA_RETURN_IF_ERROR(CheckText(what, s, max, required));
  if (s.find('\n') != std::string_view::npos || s.find('\t') != std::string_view::npos) {
    return InvalidArgument(std::string(what) + " must be one line");
  }
  return Status::Ok();
}

Status CheckName(std::string_view what, std::string_view s) {
  TESSERA_RETURN_IF_ERROR(CheckLine(what, s, kMaxNameBytes, true));
  if (s.front() == ' ' || s.back() == ' ') {
    return InvalidArgument(std::string(what) + " must not start or end with a space");
  }
  return Status::Ok();
}

// The name of an organization, a user or a sharing group, which the CLI and the admin API also
// take where an id goes (admin::FindOrg): never of an id's shape (only digits: a numeric id;
// "identity--": an organization's STIX identity), so that no name can stand for another account.
Status CheckAccountName(std::string_view what, std::string_view s) {
  TESSERA_RETURN_IF_ERROR(CheckName(what, s));
  if (std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return InvalidArgument(std::string(what) +
                           " must not be only digits (it would be read as an id)");
  }
  if (s.starts_with("identity--")) {
    return InvalidArgument(
        std::string(what) +
        " must not start with 'identity--' (it would be read as an identity id)");
  }
  return Status::Ok();
}

Status CheckUserName(std::string_view name) {
  TESSERA_RETURN_IF_ERROR(CheckAccountName("a user name", name));
  if (name.find(':') != std::string_view::npos) {
    // HTTP Basic splits user:password at the first colon.
    return InvalidArgument("a user name must not contain ':'");
  }
  return Status::Ok();
}

Status CheckApiRootName(std::string_view name) {
  if (name.empty() || name.size() > 64)
    return InvalidArgument("an API root name is 1-64 characters");
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '~' || c == '-';
    if (!ok) {
      return InvalidArgument("an API root name may hold only letters, digits and . _ ~ -: '" +
                             std::string(name) + "'");
    }
  }
  if (name == "." || name == "..") return InvalidArgument("'.' and '..' are not API root names");
  // Paths the hub serves itself.
  if (name == "taxii2" || name == "healthz" || name == "metrics") {
    return InvalidArgument("'" + std::string(name) + "' is reserved by the hub");
  }
  return Status::Ok();
}

Status CheckTokenId(std::string_view id) {
  if (id.size() != 16 || !std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      })) {
    return InvalidArgument("a token id is 16 lowercase hex characters");
  }
  return Status::Ok();
}

Status CheckGrants(std::string_view what, const Grants& g) {
  if (g.orgs.size() + g.groups.size() > kMaxGrantsPerList) {
    return InvalidArgument(std::string(what) + " lists more than " +
                           std::to_string(kMaxGrantsPerList) + " organizations and groups");
  }
  return Status::Ok();
}

void SortUnique(std::vector<int64_t>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// Runs fn(Connection&) in a write transaction (BEGIN IMMEDIATE ... COMMIT, ROLLBACK on failure),
// with the thread's audit entry (AuditScope) appended before the commit.
template <typename F>
auto WriteTx(sqlite::Database& db, std::string_view what, F&& fn) {
  return db.WithWriter([&](Connection& c) {
    using R = decltype(fn(c));
    if (Status st = Exec(c.db(), "BEGIN IMMEDIATE", what); !st.ok()) return R(st);
    R out = fn(c);
    Status st = Status::Ok();
    if constexpr (std::is_same_v<R, Status>) {
      st = out;
    } else {
      st = out.status();
    }
    // The audit entry of the change, when one is being recorded (store/audit_log.h).
    if (st.ok()) st = sqlite::AppendScopedAudit(db, c);
    if (st.ok()) st = Exec(c.db(), "COMMIT", what);
    if (!st.ok()) {
      Exec(c.db(), "ROLLBACK", "rolling back").ok();
      return R(st);
    }
    return out;
  });
}

constexpr const char* kOrgColumns = "id, name, identity_id, identity_json, created, disabled";
Organization ReadOrg(const Statement& s, int base = 0) {
  Organization o;
  o.id = s.ColumnInt(base + 0);
  o.name = s.ColumnText(base + 1);
  o.identity_id = s.ColumnText(base + 2);
  o.identity_json = s.ColumnText(base + 3);
  o.created = Timestamp::FromMicros(s.ColumnInt(base + 4));
  o.disabled = s.ColumnInt(base + 5) != 0;
  return o;
}

constexpr const char* kUserColumns = "id, name, org_id, role, disabled, created";
// The role column keeps the role's name (RoleName), so stores need no migration when the enum
// changes; a name ParseRole does not know is kCorrupt.
Result<User> ReadUser(const Statement& s, int base = 0) {
  User u;
  u.id = s.ColumnInt(base + 0);
  u.name = s.ColumnText(base + 1);
  u.org_id = s.ColumnInt(base + 2);
  const std::string role = s.ColumnText(base + 3);
  const std::optional<Role> parsed = ParseRole(role);
  if (!parsed) {
    return Corrupt("user " + std::to_string(u.id) + " has an unknown stored role '" +
                   EscapeForDisplay(role) + "'");
  }
  u.role = *parsed;
  u.disabled = s.ColumnInt(base + 4) != 0;
  u.created = Timestamp::FromMicros(s.ColumnInt(base + 5));
  return u;
}

// Read from `kTokenFrom`: the token row and, when recorded, its last use.
constexpr const char* kTokenColumns =
    "t.id, t.user_id, t.hash, t.created, t.expires, t.revoked, t.label, u.last_used";
constexpr const char* kTokenFrom = " FROM tokens t LEFT JOIN token_use u ON u.token_id = t.id";
TokenRecord ReadToken(const Statement& s, int base = 0) {
  TokenRecord t;
  t.id = s.ColumnText(base + 0);
  t.user_id = s.ColumnInt(base + 1);
  t.hash = s.ColumnText(base + 2);
  t.created = Timestamp::FromMicros(s.ColumnInt(base + 3));
  const int64_t expires = s.ColumnInt(base + 4);
  if (expires != 0) t.expires = Timestamp::FromMicros(expires);
  t.revoked = s.ColumnInt(base + 5) != 0;
  t.label = s.ColumnText(base + 6);
  if (!s.ColumnIsNull(base + 7)) t.last_used = Timestamp::FromMicros(s.ColumnInt(base + 7));
  return t;
}

constexpr const char* kCollectionColumns =
    "id, api_root, title, description, coalesce(alias, ''), default_tlp, readers_all, "
    "writers_all, audience_group, created";

// Reads every row of a prepared, bound statement with `read`, which returns a T or a Result<T>
// (the first failed row's Status is returned).
template <typename T, typename F>
Result<std::vector<T>> ReadAll(Statement& s, std::string_view what, F&& read) {
  std::vector<T> out;
  while (true) {
    TESSERA_ASSIGN_OR_RETURN(bool row, s.Step(what));
    if (!row) return out;
    TESSERA_ASSIGN_OR_RETURN(T value, Result<T>(read(s)));
    out.push_back(std::move(value));
  }
}

// Reads one row (kNotFound with `missing` when there is none); `read` as for ReadAll.
template <typename T, typename F>
Result<T> ReadOne(Statement& s, std::string_view what, const std::string& missing, F&& read) {
  TESSERA_ASSIGN_OR_RETURN(bool row, s.Step(what));
  if (!row) return NotFound(missing);
  return Result<T>(read(s));
}

class SqliteDirectory final : public Directory {
 public:
  explicit SqliteDirectory(sqlite::Database& db) : db_(db) {}

  // ---- organizations ----

  Result<Organization> CreateOrganization(const std::string& name) override {
    TESSERA_RETURN_IF_ERROR(CheckAccountName("an organization name", name));
    Organization o;
    o.name = name;
    o.created = Timestamp::Now();
    o.identity_id = "identity--" + Uuid::V4().ToString();
    const std::string now = FormatTimestamp(o.created, TimePrecision::kMillis);
    o.identity_json = boost::json::serialize(boost::json::object{
        {"type", "identity"},
        {"spec_version", "2.1"},
        {"id", o.identity_id},
        {"created", now},
        {"modified", now},
        {"name", name},
        {"identity_class", "organization"},
    });
    return WriteTx(db_, "adding organization " + name, [&](Connection& c) -> Result<Organization> {
      TESSERA_ASSIGN_OR_RETURN(
          Statement * s,
          c.Prepared("INSERT INTO organizations (name, identity_id, identity_json, created) "
                     "VALUES (?1, ?2, ?3, ?4)"));
      ResetOnExit reset(*s);
      s->BindText(1, o.name);
      s->BindText(2, o.identity_id);
      s->BindText(3, o.identity_json);
      s->BindInt(4, o.created.ToMicros());
      if (Status st = s->Run("adding organization " + name); !st.ok()) {
        if (st.code() == ErrorCode::kAlreadyExists) {
          return AlreadyExists("an organization named '" + name + "' exists");
        }
        return st;
      }
      o.id = sqlite3_last_insert_rowid(c.db());
      return o;
    });
  }

  Result<Organization> GetOrganization(int64_t id) override {
    return OrgWhere(
        "id = ?1", [id](Statement& s) { s.BindInt(1, id); },
        "no organization with id " + std::to_string(id));
  }
  Result<Organization> FindOrganization(const std::string& name) override {
    return OrgWhere(
        "name = ?1", [&name](Statement& s) { s.BindText(1, name); },
        "no organization named '" + name + "'");
  }
  Result<Organization> FindOrganizationByIdentity(const std::string& identity_id) override {
    return OrgWhere(
        "identity_id = ?1", [&identity_id](Statement& s) { s.BindText(1, identity_id); },
        "no member organization has identity " + identity_id);
  }

  Result<std::vector<Organization>> ListOrganizations() override {
    return db_.WithReader([&](Connection& c) -> Result<std::vector<Organization>> {
      TESSERA_ASSIGN_OR_RETURN(Statement * s, c.Prepared(std::string("SELECT ") + kOrgColumns +
                                                         " FROM organizations ORDER BY id"));
      ResetOnExit reset(*s);
      return ReadAll<Organization>(*s, "listing organizations",
                                   [](const Statement& st) { return ReadOrg(st); });
    });
  }

  Result<Organization> RenameOrganization(int64_t id, const std::string& name) override {
    TESSERA_RETURN_IF_ERROR(CheckAccountName("an organization name", name));
    return WriteTx(db_, "renaming an organization", [&](Connection& c) -> Result<Organization> {
      Organization o;
      {
        TESSERA_ASSIGN_OR_RETURN(Statement * s, c.Prepared(std::string("SELECT ") + kOrgColumns +
                                                           " FROM organizations WHERE id = ?1"));
        ResetOnExit reset(*s);
        s->BindInt(1, id);
        TESSERA_ASSIGN_OR_RETURN(
            o, ReadOne<Organization>(*s, "reading an organization",
                                     "no organization with id " + std::to_string(id),
                                     [](const Statement& st) { return ReadOrg(st); }));
      }
      boost::system::error_code ec;
      boost::json::value identity = boost::json::parse(o.identity_json, ec);
      if (ec || !identity.is_object()) {
        return Corrupt("the stored identity of organization " + std::to_string(id) +
                       " is not JSON");
      }
      identity.as_object()["name"] = name;
      identity.as_object()["modified"] = FormatTimestamp(Timestamp::Now(), TimePrecision::kMillis);
      o.name = name;
      o.identity_json = boost::json::serialize(identity);
      TESSERA_ASSIGN_OR_RETURN(
          Statement * s,
          c.Prepared("UPDATE organizations SET name = ?1, identity_json = ?2 WHERE id = ?3"));
      ResetOnExit reset(*s);
      s->BindText(1, o.name);
      s->BindText(2, o.identity_json);
      s->BindInt(3, id);
      if (Status st = s->Run("renaming an organization"); !st.ok()) {
        if (st.code() == ErrorCode::kAlreadyExists) {
          return AlreadyExists("an organization named '" + name + "' exists");
        }
        return st;
      }
      return o;
    });
  }

  Result<Organization> SetOrganizationDisabled(int64_t id, bool disabled) override {
    TESSERA_RETURN_IF_ERROR(UpdateOne(
        "UPDATE organizations SET disabled = ?1 WHERE id = ?2",
        [&](Statement& s) {
          s.BindInt(1, disabled ? 1 : 0);
          s.BindInt(2, id);
        },
        "no organization with id " + std::to_string(id)));
    return GetOrganization(id);
  }

  Status DeleteOrganization(int64_t id) override {
    return WriteTx(db_, "deleting an organization", [&](Connection& c) -> Status {
      TESSERA_ASSIGN_OR_RETURN(int64_t exists,
                               CountOn(c, "SELECT count(*) FROM organizations WHERE id = ?1", id));
      if (exists == 0) return NotFound("no organization with id " + std::to_string(id));
      TESSERA_ASSIGN_OR_RETURN(int64_t hub,
                               CountOn(c,
                                       "SELECT count(*) FROM settings WHERE key = 'hub_org' AND "
                                       "value = CAST(?1 AS TEXT)",
                                       id));
      if (hub != 0) {
        return InUse("it is the hub's own organization (the identity the hub publishes as)");
      }
      TESSERA_ASSIGN_OR_RETURN(int64_t users,
                               CountOn(c, "SELECT count(*) FROM users WHERE org_id = ?1", id));
      if (users != 0) {
        return InUse("it has " + std::to_string(users) +
                     " user(s); delete them first, or disable the organization");
      }
      TESSERA_ASSIGN_OR_RETURN(
          int64_t objects, CountOn(c, "SELECT count(*) FROM objects WHERE provider_org = ?1", id));
      if (objects != 0) {
        return InUse(
            "it provided " + std::to_string(objects) +
            " object version(s), whose access rules and provenance name it; disable it instead");
      }
      TESSERA_ASSIGN_OR_RETURN(
          int64_t statuses, CountOn(c, "SELECT count(*) FROM statuses WHERE owner_org = ?1", id));
      if (statuses != 0) {
        return InUse("it owns " + std::to_string(statuses) +
                     " TAXII status(es) of what it wrote; disable it instead");
      }
      for (const char* sql : {"DELETE FROM group_members WHERE org_id = ?1",
                              "DELETE FROM collection_grants WHERE org_id = ?1",
                              "DELETE FROM organizations WHERE id = ?1"}) {
        TESSERA_RETURN_IF_ERROR(RunOn(c, sql, id, "deleting an organization"));
      }
      return Status::Ok();
    });
  }

  // ---- users ----

  Result<User> CreateUser(const std::string& name, int64_t org_id, Role role) override {
    TESSERA_RETURN_IF_ERROR(CheckUserName(name));
    User u;
    u.name = name;
    u.org_id = org_id;
    u.role = role;
    u.created = Timestamp::Now();
    return WriteTx(db_, "adding user " + name, [&](Connection& c) -> Result<User> {
      TESSERA_ASSIGN_OR_RETURN(
          Statement * s, c.Prepared("INSERT INTO users (name, org_id, role, disabled, created) "
                                    "VALUES (?1, ?2, ?3, 0, ?4)"));
      ResetOnExit reset(*s);
      s->BindText(1, u.name);
      s->BindInt(2, u.org_id);
      s->BindText(3, RoleName(u.role));
      s->BindInt(4, u.created.ToMicros());
      if (Status st = s->Run("adding user " + name); !st.ok()) {
        if (st.code() == ErrorCode::kAlreadyExists) {
          return AlreadyExists("a user named '" + name + "' exists");
        }
        if (st.code() == ErrorCode::kNotFound) {
          return NotFound("no organization with id " + std::to_string(org_id));
        }
        return st;
      }
      u.id = sqlite3_last_insert_rowid(c.db());
      return u;
    });
  }

  Result<User> GetUser(int64_t id) override {
    return UserWhere(
        "id = ?1", [id](Statement& s) { s.BindInt(1, id); },
        "no user with id " + std::to_string(id));
  }
  Result<User> FindUser(const std::string& name) override {
    return UserWhere(
        "name = ?1", [&name](Statement& s) { s.BindText(1, name); },
        "no user named '" + name + "'");
  }

  Result<std::vector<User>> ListUsers(std::optional<int64_t> org_id) override {
    return db_.WithReader([&](Connection& c) -> Result<std::vector<User>> {
      TESSERA_ASSIGN_OR_RETURN(Statement * s,
                               c.Prepared(std::string("SELECT ") + kUserColumns + " FROM users" +
                                          (org_id ? " WHERE org_id = ?1" : "") + " ORDER BY id"));
      ResetOnExit reset(*s);
      if (org_id) s->BindInt(1, *org_id);
      return ReadAll<User>(*s, "listing users", [](const Statement& st) { return ReadUser(st); });
    });
  }

  Result<User> SetUserRole(int64_t id, Role role) override {
    TESSERA_RETURN_IF_ERROR(UpdateOne(
        "UPDATE users SET role = ?1 WHERE id = ?2",
        [&](Statement& s) {
          s.BindText(1, RoleName(role));
          s.BindInt(2, id);
        },
        "no user with id " + std::to_string(id)));
    return GetUser(id);
  }

  Result<User> SetUserDisabled(int64_t id, bool disabled) override {
    TESSERA_RETURN_IF_ERROR(UpdateOne(
        "UPDATE users SET disabled = ?1 WHERE id = ?2",
        [&](Statement& s) {
          s.BindInt(1, disabled ? 1 : 0);
          s.BindInt(2, id);
        },
        "no user with id " + std::to_string(id)));
    return GetUser(id);
  }

  Result<User> RenameUser(int64_t id, const std::string& name) override {
    TESSERA_RETURN_IF_ERROR(CheckUserName(name));
    Status st = UpdateOne(
        "UPDATE users SET name = ?1 WHERE id = ?2",
        [&](Statement& s) {
          s.BindText(1, name);
          s.BindInt(2, id);
        },
        "no user with id " + std::to_string(id));
    if (st.code() == ErrorCode::kAlreadyExists) {
      return AlreadyExists("a user named '" + name + "' exists");
    }
    TESSERA_RETURN_IF_ERROR(st);
    return GetUser(id);
  }

  Result<int64_t> CountUserWrites(int64_t id) override {
    return db_.WithReader([&](Connection& c) -> Result<int64_t> {
      TESSERA_ASSIGN_OR_RETURN(int64_t exists,
                               CountOn(c, "SELECT count(*) FROM users WHERE id = ?1", id));
      if (exists == 0) return NotFound("no user with id " + std::to_string(id));
      return CountOn(c, "SELECT count(*) FROM statuses WHERE owner_user = ?1", id);
    });
  }

  Status DeleteUser(int64_t id) override {
    return WriteTx(db_, "deleting a user", [&](Connection& c) -> Status {
      TESSERA_ASSIGN_OR_RETURN(int64_t exists,
                               CountOn(c, "SELECT count(*) FROM users WHERE id = ?1", id));
      if (exists == 0) return NotFound("no user with id " + std::to_string(id));
      TESSERA_ASSIGN_OR_RETURN(
          int64_t writes, CountOn(c, "SELECT count(*) FROM statuses WHERE owner_user = ?1", id));
      if (writes != 0) {
        return InUse("it wrote through the hub (" + std::to_string(writes) +
                     " TAXII status(es) name it); disable it instead");
      }
      for (const char* sql :
           {"DELETE FROM token_use WHERE token_id IN "
            "(SELECT id FROM tokens WHERE user_id = ?1)",
            "DELETE FROM tokens WHERE user_id = ?1", "DELETE FROM users WHERE id = ?1"}) {
        TESSERA_RETURN_IF_ERROR(RunOn(c, sql, id, "deleting a user"));
      }
      return Status::Ok();
    });
  }

  // ---- tokens ----

  Status AddToken(const TokenRecord& t) override {
    TESSERA_RETURN_IF_ERROR(CheckTokenId(t.id));
    if (t.hash.empty()) return InvalidArgument("a token needs its hash");
    TESSERA_RETURN_IF_ERROR(CheckLine("a token label", t.label, kMaxNameBytes, false));
    return WriteTx(db_, "adding a token", [&](Connection& c) -> Status {
      TESSERA_ASSIGN_OR_RETURN(
          Statement * s,
          c.Prepared("INSERT INTO tokens (id, user_id, hash, created, expires, revoked, label) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
      ResetOnExit reset(*s);
      s->BindText(1, t.id);
      s->BindInt(2, t.user_id);
      s->BindText(3, t.hash);
      s->BindInt(4, t.created.ToMicros());
      s->BindInt(5, t.expires ? t.expires->ToMicros() : 0);
      s->BindInt(6, t.revoked ? 1 : 0);
      s->BindText(7, t.label);
      Status st = s->Run("adding a token");
      if (st.code() == ErrorCode::kNotFound) {
        return NotFound("no user with id " + std::to_string(t.user_id));
      }
      if (st.code() == ErrorCode::kAlreadyExists)
        return AlreadyExists("token id " + t.id + " is taken");
      return st;
    });
  }

  Result<TokenRecord> GetToken(const std::string& id) override {
    return db_.WithReader([&](Connection& c) -> Result<TokenRecord> {
      TESSERA_ASSIGN_OR_RETURN(Statement * s, c.Prepared(std::string("SELECT ") + kTokenColumns +
                                                         kTokenFrom + " WHERE t.id = ?1"));
      ResetOnExit reset(*s);
      s->BindText(1, id);
      return ReadOne<TokenRecord>(*s, "reading a token", "no token " + id,
                                  [](const Statement& st) { return ReadToken(st); });
    });
  }

  Result<std::vector<TokenRecord>> ListTokens(int64_t user_id) override {
    return db_.WithReader([&](Connection& c) -> Result<std::vector<TokenRecord>> {
      TESSERA_ASSIGN_OR_RETURN(Statement * s,
                               c.Prepared(std::string("SELECT ") + kTokenColumns + kTokenFrom +
                                          " WHERE t.user_id = ?1 ORDER BY t.created, t.id"));
      ResetOnExit reset(*s);
      s->BindInt(1, user_id);
      return ReadAll<TokenRecord>(*s, "listing tokens",
                                  [](const Statement& st) { return ReadToken(st); });
    });
  }

  Status RevokeToken(const std::string& id) override {
    return UpdateOne(
        "UPDATE tokens SET revoked = 1 WHERE id = ?1", [&](Statement& s) { s.BindText(1, id); },
        "no token " + id);
  }

  Result<std::vector<std::string>> RevokeUserTokens(int64_t user_id) override {
    return WriteTx(
        db_, "revoking the tokens of a user",
        [&](Connection& c) -> Result<std::vector<std::string>> {
          TESSERA_ASSIGN_OR_RETURN(Statement * u, c.Prepared("SELECT 1 FROM users WHERE id = ?1"));
          {
            ResetOnExit reset(*u);
            u->BindInt(1, user_id);
            TESSERA_ASSIGN_OR_RETURN(bool exists, u->Step("reading a user"));
            if (!exists) return NotFound("no user with id " + std::to_string(user_id));
          }
          std::vector<std::string> ids;
          {
            TESSERA_ASSIGN_OR_RETURN(
                Statement * s,
                c.Prepared("SELECT id FROM tokens WHERE user_id = ?1 AND revoked = 0 "
                           "ORDER BY created, id"));
            ResetOnExit reset(*s);
            s->BindInt(1, user_id);
            TESSERA_ASSIGN_OR_RETURN(
                ids, ReadAll<std::string>(*s, "listing tokens",
                                          [](const Statement& st) { return st.ColumnText(0); }));
          }
          TESSERA_ASSIGN_OR_RETURN(Statement * s,
                                   c.Prepared("UPDATE tokens SET revoked = 1 WHERE user_id = ?1"));
          ResetOnExit reset(*s);
          s->BindInt(1, user_id);
          TESSERA_RETURN_IF_ERROR(s->Run("revoking tokens"));
          return ids;
        });
  }

  Status SetTokenHash(const std::string& id, const std::string& hash) override {
    if (hash.empty()) return InvalidArgument("a token needs its hash");
    return UpdateOne(
        "UPDATE tokens SET hash = ?2 WHERE id = ?1",
        [&](Statement& s) {
          s.BindText(1, id);
          s.BindText(2, hash);
        },
        "no token " + id);
  }

  Result<TokenOwner> LookupToken(const std::string& id) override {
    return db_.WithReader([&](Connection& c) -> Result<TokenOwner> {
      TokenOwner out;
      {
        TESSERA_ASSIGN_OR_RETURN(
            Statement * s,
            c.Prepared("SELECT t.id, t.user_id, t.hash, t.created, t.expires, t.revoked, t.label, "
                       "NULL, u.id, u.name, u.org_id, u.role, u.disabled, u.created, "
                       "o.id, o.name, o.identity_id, o.identity_json, o.created, o.disabled "
                       "FROM tokens t JOIN users u ON u.id = t.user_id "
                       "JOIN organizations o ON o.id = u.org_id WHERE t.id = ?1"));
        ResetOnExit reset(*s);
        s->BindText(1, id);
        TESSERA_ASSIGN_OR_RETURN(bool row, s->Step("reading a token"));
        if (!row) return NotFound("no token " + id);
        out.token = ReadToken(*s, 0);
        TESSERA_ASSIGN_OR_RETURN(out.user, ReadUser(*s, 8));
        out.org = ReadOrg(*s, 14);
      }
      TESSERA_ASSIGN_OR_RETURN(out.groups, GroupsOfOn(c, out.org.id));
      return out;
    });
  }

  Status RecordTokenUse(const std::string& id, Timestamp when) override {
    return WriteTx(db_, "recording a token's use", [&](Connection& c) -> Status {
      TESSERA_ASSIGN_OR_RETURN(
          Statement * s, c.Prepared("INSERT INTO token_use (token_id, last_used) VALUES (?1, ?2) "
                                    "ON CONFLICT (token_id) DO UPDATE SET last_used = "
                                    "max(last_used, excluded.last_used)"));
      ResetOnExit reset(*s);
      s->BindText(1, id);
      s->BindInt(2, when.ToMicros());
      Status st = s->Run("recording a token's use");
      if (st.code() == ErrorCode::kNotFound) return NotFound("no token " + id);
      return st;
    });
  }

  // ---- sharing groups ----

  Result<SharingGroup> CreateGroup(const std::string& name,
                                   const std::string& description) override {
    TESSERA_RETURN_IF_ERROR(CheckAccountName("a sharing group name", name));
    TESSERA_RETURN_IF_ERROR(CheckText("a description", description, kMaxDescriptionBytes, false));
    SharingGroup g;
    g.name = name;
    g.description = description;
    g.created = Timestamp::Now();
    return WriteTx(db_, "adding group " + name, [&](Connection& c) -> Result<SharingGroup> {
      TESSERA_ASSIGN_OR_RETURN(
          Statement * s,
          c.Prepared(
              "INSERT INTO sharing_groups (name, description, created) VALUES (?1, ?2, ?3)"));
      ResetOnExit reset(*s);
      s->BindText(1, g.name);
      s->BindText(2, g.description);
      s->BindInt(3, g.created.ToMicros());
      if (Status st = s->Run("adding group " + name); !st.ok()) {
        if (st.code() == ErrorCode::kAlreadyExists) {
          return AlreadyExists("a sharing group named '" + name + "' exists");
        }
        return st;
      }
      g.id = sqlite3_last_insert_rowid(c.db());
      return g;
    });
  }

  Result<SharingGroup> GetGroup(int64_t id) override {
    return GroupWhere(
        "id = ?1", [id](Statement& s) { s.BindInt(1, id); },
        "no sharing group with id " + std::to_string(id));
  }
  Result<SharingGroup> FindGroup(const std::string& name) override {
    return GroupWhere(
        "name = ?1", [&name](Statement& s) { s.BindText(1, name); },
        "no sharing group named '" + name + "'");
  }

  Result<std::vector<SharingGroup>> ListGroups() override {
    return db_.WithReader([&](Connection& c) -> Result<std::vector<SharingGroup>> {
      std::vector<SharingGroup> groups;
      {
        TESSERA_ASSIGN_OR_RETURN(
            Statement * s,
            c.Prepared("SELECT id, name, description, created FROM sharing_groups ORDER BY id"));
        ResetOnExit reset(*s);
        TESSERA_ASSIGN_OR_RETURN(groups, ReadAll<SharingGroup>(*s, "listing groups", ReadGroup));
      }
      for (SharingGroup& g : groups) {
        TESSERA_ASSIGN_OR_RETURN(g.members, MembersOn(c, g.id));
      }
      return groups;
    });
  }

  Status AddGroupMember(int64_t group_id, int64_t org_id) override {
    return WriteTx(db_, "adding a group member", [&](Connection& c) -> Status {
      TESSERA_ASSIGN_OR_RETURN(
          Statement * s,
          c.Prepared("INSERT OR IGNORE INTO group_members (group_id, org_id) VALUES (?1, ?2)"));
      ResetOnExit reset(*s);
      s->BindInt(1, group_id);
      s->BindInt(2, org_id);
      Status st = s->Run("adding a group member");
      if (st.code() == ErrorCode::kNotFound) {
        return NotFound("no sharing group " + std::to_string(group_id) + " or no organization " +
                        std::to_string(org_id));
      }
      return st;
    });
  }

  Status RemoveGroupMember(int64_t group_id, int64_t org_id) override {
    return UpdateOne(
        "DELETE FROM group_members WHERE group_id = ?1 AND org_id = ?2",
        [&](Statement& s) {
          s.BindInt(1, group_id);
          s.BindInt(2, org_id);
        },
        "organization " + std::to_string(org_id) + " is not a member of group " +
            std::to_string(group_id));
  }

  Result<std::vector<int64_t>> GroupsOf(int64_t org_id) override {
    return db_.WithReader([&](Connection& c) { return GroupsOfOn(c, org_id); });
  }

  Result<SharingGroup> RenameGroup(int64_t id, const std::string& name) override {
    TESSERA_RETURN_IF_ERROR(CheckAccountName("a sharing group name", name));
    Status st = UpdateOne(
        "UPDATE sharing_groups SET name = ?1 WHERE id = ?2",
        [&](Statement& s) {
          s.BindText(1, name);
          s.BindInt(2, id);
        },
        "no sharing group with id " + std::to_string(id));
    if (st.code() == ErrorCode::kAlreadyExists) {
      return AlreadyExists("a sharing group named '" + name + "' exists");
    }
    TESSERA_RETURN_IF_ERROR(st);
    return GetGroup(id);
  }

  Status DeleteGroup(int64_t id) override {
    return WriteTx(db_, "deleting a sharing group", [&](Connection& c) -> Status {
      TESSERA_ASSIGN_OR_RETURN(int64_t exists,
                               CountOn(c, "SELECT count(*) FROM sharing_groups WHERE id = ?1", id));
      if (exists == 0) return NotFound("no sharing group with id " + std::to_string(id));
      TESSERA_ASSIGN_OR_RETURN(
          int64_t audience,
          CountOn(c, "SELECT count(*) FROM collections WHERE audience_group = ?1", id));
      if (audience != 0) {
        return InUse("it is the audience group of " + std::to_string(audience) +
                     " collection(s); give them another audience first");
      }
      TESSERA_ASSIGN_OR_RETURN(
          int64_t grants,
          CountOn(c, "SELECT count(DISTINCT collection) FROM collection_grants WHERE group_id = ?1",
                  id));
      if (grants != 0) {
        return InUse("the readers or writers of " + std::to_string(grants) +
                     " collection(s) name it; remove it from them first");
      }
      TESSERA_ASSIGN_OR_RETURN(
          int64_t objects,
          CountOn(c, "SELECT count(*) FROM objects WHERE instr(readers, ' group:' || ?1 || ' ')",
                  id));
      if (objects != 0) {
        return InUse(
            std::to_string(objects) +
            " object version(s) are addressed to it (their audience); it stays while they do");
      }
      for (const char* sql : {"DELETE FROM group_members WHERE group_id = ?1",
                              "DELETE FROM sharing_groups WHERE id = ?1"}) {
        TESSERA_RETURN_IF_ERROR(RunOn(c, sql, id, "deleting a sharing group"));
      }
      return Status::Ok();
    });
  }

  // ---- API roots ----

  Status CreateApiRoot(const ApiRoot& r) override {
    TESSERA_RETURN_IF_ERROR(CheckApiRoot(r));
    return WriteTx(db_, "adding API root " + r.name, [&](Connection& c) -> Status {
      TESSERA_ASSIGN_OR_RETURN(
          Statement * s,
          c.Prepared("INSERT INTO api_roots (name, title, description, max_content_length) "
                     "VALUES (?1, ?2, ?3, ?4)"));
      ResetOnExit reset(*s);
      s->BindText(1, r.name);
      s->BindText(2, r.title);
      s->BindText(3, r.description);
      s->BindInt(4, r.max_content_length);
      Status st = s->Run("adding API root " + r.name);
      if (st.code() == ErrorCode::kAlreadyExists) {
        return AlreadyExists("an API root named '" + r.name + "' exists");
      }
      return st;
    });
  }

  Result<ApiRoot> GetApiRoot(const std::string& name) override {
    return db_.WithReader([&](Connection& c) -> Result<ApiRoot> {
      TESSERA_ASSIGN_OR_RETURN(
          Statement * s,
          c.Prepared("SELECT name, title, description, max_content_length FROM api_roots "
                     "WHERE name = ?1"));
      ResetOnExit reset(*s);
      s->BindText(1, name);
      return ReadOne<ApiRoot>(*s, "reading an API root", "no API root '" + name + "'", ReadApiRoot);
    });
  }

  Result<std::vector<ApiRoot>> ListApiRoots() override {
    return db_.WithReader([&](Connection& c) -> Result<std::vector<ApiRoot>> {
      TESSERA_ASSIGN_OR_RETURN(
          Statement * s,
          c.Prepared("SELECT name, title, description, max_content_length FROM api_roots "
                     "ORDER BY name"));
      ResetOnExit reset(*s);
      return ReadAll<ApiRoot>(*s, "listing API roots", ReadApiRoot);
    });
  }

  Status UpdateApiRoot(const ApiRoot& r) override {
    TESSERA_RETURN_IF_ERROR(CheckApiRoot(r));
    return UpdateOne(
        "UPDATE api_roots SET title = ?1, description = ?2, max_content_length = ?3 "
        "WHERE name = ?4",
        [&](Statement& s) {
          s.BindText(1, r.title);
          s.BindText(2, r.description);
          s.BindInt(3, r.max_content_length);
          s.BindText(4, r.name);
        },
        "no API root '" + r.name + "'");
  }

  // ---- collections ----

  Result<CollectionInfo> CreateCollection(const CollectionInfo& in) override {
    TESSERA_ASSIGN_OR_RETURN(CollectionInfo info, PrepareNewCollection(in));
    return WriteTx(db_, "adding a collection", [&](Connection& c) -> Result<CollectionInfo> {
      TESSERA_RETURN_IF_ERROR(InsertCollection(c, info));
      return info;
    });
  }

  // The collection `in` as CreateCollection stores it: its id made (or normalized), `created`
  // set, its fields checked and its grants sorted.
  static Result<CollectionInfo> PrepareNewCollection(const CollectionInfo& in) {
    CollectionInfo info = in;
    if (info.id.empty()) {
      info.id = Uuid::V4().ToString();
    } else {
      auto uuid = Uuid::Parse(info.id);
      if (!uuid.ok()) return InvalidArgument("a collection id is a UUID: '" + info.id + "'");
      info.id = uuid->ToString();
    }
    info.created = Timestamp::Now();
    TESSERA_RETURN_IF_ERROR(CheckCollection(info));
    return info;
  }

  // Inserts the prepared collection `info` and its grants on `c`, in the caller's transaction.
  static Status InsertCollection(Connection& c, const CollectionInfo& info) {
    TESSERA_ASSIGN_OR_RETURN(
        Statement * s,
        c.Prepared("INSERT INTO collections (id, api_root, title, description, alias, "
                   "default_tlp, readers_all, writers_all, audience_group, created) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
    ResetOnExit reset(*s);
    s->BindText(1, info.id);
    s->BindText(2, info.api_root);
    s->BindText(3, info.title);
    s->BindText(4, info.description);
    if (info.alias.empty()) {
      s->BindNull(5);
    } else {
      s->BindText(5, info.alias);
    }
    s->BindText(6, TlpName(info.default_tlp));
    s->BindInt(7, info.readers.all ? 1 : 0);
    s->BindInt(8, info.writers.all ? 1 : 0);
    if (info.audience_group) {
      s->BindInt(9, *info.audience_group);
    } else {
      s->BindNull(9);
    }
    s->BindInt(10, info.created.ToMicros());
    if (Status st = s->Run("adding a collection"); !st.ok()) {
      if (st.code() == ErrorCode::kAlreadyExists) {
        return AlreadyExists("collection id " + info.id + " or alias '" + info.alias +
                             "' in API root '" + info.api_root + "' is taken");
      }
      if (st.code() == ErrorCode::kNotFound) {
        return NotFound("no API root '" + info.api_root + "' or no audience group");
      }
      return st;
    }
    return InsertGrants(c, info);
  }

  Result<CollectionInfo> GetCollection(const std::string& id) override {
    return db_.WithReader([&](Connection& c) -> Result<CollectionInfo> {
      CollectionInfo info;
      {
        TESSERA_ASSIGN_OR_RETURN(Statement * s,
                                 c.Prepared(std::string("SELECT ") + kCollectionColumns +
                                            " FROM collections WHERE id = ?1"));
        ResetOnExit reset(*s);
        s->BindText(1, id);
        TESSERA_ASSIGN_OR_RETURN(
            info, ReadOne<CollectionInfo>(*s, "reading a collection", "no collection " + id,
                                          ReadCollection));
      }
      TESSERA_RETURN_IF_ERROR(ReadGrants(c, info));
      return info;
    });
  }

  Result<CollectionInfo> FindCollectionByAlias(const std::string& api_root,
                                               const std::string& alias) override {
    if (alias.empty()) return NotFound("no collection has an empty alias");
    return db_.WithReader([&](Connection& c) -> Result<CollectionInfo> {
      CollectionInfo info;
      {
        TESSERA_ASSIGN_OR_RETURN(
            Statement * s, c.Prepared(std::string("SELECT ") + kCollectionColumns +
                                      " FROM collections WHERE api_root = ?1 AND alias = ?2"));
        ResetOnExit reset(*s);
        s->BindText(1, api_root);
        s->BindText(2, alias);
        TESSERA_ASSIGN_OR_RETURN(
            info, ReadOne<CollectionInfo>(
                      *s, "reading a collection",
                      "no collection with alias '" + alias + "' in API root '" + api_root + "'",
                      ReadCollection));
      }
      TESSERA_RETURN_IF_ERROR(ReadGrants(c, info));
      return info;
    });
  }

  Result<std::vector<CollectionInfo>> ListCollections(const std::string& api_root) override {
    return db_.WithReader([&](Connection& c) -> Result<std::vector<CollectionInfo>> {
      std::vector<CollectionInfo> out;
      {
        TESSERA_ASSIGN_OR_RETURN(
            Statement * s,
            c.Prepared(std::string("SELECT ") + kCollectionColumns +
                       " FROM collections WHERE api_root = ?1 ORDER BY created, id"));
        ResetOnExit reset(*s);
        s->BindText(1, api_root);
        TESSERA_ASSIGN_OR_RETURN(
            out, ReadAll<CollectionInfo>(*s, "listing collections", ReadCollection));
      }
      for (CollectionInfo& info : out) TESSERA_RETURN_IF_ERROR(ReadGrants(c, info));
      return out;
    });
  }

  Result<CollectionInfo> UpdateCollection(const CollectionInfo& in) override {
    CollectionInfo info = in;
    TESSERA_RETURN_IF_ERROR(CheckCollection(info, /*check_root=*/false));
    const Status updated = WriteTx(db_, "updating a collection", [&](Connection& c) -> Status {
      return UpdateCollectionRow(c, info);
    });
    TESSERA_RETURN_IF_ERROR(updated);
    return GetCollection(info.id);
  }

  // The checked collection `info` (CheckCollection) stored over the one with its id, grants
  // included, on `c` in the caller's transaction.
  static Status UpdateCollectionRow(Connection& c, const CollectionInfo& info) {
    {
      TESSERA_ASSIGN_OR_RETURN(
          Statement * s,
          c.Prepared("UPDATE collections SET title = ?1, description = ?2, alias = ?3, "
                     "default_tlp = ?4, readers_all = ?5, writers_all = ?6, "
                     "audience_group = ?7 WHERE id = ?8"));
      ResetOnExit reset(*s);
      s->BindText(1, info.title);
      s->BindText(2, info.description);
      if (info.alias.empty()) {
        s->BindNull(3);
      } else {
        s->BindText(3, info.alias);
      }
      s->BindText(4, TlpName(info.default_tlp));
      s->BindInt(5, info.readers.all ? 1 : 0);
      s->BindInt(6, info.writers.all ? 1 : 0);
      if (info.audience_group) {
        s->BindInt(7, *info.audience_group);
      } else {
        s->BindNull(7);
      }
      s->BindText(8, info.id);
      Status st = s->Run("updating a collection");
      if (st.code() == ErrorCode::kAlreadyExists) {
        return AlreadyExists("alias '" + info.alias + "' is taken in its API root");
      }
      if (st.code() == ErrorCode::kNotFound) return NotFound("no such audience group");
      TESSERA_RETURN_IF_ERROR(st);
      if (sqlite3_changes(c.db()) == 0) return NotFound("no collection " + info.id);
    }
    {
      TESSERA_ASSIGN_OR_RETURN(Statement * s,
                               c.Prepared("DELETE FROM collection_grants WHERE collection = ?1"));
      ResetOnExit reset(*s);
      s->BindText(1, info.id);
      TESSERA_RETURN_IF_ERROR(s->Run("updating a collection"));
    }
    return InsertGrants(c, info);
  }

  // UpdateCollection's checks of `in`: the collection as it will be stored.
  static Result<CollectionInfo> PrepareUpdatedCollection(const CollectionInfo& in) {
    CollectionInfo info = in;
    TESSERA_RETURN_IF_ERROR(CheckCollection(info, /*check_root=*/false));
    return info;
  }

  Status DeleteCollection(const std::string& id) override {
    return WriteTx(db_, "deleting a collection", [&](Connection& c) -> Status {
      int64_t num = 0;
      {
        TESSERA_ASSIGN_OR_RETURN(Statement * s,
                                 c.Prepared("SELECT num FROM collections WHERE id = ?1"));
        ResetOnExit reset(*s);
        s->BindText(1, id);
        TESSERA_ASSIGN_OR_RETURN(
            num, ReadOne<int64_t>(*s, "reading a collection", "no collection " + id,
                                  [](const Statement& st) { return st.ColumnInt(0); }));
      }
      {
        TESSERA_ASSIGN_OR_RETURN(
            Statement * s,
            c.Prepared("SELECT count(*) FROM settings WHERE key = 'default_collection' AND "
                       "value = ?1"));
        ResetOnExit reset(*s);
        s->BindText(1, id);
        TESSERA_ASSIGN_OR_RETURN(bool row, s->Step("reading a setting"));
        if (row && s->ColumnInt(0) != 0) {
          return InUse(
              "it is the hub's default collection (where objects without a collection go)");
        }
      }
      TESSERA_ASSIGN_OR_RETURN(int64_t objects,
                               CountOn(c, "SELECT count(*) FROM objects WHERE coll = ?1", num));
      if (objects != 0) {
        return InUse("it holds " + std::to_string(objects) +
                     " object version(s); delete them first");
      }
      for (const char* sql : {"DELETE FROM collection_grants WHERE collection = "
                              "(SELECT id FROM collections WHERE num = ?1)",
                              "DELETE FROM collections WHERE num = ?1"}) {
        TESSERA_RETURN_IF_ERROR(RunOn(c, sql, num, "deleting a collection"));
      }
      return Status::Ok();
    });
  }

  // ---- settings ----

  Result<std::string> GetSetting(std::string_view key) override {
    return db_.WithReader([&](Connection& c) -> Result<std::string> {
      TESSERA_ASSIGN_OR_RETURN(Statement * s,
                               c.Prepared("SELECT value FROM settings WHERE key = ?1"));
      ResetOnExit reset(*s);
      s->BindText(1, key);
      return ReadOne<std::string>(*s, "reading a setting",
                                  "setting '" + std::string(key) + "' is not set",
                                  [](const Statement& st) { return st.ColumnText(0); });
    });
  }

  Status PutSetting(std::string_view key, std::string_view value) override {
    TESSERA_RETURN_IF_ERROR(CheckName("a setting key", key));
    TESSERA_RETURN_IF_ERROR(CheckText("a setting value", value, kMaxSettingBytes, false));
    return WriteTx(db_, "storing a setting", [&](Connection& c) -> Status {
      TESSERA_ASSIGN_OR_RETURN(
          Statement * s,
          c.Prepared("INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)"));
      ResetOnExit reset(*s);
      s->BindText(1, key);
      s->BindText(2, value);
      return s->Run("storing a setting");
    });
  }

  Result<std::string> InitSetting(std::string_view key, std::string_view value) override {
    TESSERA_RETURN_IF_ERROR(CheckName("a setting key", key));
    TESSERA_RETURN_IF_ERROR(CheckText("a setting value", value, kMaxSettingBytes, false));
    return WriteTx(db_, "storing a setting", [&](Connection& c) -> Result<std::string> {
      {
        TESSERA_ASSIGN_OR_RETURN(
            Statement * s,
            c.Prepared("INSERT OR IGNORE INTO settings (key, value) VALUES (?1, ?2)"));
        ResetOnExit reset(*s);
        s->BindText(1, key);
        s->BindText(2, value);
        TESSERA_RETURN_IF_ERROR(s->Run("storing a setting"));
      }
      TESSERA_ASSIGN_OR_RETURN(Statement * s,
                               c.Prepared("SELECT value FROM settings WHERE key = ?1"));
      ResetOnExit reset(*s);
      s->BindText(1, key);
      return ReadOne<std::string>(*s, "reading a setting",
                                  "setting '" + std::string(key) + "' is not set",
                                  [](const Statement& st) { return st.ColumnText(0); });
    });
  }

  Result<int64_t> Generation() override {
    return db_.WithReader([](Connection& c) -> Result<int64_t> {
      TESSERA_ASSIGN_OR_RETURN(Statement * s,
                               c.Prepared("SELECT n FROM generations WHERE name = 'directory'"));
      ResetOnExit reset(*s);
      return ReadOne<int64_t>(*s, "reading the directory generation",
                              "the store has no directory generation",
                              [](const Statement& st) { return st.ColumnInt(0); });
    });
  }

 private:
  static SharingGroup ReadGroup(const Statement& s) {
    SharingGroup g;
    g.id = s.ColumnInt(0);
    g.name = s.ColumnText(1);
    g.description = s.ColumnText(2);
    g.created = Timestamp::FromMicros(s.ColumnInt(3));
    return g;
  }

  static ApiRoot ReadApiRoot(const Statement& s) {
    ApiRoot r;
    r.name = s.ColumnText(0);
    r.title = s.ColumnText(1);
    r.description = s.ColumnText(2);
    r.max_content_length = s.ColumnInt(3);
    return r;
  }

  // The default_tlp column keeps the level's name (TlpName); a name ParseTlpName does not know is
  // kCorrupt.
  static Result<CollectionInfo> ReadCollection(const Statement& s) {
    CollectionInfo c;
    c.id = s.ColumnText(0);
    c.api_root = s.ColumnText(1);
    c.title = s.ColumnText(2);
    c.description = s.ColumnText(3);
    c.alias = s.ColumnText(4);
    const std::string tlp = s.ColumnText(5);
    const std::optional<stix::TlpLevel> level = ParseTlpName(tlp);
    if (!level) {
      return Corrupt("collection " + c.id + " has an unknown stored default TLP '" +
                     EscapeForDisplay(tlp) + "'");
    }
    c.default_tlp = *level;
    c.readers.all = s.ColumnInt(6) != 0;
    c.writers.all = s.ColumnInt(7) != 0;
    if (!s.ColumnIsNull(8)) c.audience_group = s.ColumnInt(8);
    c.created = Timestamp::FromMicros(s.ColumnInt(9));
    return c;
  }

  static Status CheckApiRoot(const ApiRoot& r) {
    TESSERA_RETURN_IF_ERROR(CheckApiRootName(r.name));
    TESSERA_RETURN_IF_ERROR(CheckName("an API root title", r.title));
    TESSERA_RETURN_IF_ERROR(
        CheckText("an API root description", r.description, kMaxDescriptionBytes, false));
    if (r.max_content_length <= 0) return InvalidArgument("max_content_length must be > 0");
    return Status::Ok();
  }

  static Status CheckCollection(CollectionInfo& info, bool check_root = true) {
    if (check_root) TESSERA_RETURN_IF_ERROR(CheckApiRootName(info.api_root));
    TESSERA_RETURN_IF_ERROR(CheckName("a collection title", info.title));
    TESSERA_RETURN_IF_ERROR(
        CheckText("a collection description", info.description, kMaxDescriptionBytes, false));
    if (!info.alias.empty()) TESSERA_RETURN_IF_ERROR(CheckName("a collection alias", info.alias));
    TESSERA_RETURN_IF_ERROR(CheckGrants("readers", info.readers));
    TESSERA_RETURN_IF_ERROR(CheckGrants("writers", info.writers));
    for (Grants* g : {&info.readers, &info.writers}) {
      SortUnique(g->orgs);
      SortUnique(g->groups);
    }
    return Status::Ok();
  }

  static Status InsertGrants(Connection& c, const CollectionInfo& info) {
    TESSERA_ASSIGN_OR_RETURN(
        Statement * s,
        c.Prepared("INSERT INTO collection_grants (collection, access, org_id, group_id) "
                   "VALUES (?1, ?2, ?3, ?4)"));
    auto insert = [&](const char* access, std::optional<int64_t> org,
                      std::optional<int64_t> group) -> Status {
      ResetOnExit reset(*s);
      s->BindText(1, info.id);
      s->BindText(2, access);
      if (org) {
        s->BindInt(3, *org);
        s->BindNull(4);
      } else {
        s->BindNull(3);
        s->BindInt(4, *group);
      }
      Status st = s->Run("storing collection access");
      if (st.code() == ErrorCode::kNotFound) {
        return NotFound(org ? "no organization with id " + std::to_string(*org)
                            : "no sharing group with id " + std::to_string(*group));
      }
      return st;
    };
    for (const auto& [access, grants] :
         {std::pair<const char*, const Grants*>{"read", &info.readers}, {"write", &info.writers}}) {
      for (int64_t org : grants->orgs) TESSERA_RETURN_IF_ERROR(insert(access, org, std::nullopt));
      for (int64_t g : grants->groups) TESSERA_RETURN_IF_ERROR(insert(access, std::nullopt, g));
    }
    return Status::Ok();
  }

  static Status ReadGrants(Connection& c, CollectionInfo& info) {
    TESSERA_ASSIGN_OR_RETURN(
        Statement * s,
        c.Prepared("SELECT access, org_id, group_id FROM collection_grants WHERE collection = ?1 "
                   "ORDER BY access, org_id, group_id"));
    ResetOnExit reset(*s);
    s->BindText(1, info.id);
    while (true) {
      TESSERA_ASSIGN_OR_RETURN(bool row, s->Step("reading collection access"));
      if (!row) break;
      Grants& g = s->ColumnText(0) == "read" ? info.readers : info.writers;
      if (!s->ColumnIsNull(1)) {
        g.orgs.push_back(s->ColumnInt(1));
      } else {
        g.groups.push_back(s->ColumnInt(2));
      }
    }
    for (Grants* g : {&info.readers, &info.writers}) {
      SortUnique(g->orgs);
      SortUnique(g->groups);
    }
    return Status::Ok();
  }

  // The integer the one-row `sql` with ?1 = `arg` answers (a count).
  static Result<int64_t> CountOn(Connection& c, const char* sql, int64_t arg) {
    TESSERA_ASSIGN_OR_RETURN(Statement * s, c.Prepared(sql));
    ResetOnExit reset(*s);
    s->BindInt(1, arg);
    return ReadOne<int64_t>(*s, "counting", "no row",
                            [](const Statement& st) { return st.ColumnInt(0); });
  }

  // Runs `sql` with ?1 = `arg`.
  static Status RunOn(Connection& c, const char* sql, int64_t arg, std::string_view what) {
    TESSERA_ASSIGN_OR_RETURN(Statement * s, c.Prepared(sql));
    ResetOnExit reset(*s);
    s->BindInt(1, arg);
    return s->Run(what);
  }

  static Result<std::vector<int64_t>> MembersOn(Connection& c, int64_t group_id) {
    TESSERA_ASSIGN_OR_RETURN(
        Statement * s,
        c.Prepared("SELECT org_id FROM group_members WHERE group_id = ?1 ORDER BY org_id"));
    ResetOnExit reset(*s);
    s->BindInt(1, group_id);
    return ReadAll<int64_t>(*s, "reading group members",
                            [](const Statement& st) { return st.ColumnInt(0); });
  }

  static Result<std::vector<int64_t>> GroupsOfOn(Connection& c, int64_t org_id) {
    TESSERA_ASSIGN_OR_RETURN(
        Statement * s,
        c.Prepared("SELECT group_id FROM group_members WHERE org_id = ?1 ORDER BY group_id"));
    ResetOnExit reset(*s);
    s->BindInt(1, org_id);
    return ReadAll<int64_t>(*s, "reading the groups of an organization",
                            [](const Statement& st) { return st.ColumnInt(0); });
  }

  Result<Organization> OrgWhere(const std::string& where,
                                const std::function<void(Statement&)>& bind,
                                const std::string& missing) {
    return db_.WithReader([&](Connection& c) -> Result<Organization> {
      TESSERA_ASSIGN_OR_RETURN(Statement * s, c.Prepared(std::string("SELECT ") + kOrgColumns +
                                                         " FROM organizations WHERE " + where));
      ResetOnExit reset(*s);
      bind(*s);
      return ReadOne<Organization>(*s, "reading an organization", missing,
                                   [](const Statement& st) { return ReadOrg(st); });
    });
  }

  Result<User> UserWhere(const std::string& where, const std::function<void(Statement&)>& bind,
                         const std::string& missing) {
    return db_.WithReader([&](Connection& c) -> Result<User> {
      TESSERA_ASSIGN_OR_RETURN(Statement * s, c.Prepared(std::string("SELECT ") + kUserColumns +
                                                         " FROM users WHERE " + where));
      ResetOnExit reset(*s);
      bind(*s);
      return ReadOne<User>(*s, "reading a user", missing,
                           [](const Statement& st) { return ReadUser(st); });
    });
  }

  Result<SharingGroup> GroupWhere(const std::string& where,
                                  const std::function<void(Statement&)>& bind,
                                  const std::string& missing) {
    return db_.WithReader([&](Connection& c) -> Result<SharingGroup> {
      SharingGroup g;
      {
        TESSERA_ASSIGN_OR_RETURN(
            Statement * s,
            c.Prepared("SELECT id, name, description, created FROM sharing_groups WHERE " + where));
        ResetOnExit reset(*s);
        bind(*s);
        TESSERA_ASSIGN_OR_RETURN(
            g, ReadOne<SharingGroup>(*s, "reading a sharing group", missing, ReadGroup));
      }
      TESSERA_ASSIGN_OR_RETURN(g.members, MembersOn(c, g.id));
      return g;
    });
  }

  // Runs a one-row UPDATE/DELETE in a transaction; kNotFound(`missing`) when it changed nothing.
  Status UpdateOne(const char* sql, const std::function<void(Statement&)>& bind,
                   const std::string& missing) {
    return WriteTx(db_, "updating the directory", [&](Connection& c) -> Status {
      TESSERA_ASSIGN_OR_RETURN(Statement * s, c.Prepared(sql));
      ResetOnExit reset(*s);
      bind(*s);
      TESSERA_RETURN_IF_ERROR(s->Run("updating the directory"));
      if (sqlite3_changes(c.db()) == 0) return NotFound(missing);
      return Status::Ok();
    });
  }

  sqlite::Database& db_;
};

}  // namespace

Result<CollectionInfo> InsertNewCollectionOn(Connection& c, const CollectionInfo& in) {
  TESSERA_ASSIGN_OR_RETURN(CollectionInfo info, SqliteDirectory::PrepareNewCollection(in));
  TESSERA_RETURN_IF_ERROR(SqliteDirectory::InsertCollection(c, info));
  return info;
}

Result<CollectionInfo> UpdateCollectionOn(Connection& c, const CollectionInfo& in) {
  TESSERA_ASSIGN_OR_RETURN(CollectionInfo info, SqliteDirectory::PrepareUpdatedCollection(in));
  TESSERA_RETURN_IF_ERROR(SqliteDirectory::UpdateCollectionRow(c, info));
  return info;
}

std::unique_ptr<Directory> NewSqliteDirectory(sqlite::Database& db) {
  return std::make_unique<SqliteDirectory>(db);
}

}  // namespace tessera::store
