#pragma once
// The TAXII 2.1 server over the store and the access rules: every endpoint of the standard
// (server discovery, API roots, status, collections, a collection, objects GET/POST, an object
// GET/DELETE, its versions, the manifest), registered on an http::Router.
//
// Every request is authenticated (policy::Authenticator; 401 with WWW-Authenticate for Basic and
// Bearer), discovery and API-root information included. What a reader may not see does not exist
// for it: collections it can neither read nor write are 404 (403 when it sees one but lacks the
// right asked for), object versions its organization is not granted are absent from objects,
// object, versions, the manifest, the counts and the date-added headers: every read goes through
// the reader's policy::ObjectView (policy/view.h). Writes go through policy::Placer and
// Store::ImportWithStatus: a POST is answered 202 with a status resource once the accepted objects
// are durable ("complete").
//
// Listings are paged by count and by bytes (ServiceOptions::max_page_bytes); `next` tokens are
// sealed with the hub's key and bound to the reader's organization and the query
// (policy/page_token.h). Statuses live ServiceOptions::status_lifetime; an empty envelope's status
// is not stored.
//
// Answers (TAXII 2.1 §3.6): 400 malformed parameters or a body that is not an envelope, 401, 403,
// 404, 406 when the Accept header rules out application/taxii+json;version=2.1, 413 over the API
// root's max_content_length, 415 a POST body that is not application/taxii+json, 503 when the
// store is busy; errors carry a TAXII error message. docs/taxii.md documents each endpoint.
//
// Each request starts with one small read of the store's generations (store::Generations). What
// was read from the directory (principals, API roots, collections) is reused while the directory
// generation stays the same, and whole listing answers are kept in a PageCache under the reader's
// scope, the canonical query (parameters TAXII does not define are not part of it) and the
// generations; so a change by any process (a revoked token, a new grant, a deleted
// object) is seen by the next request, and a page asked for again costs no listing.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/status.h"
#include "http/message.h"
#include "http/metrics.h"
#include "http/router.h"
#include "policy/page_token.h"
#include "policy/tokens.h"
#include "store/store.h"
#include "taxii/envelope.h"
#include "taxii/page_cache.h"

namespace tessera::taxii {

constexpr size_t kDefaultMaxPageBytes = size_t{8} << 20;
constexpr std::chrono::seconds kDefaultStatusLifetime = std::chrono::hours(24);

struct ServiceOptions {
  // The discovery document (title required).
  std::string title = "Tessera";
  std::string description;
  std::string contact;
  // The URL clients reach the server at, e.g. "https://cti.example.org" (no trailing '/'); the
  // API root URLs in discovery start with it. Empty: "<scheme>://<Host header>", falling back to
  // `fallback_url` when the Host header is missing or not a plain host[:port].
  std::string public_url;
  std::string fallback_url = "http://127.0.0.1:8080";
  bool tls = false;  // the scheme of Host-based URLs
  // The server's request body limit: the API roots advertise min(this, their own
  // max_content_length) and bodies above the smaller are refused with 413.
  size_t max_body_bytes = 32u << 20;
  size_t max_envelope_objects = EnvelopeLimits{}.max_objects;
  size_t max_json_depth = EnvelopeLimits{}.max_depth;
  size_t max_object_bytes = EnvelopeLimits{}.max_object_bytes;  // one object in a POST
  // When set, every POST that stores objects is counted (tessera_imported_objects_total).
  std::shared_ptr<http::Metrics> metrics;
  // The bound of the listing answers kept in memory (PageCache); 0 keeps none.
  size_t page_cache_bytes = size_t{64} << 20;
  // The bound on the object JSON of one objects / object page: a page ends early (more: true,
  // with a next token) before the object that would pass it, but always holds one object.
  size_t max_page_bytes = kDefaultMaxPageBytes;
  // How long a POST's status resource can be read back (TAXII lets a server expire statuses).
  // Older ones answer 404 and are deleted (by the next POSTs, at most once a minute). > 0.
  std::chrono::seconds status_lifetime = kDefaultStatusLifetime;
};

// Thread-safe once registered: handlers run concurrently on the server's threads.
class Service {
 public:
  // `store` and `authenticator` are shared with the rest of the server (the admin API uses the
  // same authenticator, so one cache). The authenticator must use store->directory().
  Service(std::shared_ptr<store::Store> store, std::shared_ptr<policy::Authenticator> authenticator,
          ServiceOptions options);

  // Registers the TAXII routes (GET /taxii2/ and everything under /{api_root}/) on `router`.
  // The routes hold `self`, so the Service lives as long as the router. The first registration
  // loads the hub's page-token key (LoadPageTokenKey: made and stored on first use; needs
  // policy::InitCrypto). What Router::Add or the directory returns.
  static Status Register(const std::shared_ptr<Service>& self, http::Router& router);

