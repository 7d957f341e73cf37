#pragma once
// Who is acting: a user of a member organization, with a role. Built by the Authenticator from a
// token; the access rules (access.h) take it as their subject.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/access_words.h"

namespace tessera::policy {

// What a user may do: store::Role (store/access_words.h), with its one printer and parser.
using store::ParseRole;
using store::Role;
using store::RoleName;

// Whether the role may add objects at all (every role but read-only).
bool RoleCanWrite(Role role);
// Whether the role may post objects whose created_by_ref is another member organization.
bool RoleMayActForOthers(Role role);

struct Principal {
  int64_t user_id = 0;  // 0: the operator (CLI on the database file), no user
  std::string user;
  int64_t org_id = 0;        // the user's organization; 0: the operator without an organization
  std::string org_identity;  // the organization's STIX identity id
  Role role = Role::kReadOnly;
  std::vector<int64_t> groups;  // the sharing groups the organization belongs to, ascending
};

}  // namespace tessera::policy
