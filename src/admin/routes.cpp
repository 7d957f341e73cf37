#include "admin/routes.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "admin/accounts.h"
#include "audit/chain.h"
#include "common/display.h"
#include "common/duration.h"
#include "common/json.h"
#include "http/access_note.h"
#include "http/fetch_metadata.h"
#include "http/media_type.h"
#include "incident/service.h"
#include "pattern/pattern.h"
#include "policy/access.h"
#include "policy/directory_rules.h"
#include "policy/tokens.h"
#include "policy/view.h"
#include "search/search.h"
#include "store/audit_log.h"

namespace tessera::admin {
namespace {

namespace json = boost::json;
using http::HttpStatus;
using http::Method;
using http::Request;
using http::Response;
using policy::Principal;
using policy::Role;

constexpr size_t kMaxJsonDepth = 16;
// The largest body of POST /api/v1/search: 10,000 values of a few hundred bytes each.
constexpr size_t kMaxSearchBodyBytes = 4 * 1024 * 1024;
constexpr std::string_view kJsonType = "application/json";
// The largest body of POST /api/v1/session: a user name and a token.
constexpr size_t kMaxSessionBodyBytes = 4 * 1024;

struct Context {
  AdminApiOptions options;
  // Seals the `next` cursors of full-text search (the hub's page-token key, as TAXII's).
  std::unique_ptr<policy::PageTokenSealer> sealer;
  store::Directory& dir() const { return options.store->directory(); }
};
using Ctx = std::shared_ptr<const Context>;

Response Error(HttpStatus status, std::string_view title, std::string_view detail) {
  return http::DefaultErrorResponse(status, title, detail);
}

Response Forbidden(std::string_view detail) {
  return Error(HttpStatus::forbidden, "Forbidden", detail);
}

Response NotFoundResponse(std::string_view detail) {
  return Error(HttpStatus::not_found, "Not Found", detail);
}

// The HTTP answer to a failed directory operation.
Response FromStatus(const Status& st) {
  switch (st.code()) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kLimitExceeded:
      return Error(HttpStatus::bad_request, "Bad Request", st.message());
    case ErrorCode::kNotFound:
      return NotFoundResponse(st.message());
    case ErrorCode::kAlreadyExists:  // a name taken, or an entry still in use (store::InUse)
      return Error(HttpStatus::conflict, "Conflict", st.message());
    case ErrorCode::kPermissionDenied:
      return Forbidden(st.message());
    case ErrorCode::kUnauthenticated:
      return Error(HttpStatus::unauthorized, "Unauthorized", st.message());
    case ErrorCode::kUnavailable:
      return Error(HttpStatus::service_unavailable, "Service Unavailable", st.message());
    default:
      spdlog::error("admin API: {}", st.ToString());
      return Error(HttpStatus::internal_server_error, "Internal Server Error",
                   "the store failed; the server log has the details");
  }
}

Response JsonResponse(HttpStatus status, const json::value& body) {
  return Response::Make(status, std::string(kJsonType), json::serialize(body));
}

Response Created(const json::value& body, std::string location) {
  Response r = JsonResponse(HttpStatus::created, body);
  r.headers.emplace_back("Location", std::move(location));
  return r;
}

Response Items(json::array items) {
  json::object o;
  o["items"] = std::move(items);
  return JsonResponse(HttpStatus::ok, o);
}

// 401 with both challenges; Bearer alone to a page's script (http/fetch_metadata.h), which the
// web interface is: a Basic challenge would make the browser ask for a password itself.
Response Unauthorized(const Request& req, std::string_view detail) {
  Response r = Error(HttpStatus::unauthorized, "Unauthorized", detail);
  if (!http::SentByPageScript(req)) {
    r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"tessera\"");
  }
  r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"tessera\"");
  return r;
}

bool IsAdmin(const Principal& p) { return policy::AdministersHub(p); }

// Text from the directory as it goes into the server log (common/display.h).
std::string Shown(std::string_view text) { return EscapeForDisplay(text); }

// The value of query parameter `name`, or nullopt; an error response for a malformed query.
Result<std::optional<std::string>> QueryParam(const Request& req, std::string_view name,
                                              std::initializer_list<std::string_view> allowed) {
  TESSERA_ASSIGN_OR_RETURN(auto params, http::ParseQuery(req.query()));
  std::optional<std::string> value;
  for (auto& [k, v] : params) {
    bool known = false;
    for (std::string_view a : allowed) known = known || k == a;
    if (!known) return InvalidArgument("unknown query parameter '" + k + "'");
    if (k == name) value = std::move(v);
  }
  return value;
}

// The request body as a JSON object with only `allowed` members; nullopt with `*error` set to
// the answer (415, 413 or 400) when it is not one.
// `max_bytes` 0: the admin API's own limit.
std::optional<json::object> Body(const Context& ctx, const Request& req,
                                 std::initializer_list<std::string_view> allowed, Response* error,
                                 size_t max_bytes = 0) {
  if (max_bytes == 0) max_bytes = ctx.options.max_body_bytes;
  auto media = http::ParseMediaType(req.Header("Content-Type"));
  if (!media.ok() || media->type != "application" || media->subtype != "json") {
    *error = Error(HttpStatus::unsupported_media_type, "Unsupported Media Type",
                   "send the request body as application/json");
    return std::nullopt;
  }
  if (req.body().size() > max_bytes) {
    *error = Error(HttpStatus::payload_too_large, "Content Too Large",
                   "this request's body is at most " + std::to_string(max_bytes) + " bytes");
    return std::nullopt;
  }
  JsonLimits limits;
  limits.max_depth = kMaxJsonDepth;
  limits.max_bytes = max_bytes;
  auto v = ParseJson(req.body(), limits);
  if (!v.ok()) {
    *error = Error(HttpStatus::bad_request, "Bad Request",
                   "the request body is not JSON: " + v.status().message());
    return std::nullopt;
  }
  if (!v->is_object()) {
    *error =
        Error(HttpStatus::bad_request, "Bad Request", "the request body must be a JSON object");
    return std::nullopt;
  }
  for (const auto& [key, value] : v->as_object()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || key == a;
    if (!known) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      *error = Error(HttpStatus::bad_request, "Bad Request",
                     "unknown member '" + std::string(key) + "' (this request takes " + list + ")");
      return std::nullopt;
    }
  }
  return std::move(v->as_object());
}

// Typed members of a request body. A member that is present with the wrong type is an error.
Result<std::optional<std::string>> OptString(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return InvalidArgument("'" + std::string(key) + "' must be a string");
  return std::optional<std::string>(std::string(v->as_string()));
}

Result<std::string> ReqString(const json::object& o, std::string_view key) {
  TESSERA_ASSIGN_OR_RETURN(std::optional<std::string> v, OptString(o, key));
  if (!v || v->empty()) return InvalidArgument("'" + std::string(key) + "' is required");
  return *std::move(v);
}

Result<std::optional<bool>> OptBool(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::optional<bool>();
  if (!v->is_bool()) return InvalidArgument("'" + std::string(key) + "' must be true or false");
  return std::optional<bool>(v->as_bool());
}

// A reference to a directory entry: a positive number (its id) or a string (a name, or what
// FindOrg also takes).
Result<std::optional<std::string>> OptRef(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::optional<std::string>();
  if (v->is_int64() && v->as_int64() > 0) {
    return std::optional<std::string>(std::to_string(v->as_int64()));
  }
  if (v->is_string() && !v->as_string().empty()) {
    return std::optional<std::string>(std::string(v->as_string()));
  }
  return InvalidArgument("'" + std::string(key) + "' must be a positive id or a name");
}

// The role a request names, or kInvalidArgument.
Result<Role> RoleOf(const std::string& name) {
  std::optional<Role> role = policy::ParseRole(name);
  if (!role) return InvalidArgument("'role' must be admin, org-admin, analyst, read-only or sync");
  return *role;
}

// Authenticates, then runs `fn`; 401 (with both challenges) when the credentials do not pass.
using AuthedHandler = std::function<Response(const Context&, const Principal&, const Request&)>;

// The answer to a request whose credentials did not pass: 401 (with both challenges), 429 with
// Retry-After when the client or token failed too often, else the directory's error.
Response AuthenticationRefused(const Context& c, const Request& req, const Status& why) {
  if (why.code() == ErrorCode::kUnauthenticated) return Unauthorized(req, why.message());
  if (why.code() == ErrorCode::kLimitExceeded) {
    Response r = Error(HttpStatus::too_many_requests, "Too Many Requests", why.message());
    r.headers.emplace_back("Retry-After",
                           std::to_string(c.options.authenticator->RetryAfter().count()));
    return r;
  }
  return FromStatus(why);
}

// What `req` presents to the authenticator: its Authorization header, else its session cookie
// (with its CSRF header when it changes something).
policy::Presented PresentedBy(const Request& req) {
  return {req.Header("Authorization"), req.Cookie(policy::kSessionCookie),
          req.Header(policy::kCsrfHeader), http::ChangesState(req.method())};
}

http::Handler Authed(Ctx ctx, AuthedHandler fn) {
  return [c = std::move(ctx), f = std::move(fn)](const Request& req) -> Response {
    auto principal = c->options.authenticator->Authenticate(PresentedBy(req), req.remote());
    if (!principal.ok()) return AuthenticationRefused(*c, req, principal.status());
    http::NoteAccess(principal->user, principal->org_id);
    return f(*c, *principal, req);
  };
}

// The organization's name for an audit entry ("" when there is none or it cannot be read).
std::string OrgNameOf(const Context& ctx, int64_t org_id) {
  if (org_id <= 0) return "";
  auto org = ctx.dir().GetOrganization(org_id);
  return org.ok() ? org->name : "";
}

// The audit entry of `p` doing `action` (audit/chain.h), target the request's path.
audit::Entry AuditEntryFor(const Context& ctx, const Principal& p, const Request& req,
                           std::string_view action) {
  audit::Entry e;
  e.chain = std::string(audit::kHubChain);
  e.actor = p.user;
  e.org_id = p.org_id;
  e.org = OrgNameOf(ctx, p.org_id);
  e.action = std::string(action);
  e.target = policy::RedactTokens(req.path());  // a token pasted into a path keeps its secret
  e.client = req.remote();
  return e;
}

