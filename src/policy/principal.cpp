#include "policy/principal.h"

namespace tessera::policy {

bool RoleCanWrite(Role role) { return role != Role::kReadOnly; }

bool RoleMayActForOthers(Role role) { return role == Role::kSync || role == Role::kAdmin; }

}  // namespace tessera::policy
