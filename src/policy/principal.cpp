#include "policy/principal.h"

namespace tessera::policy {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kOrgAdmin:
      return "org-admin";
    case Role::kAnalyst:
      return "analyst";
    case Role::kReadOnly:
      return "read-only";
    case Role::kSync:
      return "sync";
  }
  return "read-only";  // unreachable: every enumerator is handled above
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kAdmin, Role::kOrgAdmin, Role::kAnalyst, Role::kReadOnly, Role::kSync}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

bool RoleCanWrite(Role role) { return role != Role::kReadOnly; }

bool RoleMayActForOthers(Role role) { return role == Role::kSync || role == Role::kAdmin; }

}  // namespace tessera::policy