// Sets the target of the audit entry being recorded on this thread (AuditScope), if any.
void AuditTarget(const Context& ctx, std::string target) {
  if (auto* scope = store::AuditScope::Active(store::AuditLogOf(*ctx.options.store).tag())) {
    scope->entry().target = std::move(target);
  }
}

// Runs `fn` inside an audit scope for `action`: the change it makes is recorded in the same
// transaction (store::AuditScope); a request that changed nothing is recorded when it is done,
// and a refused one with the reason it got (http::ErrorDescription). The request's body, cut to
// audit::kMaxFieldBytes, is the entry's details (admin bodies carry no secret; sign-in is not
// routed here).
AuthedHandler Audited(const char* action, AuthedHandler fn) {
  return [action, f = std::move(fn)](const Context& c, const Principal& p,
                                     const Request& req) -> Response {
    audit::Entry entry = AuditEntryFor(c, p, req, action);
    entry.details = std::string(req.body().substr(0, audit::kMaxFieldBytes));
    store::AuditScope scope(store::AuditLogOf(*c.options.store), std::move(entry));
    Response r = f(c, p, req);
    const bool refused = static_cast<unsigned>(r.status) >= 400;
    if (Status st = scope.Finish(refused ? audit::kRefused : audit::kDone,
                                 refused ? http::ErrorDescription(r) : "");
        !st.ok()) {
      spdlog::error("admin API: the audit log failed: {}", st.ToString());
      if (!refused) return FromStatus(st);
    }
    return r;
  };
}

// `fn` for admins only (403 for everyone else).
AuthedHandler AdminOnly(AuthedHandler fn) {
  return [f = std::move(fn)](const Context& c, const Principal& p, const Request& req) -> Response {
    if (!IsAdmin(p)) return Forbidden("only admins may use this resource");
    return f(c, p, req);
  };
}

// ---- whoami ---------------------------------------------------------------------------------

Response WhoAmI(const Context& ctx, const Principal& p, const Request&) {
  store::Directory& dir = ctx.dir();
  auto user = dir.GetUser(p.user_id);
  if (!user.ok()) return FromStatus(user.status());
  auto org = dir.GetOrganization(p.org_id);
  if (!org.ok()) return FromStatus(org.status());
  json::object o;
  o["user"] = UserJson(*user);
  o["org"] = OrgJson(*org);
  // The caller's own organization's groups only: a group is visible to its members (and
  // admins, through /api/v1/groups), so a member learns the names it posts with and nothing of
  // the groups it is not in.
  json::array groups;
  json::array sharing_groups;
  for (int64_t g : p.groups) {
    groups.push_back(g);
    auto group = dir.GetGroup(g);
    if (!group.ok()) return FromStatus(group.status());
    sharing_groups.push_back(GroupSummaryJson(*group));
  }
  o["groups"] = std::move(groups);
  o["sharing_groups"] = std::move(sharing_groups);
  return JsonResponse(HttpStatus::ok, o);
}

// ---- organizations (read: every user, as policy::OrganizationViewFor; write: admin) -----------

Response ListOrgs(const Context& ctx, const Principal& p, const Request& req) {
  if (auto q = QueryParam(req, "", {}); !q.ok()) return FromStatus(q.status());
  auto orgs = ctx.dir().ListOrganizations();
  if (!orgs.ok()) return FromStatus(orgs.status());
  const policy::OrganizationView view = policy::OrganizationViewFor(p);
  json::array items;
  for (const store::Organization& o : *orgs) items.push_back(OrgViewJson(o, view));
  return Items(std::move(items));
}

// The organization the path's {id} names: a numeric id, a name or an identity id (as FindOrg).
Result<store::Organization> PathOrg(const Context& ctx, const Request& req) {
  auto org = FindOrg(ctx.dir(), req.PathParam("id"));
  if (!org.ok() && (org.status().code() == ErrorCode::kNotFound ||
                    org.status().code() == ErrorCode::kInvalidArgument)) {
    return NotFound("no organization with that id, name or identity id");
  }
  return org;
}

Response GetOrg(const Context& ctx, const Principal& p, const Request& req) {
  auto org = PathOrg(ctx, req);
  if (!org.ok()) return FromStatus(org.status());
  return JsonResponse(HttpStatus::ok, OrgViewJson(*org, policy::OrganizationViewFor(p)));
}

// PATCH /api/v1/orgs/{id} {"name", "disabled"} (admins): renames the organization (its identity
// keeps its id; its name follows) and disables or enables it (SetOrgDisabled).
Response PatchOrg(const Context& ctx, const Principal& p, const Request& req) {
  auto org = PathOrg(ctx, req);
  if (!org.ok()) return FromStatus(org.status());
  AuditTarget(ctx, "org:" + org->name);
  Response error;
  auto body = Body(ctx, req, {"name", "disabled"}, &error);
  if (!body) return error;
  auto name = OptString(*body, "name");
  if (!name.ok()) return FromStatus(name.status());
  auto disabled = OptBool(*body, "disabled");
  if (!disabled.ok()) return FromStatus(disabled.status());
  // Every refusal before any change: a PATCH applies whole or not at all.
  if (*disabled && **disabled && org->id == p.org_id) {
    return FromStatus(store::InUse("you may not disable your own organization"));
  }
  if (*disabled && **disabled) {
    if (Status st = CheckMayDisableOrg(ctx.dir(), *org); !st.ok()) return FromStatus(st);
  }
  store::Organization updated = *org;
  if (*name && **name != updated.name) {
    auto renamed = ctx.dir().RenameOrganization(updated.id, **name);
    if (!renamed.ok()) return FromStatus(renamed.status());
    spdlog::info("admin API: organization {} '{}' renamed '{}' by {}", updated.id,
                 Shown(updated.name), Shown(renamed->name), Shown(p.user));
    updated = *renamed;
  }
  if (*disabled && **disabled != updated.disabled) {
    auto changed = SetOrgDisabled(ctx.dir(), updated, **disabled);
    if (!changed.ok()) return FromStatus(changed.status());
    updated = *changed;
    spdlog::info("admin API: organization {} '{}' {} by {}", updated.id, Shown(updated.name),
                 updated.disabled ? "disabled" : "enabled", Shown(p.user));
  }
  return JsonResponse(HttpStatus::ok, OrgJson(updated));
}

// DELETE /api/v1/orgs/{id} (admins): 204, or 409 saying what holds it
// (Directory::DeleteOrganization).
Response DeleteOrg(const Context& ctx, const Principal& p, const Request& req) {
  auto org = PathOrg(ctx, req);
  if (!org.ok()) return FromStatus(org.status());
  AuditTarget(ctx, "org:" + org->name);
  if (Status st = ctx.dir().DeleteOrganization(org->id); !st.ok()) {
    if (store::IsInUse(st)) {
      return FromStatus(
          store::InUse("organization '" + org->name + "' cannot be deleted: " + st.message()));
    }
    return FromStatus(st);
  }
  spdlog::info("admin API: organization {} '{}' deleted by {}", org->id, Shown(org->name),
               Shown(p.user));
  Response r;
  r.status = HttpStatus::no_content;
  return r;
}

Response CreateOrg(const Context& ctx, const Principal&, const Request& req) {
  Response error;
  auto body = Body(ctx, req, {"name"}, &error);
  if (!body) return error;
  auto name = ReqString(*body, "name");
  if (!name.ok()) return FromStatus(name.status());
  AuditTarget(ctx, "org:" + *name);
  auto org = ctx.dir().CreateOrganization(*name);
  if (!org.ok()) return FromStatus(org.status());
  spdlog::info("admin API: organization {} '{}' created", org->id, org->name);
  return Created(OrgJson(*org), "/api/v1/orgs/" + std::to_string(org->id));
}

// ---- users ----------------------------------------------------------------------------------

Response ListUsers(const Context& ctx, const Principal& p, const Request& req) {
  if (!policy::ManagesAccounts(p)) return Forbidden("only admins and org-admins may list users");
  auto org_ref = QueryParam(req, "org", {"org"});
  if (!org_ref.ok()) return FromStatus(org_ref.status());
  std::optional<int64_t> org_id;
  if (*org_ref) {
    auto org = FindOrg(ctx.dir(), **org_ref);
    if (!org.ok()) return FromStatus(org.status());
    org_id = org->id;
  }
  if (!IsAdmin(p)) {
    if (org_id && *org_id != p.org_id) {
      return Forbidden("an org-admin lists the users of its own organization only");
    }
    org_id = p.org_id;
  }
  auto users = ctx.dir().ListUsers(org_id);
  if (!users.ok()) return FromStatus(users.status());
  json::array items;
  for (const store::User& u : *users) {
    if (policy::SeesUser(p, u)) items.push_back(UserJson(u));
  }
  return Items(std::move(items));
}

// The user named by the path's {id} (a name, else a numeric id, as the CLI takes them) when `p`
// sees it (policy::SeesUser). Others are 404, as a missing one (their existence is not told).
Result<store::User> VisibleUser(const Context& ctx, const Principal& p, const Request& req) {
  auto user = FindUserRef(ctx.dir(), req.PathParam("id"));
  if (!user.ok()) {
    if (user.status().code() == ErrorCode::kNotFound ||
        user.status().code() == ErrorCode::kInvalidArgument) {
      return NotFound("no such user");
    }
    return user.status();
  }
  if (!policy::SeesUser(p, *user)) return NotFound("no such user");
  return user;
}

Response GetUser(const Context& ctx, const Principal& p, const Request& req) {
  auto user = VisibleUser(ctx, p, req);
  if (!user.ok()) return FromStatus(user.status());
  return JsonResponse(HttpStatus::ok, UserJson(*user));
}

