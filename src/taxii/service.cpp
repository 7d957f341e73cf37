#include "taxii/service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <map>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

#include "common/uuid.h"
#include "http/access_note.h"
#include "http/fetch_metadata.h"
#include "ingest/ingest.h"
#include "policy/access.h"
#include "policy/directory_rules.h"
#include "policy/view.h"
#include "store/audit_log.h"
#include "taxii/protocol.h"
#include "taxii/query.h"
#include "taxii/resources.h"

namespace tessera::taxii {

using http::HttpStatus;
using http::Method;
using http::Request;
using http::Response;

namespace {

// The request being handled on this thread (a route's handler runs on one thread): who it was
// authenticated as, for the access log, and for a write its audit action and entry
// (store::AuditScope, opened once the caller is authenticated, so that what authenticating
// writes is not taken for the change).
thread_local std::optional<policy::Principal> t_caller;
thread_local const char* t_audit_action = nullptr;
thread_local std::optional<store::AuditScope> t_audit;

constexpr size_t kMaxHostBytes = 255;
// Directory entries remembered per generation (API roots and collections together).
constexpr size_t kMaxRememberedEntries = 10'000;

// The kinds of listing GetObjects / GetObject / GetVersions / GetManifest share.
enum ListKind { kObjects = 0, kObject = 1, kVersions = 2, kManifest = 3 };

Response Error(HttpStatus status, std::string_view title, std::string_view description) {
  return TaxiiError(status, title, description);
}

// 401 with both challenges; Bearer alone to a page's script (http/fetch_metadata.h), which the
// web interface is: a Basic challenge would make the browser ask for a password itself.
Response Unauthorized(const Request& request, std::string_view why) {
  Response r = Error(HttpStatus::unauthorized, "Unauthorized", why);
  if (!http::SentByPageScript(request)) {
    r.headers.emplace_back("WWW-Authenticate", R"(Basic realm="tessera", charset="UTF-8")");
  }
  r.headers.emplace_back("WWW-Authenticate", R"(Bearer realm="tessera")");
  return r;
}

Response NotFound(std::string_view what) { return Error(HttpStatus::not_found, "Not Found", what); }

Response BadRequest(std::string_view why) {
  return Error(HttpStatus::bad_request, "Bad Request", why);
}

// A store or directory failure: 503 when it is worth retrying, else 500 (logged; the client
// gets no internals).
Response StorageError(const Status& st, std::string_view during) {
  if (st.code() == ErrorCode::kUnavailable) {
    Response r = Error(HttpStatus::service_unavailable, "Service Unavailable",
                       "the store is busy; try again shortly");
    r.headers.emplace_back("Retry-After", "1");
    return r;
  }
  spdlog::error("taxii: {} failed: {}", during, st.ToString());
  return Error(HttpStatus::internal_server_error, "Internal Server Error",
               "the server could not complete the request; the error is logged");
}

Response Ok(HttpStatus status, std::string body) {
  return Response::Make(status, std::string(kTaxiiMediaType), std::move(body));
}

// A Host header value we are willing to echo into URLs: host[:port], a name or an address.
bool IsPlainHost(std::string_view host) {
  if (host.empty() || host.size() > kMaxHostBytes) return false;
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

struct Service::Caller {
  store::Generations generations;  // read first, once per request
  policy::Principal principal;
  store::ApiRoot root;
};

struct Service::Target {
  Caller caller;
  store::CollectionInfo collection;
};

Service::Service(std::shared_ptr<store::Store> store,
                 std::shared_ptr<policy::Authenticator> authenticator, ServiceOptions options)
    : store_(std::move(store)),
      authenticator_(std::move(authenticator)),
      options_(std::move(options)),
      pages_(options_.page_cache_bytes) {}

Status Service::Register(const std::shared_ptr<Service>& self, http::Router& router) {
  if (self->options_.title.empty()) {
    return InvalidArgument("the discovery title must not be empty");
  }
  using Member = Response (Service::*)(const Request&) const;
  const struct {
    Method method;
    const char* pattern;
    Member handler;
    const char* name;
  } routes[] = {
      {Method::kGet, "/taxii2/", &Service::Discovery, "taxii_discovery"},
      {Method::kGet, "/{api_root}/", &Service::ApiRootInfo, "taxii_api_root"},
      {Method::kGet, "/{api_root}/status/{status_id}/", &Service::GetStatus, "taxii_status"},
      {Method::kGet, "/{api_root}/collections/", &Service::ListCollections, "taxii_collections"},
      {Method::kGet, "/{api_root}/collections/{collection}/", &Service::GetCollection,
       "taxii_collection"},
      {Method::kGet, "/{api_root}/collections/{collection}/objects/", &Service::GetObjects,
       "taxii_objects"},
      {Method::kPost, "/{api_root}/collections/{collection}/objects/", &Service::AddObjects,
       "taxii_objects"},
      {Method::kGet, "/{api_root}/collections/{collection}/objects/{object}/", &Service::GetObject,
       "taxii_object"},
      {Method::kDelete, "/{api_root}/collections/{collection}/objects/{object}/",
       &Service::DeleteObject, "taxii_object"},
      {Method::kGet, "/{api_root}/collections/{collection}/objects/{object}/versions/",
       &Service::GetVersions, "taxii_versions"},
      {Method::kGet, "/{api_root}/collections/{collection}/manifest/", &Service::GetManifest,
       "taxii_manifest"},
  };
  if (!self->sealer_) {
    TESSERA_ASSIGN_OR_RETURN(policy::PageTokenKey key,
                             policy::LoadPageTokenKey(self->store_->directory()));
    self->sealer_.emplace(key);
  }
  for (const auto& r : routes) {
    http::RouteOptions options;
    options.name = r.name;
    if (r.method == Method::kGet) {
      options.blocking_when = [self](const Request& request) {
        return self->NotVerifiedYet(request);
      };
    } else {
      options.blocking = true;  // writes wait for the disk
    }
    if (r.method == Method::kPost) {
      options.admit = [self](const Request& request) { return self->AdmitPost(request); };
    } else {
      options.admit = [self](const Request& request) { return self->AdmitAny(request); };
    }
    // Writes are audited: one entry per request (objects.add with its counts and status id,
    // objects.delete), done or refused (a closing entry when it fails after its first write), when
    // the caller was authenticated.
    const char* action = r.method == Method::kPost     ? "objects.add"
                         : r.method == Method::kDelete ? "objects.delete"
                                                       : nullptr;
    TESSERA_RETURN_IF_ERROR(router.Add(
        r.method, r.pattern,
        [self, h = r.handler, action](const Request& request) {
          t_caller.reset();
          t_audit.reset();
          t_audit_action = action;
          Response response = ((*self).*h)(request);
          t_audit_action = nullptr;
          if (t_audit) {
            const bool refused = static_cast<unsigned>(response.status) >= 400;
            if (Status st = t_audit->Finish(refused ? audit::kRefused : audit::kDone,
                                            refused ? http::ErrorDescription(response) : "");
                !st.ok()) {
              spdlog::error("TAXII: the audit log failed: {}", st.ToString());
            }
            t_audit.reset();
          }
          if (t_caller) {
            http::NoteAccess(t_caller->user, t_caller->org_id);
            t_caller.reset();
          }
          return response;
        },
        std::move(options)));
  }
  return Status::Ok();
}

bool Service::NotVerifiedYet(const Request& request) const {
  const std::string_view auth = request.Header("Authorization");
  if (auth.empty()) return false;  // answered 401 at once
  return !authenticator_->Remembers(auth);
}

std::optional<Response> Service::AdmitAny(const Request& request) const {
  auto generations = store_->ReadGenerations();
  if (!generations.ok()) return StorageError(generations.status(), "reading the store");
  policy::Principal principal;
  return Authenticate(request, generations->directory, principal);
}

std::optional<Response> Service::EnterPost(const Request& request, Target& target,
                                           size_t& limit) const {
  if (auto denied = EnterCollection(request, target, true)) return denied;
  if (!IsTaxiiContentType(request.Header("Content-Type"))) {
    return Error(HttpStatus::unsupported_media_type, "Unsupported Media Type",
                 "send the envelope as " + std::string(kTaxiiMediaType));
  }
  limit =
      std::min(options_.max_body_bytes,
               static_cast<size_t>(std::max<int64_t>(0, target.caller.root.max_content_length)));
  return std::nullopt;
}

std::optional<Response> Service::AdmitPost(const Request& request) const {
  Target target;
  size_t limit = 0;
  if (auto denied = EnterPost(request, target, limit)) return denied;
  // The server has checked Content-Length against its own limit; this API root's may be lower.
  const std::string_view length = request.Header("Content-Length");
  size_t declared = 0;
  const auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), declared);
  if (ec == std::errc() && end == length.data() + length.size() && declared > limit) {
    return Error(HttpStatus::payload_too_large, "Content Too Large",
                 "the body has " + std::to_string(declared) +
                     " bytes; this API root takes at most " + std::to_string(limit) +
                     " (max_content_length)");
  }
  return std::nullopt;
}

std::optional<Response> Service::Authenticate(const Request& request, int64_t generation,
                                              policy::Principal& principal) const {
  const policy::Presented presented{
      request.Header("Authorization"), request.Cookie(policy::kSessionCookie),
      request.Header(policy::kCsrfHeader), http::ChangesState(request.method())};
  if (presented.authorization.empty() && presented.session_cookie.empty()) {
    return Unauthorized(
        request,
        "authenticate with HTTP Basic (user name and API token) or 'Authorization: Bearer "
        "<token>'");
  }
  auto who = authenticator_->Authenticate(presented, request.remote(), generation);
  if (!who.ok()) {
    if (who.status().code() == ErrorCode::kUnauthenticated) {
      return Unauthorized(request, who.status().message());
    }
    if (who.status().code() == ErrorCode::kPermissionDenied) {
      return Error(HttpStatus::forbidden, "Forbidden", who.status().message());
    }
    if (who.status().code() == ErrorCode::kLimitExceeded) {
      Response r =
          Error(HttpStatus::too_many_requests, "Too Many Requests", who.status().message());
      r.headers.emplace_back("Retry-After", std::to_string(authenticator_->RetryAfter().count()));
      return r;
    }
    return StorageError(who.status(), "authentication");
  }
  principal = std::move(*who);
  t_caller = principal;
  if (t_audit_action != nullptr && !t_audit) {
    audit::Entry e;
    e.chain = std::string(audit::kHubChain);
    e.actor = principal.user;
    e.org_id = principal.org_id;
    if (auto org = store_->directory().GetOrganization(principal.org_id); org.ok()) {
      e.org = org->name;
    }
    e.action = t_audit_action;
    e.target = "collection:" + std::string(request.PathParam("collection"));
    if (!request.PathParam("object").empty()) {
      e.target = "object:" + std::string(request.PathParam("object")) + " in " + e.target;
    }
    e.client = request.remote();
    t_audit.emplace(store::AuditLogOf(*store_), std::move(e));
  }
  return std::nullopt;
}

bool Service::AdmitLocked(int64_t generation) const {
  if (generation > directory_generation_ ||
      roots_.size() + collections_.size() >= kMaxRememberedEntries) {
    roots_.clear();
    collections_.clear();
    directory_generation_ = std::max(directory_generation_, generation);
  }
  return generation == directory_generation_;
}

template <typename T, typename Read>
Result<T> Service::Remembered(std::unordered_map<std::string, T>& kept, const std::string& key,
                              int64_t generation, Read read) const {
  {
    std::lock_guard<std::mutex> lock(directory_mu_);
    if (directory_generation_ == generation) {
      if (auto it = kept.find(key); it != kept.end()) return it->second;
    }
  }
  TESSERA_ASSIGN_OR_RETURN(T value, read());
  std::lock_guard<std::mutex> lock(directory_mu_);
  if (AdmitLocked(generation)) kept.emplace(key, value);
  return value;
}

Result<store::ApiRoot> Service::ApiRootAt(const std::string& name, int64_t generation) const {
  return Remembered(roots_, name, generation, [&] { return store_->directory().GetApiRoot(name); });
}

Result<store::CollectionInfo> Service::CollectionAt(const std::string& api_root,
                                                    const std::string& ref,
                                                    int64_t generation) const {
  // An API root name has no '/', so the key names one (API root, id or alias) pair.
  return Remembered(
      collections_, api_root + "/" + ref, generation, [&]() -> Result<store::CollectionInfo> {
        TESSERA_ASSIGN_OR_RETURN(std::vector<store::CollectionInfo> named,
                                 store::CollectionsNamed(store_->directory(), ref, api_root));
        // One at most: ids are unique, aliases unique within an API root.
        if (named.empty()) return ::tessera::NotFound("no collection " + ref);
        return std::move(named.front());
      });
}

std::optional<Response> Service::Enter(const Request& request, Caller& caller) const {
  // Negotiation first: a 406 tells nothing about the hub, and a client that cannot take the
  // answer learns so before it bothers with credentials.
  if (!AcceptsTaxii(request)) return TaxiiNotAcceptable(request);
  auto generations = store_->ReadGenerations();
  if (!generations.ok()) return StorageError(generations.status(), "reading the store");
  caller.generations = *generations;
  if (auto denied = Authenticate(request, caller.generations.directory, caller.principal)) {
    return denied;
  }
  const std::string name(request.PathParam("api_root"));
  auto root = ApiRootAt(name, caller.generations.directory);
  if (!root.ok()) {
    if (root.status().code() == ErrorCode::kNotFound ||
        root.status().code() == ErrorCode::kInvalidArgument) {
      return NotFound("there is no API root '" + name + "' (see /taxii2/)");
    }
    return StorageError(root.status(), "reading the API root");
  }
  caller.root = std::move(*root);
  return std::nullopt;
}

std::optional<Response> Service::EnterCollection(const Request& request, Target& target,
                                                 bool write) const {
  if (auto denied = Enter(request, target.caller)) return denied;
  const std::string id(request.PathParam("collection"));
  const std::string absent = "there is no collection '" + id + "' in API root '" +
                             target.caller.root.name + "' that you can see";
  auto collection = CollectionAt(target.caller.root.name, id, target.caller.generations.directory);
  if (!collection.ok()) {
    if (collection.status().code() == ErrorCode::kNotFound ||
        collection.status().code() == ErrorCode::kInvalidArgument) {
      return NotFound(absent);
    }
    return StorageError(collection.status(), "reading the collection");
  }
  const policy::Principal& p = target.caller.principal;
  if (collection->api_root != target.caller.root.name || !policy::CanSee(p, *collection)) {
    return NotFound(absent);
  }
  if (write ? !policy::CanWrite(p, *collection) : !policy::CanRead(p, *collection)) {
    return Error(HttpStatus::forbidden, "Forbidden",
                 std::string("your organization may not ") +
                     (write ? "add objects to" : "read the objects of") + " collection '" +
                     collection->id + "'" +
                     (write && p.role == policy::Role::kReadOnly ? " (read-only role)" : ""));
  }
  target.collection = std::move(*collection);
  return std::nullopt;
}

std::string Service::BaseUrl(const Request& request) const {
  if (!options_.public_url.empty()) return options_.public_url;
  const std::string_view host = request.Header("Host");
  if (!IsPlainHost(host)) return options_.fallback_url;
  return std::string(options_.tls ? "https://" : "http://") + std::string(host);
}

Response Service::Discovery(const Request& request) const {
  if (!AcceptsTaxii(request)) return TaxiiNotAcceptable(request);
  auto generations = store_->ReadGenerations();  // as every other endpoint: no read while unchanged
  if (!generations.ok()) return StorageError(generations.status(), "reading the store");
  policy::Principal principal;
  if (auto denied = Authenticate(request, generations->directory, principal)) return *denied;
  auto roots = store_->directory().ListApiRoots();
  if (!roots.ok()) return StorageError(roots.status(), "listing the API roots");
  DiscoveryInfo info;
  info.title = options_.title;
  info.description = options_.description;
  info.contact = options_.contact;
  const std::string base = BaseUrl(request);
  // Only the API roots the caller sees (policy::SeesApiRoot): one with no collection it sees is
  // not listed, and answers 404 as one that does not exist.
  std::vector<std::string> visible;
  for (const store::ApiRoot& root : *roots) {
    auto seen = SeesApiRoot(principal, root.name);
    if (!seen.ok()) return StorageError(seen.status(), "listing collections");
    if (!*seen) continue;
    visible.push_back(root.name);
    info.api_roots.push_back(base + "/" + root.name + "/");
  }
  // The default API root: the one holding the default collection (`tessera init` makes it).
  if (auto def = store_->directory().GetSetting(store::kSettingDefaultCollection); def.ok()) {
    if (auto c = store_->directory().GetCollection(*def);
        c.ok() && std::find(visible.begin(), visible.end(), c->api_root) != visible.end()) {
      info.default_api_root = base + "/" + c->api_root + "/";
    }
  }
  return Ok(HttpStatus::ok, DiscoveryJson(info));
}

Result<bool> Service::SeesApiRoot(const policy::Principal& principal,
                                  const std::string& api_root) const {
  if (policy::AdministersHub(principal)) return true;  // no directory read
  TESSERA_ASSIGN_OR_RETURN(std::vector<store::CollectionInfo> collections,
                           store_->directory().ListCollections(api_root));
  return policy::SeesApiRoot(principal, collections);
}

Response Service::ApiRootInfo(const Request& request) const {
  Caller caller;
  if (auto denied = Enter(request, caller)) return *denied;
  auto seen = SeesApiRoot(caller.principal, caller.root.name);
  if (!seen.ok()) return StorageError(seen.status(), "listing collections");
  if (!*seen) {
    return NotFound("there is no API root '" + caller.root.name + "' (see /taxii2/)");
  }
  ApiRootResource r;
  r.title = caller.root.title;
  r.description = caller.root.description;
  r.max_content_length =
      std::min(options_.max_body_bytes,
               static_cast<size_t>(std::max<int64_t>(0, caller.root.max_content_length)));
  return Ok(HttpStatus::ok, ApiRootJson(r));
}

Response Service::GetStatus(const Request& request) const {
  Caller caller;
  if (auto denied = Enter(request, caller)) return *denied;
  const std::string id(request.PathParam("status_id"));
  const std::string absent = "there is no status '" + id + "' of your organization here";
  auto status = store_->GetStatus(id);
  if (!status.ok()) {
    if (status.status().code() == ErrorCode::kNotFound ||
        status.status().code() == ErrorCode::kInvalidArgument) {
      return NotFound(absent);
    }
    return StorageError(status.status(), "reading a status");
  }
  // A status tells what an organization wrote: it is its own. It lives status_lifetime (the
  // expired ones not deleted yet are gone all the same).
  if (!policy::ReadsStatus(caller.principal, *status, caller.root.name) ||
      Expired(status->request_timestamp, Timestamp::Now())) {
    return NotFound(absent);
  }
  return Ok(HttpStatus::ok, StatusJson(*status));
}

bool Service::Expired(Timestamp requested, Timestamp now) const {
  return requested.ToMicros() <
         now.ToMicros() -
             std::chrono::duration_cast<std::chrono::microseconds>(options_.status_lifetime)
                 .count();
}

void Service::ExpireStatuses(Timestamp now) const {
  constexpr int64_t kEveryMicros = 60'000'000;
  constexpr size_t kBatch = 10'000;
  int64_t due = next_expiry_micros_.load(std::memory_order_relaxed);
  if (now.ToMicros() < due ||
      !next_expiry_micros_.compare_exchange_strong(due, now.ToMicros() + kEveryMicros)) {
    return;  // not yet, or another thread does it
  }
  const Timestamp cutoff = Timestamp::FromMicros(
      now.ToMicros() -
      std::chrono::duration_cast<std::chrono::microseconds>(options_.status_lifetime).count());
  for (int round = 0; round < 10; ++round) {
    auto deleted = store_->DeleteStatusesBefore(cutoff, kBatch);
    if (!deleted.ok()) {
      spdlog::warn("taxii: expiring statuses failed: {}", deleted.status().ToString());
      return;
    }
    if (static_cast<size_t>(*deleted) < kBatch) return;
  }
}

Response Service::ListCollections(const Request& request) const {
  Caller caller;
  if (auto denied = Enter(request, caller)) return *denied;
  auto all = store_->directory().ListCollections(caller.root.name);
  if (!all.ok()) return StorageError(all.status(), "listing collections");
  std::vector<CollectionResource> visible;
  for (const store::CollectionInfo& c : *all) {
    if (!policy::CanSee(caller.principal, c)) continue;
    visible.push_back({c.id, c.title, c.description, c.alias, policy::CanRead(caller.principal, c),
                       policy::CanWrite(caller.principal, c)});
  }
  if (!policy::SeesApiRoot(caller.principal, *all)) {  // as ApiRootInfo: an API root it cannot see
    return NotFound("there is no API root '" + caller.root.name + "' (see /taxii2/)");
  }
  return Ok(HttpStatus::ok, CollectionsJson(visible));
}

Response Service::GetCollection(const Request& request) const {
  Caller caller;
  if (auto denied = Enter(request, caller)) return *denied;
  const std::string id(request.PathParam("collection"));
  auto c = CollectionAt(caller.root.name, id, caller.generations.directory);
  if (!c.ok() && c.status().code() != ErrorCode::kNotFound &&
      c.status().code() != ErrorCode::kInvalidArgument) {
    return StorageError(c.status(), "reading the collection");
  }
  if (!c.ok() || c->api_root != caller.root.name || !policy::CanSee(caller.principal, *c)) {
    return NotFound("there is no collection '" + id + "' in API root '" + caller.root.name +
                    "' that you can see");
  }
  return Ok(HttpStatus::ok, CollectionJson({c->id, c->title, c->description, c->alias,
                                            policy::CanRead(caller.principal, *c),
                                            policy::CanWrite(caller.principal, *c)}));
}

namespace {

// Fills the version selection of `q` from a parsed filter.
void ApplyVersions(const VersionSelector& v, store::CollectionQuery& q) {
  std::vector<store::VersionMatch> selectors;
  if (v.all) selectors.push_back(store::VersionMatch::kAll);
  if (v.last) selectors.push_back(store::VersionMatch::kLast);
  if (v.first) selectors.push_back(store::VersionMatch::kFirst);
  if (!v.exact.empty()) {
    selectors.push_back(store::VersionMatch::kExact);
    q.versions = v.exact;
  }
  q.match = selectors.front();  // ParseObjectFilter never leaves the selector empty
  q.also.assign(selectors.begin() + 1, selectors.end());
}

}  // namespace

namespace {

// Appends `value` so that no two different sequences of values append the same text.
void AppendValue(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out.push_back(':');
  out.append(value);
}

void AppendSorted(std::string& out, char tag, std::vector<std::string>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  out.push_back(tag);
  for (const std::string& v : values) AppendValue(out, v);
}

// What a listing asks for, in one canonical form: the endpoint, the API root, the collection,
// the object and every filter that changes the rows (values sorted, repeats removed), nothing
// else. Parameters TAXII does not define and the order of values do not change it, so they
// neither make new page-cache entries nor change the binding of a `next` token. Sorts the
// filter's lists in place.
std::string QueryIdentity(int kind, std::string_view root, std::string_view collection,
                          std::string_view object, ObjectFilter& f) {
  std::string id;
  id.reserve(128);
  id.push_back(static_cast<char>('0' + kind));
  AppendValue(id, root);
  AppendValue(id, collection);
  AppendValue(id, object);
  AppendSorted(id, 't', f.types);
  AppendSorted(id, 'i', f.ids);
  AppendSorted(id, 's', f.spec_versions);
  if (f.added_after) {
    id += 'a' + std::to_string(f.added_after->seconds) + '.' + std::to_string(f.added_after->nanos);
  }
  id.push_back('v');
  id.push_back(f.versions.first ? 'F' : '-');
  id.push_back(f.versions.last ? 'L' : '-');
  id.push_back(f.versions.all ? 'A' : '-');
  std::sort(f.versions.exact.begin(), f.versions.exact.end());
  f.versions.exact.erase(std::unique(f.versions.exact.begin(), f.versions.exact.end()),
                         f.versions.exact.end());
  for (const Timestamp& t : f.versions.exact) {
    id += std::to_string(t.seconds) + '.' + std::to_string(t.nanos) + ',';
  }
  return id;
}

}  // namespace

Response Service::ListPage(const Request& request, int kind) const {
  Target target;
  if (auto denied = EnterCollection(request, target, false)) return *denied;
  auto params = http::ParseQuery(request.query());
  if (!params.ok()) return BadRequest(params.status().message());
  const ObjectEndpoint endpoint = kind == kObjects    ? ObjectEndpoint::kObjects
                                  : kind == kManifest ? ObjectEndpoint::kManifest
                                  : kind == kObject   ? ObjectEndpoint::kObject
                                                      : ObjectEndpoint::kVersions;
  auto filter = ParseObjectFilter(*params, endpoint);
  if (!filter.ok()) return BadRequest(filter.status().message());
  const std::string object_id(request.PathParam("object"));

  // A `next` token is bound to the reader's organization and to the query: what one reader was
  // given is refused to another, and to other filters (policy/page_token.h).
  std::string binding = "org:" + std::to_string(target.caller.principal.org_id) + ' ';
  binding += QueryIdentity(kind, target.caller.root.name, target.collection.id, object_id, *filter);

  // Every row is read through the reader's policy view; its scope keys the cache.
  const policy::ObjectView view(*store_, target.caller.principal);
  store::CollectionQuery q;
  q.collection = target.collection.id;
  q.scope = view.ScopeIn(target.collection);
  q.types = std::move(filter->types);
  q.ids = std::move(filter->ids);
  q.spec_versions = std::move(filter->spec_versions);
  q.added_after = filter->added_after;
  q.limit = filter->limit;
  if (kind == kObject || kind == kVersions) {
    if (Status st = CheckObjectId(object_id, "the object id"); !st.ok()) {
      return BadRequest(st.message());
    }
    q.ids = {object_id};
  }
  ApplyVersions(filter->versions, q);
  if (filter->next) {
    auto cursor = sealer_->Open(*filter->next, binding);
    if (!cursor.ok()) return BadRequest(cursor.status().message());
    q.after_seq = cursor->after_seq;
    // Only this hub mints tokens, and only with a seq that was the last one; held to the last
    // seq all the same, so that no bound can reach rows added later.
    q.up_to_seq = std::min(cursor->up_to_seq, target.caller.generations.last_seq);
  } else {
    // Fix the rows this listing ranges over, so that later pages (the `next` token carries the
    // bound) answer first/last over the same versions however many are added meanwhile.
    q.up_to_seq = target.caller.generations.last_seq;  // 0: nothing stored, nothing to list
  }

  // The answer depends on the query (binding: the reader's organization and the canonical
  // query), on what the reader sees (its grant keys), on the page asked for (after_seq, limit),
  // on the rows up to q.up_to_seq and on the directory: with the same generations it is the
  // same bytes.
  std::string key = std::to_string(target.caller.generations.directory) + ' ' +
                    std::to_string(target.caller.generations.objects) + ' ' +
                    std::to_string(q.up_to_seq) + ' ' + std::to_string(q.after_seq) + ' ' +
                    std::to_string(q.limit) + (q.scope.unrestricted ? " *" : " ");
  for (const store::GrantKey& k : q.scope.keys) {
    store::AppendGrantKey(k, key);
    key.push_back(',');
  }
  key.push_back(' ');
  key += binding;
  if (auto kept = pages_.Find(key)) return *kept;

  // Objects and an object are written straight from the store's rows (no copy of each row), in
  // pages bounded by max_page_bytes as well as by limit; the manifest and the version list read
  // no object JSON at all.
  const bool envelope_kind = kind == kObjects || kind == kObject;
  q.with_json = envelope_kind;
  if (envelope_kind) q.max_json_bytes = options_.max_page_bytes;
  const auto listing_failed = [&](const Status& st) {
    if (st.code() == ErrorCode::kInvalidArgument) return BadRequest(st.message());
    return StorageError(st, "listing objects");
  };

  EnvelopeWriter envelope(q.limit);
  std::optional<Timestamp> first_added;
  Timestamp last_added;
  int64_t last_seq = 0;
  store::ObjectPage page;
  if (q.up_to_seq > 0) {
    if (envelope_kind) {
      auto scanned = view.Scan(target.collection, q, [&](const store::RowView& row) {
        envelope.Add(row.json);
        if (!first_added) first_added = row.date_added;
        last_added = row.date_added;
        last_seq = row.seq;
      });
      if (!scanned.ok()) return listing_failed(scanned.status());
      page.more = *scanned;
    } else {
      auto listed = view.List(target.collection, q);
      if (!listed.ok()) return listing_failed(listed.status());
      page = std::move(*listed);
      if (!page.objects.empty()) last_seq = page.objects.back().seq;
    }
  }
  const size_t rows = envelope_kind ? envelope.count() : page.objects.size();

  // An object (or its versions) the reader cannot see at all is absent: 404, not an empty page.
  if ((kind == kObject || kind == kVersions) && rows == 0) {
    store::CollectionQuery any;
    any.ids = q.ids;
    any.match = store::VersionMatch::kAll;
    any.limit = 1;
    any.with_json = false;
    auto found = view.List(target.collection, any);
    if (!found.ok()) return StorageError(found.status(), "looking up an object");
    if (found->objects.empty()) {
      return NotFound("there is no object '" + object_id + "' in collection '" +
                      target.collection.id + "' that you can see");
    }
  }

  PageInfo info;
  info.more = page.more && rows != 0;
  if (info.more) info.next = sealer_->Seal({last_seq, q.up_to_seq}, binding);
  std::string body;
  switch (kind) {
    case kManifest:
      body = ManifestJson(page.objects, info);
      break;
    case kVersions:
      body = VersionsJson(page.objects, info);
      break;
    default:  // kObjects, kObject
      body = std::move(envelope).Finish(info);
      break;
  }
  Response response = Ok(HttpStatus::ok, std::move(body));
  if (envelope_kind) {
    if (first_added) AddDateAddedHeaders(*first_added, last_added, response);
  } else {
    AddDateAddedHeaders(page.objects, response);
  }
  pages_.Put(key, response);
  return response;
}

Response Service::GetObjects(const Request& request) const { return ListPage(request, kObjects); }
Response Service::GetObject(const Request& request) const { return ListPage(request, kObject); }
Response Service::GetVersions(const Request& request) const { return ListPage(request, kVersions); }
Response Service::GetManifest(const Request& request) const { return ListPage(request, kManifest); }

Response Service::AddObjects(const Request& request) const {
  const Timestamp received = Timestamp::Now();
  Target target;
  size_t limit = 0;
  if (auto denied = EnterPost(request, target, limit)) return *denied;
  if (request.body().size() > limit) {
    return Error(HttpStatus::payload_too_large, "Content Too Large",
                 "the body has " + std::to_string(request.body().size()) +
                     " bytes; this API root takes at most " + std::to_string(limit) +
                     " (max_content_length)");
  }
  EnvelopeLimits limits;
  limits.max_bytes = limit;
  limits.max_depth = options_.max_json_depth;
  limits.max_objects = options_.max_envelope_objects;
  limits.max_object_bytes = options_.max_object_bytes;
  auto envelope = ParseEnvelope(request.body(), limits);
  if (!envelope.ok()) {
    if (envelope.status().code() == ErrorCode::kLimitExceeded) {
      return Error(HttpStatus::payload_too_large, "Content Too Large", envelope.status().message());
    }
    if (envelope.status().code() == ErrorCode::kInvalidArgument) {
      return BadRequest(envelope.status().message());
    }
    return StorageError(envelope.status(), "reading an envelope");
  }
  auto audience = policy::ParseAudienceHeaders(request.Header("X-Tessera-Recipients"),
                                               request.Header("X-Tessera-Sharing-Group"));
  if (!audience.ok()) return BadRequest(audience.status().message());

  store::StatusRecord status;
  status.id = Uuid::V4().ToString();
  status.api_root = target.caller.root.name;
  status.collection = target.collection.id;
  status.owner_user = target.caller.principal.user_id;
  status.owner_org = target.caller.principal.org_id;
  status.request_timestamp = received;

  std::vector<stix::Object> objects;
  std::vector<std::string> errors;
  objects.reserve(envelope->size());
  errors.reserve(envelope->size());
  for (EnvelopeObject& item : *envelope) {
    objects.push_back(std::move(item.object));
    errors.push_back(std::move(item.error));
  }
  // An empty envelope changes nothing: its status is answered but not kept (a flood of them
  // would otherwise fill the store; GET status answers 404 for it).
  if (objects.empty()) {
    status.status = "complete";
    return Ok(HttpStatus::accepted, StatusJson(status));
  }
  ingest::Options write;
  write.audience = std::move(*audience);
  write.status = std::move(status);
  auto ingested = ingest::Ingest(*store_, target.caller.principal, target.collection, objects,
                                 errors, std::move(write));
  if (!ingested.ok()) return StorageError(ingested.status(), "adding objects");
  ExpireStatuses(received);
  if (options_.metrics) {
    options_.metrics->RecordImport(ingested->summary.added, ingested->summary.already_present,
                                   static_cast<uint64_t>(ingested->report.failure_count));
  }
  return Ok(HttpStatus::accepted, StatusJson(ingested->report));
}

Response Service::DeleteObject(const Request& request) const {
  Target target;
  if (auto denied = EnterCollection(request, target, true)) return *denied;
  const policy::Principal& p = target.caller.principal;
  if (!policy::CanDelete(p, target.collection)) {
    return Error(HttpStatus::forbidden, "Forbidden",
                 "deleting needs both read and write access to the collection");
  }
  auto params = http::ParseQuery(request.query());
  if (!params.ok()) return BadRequest(params.status().message());
  auto filter = ParseObjectFilter(*params, ObjectEndpoint::kDeleteObject);
  if (!filter.ok()) return BadRequest(filter.status().message());
  const std::string object_id(request.PathParam("object"));
  if (Status st = CheckObjectId(object_id, "the object id"); !st.ok()) {
    return BadRequest(st.message());
  }

  auto last = store_->LastSeq();
  if (!last.ok()) return StorageError(last.status(), "reading the last seq");
  const policy::ObjectView view(*store_, p);
  store::CollectionQuery q;
  q.ids = {object_id};
  q.spec_versions = filter->spec_versions;
  q.up_to_seq = *last;
  q.limit = store::kMaxListLimit;
  q.with_json = false;  // versions and providers only
  // Every visible copy of each selected version: several organizations may each have contributed
  // the same version, and each copy is its provider's.
  q.copies = store::Copies::kEvery;
  ApplyVersions(filter->versions, q);
  const std::string absent =
      "there is no object '" + object_id + "' (with the versions asked for) that you can see";
  if (*last == 0) return NotFound(absent);
  // What would be deleted, checked first (policy::CanDeleteVersion): all of it or nothing. A
  // version goes when the deleter may delete a copy of it, and only the copies it may delete go
  // (another organization's copy of the same version stays theirs). The seq bound makes the
  // delete act on exactly these rows.
  auto selected = view.List(target.collection, q);
  if (!selected.ok()) return StorageError(selected.status(), "listing versions to delete");
  if (selected->objects.empty()) return NotFound(absent);
  std::map<std::optional<Timestamp>, const store::StoredObject*> refused;  // version -> a copy
  std::set<std::optional<Timestamp>> allowed;
  std::set<int64_t> providers;
  for (const store::StoredObject& row : selected->objects) {
    if (policy::CanDeleteVersion(p, target.collection, row.provider_org)) {
      allowed.insert(row.version);
      providers.insert(row.provider_org);
    } else {
      refused.emplace(row.version, &row);
    }
  }
  for (const auto& [version, row] : refused) {
    if (!allowed.contains(version)) {
      return Error(HttpStatus::forbidden, "Forbidden",
                   "version " + FormatVersion(VersionOf(*row)) + " of '" + object_id +
                       "' was provided by another organization; only its provider or an "
                       "admin may delete it");
    }
  }
  q.providers.assign(providers.begin(), providers.end());
  auto deleted = store_->DeleteVersions(q);
  if (!deleted.ok()) return StorageError(deleted.status(), "deleting versions");
  if (*deleted == 0) return NotFound(absent);
  return Response::Make(HttpStatus::ok, std::string(kTaxiiMediaType), "");
}

}  // namespace tessera::taxii