  // Each route carries its metadata (http::RouteOptions): its name in metrics ("taxii_objects",
  // ...); writes (POST, DELETE) run on the server's blocking pool, as do requests whose
  // credentials this process has not verified yet (which read the token's row, and for a token
  // stored by an older hub run one Argon2id verification of tens of milliseconds); a request with
  // a body is authenticated on its header before the body is read (a POST also checked for write
  // access to the collection, its Content-Type and the API root's max_content_length), so that
  // nobody without credentials makes the server hold a body.

  // The handlers (public for in-process callers and tests; each expects the path parameters the
  // router binds).
  http::Response Discovery(const http::Request& request) const;
  http::Response ApiRootInfo(const http::Request& request) const;
  http::Response GetStatus(const http::Request& request) const;
  http::Response ListCollections(const http::Request& request) const;
  http::Response GetCollection(const http::Request& request) const;
  http::Response GetObjects(const http::Request& request) const;
  http::Response AddObjects(const http::Request& request) const;
  http::Response GetObject(const http::Request& request) const;
  http::Response DeleteObject(const http::Request& request) const;
  http::Response GetVersions(const http::Request& request) const;
  http::Response GetManifest(const http::Request& request) const;

  // How many listing answers the page cache holds now (for tests and metrics).
  size_t CachedPages() const { return pages_.entries(); }

 private:
  struct Caller;  // an authenticated principal at one API root (service.cpp)
  struct Target;  // ... and one collection
  std::optional<http::Response> Authenticate(const http::Request& request, int64_t generation,
                                             policy::Principal& principal) const;
  // The checks of a request's header before its body is read (RouteOptions::admit).
  std::optional<http::Response> AdmitAny(const http::Request& request) const;
  std::optional<http::Response> AdmitPost(const http::Request& request) const;
  // What a POST of objects checks before its body: the caller may write to the collection
  // (EnterCollection), the Content-Type is TAXII's; sets `limit` to the largest body it takes
  // (the server's and the API root's max_content_length). A Response refuses it.
  std::optional<http::Response> EnterPost(const http::Request& request, Target& target,
                                          size_t& limit) const;
  // Whether a request may take long (RouteOptions::blocking_when for reads).
  bool NotVerifiedYet(const http::Request& request) const;
  std::optional<http::Response> Enter(const http::Request& request, Caller& caller) const;
  std::optional<http::Response> EnterCollection(const http::Request& request, Target& target,
                                                bool write) const;
  http::Response ListPage(const http::Request& request, int kind) const;
  std::string BaseUrl(const http::Request& request) const;
  // Whether a status requested at `requested` is past status_lifetime at `now`.
  bool Expired(Timestamp requested, Timestamp now) const;
  // Deletes expired statuses when the last round is a minute old (else returns at once).
  void ExpireStatuses(Timestamp now) const;
  // The API root / collection as the directory had it at `generation` (read once per
  // generation). The directory's errors, kNotFound included.
  Result<store::ApiRoot> ApiRootAt(const std::string& name, int64_t generation) const;
  // policy::SeesApiRoot for the API root `api_root` (reads its collections unless an admin asks).
  Result<bool> SeesApiRoot(const policy::Principal& principal, const std::string& api_root) const;
  // The collection of API root `api_root` whose id or alias is `ref` (store::CollectionsNamed),
  // as the directory had it at `generation`; kNotFound when there is none. The caller checks
  // that the principal may see it.
  Result<store::CollectionInfo> CollectionAt(const std::string& api_root, const std::string& ref,
                                             int64_t generation) const;
  // With directory_mu_ held: empties the remembered entries when `generation` is newer than
  // theirs (or they are too many); whether an entry read at `generation` may be kept.
  bool AdmitLocked(int64_t generation) const;
  // kept[key] as read at `generation`, else read() (kept when still current).
  template <typename T, typename Read>
  Result<T> Remembered(std::unordered_map<std::string, T>& kept, const std::string& key,
                       int64_t generation, Read read) const;

  std::shared_ptr<store::Store> store_;
  std::shared_ptr<policy::Authenticator> authenticator_;
  ServiceOptions options_;

  // What the directory held at directory_generation_; emptied when the generation moves.
  mutable std::mutex directory_mu_;
  mutable int64_t directory_generation_ = -1;                                   // directory_mu_
  mutable std::unordered_map<std::string, store::ApiRoot> roots_;               // directory_mu_
  mutable std::unordered_map<std::string, store::CollectionInfo> collections_;  // directory_mu_
  mutable PageCache pages_;
  std::optional<policy::PageTokenSealer> sealer_;       // set by Register, then read-only
  mutable std::atomic<int64_t> next_expiry_micros_{0};  // when ExpireStatuses runs next
};

}  // namespace tessera::taxii