Response CreateUser(const Context& ctx, const Principal& p, const Request& req) {
  if (!policy::ManagesAccounts(p)) return Forbidden("only admins and org-admins may create users");
  Response error;
  auto body = Body(ctx, req, {"name", "org", "role"}, &error);
  if (!body) return error;
  auto name = ReqString(*body, "name");
  if (!name.ok()) return FromStatus(name.status());
  auto role_name = ReqString(*body, "role");
  if (!role_name.ok()) return FromStatus(role_name.status());
  auto role = RoleOf(*role_name);
  if (!role.ok()) return FromStatus(role.status());
  auto org_ref = OptRef(*body, "org");
  if (!org_ref.ok()) return FromStatus(org_ref.status());
  int64_t org_id = p.org_id;
  if (*org_ref) {
    auto org = FindOrg(ctx.dir(), **org_ref);
    if (!org.ok()) return FromStatus(org.status());
    org_id = org->id;
  } else if (IsAdmin(p)) {
    return FromStatus(InvalidArgument("'org' is required"));
  }
  if (!policy::MayAssignRole(p, *role, org_id)) {
    return Forbidden(org_id != p.org_id
                         ? "an org-admin creates users in its own organization only"
                         : "only admins may create users with the role " + *role_name);
  }
  AuditTarget(ctx, "user:" + *name);
  auto user = ctx.dir().CreateUser(*name, org_id, *role);
  if (!user.ok()) return FromStatus(user.status());
  spdlog::info("admin API: user {} '{}' ({}) created in org {} by {}", user->id, Shown(user->name),
               policy::RoleName(user->role), user->org_id, Shown(p.user));
  return Created(UserJson(*user), "/api/v1/users/" + std::to_string(user->id));
}

Response PatchUser(const Context& ctx, const Principal& p, const Request& req) {
  auto user = VisibleUser(ctx, p, req);
  if (!user.ok()) return FromStatus(user.status());
  AuditTarget(ctx, "user:" + user->name);
  if (!policy::ManagesUser(p, *user)) return Forbidden("you may not change this user");
  Response error;
  auto body = Body(ctx, req, {"disabled", "role", "name"}, &error);
  if (!body) return error;
  auto disabled = OptBool(*body, "disabled");
  if (!disabled.ok()) return FromStatus(disabled.status());
  auto new_name = OptString(*body, "name");
  if (!new_name.ok()) return FromStatus(new_name.status());
  if (*new_name && !policy::MayRenameUser(p, *user)) {
    return Forbidden("you may not rename this user");
  }
  auto role_name = OptString(*body, "role");
  if (!role_name.ok()) return FromStatus(role_name.status());
  std::optional<Role> role;
  if (*role_name) {
    auto r = RoleOf(**role_name);
    if (!r.ok()) return FromStatus(r.status());
    if (!policy::MayAssignRole(p, *r, user->org_id)) {
      return Forbidden("only admins may give the role " + **role_name);
    }
    role = *r;
  }
  store::User updated = *user;
  json::array revoked;
  if (*new_name && **new_name != updated.name) {
    auto renamed = ctx.dir().RenameUser(updated.id, **new_name);
    if (!renamed.ok()) return FromStatus(renamed.status());
    spdlog::info("admin API: user {} '{}' renamed '{}' by {}", updated.id, Shown(updated.name),
                 Shown(renamed->name), Shown(p.user));
    updated = *renamed;
  }
  if (role && *role != updated.role) {
    auto r = policy::ChangeUserRole(ctx.dir(), updated, *role);
    if (!r.ok()) return FromStatus(r.status());
    updated = r->user;
    for (const std::string& id : r->revoked) revoked.push_back(json::string(id));
    if (!r->revoked.empty()) {
      spdlog::info("admin API: {} token(s) of user '{}' revoked by the role change to {}",
                   r->revoked.size(), Shown(updated.name), policy::RoleName(updated.role));
    }
  }
  if (*disabled && **disabled != updated.disabled) {
    auto r = ctx.dir().SetUserDisabled(updated.id, **disabled);
    if (!r.ok()) return FromStatus(r.status());
    updated = *r;
  }
  spdlog::info("admin API: user {} '{}' now {} {} (by {})", updated.id, Shown(updated.name),
               policy::RoleName(updated.role), updated.disabled ? "disabled" : "enabled",
               Shown(p.user));
  json::object o = UserJson(updated);
  // The tokens this change revoked (policy::RoleChangeRevokesTokens), so the caller knows the
  // user needs a new one.
  o["revoked_tokens"] = std::move(revoked);
  return JsonResponse(HttpStatus::ok, o);
}

// DELETE /api/v1/users/{id}: deletes a user that never wrote, else disables it and revokes its
// tokens (RemoveUser); 200 with {"deleted", "user", "revoked_tokens", "reason"}.
Response DeleteUser(const Context& ctx, const Principal& p, const Request& req) {
  auto user = VisibleUser(ctx, p, req);
  if (!user.ok()) return FromStatus(user.status());
  AuditTarget(ctx, "user:" + user->name);
  if (user->id == p.user_id) return Forbidden("you may not delete yourself");
  if (!policy::MayDeleteUser(p, *user)) return Forbidden("you may not delete this user");
  auto removed = RemoveUser(ctx.dir(), *user);
  if (!removed.ok()) return FromStatus(removed.status());
  json::object o;
  o["deleted"] = removed->deleted;
  o["user"] = UserJson(removed->user);
  json::array revoked;
  for (const std::string& id : removed->revoked) revoked.push_back(json::string(id));
  o["revoked_tokens"] = std::move(revoked);
  o["reason"] = removed->reason;
  if (removed->deleted) {
    spdlog::info("admin API: user {} '{}' deleted by {}", user->id, Shown(user->name),
                 Shown(p.user));
  } else {
    spdlog::info(
        "admin API: user {} '{}' disabled, {} token(s) revoked, instead of deleted ({}) "
        "by {}",
        user->id, Shown(user->name), removed->revoked.size(), removed->reason, Shown(p.user));
  }
  return JsonResponse(HttpStatus::ok, o);
}

// ---- tokens ---------------------------------------------------------------------------------

json::object TokenView(const store::TokenRecord& t, const std::string& user_name, Timestamp now) {
  json::object o = TokenJson(t, now);
  o["user"] = user_name;
  return o;
}

Response ListTokens(const Context& ctx, const Principal& p, const Request& req) {
  store::Directory& dir = ctx.dir();
  auto user_ref = QueryParam(req, "user", {"user"});
  if (!user_ref.ok()) return FromStatus(user_ref.status());
  std::vector<store::User> users;
  if (*user_ref) {
    // A user that does not exist and one the caller may not see get the same answer.
    auto user = FindUserRef(dir, **user_ref);
    if (!user.ok() && user.status().code() != ErrorCode::kNotFound &&
        user.status().code() != ErrorCode::kInvalidArgument) {
      return FromStatus(user.status());
    }
    if (!user.ok() || !policy::SeesTokensOf(p, *user)) {
      return NotFoundResponse("no user '" + **user_ref + "' whose tokens you may see");
    }
    users.push_back(*user);
  } else if (policy::ManagesAccounts(p)) {
    auto all = dir.ListUsers(IsAdmin(p) ? std::nullopt : std::optional<int64_t>(p.org_id));
    if (!all.ok()) return FromStatus(all.status());
    for (store::User& u : *all) {
      if (policy::SeesTokensOf(p, u)) users.push_back(std::move(u));
    }
  } else {
    auto self = dir.GetUser(p.user_id);
    if (!self.ok()) return FromStatus(self.status());
    users.push_back(*self);
  }
  const Timestamp now = Timestamp::Now();
  json::array items;
  for (const store::User& u : users) {
    auto tokens = dir.ListTokens(u.id);
    if (!tokens.ok()) return FromStatus(tokens.status());
    for (const store::TokenRecord& t : *tokens) items.push_back(TokenView(t, u.name, now));
  }
  return Items(std::move(items));
}

// The token named by the path's {id} and its user, when `p` may see it (its own, or one of a
// user it manages); 404 otherwise.
Result<std::pair<store::TokenRecord, store::User>> VisibleToken(const Context& ctx,
                                                                const Principal& p,
                                                                const Request& req) {
  const std::string id(req.PathParam("id"));
  auto token = ctx.dir().GetToken(id);
  if (!token.ok()) {
    if (token.status().code() == ErrorCode::kNotFound ||
        token.status().code() == ErrorCode::kInvalidArgument) {
      return NotFound("no such token");
    }
    return token.status();
  }
  auto user = ctx.dir().GetUser(token->user_id);
  if (!user.ok()) return user.status();
  if (!policy::SeesTokensOf(p, *user)) return NotFound("no such token");
  return std::make_pair(*std::move(token), *std::move(user));
}

Response GetToken(const Context& ctx, const Principal& p, const Request& req) {
  auto found = VisibleToken(ctx, p, req);
  if (!found.ok()) return FromStatus(found.status());
  return JsonResponse(HttpStatus::ok,
                      TokenView(found->first, found->second.name, Timestamp::Now()));
}

Response RevokeToken(const Context& ctx, const Principal& p, const Request& req) {
  auto found = VisibleToken(ctx, p, req);
  if (!found.ok()) return FromStatus(found.status());
  AuditTarget(ctx, "token:" + found->first.id + " of user:" + found->second.name);
  if (Status st = ctx.dir().RevokeToken(found->first.id); !st.ok()) return FromStatus(st);
  auto token = ctx.dir().GetToken(found->first.id);
  if (!token.ok()) return FromStatus(token.status());
  spdlog::info("admin API: token {} of user '{}' revoked by {}", token->id,
               Shown(found->second.name), Shown(p.user));
  return JsonResponse(HttpStatus::ok, TokenView(*token, found->second.name, Timestamp::Now()));
}

// POST /api/v1/tokens: every user for itself (rotating: create the new token, then DELETE the old
// one); admins and org-admins for the users they manage too (policy::MayCreateTokenFor).
// The limits of the tokens a member makes for itself (CreateToken; docs/admin.md).
constexpr int64_t kSelfTokenDefaultSeconds = 30 * 24 * 3600;  // when it names no expiry
constexpr int64_t kSelfTokenMaxSeconds = 90 * 24 * 3600;
constexpr std::ptrdiff_t kMaxSelfTokens = 10;  // active (not revoked, not expired) at once

