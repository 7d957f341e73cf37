#pragma once
// The directory rules: who sees and manages which user account and its tokens, who may give which
// role, which API roots a principal sees, and which TAXII statuses it reads. Pure functions of
// the principal and the entries involved (no I/O); the admin API (src/api/routes.cpp), the TAXII
// service (src/taxii/service.cpp) and the CLI ask them and compare no role names themselves.
//
// What a principal does not see does not exist for it: callers answer it exactly as an entry that
// does not exist (404 with the same text), never 403, so that names cannot be enumerated.
// 403 is for what a principal sees but may not do (an analyst changing its own role).

#include <cstdint>
#include <span>
#include <string_view>

#include "policy/principal.h"
#include "store/directory.h"
#include "store/store.h"

namespace tessera::policy {

// ---- user accounts and their tokens ----

// Whether the principal administers the hub (admins, and the operator): every admin API route,
// the accounts of every organization, organizations, sharing groups, collections, /metrics.
bool AdministersHub(const Principal& p);

// Whether the principal manages accounts at all: lists users, creates users and tokens (admin and
// org-admin). Every other role sees and manages only itself, through its own tokens.
bool ManagesAccounts(const Principal& p);

// Whether the principal may give role `role` to a user of organization `org_id`, creating it or
// changing its role: admins (and the operator) any role in any organization; an
// org-admin org-admin, analyst or read-only in its own organization (admin and sync reach beyond
// one organization); nobody else.
bool MayAssignRole(const Principal& p, Role role, int64_t org_id);

// Whether the principal manages user `u`: changes its role and disabled state, lists, creates
// and revokes its tokens. Admins manage everyone; an org-admin the users of its own organization
// whose role it may assign (MayAssignRole), itself included; nobody else anyone. A user whose
// stored role is unknown is managed by admins only.
bool ManagesUser(const Principal& p, const store::User& u);

// Whether the principal may create tokens for user `u`: for itself, whatever its role (rotating
// its own token: create the new one, then revoke the old), and for the users it manages. A token
// carries its user's role, so a member making its own gains nothing it did not have.
bool MayCreateTokenFor(const Principal& p, const store::User& u);

// Whether the principal may rename user `u` or delete it (policy::ManagesUser), never itself
// deleted: nobody deletes the account it is acting as.
bool MayRenameUser(const Principal& p, const store::User& u);
bool MayDeleteUser(const Principal& p, const store::User& u);

// Whether user `u` exists for the principal (the user list, GET /api/v1/users/{id}, ?user= and
// "user" of the token routes): the users it manages, and itself. An org-admin thus does not see
// the admin and sync users of its own organization.
bool SeesUser(const Principal& p, const store::User& u);

// Whether the principal sees (lists, reads, revokes) the tokens of user `u`: its own, and those
// of the users it manages.
bool SeesTokensOf(const Principal& p, const store::User& u);

// Whether changing a user's role from `from` to `to` revokes the user's tokens. A token can have
// been made by anyone who managed the user under `from` (an org-admin, for an analyst); when such
// a person could not make one for `to` (admin or sync: only admins may), the token would hand them
// the new role, so every token of the user is revoked and the user needs a new one from an admin.
bool RoleChangeRevokesTokens(Role from, Role to);

// ---- TAXII ----

// Whether the principal sees an API root whose collections are `collections`: admins see every
// API root; anyone else one in which it sees (CanSee) at least one collection. Discovery lists
// only those; any other is answered as absent.
bool SeesApiRoot(const Principal& p, std::span<const store::CollectionInfo> collections);

// Whether the principal reads status `s` through API root `api_root`: a status tells what one
// organization wrote, so it is read by that organization's users only (any role, admins of other
// organizations included: no), and only through the API root it was made in.
bool ReadsStatus(const Principal& p, const store::StatusRecord& s, std::string_view api_root);

}  // namespace tessera::policy
