#pragma once
// The admin REST API under /api/v1/ and the /metrics endpoint, as routes on the HTTP router.
// docs/openapi.yaml describes every route, body and error; docs/admin.md explains them.
//
// Authentication is the TAXII one (policy::Authenticator: HTTP Basic user:token or Bearer
// token, or a browser session's cookie); a request without valid credentials gets 401 with
// WWW-Authenticate. Browser sessions: POST /api/v1/session {"user", "token"} (no other
// credentials) signs in, answering 201 with the session cookie (HttpOnly, SameSite=Strict,
// Secure when `secure_cookies`) and its CSRF token, which every cookie-authenticated request
// that changes something must carry in X-CSRF-Token (else 403); DELETE /api/v1/session signs
// out. Authorization by
// role, decided here for the directory (src/policy decides object visibility):
//   - admin: every route;
//   - org-admin: the users of its own organization whose role is neither admin nor sync (list,
//     read, create with such a role, disable/enable, change role within those roles) and their
//     tokens (list, read, create, revoke);
//   - every user: GET /api/v1/whoami; list and read organizations, seeing of each what
//     policy::OrganizationViewFor allows (admins everything; others id, name, identity id and
//     identity, to name recipients); list, read and revoke its own tokens; and search by
//     observable value (GET /api/v1/search?value=V, POST /api/v1/search {"values": [...]}, up to
//     search::kMaxValues values in a body of at most 4 MiB), answered through its policy view
//     (search/search.h): what it may not read is absent as what nobody holds; for the web
//     interface, check a STIX pattern (POST /api/v1/patterns/check), read what is one
//     relationship away from an object (GET /api/v1/objects/{id}/related, search::SearchRelated
//     through its view) and preview who would read what it shares into a collection it may
//     write (POST /api/v1/collections/{id}/audience, policy::Placer and
//     policy::OrganizationsReading; nothing is written);
//   - admins and org-admins: GET /api/v1/audit, the audit log (admins every entry, org-admins
//     their own organization's; store/audit_log.h), newest first, paged with `next`;
//   - anything else: 403.
// /metrics (Prometheus text) is admin-only: the counts it shows span every organization.
//
// Bodies are JSON objects (Content-Type application/json, else 415) of at most
// AdminApiOptions::max_body_bytes (413) and JSON depth 16; unknown members are refused (400) so
// that a typo cannot pass silently. Errors are JSON {"title", "description", "http_status"}.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "http/metrics.h"
#include "http/router.h"
#include "policy/tokens.h"
#include "store/store.h"

namespace tessera::admin {

// POST /api/v1/patterns/check: the longest pattern it checks (pattern::Limits' default
// max_length, what the hub accepts in an indicator), and its largest body (the pattern with
// every byte JSON-escaped as \u00XX, and room for the member's name).
inline constexpr size_t kMaxCheckedPatternBytes = 64 * 1024;
inline constexpr size_t kMaxPatternCheckBodyBytes = 6 * kMaxCheckedPatternBytes + 1024;

struct AdminApiOptions {
  std::shared_ptr<store::Store> store;                   // required
  std::shared_ptr<policy::Authenticator> authenticator;  // required
  std::shared_ptr<http::Metrics> metrics;                // GET /metrics is registered when set
  size_t max_body_bytes = 64 * 1024;                     // admin requests are small
  bool secure_cookies = false;  // the session cookie is Secure (set when the hub serves TLS)
};

// A route of the admin API and the audit action it records ("" when it changes nothing): every
// request to a route with an action, by an authenticated user, appends an entry to the hub's audit
// chain (store/audit_log.h), done or refused (and a closing entry when it fails after its first
// change). For tests and docs: a new route that changes
// something must name its action.
struct AdminRoute {
  http::Method method;
  std::string pattern;
  std::string audit_action;
};
std::vector<AdminRoute> AdminRouteTable();

// Registers the /api/v1/ routes (and /metrics) on `router`. kInvalidArgument when the store or
// the authenticator is missing; the directory's errors reading the hub's page-token key (made
// on first use: search's cursors; needs policy::InitCrypto); what Router::Add returns otherwise.
// The handlers share the
// options' objects (kept alive by the router) and are thread-safe.
Status AddAdminRoutes(http::Router& router, AdminApiOptions options);

}  // namespace tessera::admin