Response CreateToken(const Context& ctx, const Principal& p, const Request& req) {
  Response error;
  auto body = Body(ctx, req, {"user", "expires_in", "expires", "label"}, &error);
  if (!body) return error;
  auto user_ref = OptRef(*body, "user");
  if (!user_ref.ok()) return FromStatus(user_ref.status());
  auto expires_in = OptString(*body, "expires_in");
  if (!expires_in.ok()) return FromStatus(expires_in.status());
  auto expires_at = OptString(*body, "expires");
  if (!expires_at.ok()) return FromStatus(expires_at.status());
  auto label = OptString(*body, "label");
  if (!label.ok()) return FromStatus(label.status());

  store::Directory& dir = ctx.dir();
  Result<store::User> user = *user_ref ? FindUserRef(dir, **user_ref) : dir.GetUser(p.user_id);
  if (!user.ok() && user.status().code() != ErrorCode::kNotFound &&
      user.status().code() != ErrorCode::kInvalidArgument) {
    return FromStatus(user.status());
  }
  // A user that does not exist and one the caller may not see get the same answer.
  if (!user.ok() || !policy::SeesUser(p, *user)) {
    return NotFoundResponse("no user '" + user_ref->value_or(p.user) +
                            "' you may create tokens for");
  }
  AuditTarget(ctx, "user:" + user->name);
  if (!policy::MayCreateTokenFor(p, *user)) {
    return Forbidden("you may not create tokens for this user");
  }
  const Timestamp now = Timestamp::Now();
  std::optional<Timestamp> expires;
  if (*expires_in && *expires_at) {
    return FromStatus(InvalidArgument("give 'expires_in' or 'expires', not both"));
  }
  if (*expires_in) {
    auto d = ParseDuration(**expires_in);
    if (!d.ok()) return FromStatus(InvalidArgument("'expires_in': " + d.status().message()));
    expires = Timestamp{now.seconds + d->count(), now.nanos};
  } else if (*expires_at) {
    auto t = ParseTimestamp(**expires_at);
    if (!t.ok()) return FromStatus(InvalidArgument("'expires': " + t.status().message()));
    if (Status st = policy::CheckTokenExpiry(*t, now); !st.ok()) {
      return FromStatus(InvalidArgument("'expires': " + st.message()));
    }
    expires = *t;
  }
  // A member making a token for itself (not an admin or org-admin, who answer for the accounts
  // they manage): a bounded lifetime and a bounded number, so that a stolen session or a
  // short-lived token cannot be turned into credentials that outlive it.
  if (user->id == p.user_id && !policy::ManagesAccounts(p)) {
    const Timestamp longest{now.seconds + kSelfTokenMaxSeconds, now.nanos};
    if (!expires) {
      expires = Timestamp{now.seconds + kSelfTokenDefaultSeconds, now.nanos};
    } else if (expires->seconds > longest.seconds) {
      return FromStatus(InvalidArgument(
          "a token you make for yourself lasts at most 90 days; an admin or an org-admin of your "
          "organization may give a longer one"));
    }
    auto mine = dir.ListTokens(user->id);
    if (!mine.ok()) return FromStatus(mine.status());
    const auto active = std::count_if(mine->begin(), mine->end(), [&](const store::TokenRecord& t) {
      return !t.revoked && (!t.expires || now < *t.expires);
    });
    if (active >= kMaxSelfTokens) {
      return FromStatus(store::InUse("you have " + std::to_string(active) +
                                     " active tokens, the most a member makes for itself: revoke "
                                     "one first"));
    }
  }
  auto issued = policy::CreateToken(dir, user->id, expires, label->value_or(""));
  if (!issued.ok()) return FromStatus(issued.status());
  json::object o = TokenView(issued->record, user->name, now);
  o["token"] = issued->token;
  spdlog::info("admin API: token {} created for user '{}' by {}", issued->record.id,
               Shown(user->name), Shown(p.user));
  Response r = Created(o, "/api/v1/tokens/" + issued->record.id);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// ---- sharing groups (admin) -----------------------------------------------------------------

Response ListGroups(const Context& ctx, const Principal&, const Request& req) {
  if (auto q = QueryParam(req, "", {}); !q.ok()) return FromStatus(q.status());
  auto groups = ctx.dir().ListGroups();
  if (!groups.ok()) return FromStatus(groups.status());
  json::array items;
  for (const store::SharingGroup& g : *groups) items.push_back(GroupJson(g));
  return Items(std::move(items));
}

// The group the path's {id} names: a name, else a numeric id (as the CLI takes them).
Result<store::SharingGroup> PathGroup(const Context& ctx, const Request& req) {
  auto group = FindGroupRef(ctx.dir(), req.PathParam("id"));
  if (!group.ok() && (group.status().code() == ErrorCode::kNotFound ||
                      group.status().code() == ErrorCode::kInvalidArgument)) {
    return NotFound("no such sharing group");
  }
  return group;
}

Response GetGroup(const Context& ctx, const Principal&, const Request& req) {
  auto group = PathGroup(ctx, req);
  if (!group.ok()) return FromStatus(group.status());
  return JsonResponse(HttpStatus::ok, GroupJson(*group));
}

Result<std::vector<int64_t>> MemberIds(store::Directory& dir, const json::object& body) {
  std::vector<int64_t> ids;
  const json::value* members = body.if_contains("members");
  if (!members || members->is_null()) return ids;
  if (!members->is_array()) return InvalidArgument("'members' must be an array");
  if (members->as_array().size() > kMaxGrantEntries) {
    return InvalidArgument("'members' has more than " + std::to_string(kMaxGrantEntries) +
                           " entries");
  }
  for (const json::value& m : members->as_array()) {
    json::object one;
    one["org"] = m;
    TESSERA_ASSIGN_OR_RETURN(std::optional<std::string> ref, OptRef(one, "org"));
    TESSERA_ASSIGN_OR_RETURN(store::Organization org, FindOrg(dir, *ref));
    ids.push_back(org.id);
  }
  return ids;
}

Response CreateGroup(const Context& ctx, const Principal& p, const Request& req) {
  Response error;
  auto body = Body(ctx, req, {"name", "description", "members"}, &error);
  if (!body) return error;
  auto name = ReqString(*body, "name");
  if (!name.ok()) return FromStatus(name.status());
  auto description = OptString(*body, "description");
  if (!description.ok()) return FromStatus(description.status());
  store::Directory& dir = ctx.dir();
  auto members = MemberIds(dir, *body);  // every member resolved before anything is created
  if (!members.ok()) return FromStatus(members.status());
  AuditTarget(ctx, "group:" + *name);
  auto group = dir.CreateGroup(*name, description->value_or(""));
  if (!group.ok()) return FromStatus(group.status());
  for (int64_t m : *members) {
    if (Status st = dir.AddGroupMember(group->id, m); !st.ok()) return FromStatus(st);
  }
  auto stored = dir.GetGroup(group->id);
  if (!stored.ok()) return FromStatus(stored.status());
  spdlog::info("admin API: sharing group {} '{}' created by {}", stored->id, stored->name, p.user);
  return Created(GroupJson(*stored), "/api/v1/groups/" + std::to_string(stored->id));
}

// PATCH /api/v1/groups/{id} {"name"} (admins): renames the group; its id, which objects'
// audiences and collections' grants name, stays.
Response PatchGroup(const Context& ctx, const Principal& p, const Request& req) {
  auto group = PathGroup(ctx, req);
  if (!group.ok()) return FromStatus(group.status());
  AuditTarget(ctx, "group:" + group->name);
  Response error;
  auto body = Body(ctx, req, {"name"}, &error);
  if (!body) return error;
  auto name = ReqString(*body, "name");
  if (!name.ok()) return FromStatus(name.status());
  auto renamed = ctx.dir().RenameGroup(group->id, *name);
  if (!renamed.ok()) return FromStatus(renamed.status());
  spdlog::info("admin API: sharing group {} '{}' renamed '{}' by {}", group->id, Shown(group->name),
               Shown(renamed->name), Shown(p.user));
  return JsonResponse(HttpStatus::ok, GroupJson(*renamed));
}

// DELETE /api/v1/groups/{id} (admins): 204, or 409 while anything's access depends on the group
// (Directory::DeleteGroup).
Response DeleteGroup(const Context& ctx, const Principal& p, const Request& req) {
  auto group = PathGroup(ctx, req);
  if (!group.ok()) return FromStatus(group.status());
  AuditTarget(ctx, "group:" + group->name);
  if (Status st = ctx.dir().DeleteGroup(group->id); !st.ok()) {
    if (store::IsInUse(st)) {
      return FromStatus(
          store::InUse("sharing group '" + group->name + "' cannot be deleted: " + st.message()));
    }
    return FromStatus(st);
  }
  spdlog::info("admin API: sharing group {} '{}' deleted by {}", group->id, Shown(group->name),
               Shown(p.user));
  Response r;
  r.status = HttpStatus::no_content;
  return r;
}

Response AddGroupMember(const Context& ctx, const Principal& p, const Request& req) {
  auto group = PathGroup(ctx, req);
  if (!group.ok()) return FromStatus(group.status());
  AuditTarget(ctx, "group:" + group->name);
  Response error;
  auto body = Body(ctx, req, {"org"}, &error);
  if (!body) return error;
  auto ref = OptRef(*body, "org");
  if (!ref.ok()) return FromStatus(ref.status());
  if (!*ref) return FromStatus(InvalidArgument("'org' is required"));
  auto org = FindOrg(ctx.dir(), **ref);
  if (!org.ok()) return FromStatus(org.status());
  if (Status st = ctx.dir().AddGroupMember(group->id, org->id); !st.ok()) return FromStatus(st);
  auto stored = ctx.dir().GetGroup(group->id);
  if (!stored.ok()) return FromStatus(stored.status());
  spdlog::info("admin API: org {} added to sharing group '{}' by {}", org->id, stored->name,
               p.user);
  return JsonResponse(HttpStatus::ok, GroupJson(*stored));
}

Response RemoveGroupMember(const Context& ctx, const Principal& p, const Request& req) {
  auto group = PathGroup(ctx, req);
  if (!group.ok()) return FromStatus(group.status());
  AuditTarget(ctx, "group:" + group->name);
  // {org}: a numeric id, a name or an identity id (as FindOrg).
  auto org = FindOrg(ctx.dir(), req.PathParam("org"));
  if (!org.ok()) {
    if (org.status().code() == ErrorCode::kNotFound ||
        org.status().code() == ErrorCode::kInvalidArgument) {
      return NotFoundResponse("no such organization");
    }
    return FromStatus(org.status());
  }
  if (Status st = ctx.dir().RemoveGroupMember(group->id, org->id); !st.ok()) {
    return FromStatus(st);
  }
  auto stored = ctx.dir().GetGroup(group->id);
  if (!stored.ok()) return FromStatus(stored.status());
  spdlog::info("admin API: org {} removed from sharing group '{}' by {}", org->id, stored->name,
               p.user);
  return JsonResponse(HttpStatus::ok, GroupJson(*stored));
}

// ---- collections (admin) --------------------------------------------------------------------

// Applies the members of `body` to `info` (creation and PATCH take the same members).
Status ApplyCollection(store::Directory& dir, const json::object& body,
                       store::CollectionInfo& info) {
  TESSERA_ASSIGN_OR_RETURN(std::optional<std::string> title, OptString(body, "title"));
  if (title) info.title = *title;
  TESSERA_ASSIGN_OR_RETURN(std::optional<std::string> description, OptString(body, "description"));
  if (description) info.description = *description;
  if (const json::value* alias = body.if_contains("alias")) {
    if (alias->is_null()) {
      info.alias.clear();
    } else if (alias->is_string()) {
      info.alias = std::string(alias->as_string());
    } else {
      return InvalidArgument("'alias' must be a string or null");
    }
  }
  TESSERA_ASSIGN_OR_RETURN(std::optional<std::string> tlp, OptString(body, "default_tlp"));
  if (tlp) {
    const std::optional<stix::TlpLevel> level = store::ParseTlpName(*tlp);
    if (!level) {
      return InvalidArgument("'default_tlp' must be clear, green, amber, amber+strict or red");
    }
    info.default_tlp = *level;
  }
  if (const json::value* readers = body.if_contains("readers")) {
    auto grants = GrantsFromJson(dir, *readers);
    if (!grants.ok())
      return Status(grants.status().code(), "'readers': " + grants.status().message());
    info.readers = *grants;
  }
  if (const json::value* writers = body.if_contains("writers")) {
    auto grants = GrantsFromJson(dir, *writers);
    if (!grants.ok())
      return Status(grants.status().code(), "'writers': " + grants.status().message());
    info.writers = *grants;
  }
  if (const json::value* audience = body.if_contains("audience_group")) {
    if (audience->is_null()) {
      info.audience_group.reset();
    } else {
      // value_or, not *: GCC 12 at -O2 warns (maybe-uninitialized) through the optional.
      auto ref = OptRef(body, "audience_group");
      if (!ref.ok()) return ref.status();
      const std::string name = ref->value_or(std::string());
      if (name.empty()) return InvalidArgument("'audience_group' must name a sharing group");
      TESSERA_ASSIGN_OR_RETURN(store::SharingGroup group, FindGroupRef(dir, name));
      info.audience_group = group.id;
    }
  }
  return Status::Ok();
}

Response ListCollections(const Context& ctx, const Principal&, const Request& req) {
  auto root = QueryParam(req, "api_root", {"api_root"});
  if (!root.ok()) return FromStatus(root.status());
  std::vector<std::string> roots;
  if (*root) {
    roots.push_back(**root);
  } else {
    auto all = ctx.dir().ListApiRoots();
    if (!all.ok()) return FromStatus(all.status());
    for (const store::ApiRoot& r : *all) roots.push_back(r.name);
  }
  json::array items;
  for (const std::string& r : roots) {
    auto list = ctx.dir().ListCollections(r);
    if (!list.ok()) return FromStatus(list.status());
    for (const store::CollectionInfo& c : *list) items.push_back(CollectionJson(c));
  }
  return Items(std::move(items));
}

// The collection the path's {id} names: its id, else its alias (unique across API roots).
Result<store::CollectionInfo> PathCollection(const Context& ctx, const Request& req) {
  auto c = FindCollectionRef(ctx.dir(), req.PathParam("id"));
  if (!c.ok() && c.status().code() == ErrorCode::kNotFound) return NotFound("no such collection");
  return c;
}

Response GetCollection(const Context& ctx, const Principal&, const Request& req) {
  auto c = FindCollectionRef(ctx.dir(), req.PathParam("id"));
  if (!c.ok()) return FromStatus(c.status());
  return JsonResponse(HttpStatus::ok, CollectionJson(*c));
}

Response CreateCollection(const Context& ctx, const Principal& p, const Request& req) {
  Response error;
  auto body = Body(ctx, req,
                   {"api_root", "title", "description", "alias", "default_tlp", "readers",
                    "writers", "audience_group"},
                   &error);
  if (!body) return error;
  store::Directory& dir = ctx.dir();
  store::CollectionInfo info;
  auto root = OptString(*body, "api_root");
  if (!root.ok()) return FromStatus(root.status());
  info.api_root = root->value_or("api");
  if (auto r = dir.GetApiRoot(info.api_root); !r.ok()) return FromStatus(r.status());
  info.readers.all = true;  // as the CLI: every organization unless the request narrows it
  info.writers.all = true;
  if (auto title = ReqString(*body, "title"); !title.ok()) return FromStatus(title.status());
  if (Status st = ApplyCollection(dir, *body, info); !st.ok()) return FromStatus(st);
  auto created = dir.CreateCollection(info);
  if (!created.ok()) return FromStatus(created.status());
  spdlog::info("admin API: collection {} '{}' created by {}", created->id, created->title, p.user);
  return Created(CollectionJson(*created), "/api/v1/collections/" + created->id);
}

Response PatchCollection(const Context& ctx, const Principal& p, const Request& req) {
  store::Directory& dir = ctx.dir();
  auto c = FindCollectionRef(dir, req.PathParam("id"));
  if (!c.ok()) return FromStatus(c.status());
  AuditTarget(ctx, "collection:" + c->id);
  Response error;
  auto body =
      Body(ctx, req,
           {"title", "description", "alias", "default_tlp", "readers", "writers", "audience_group"},
           &error);
  if (!body) return error;
  store::CollectionInfo info = *c;
  if (Status st = ApplyCollection(dir, *body, info); !st.ok()) return FromStatus(st);
  if (info.title.empty()) return FromStatus(InvalidArgument("'title' may not be empty"));
  auto updated = dir.UpdateCollection(info);
  if (!updated.ok()) return FromStatus(updated.status());
  spdlog::info("admin API: collection {} updated by {}", updated->id, p.user);
  return JsonResponse(HttpStatus::ok, CollectionJson(*updated));
}

// DELETE /api/v1/collections/{id} (admins): 204, or 409 while it holds objects or is the default
// collection (Directory::DeleteCollection).
Response DeleteCollection(const Context& ctx, const Principal& p, const Request& req) {
  auto c = PathCollection(ctx, req);
  if (!c.ok()) return FromStatus(c.status());
  AuditTarget(ctx, "collection:" + c->id);
  if (Status st = ctx.dir().DeleteCollection(c->id); !st.ok()) {
    if (store::IsInUse(st)) {
      return FromStatus(
          store::InUse("collection '" + c->title + "' cannot be deleted: " + st.message()));
    }
    return FromStatus(st);
  }
  spdlog::info("admin API: collection {} '{}' deleted by {}", c->id, Shown(c->title),
               Shown(p.user));
  Response r;
  r.status = HttpStatus::no_content;
  return r;
}

// ---- metrics (admin) ------------------------------------------------------------------------

Response RenderMetrics(const Context& ctx, const Principal&, const Request&) {
  return Response::Make(HttpStatus::ok, std::string(http::kMetricsContentType),
                        ctx.options.metrics->Render());
}

}  // namespace

// ---- search (every user, through its policy view) ---------------------------------------------

// The JSON answer of the search `params` asks, as `p` (search::ResultsJson, TextResultsJson).
Response SearchAs(const Context& ctx, const Principal& p, const search::Parameters& params) {
  if (Status st = search::CheckParameters(params); !st.ok()) return FromStatus(st);
  const policy::ObjectView view(*ctx.options.store, p);
  if (params.values.empty()) {  // a text, or a listing
    auto found = search::SearchText(view, search::TextRequestOf(params, ctx.sealer.get()));
    if (!found.ok()) return FromStatus(found.status());
    return Response::Make(HttpStatus::ok, std::string(kJsonType), search::TextResultsJson(*found));
  }
  auto found = search::SearchValues(view, params.values, params.filters);
  if (!found.ok()) return FromStatus(found.status());
  return Response::Make(HttpStatus::ok, std::string(kJsonType), search::ResultsJson(*found));
}

// GET /api/v1/search?value=V[&value=V...] or ?text=T, with the parameters of docs/search.md.
Response SearchGet(const Context& ctx, const Principal& p, const Request& req) {
  auto query = http::ParseQuery(req.query());
  if (!query.ok()) return FromStatus(query.status());
  search::Parameters params;
  for (const auto& [k, v] : *query) {
    if (Status st = search::AddParameter(k, v, params); !st.ok()) return FromStatus(st);
  }
  return SearchAs(ctx, p, params);
}

// POST /api/v1/search with {"values": [...]} (up to search::kMaxValues) or {"text": "..."}, and
// the other parameters as members (a string, a list of strings, a number or a boolean each), a
// body of at most kMaxSearchBodyBytes.
Response SearchPost(const Context& ctx, const Principal& p, const Request& req) {
  auto media = http::ParseMediaType(req.Header("Content-Type"));
  if (!media.ok() || media->type != "application" || media->subtype != "json") {
    return Error(HttpStatus::unsupported_media_type, "Unsupported Media Type",
                 "send the request body as application/json");
  }
  JsonLimits limits;
  limits.max_depth = kMaxJsonDepth;
  limits.max_bytes = kMaxSearchBodyBytes;
  auto body = ParseJson(req.body(), limits);
  if (!body.ok())
    return FromStatus(InvalidArgument("the request body is not JSON: " + body.status().message()));
  const json::object* o = body->if_object();
  if (o == nullptr) {
    return FromStatus(
        InvalidArgument("the request body is {\"values\": [\"...\", ...]} or {\"text\": \"...\"}"));
  }
  search::Parameters params;
  for (const auto& [key, member] : *o) {
    const std::string name(key);
    if (name == "values" && !member.is_array()) {
      return FromStatus(InvalidArgument("'values' is a list of strings"));
    }
    const auto add = [&](const json::value& v) -> Status {
      if (v.is_string()) return search::AddParameter(name, v.get_string(), params);
      if (v.is_bool()) return search::AddParameter(name, v.get_bool() ? "true" : "false", params);
      if (v.is_int64() || v.is_uint64()) {
        return search::AddParameter(name, json::serialize(v), params);
      }
      return InvalidArgument("'" + name.substr(0, 64) +
                             "' is a string, a list of strings, a number or a boolean");
    };
    if (const json::array* list = member.if_array()) {
      if (list->size() > search::kMaxValues) {
        return FromStatus(InvalidArgument("a search takes at most " +
                                          std::to_string(search::kMaxValues) + " " + name +
                                          ", not " + std::to_string(list->size())));
      }
      for (const json::value& v : *list) {
        if (!v.is_string()) {
          return FromStatus(InvalidArgument("'" + name.substr(0, 64) + "' holds strings only"));
        }
        if (Status st = add(v); !st.ok()) return FromStatus(st);
      }
    } else if (Status st = add(member); !st.ok()) {
      return FromStatus(st);
    }
  }
  return SearchAs(ctx, p, params);
}

// ---- patterns, the graph, the sharing preview (every user; for the web interface) -----------

// The JSON of one comparison of a valid pattern: its path as Compile read it, the operator, the
// constant (a string's value; any other constant, or an IN set, as written) and NOT.
json::object ComparisonJson(const pattern::AtomicComparison& c, size_t position) {
  json::object o;
  o["position"] = position;
  o["path"] = c.path.ToString();
  o["operator"] = std::string(pattern::OpName(c.op));
  std::string value;
  if (c.op == pattern::Op::kIn) {
    value = "(";
    for (size_t i = 0; i < c.constants.size(); ++i) {
      value += (i ? ", " : "") + c.constants[i].text;
    }
    value += ")";
  } else if (!c.constants.empty()) {
    const pattern::Constant& k = c.constants.front();
    value = k.kind == pattern::ConstantKind::kString ? k.value : k.text;
  }
  o["value"] = value;
  o["negated"] = c.negated;
  return o;
}

// POST /api/v1/patterns/check {"pattern": "..."}: what `tessera pattern check` says of it, as
// JSON (pattern::Compile, NeverMatchingConstants, Comparisons).
Response CheckPattern(const Context& ctx, const Principal&, const Request& req) {
  Response error;
  auto body = Body(ctx, req, {"pattern"}, &error, kMaxPatternCheckBodyBytes);
  if (!body) return error;
  const json::value* text = body->if_contains("pattern");
  if (text == nullptr || !text->is_string()) {
    return FromStatus(InvalidArgument("'pattern' is required: the text of a STIX pattern"));
  }
  const std::string pattern_text(text->get_string());
  if (pattern_text.size() > kMaxCheckedPatternBytes) {
    return FromStatus(InvalidArgument("'pattern' is at most " +
                                      std::to_string(kMaxCheckedPatternBytes) + " bytes, not " +
                                      std::to_string(pattern_text.size())));
  }
  json::object o;
  auto compiled = pattern::Compile(pattern_text);
  if (!compiled.ok()) {
    size_t position = 0;
    std::string reason;
    json::object e;
    if (pattern::SplitErrorPosition(compiled.status().message(), &position, &reason)) {
      e["position"] = position;
      e["message"] = reason;
    } else {
      e["position"] = 0;
      e["message"] = compiled.status().message();
    }
    o["valid"] = false;
    o["error"] = std::move(e);
    return JsonResponse(HttpStatus::ok, o);
  }
  json::array warnings;
  for (const pattern::PatternWarning& w : compiled->NeverMatchingConstants()) {
    warnings.push_back(json::object{{"position", w.position}, {"message", w.message}});
  }
  json::array comparisons;
  const std::vector<size_t> positions = compiled->ComparisonPositions();
  const std::vector<pattern::AtomicComparison>& atoms = compiled->Comparisons();
  for (size_t i = 0; i < atoms.size(); ++i)
    comparisons.push_back(ComparisonJson(atoms[i], positions[i]));
  o["valid"] = true;
  o["warnings"] = std::move(warnings);
  o["comparisons"] = std::move(comparisons);
  o["single_observation"] = compiled->IsSingleObservation();
  return JsonResponse(HttpStatus::ok, o);
}

// GET /api/v1/objects/{id}/related[?collection=C...]: search::SearchRelated through the asker's
// view.
Response RelatedObjects(const Context& ctx, const Principal& p, const Request& req) {
  auto query = http::ParseQuery(req.query());
  if (!query.ok()) return FromStatus(query.status());
  search::Filters filters;
  for (const auto& [k, v] : *query) {
    if (k != "collection") {
      return FromStatus(InvalidArgument("unknown query parameter '" + k.substr(0, 64) +
                                        "' (this request takes collection)"));
    }
    filters.collections.push_back(v);
  }
  const policy::ObjectView view(*ctx.options.store, p);
  auto related = search::SearchRelated(view, std::string(req.PathParam("id")), filters);
  if (!related.ok()) return FromStatus(related.status());
  return Response::Make(HttpStatus::ok, std::string(kJsonType), search::RelatedJson(*related));
}

// The identifier of the object a sharing preview places (never stored): the Placer's messages
// name it, and the preview answers them without it.
constexpr std::string_view kPreviewObjectId = "indicator--00000000-0000-4000-8000-000000000000";

// POST /api/v1/collections/{id}/audience {"tlp", "recipients", "sharing_group"}: who would read
// an object `p` shares into the collection so (policy::Placer, as a TAXII POST with
// X-Tessera-Recipients and X-Tessera-Sharing-Group), without writing anything.
Response PreviewAudience(const Context& ctx, const Principal& p, const Request& req) {
  const policy::ObjectView view(*ctx.options.store, p);
  auto c = view.Collection(std::string(req.PathParam("id")));
  if (!c.ok()) {
    if (c.status().code() == ErrorCode::kNotFound) return NotFoundResponse("no such collection");
    return FromStatus(c.status());
  }
  if (!policy::CanWrite(p, *c)) return Forbidden("you may not write to this collection");
  Response error;
  auto body = Body(ctx, req, {"tlp", "recipients", "sharing_group"}, &error);
  if (!body) return error;
  stix::Handling handling;
  auto tlp = OptString(*body, "tlp");
  if (!tlp.ok()) return FromStatus(tlp.status());
  if (*tlp) {
    handling.tlp = store::ParseTlpName(**tlp);
    if (!handling.tlp) {
      return FromStatus(InvalidArgument("'tlp' must be clear, green, amber, amber+strict or red"));
    }
  }
  // The recipients as the header carries them, so that they are read by the same code.
  std::string recipients;
  if (const json::value* list = body->if_contains("recipients"); list && !list->is_null()) {
    if (!list->is_array())
      return FromStatus(InvalidArgument("'recipients' is a list of identity ids"));
    for (const json::value& r : list->get_array()) {
      if (!r.is_string() || r.get_string().empty() ||
          r.get_string().find(',') != json::string::npos) {
        return FromStatus(InvalidArgument("'recipients' is a list of identity ids"));
      }
      recipients += (recipients.empty() ? "" : ",") + std::string(r.get_string());
    }
  }
  auto group = OptString(*body, "sharing_group");
  if (!group.ok()) return FromStatus(group.status());
  auto audience = policy::ParseAudienceHeaders(recipients, group->value_or(""));
  if (!audience.ok()) return FromStatus(audience.status());
  stix::Object object;
  object.type = "indicator";
  object.id = std::string(kPreviewObjectId);
  object.handling = std::move(handling);
  auto placed = policy::PlaceObject(*ctx.options.store, p, *c, object, *audience);
  if (!placed.ok()) {
    // The TAXII status resource's message for the object, without the object's id.
    std::string message = placed.status().message();
    const std::string prefix = object.id + ": ";
    if (message.starts_with(prefix)) message.erase(0, prefix.size());
    if (placed.status().code() == ErrorCode::kInvalidArgument ||
        placed.status().code() == ErrorCode::kPermissionDenied) {
      return FromStatus(InvalidArgument(message));
    }
    return FromStatus(placed.status());
  }
  auto orgs = policy::OrganizationsReading(ctx.dir(), p, *c, placed->placement.readers);
  if (!orgs.ok()) return FromStatus(orgs.status());
  json::array list;
  for (const store::Organization& o : orgs->shown) {
    list.push_back(json::object{{"id", o.id}, {"name", o.name}, {"identity", o.identity_id}});
  }
  json::object o;
  o["tlp"] = std::string(store::TlpName(object.handling->tlp.value_or(c->default_tlp)));
  o["organizations"] = std::move(list);
  o["others"] = orgs->others;
  o["note"] = placed->note;
  return JsonResponse(HttpStatus::ok, o);
}

// ---- browser sessions (policy::Authenticator::StartSession) ---------------------------------

// The session cookie's Set-Cookie value: `value` for `max_age` seconds (0: delete it). HttpOnly
// (no script reads it), SameSite=Strict (no other site's page sends it), Secure when the hub
// serves TLS, for every path of the hub.
std::string SessionCookie(const Context& ctx, std::string_view value, int64_t max_age) {
  std::string c = std::string(policy::kSessionCookie) + "=" + std::string(value) +
                  "; Path=/; Max-Age=" + std::to_string(max_age) + "; HttpOnly; SameSite=Strict";
  if (ctx.options.secure_cookies) c += "; Secure";
  return c;
}

// POST /api/v1/session {"user", "token"}: the only route that takes credentials in its body.
// Refused credentials get the one answer of every refused credential (401), whatever is wrong.
Response StartSession(const Ctx& ctx, const Request& req) {
  Response error;
  auto body = Body(*ctx, req, {"user", "token"}, &error);
  if (!body) return error;
  auto user = ReqString(*body, "user");
  if (!user.ok()) return FromStatus(user.status());
  auto token = ReqString(*body, "token");
  if (!token.ok()) return FromStatus(token.status());
  auto session = ctx->options.authenticator->StartSession(*user, *token, req.remote());
  if (!session.ok()) {
    if (session.status().code() == ErrorCode::kLimitExceeded) {
      return AuthenticationRefused(*ctx, req, session.status());
    }
    if (session.status().code() == ErrorCode::kUnauthenticated) {
      return Error(HttpStatus::unauthorized, "Unauthorized", session.status().message());
    }
    return FromStatus(session.status());
  }
  const Principal& p = session->principal;
  json::object o;
  o["csrf_token"] = session->csrf_token;
  o["expires"] = FormatTimestamp(session->expires, TimePrecision::kSeconds);
  o["user"] = p.user;
  o["role"] = std::string(policy::RoleName(p.role));
  o["org_identity"] = p.org_identity;
  Response r = JsonResponse(HttpStatus::created, o);
  const int64_t max_age = std::max<int64_t>(1, session->expires.seconds - Timestamp::Now().seconds);
  r.headers.emplace_back("Set-Cookie", SessionCookie(*ctx, session->cookie, max_age));
  r.headers.emplace_back("Cache-Control", "no-store");
  spdlog::info("admin API: user '{}' signed in (a browser session)", Shown(p.user));
  audit::Entry signed_in = AuditEntryFor(*ctx, p, req, "session.start");
  signed_in.time = Timestamp::Now();
  signed_in.result = std::string(audit::kDone);
  if (Status st = store::AuditLogOf(*ctx->options.store).Append(std::move(signed_in)).status();
      !st.ok()) {
    spdlog::error("admin API: the audit log failed: {}", st.ToString());
    return FromStatus(st);
  }
  return r;
}

// DELETE /api/v1/session: signs out the session whose cookie the request carries (authenticated
// as every route, so with its CSRF token) and tells the browser to forget the cookie.
Response EndSession(const Context& ctx, const Principal& p, const Request& req) {
  if (!ctx.options.authenticator->EndSession(req.Cookie(policy::kSessionCookie))) {
    return NotFoundResponse("this request carries no session cookie to end");
  }
  Response r;
  r.status = HttpStatus::no_content;
  r.headers.emplace_back("Set-Cookie", SessionCookie(ctx, "", 0));
  r.headers.emplace_back("Cache-Control", "no-store");
  spdlog::info("admin API: user '{}' signed out", Shown(p.user));
  return r;
}

namespace {

// ---- the audit log (admins: every entry; org-admins: their organization's) ---------------------

// GET /api/v1/audit[?since=T&actor=U&org=O&action=A&chain=C&limit=N&cursor=C]: the hub's chain
// (or `chain`: hub, incidents), newest first; `next` is the cursor of the following page (absent on
// the last one).
Response ListAudit(const Context& ctx, const Principal& p, const Request& req) {
  if (!policy::ManagesAccounts(p)) {
    return Forbidden("only admins and org-admins may read the audit log");
  }
  auto params = http::ParseQuery(req.query());
  if (!params.ok()) return FromStatus(params.status());
  store::AuditQuery q;
  for (const auto& [k, v] : *params) {
    if (k == "since") {
      auto t = ParseTimestamp(v);
      if (!t.ok()) return FromStatus(InvalidArgument("'since': " + t.status().message()));
      q.since = *t;
    } else if (k == "actor") {
      q.actor = v;
    } else if (k == "org") {
      auto org = FindOrg(ctx.dir(), v);
      if (!org.ok()) return FromStatus(org.status());
      q.org_id = org->id;
    } else if (k == "action") {
      q.action = v;
    } else if (k == "chain") {
      if (v != audit::kHubChain && v != incident::kIncidentsChain) {
        return FromStatus(InvalidArgument("'chain' is hub or incidents"));
      }
      q.chain = v;
    } else if (k == "limit") {
      auto n = PositiveId(v);
      if (!n || *n > static_cast<int64_t>(store::kMaxAuditPage)) {
        return FromStatus(
            InvalidArgument("'limit' is 1 to " + std::to_string(store::kMaxAuditPage)));
      }
      q.limit = static_cast<size_t>(*n);
    } else if (k == "cursor") {
      auto n = PositiveId(v);
      if (!n) return FromStatus(InvalidArgument("'cursor' is not one this API gave"));
      q.before = *n;
    } else {
      return FromStatus(InvalidArgument("unknown query parameter '" + k.substr(0, 64) +
                                        "' (this request takes since, actor, org, action, "
                                        "chain, limit, cursor)"));
    }
  }
  if (!IsAdmin(p)) {
    if (q.org_id && *q.org_id != p.org_id) {
      return Forbidden("an org-admin reads its own organization's entries only");
    }
    q.org_id = p.org_id;
  }
  auto entries = store::AuditLogOf(*ctx.options.store).List(q);
  if (!entries.ok()) return FromStatus(entries.status());
  json::array items;
  for (const audit::Entry& e : *entries) items.push_back(audit::EntryJson(e));
  json::object o;
  o["items"] = std::move(items);
  if (entries->size() == q.limit && entries->back().number > 1) {
    o["next"] = std::to_string(entries->back().number);
  }
  return JsonResponse(HttpStatus::ok, o);
}

// ---- incidents (docs/incidents.md; incident/service.h decides who may do what) -----------------

// Moves the audit entry of this request to the incidents chain (before anything can be written),
// so that a refused attempt is recorded there too.
void OnIncidentsChain(const Context& ctx) {
  if (auto* scope = store::AuditScope::Active(store::AuditLogOf(*ctx.options.store).tag())) {
    scope->entry().chain = std::string(incident::kIncidentsChain);
  }
}

incident::Actor IncidentActor(const Context& ctx, const Principal& p, const Request& req) {
  return incident::Actor{p.user, OrgNameOf(ctx, p.org_id), std::string(req.remote())};
}

// POST /api/v1/incidents {"name", "description", "severity", "marking", "exercise"}: a new
// incident led by the caller's organization (analysts, org-admins, admins).
Response CreateIncident(const Context& ctx, const Principal& p, const Request& req) {
  OnIncidentsChain(ctx);
  Response error;
  auto body = Body(ctx, req, {"name", "description", "severity", "marking", "exercise"}, &error);
  if (!body) return error;
  incident::NewIncident in;
  auto name = ReqString(*body, "name");
  if (!name.ok()) return FromStatus(name.status());
  in.name = *name;
  auto description = OptString(*body, "description");
  if (!description.ok()) return FromStatus(description.status());
  in.description = description->value_or("");
  auto severity = OptString(*body, "severity");
  if (!severity.ok()) return FromStatus(severity.status());
  if (*severity) in.severity = **severity;
  auto marking = OptString(*body, "marking");
  if (!marking.ok()) return FromStatus(marking.status());
  if (*marking) {
    std::string m = **marking;
    for (char& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (m.rfind("tlp:", 0) == 0) m.erase(0, 4);
    auto level = store::ParseTlpName(m);
    if (!level) {
      return FromStatus(
          InvalidArgument("'marking' is one of TLP:CLEAR, TLP:GREEN, TLP:AMBER, "
                          "TLP:AMBER+STRICT, TLP:RED"));
    }
    in.marking = *level;
  }
  auto exercise = OptBool(*body, "exercise");
  if (!exercise.ok()) return FromStatus(exercise.status());
  in.exercise = exercise->value_or(false);
  auto made = incident::CreateIncident(*ctx.options.store, p, IncidentActor(ctx, p, req), in);
  if (!made.ok()) return FromStatus(made.status());
  spdlog::info("admin API: incident {} ({}) created by {}", made->case_number, made->id,
               Shown(p.user));
  return Created(incident::IncidentJson(*made), "/api/v1/incidents/" + made->id);
}

// GET /api/v1/incidents: the incidents the caller's organization takes part in.
Response ListIncidents(const Context& ctx, const Principal& p, const Request& req) {
  if (auto q = QueryParam(req, "", {}); !q.ok()) return FromStatus(q.status());
  auto list = incident::ListIncidents(*ctx.options.store, p);
  if (!list.ok()) return FromStatus(list.status());
  json::array items;
  for (const incident::Incident& in : *list) items.push_back(incident::IncidentJson(in));
  return Items(std::move(items));
}

// GET /api/v1/incidents/{id}: 404 alike for an unknown id and one the caller does not take part in.
Response GetIncident(const Context& ctx, const Principal& p, const Request& req) {
  auto got = incident::GetIncident(*ctx.options.store, p, req.PathParam("id"));
  if (!got.ok()) return FromStatus(got.status());
  return JsonResponse(HttpStatus::ok, incident::IncidentJson(*got));
}

// POST /api/v1/incidents/{id}/stage {"stage", "closing_summary"}: the lead moves the incident; a
// move the stage machine refuses is 409 with its rule and reason.
Response ChangeIncidentStage(const Context& ctx, const Principal& p, const Request& req) {
  OnIncidentsChain(ctx);
  AuditTarget(ctx, "incident:" + std::string(req.PathParam("id")));
  Response error;
  auto body = Body(ctx, req, {"stage", "closing_summary"}, &error);
  if (!body) return error;
  auto stage_name = ReqString(*body, "stage");
  if (!stage_name.ok()) return FromStatus(stage_name.status());
  const std::optional<incident::Stage> stage = incident::ParseStage(*stage_name);
  if (!stage) {
    return FromStatus(
        InvalidArgument("'stage' is one of new, triage, containment, eradication, "
                        "recovery, closed"));
  }
  auto summary = OptString(*body, "closing_summary");
  if (!summary.ok()) return FromStatus(summary.status());
  auto changed = incident::ChangeStage(*ctx.options.store, p, IncidentActor(ctx, p, req),
                                       req.PathParam("id"), *stage, *summary);
  if (!changed.ok()) return FromStatus(changed.status());
  if (!changed->transition.allowed) {
    json::object o;
    o["title"] = "Conflict";
    o["description"] = changed->transition.reason;
    o["http_status"] = 409;
    o["rule"] = changed->transition.rule;
    o["reason"] = changed->transition.reason;
    return JsonResponse(HttpStatus::conflict, o);
  }
  return JsonResponse(HttpStatus::ok, incident::IncidentJson(changed->incident));
}

// The id of the organization `ref` names (id, name or identity id), or -1 when none does: the
// incident is looked up first, so that a non-participant learns nothing from the organization.
Result<int64_t> IncidentOrgRef(const Context& ctx, std::string_view ref) {
  auto org = FindOrg(ctx.dir(), ref);
  if (org.ok()) return org->id;
  if (org.status().code() == ErrorCode::kNotFound) return -1;
  return org.status();
}

Response IncidentParticipants(const incident::Incident& in, HttpStatus status) {
  json::object o = incident::IncidentJson(in);
  json::object out;
  out["items"] = o.at("participants");
  return JsonResponse(status, out);
}

// GET /api/v1/incidents/{id}/participants: the participants, as the incident lists them.
Response ListIncidentParticipants(const Context& ctx, const Principal& p, const Request& req) {
  auto got = incident::GetIncident(*ctx.options.store, p, req.PathParam("id"));
  if (!got.ok()) return FromStatus(got.status());
  return IncidentParticipants(*got, HttpStatus::ok);
}

// POST /api/v1/incidents/{id}/participants {"org", "role"}: the lead invites an organization.
Response AddIncidentParticipant(const Context& ctx, const Principal& p, const Request& req) {
  OnIncidentsChain(ctx);
  AuditTarget(ctx, "incident:" + std::string(req.PathParam("id")));
  Response error;
  auto body = Body(ctx, req, {"org", "role"}, &error);
  if (!body) return error;
  auto org_ref = ReqString(*body, "org");
  if (!org_ref.ok()) return FromStatus(org_ref.status());
  auto role = ReqString(*body, "role");
  if (!role.ok()) return FromStatus(role.status());
  auto org = IncidentOrgRef(ctx, *org_ref);
  if (!org.ok()) return FromStatus(org.status());
  auto added = incident::AddParticipant(*ctx.options.store, p, IncidentActor(ctx, p, req),
                                        req.PathParam("id"), *org, *role);
  if (!added.ok()) return FromStatus(added.status());
  return IncidentParticipants(*added, HttpStatus::created);
}

// DELETE /api/v1/incidents/{id}/participants/{org}: the lead removes an organization.
Response RemoveIncidentParticipant(const Context& ctx, const Principal& p, const Request& req) {
  OnIncidentsChain(ctx);
  AuditTarget(ctx, "incident:" + std::string(req.PathParam("id")));
  auto org = IncidentOrgRef(ctx, req.PathParam("org"));
  if (!org.ok()) return FromStatus(org.status());
  auto removed = incident::RemoveParticipant(*ctx.options.store, p, IncidentActor(ctx, p, req),
                                             req.PathParam("id"), *org);
  if (!removed.ok()) return FromStatus(removed.status());
  return IncidentParticipants(*removed, HttpStatus::ok);
}

// POST /api/v1/incidents/{id}/participants/{org}/acknowledge: a user of that organization.
Response AcknowledgeIncident(const Context& ctx, const Principal& p, const Request& req) {
  OnIncidentsChain(ctx);
  AuditTarget(ctx, "incident:" + std::string(req.PathParam("id")));
  auto org = IncidentOrgRef(ctx, req.PathParam("org"));
  if (!org.ok()) return FromStatus(org.status());
  auto acked = incident::Acknowledge(*ctx.options.store, p, IncidentActor(ctx, p, req),
                                     req.PathParam("id"), *org);
  if (!acked.ok()) return FromStatus(acked.status());
  return IncidentParticipants(*acked, HttpStatus::ok);
}

struct RouteDef {
  Method method;
  const char* pattern;
  bool admin_only;
  Response (*fn)(const Context&, const Principal&, const Request&);
  // The audit action this route records (store::AuditScope), or nullptr: it changes nothing.
  const char* audit_action = nullptr;
  const char* metrics_label = "admin";
  size_t max_body_bytes = 0;  // 0: the admin API's own limit
};

// Every route but sign-in (which takes no credentials) and /metrics.
std::span<const RouteDef> RouteDefs() {
  static const RouteDef routes[] = {
      {Method::kGet, "/api/v1/whoami", false, WhoAmI},
      {Method::kDelete, "/api/v1/session", false, EndSession, "session.end"},
      {Method::kGet, "/api/v1/orgs", false, ListOrgs},
      {Method::kPost, "/api/v1/orgs", true, CreateOrg, "org.create"},
      {Method::kGet, "/api/v1/orgs/{id}", false, GetOrg},
      {Method::kPatch, "/api/v1/orgs/{id}", true, PatchOrg, "org.update"},
      {Method::kDelete, "/api/v1/orgs/{id}", true, DeleteOrg, "org.delete"},
      {Method::kGet, "/api/v1/users", false, ListUsers},
      {Method::kPost, "/api/v1/users", false, CreateUser, "user.create"},
      {Method::kGet, "/api/v1/users/{id}", false, GetUser},
      {Method::kPatch, "/api/v1/users/{id}", false, PatchUser, "user.update"},
      {Method::kDelete, "/api/v1/users/{id}", false, DeleteUser, "user.delete"},
      {Method::kGet, "/api/v1/tokens", false, ListTokens},
      {Method::kPost, "/api/v1/tokens", false, CreateToken, "token.create"},
      {Method::kGet, "/api/v1/tokens/{id}", false, GetToken},
      {Method::kDelete, "/api/v1/tokens/{id}", false, RevokeToken, "token.revoke"},
      {Method::kGet, "/api/v1/groups", true, ListGroups},
      {Method::kPost, "/api/v1/groups", true, CreateGroup, "group.create"},
      {Method::kGet, "/api/v1/groups/{id}", true, GetGroup},
      {Method::kPatch, "/api/v1/groups/{id}", true, PatchGroup, "group.update"},
      {Method::kDelete, "/api/v1/groups/{id}", true, DeleteGroup, "group.delete"},
      {Method::kPost, "/api/v1/groups/{id}/members", true, AddGroupMember, "group.member.add"},
      {Method::kDelete, "/api/v1/groups/{id}/members/{org}", true, RemoveGroupMember,
       "group.member.remove"},
      {Method::kGet, "/api/v1/collections", true, ListCollections},
      {Method::kPost, "/api/v1/collections", true, CreateCollection, "collection.create"},
      {Method::kGet, "/api/v1/collections/{id}", true, GetCollection},
      {Method::kPatch, "/api/v1/collections/{id}", true, PatchCollection, "collection.update"},
      {Method::kDelete, "/api/v1/collections/{id}", true, DeleteCollection, "collection.delete"},
      {Method::kGet, "/api/v1/audit", false, ListAudit},
      // Search: every user, through its policy view (a bulk body is larger than an admin one).
      {Method::kGet, "/api/v1/search", false, SearchGet, nullptr, "search"},
      {Method::kPost, "/api/v1/search", false, SearchPost, nullptr, "search", kMaxSearchBodyBytes},
      // For the web interface: every user, through its policy view; nothing is written.
      {Method::kPost, "/api/v1/patterns/check", false, CheckPattern, nullptr, "admin",
       kMaxPatternCheckBodyBytes},
      {Method::kGet, "/api/v1/objects/{id}/related", false, RelatedObjects, nullptr, "search"},
      {Method::kPost, "/api/v1/collections/{id}/audience", false, PreviewAudience},
      // Incidents: every user, as its organization's participation allows (incident/service.h).
      {Method::kGet, "/api/v1/incidents", false, ListIncidents},
      {Method::kPost, "/api/v1/incidents", false, CreateIncident, "incident.create"},
      {Method::kGet, "/api/v1/incidents/{id}", false, GetIncident},
      {Method::kPost, "/api/v1/incidents/{id}/stage", false, ChangeIncidentStage, "incident.stage"},
      {Method::kGet, "/api/v1/incidents/{id}/participants", false, ListIncidentParticipants},
      {Method::kPost, "/api/v1/incidents/{id}/participants", false, AddIncidentParticipant,
       "incident.participant.add"},
      {Method::kPost, "/api/v1/incidents/{id}/participants/{org}/acknowledge", false,
       AcknowledgeIncident, "incident.participant.acknowledge"},
      {Method::kDelete, "/api/v1/incidents/{id}/participants/{org}", false,
       RemoveIncidentParticipant, "incident.participant.remove"},
  };
  return routes;
}

constexpr const char* kSignInPattern = "/api/v1/session";
constexpr const char* kSignInAction = "session.start";

}  // namespace

std::vector<AdminRoute> AdminRouteTable() {
  std::vector<AdminRoute> out;
  for (const RouteDef& r : RouteDefs()) {
    out.push_back({r.method, r.pattern, r.audit_action ? r.audit_action : ""});
  }
  out.push_back({Method::kPost, "/api/v1/session", kSignInAction});
  out.push_back({Method::kGet, "/metrics", ""});
  return out;
}

Status AddAdminRoutes(http::Router& router, AdminApiOptions options) {
  if (!options.store) return InvalidArgument("the admin API needs a store");
  if (!options.authenticator) return InvalidArgument("the admin API needs an authenticator");
  if (options.max_body_bytes == 0) return InvalidArgument("max_body_bytes must be positive");
  TESSERA_ASSIGN_OR_RETURN(policy::PageTokenKey key,
                           policy::LoadPageTokenKey(options.store->directory()));
  auto ctx = std::make_shared<const Context>(
      Context{std::move(options), std::make_unique<policy::PageTokenSealer>(key)});
  // Every admin route: counted as "admin" (/metrics as "metrics"), handled on the blocking pool
  // (directory writes wait for the disk), authenticated on the header before a body is read,
  // bodies over max_body_bytes refused unread.
  auto route_options = [&ctx](const char* name, bool blocking) {
    http::RouteOptions o;
    o.name = name;
    o.blocking = blocking;
    o.max_body_bytes = ctx->options.max_body_bytes;
    o.admit = [ctx](const Request& req) -> std::optional<Response> {
      auto principal = ctx->options.authenticator->Authenticate(PresentedBy(req), req.remote());
      if (principal.ok()) return std::nullopt;
      return AuthenticationRefused(*ctx, req, principal.status());
    };
    return o;
  };
  for (const RouteDef& r : RouteDefs()) {
    AuthedHandler fn = r.fn;
    if (r.admin_only) fn = AdminOnly(std::move(fn));
    // Audited outside AdminOnly: a non-admin's refused attempt is recorded too.
    if (r.audit_action != nullptr) fn = Audited(r.audit_action, std::move(fn));
    http::Handler h = Authed(ctx, std::move(fn));
    http::RouteOptions o = route_options(r.metrics_label, true);
    if (r.max_body_bytes != 0) o.max_body_bytes = r.max_body_bytes;
    TESSERA_RETURN_IF_ERROR(router.Add(r.method, r.pattern, std::move(h), std::move(o)));
  }
  // Signing in: no credentials in the header to check before the body, which is small.
  http::RouteOptions sign_in = route_options("admin", true);
  sign_in.admit = nullptr;
  sign_in.max_body_bytes = kMaxSessionBodyBytes;
  TESSERA_RETURN_IF_ERROR(router.Add(
      Method::kPost, kSignInPattern, [ctx](const Request& req) { return StartSession(ctx, req); },
      std::move(sign_in)));
  if (ctx->options.metrics) {
    TESSERA_RETURN_IF_ERROR(router.Add(Method::kGet, "/metrics",
                                       Authed(ctx, AdminOnly(RenderMetrics)),
                                       route_options("metrics", false)));
  }
  return Status::Ok();
}

}  // namespace tessera::admin
