#include "policy/directory_rules.h"

#include "policy/access.h"

namespace tessera::policy {

bool AdministersHub(const Principal& p) { return p.role == Role::kAdmin; }

bool ManagesAccounts(const Principal& p) {
  return p.role == Role::kAdmin || p.role == Role::kOrgAdmin;
}

bool MayAssignRole(const Principal& p, Role role, int64_t org_id) {
  if (p.role == Role::kAdmin) return true;
  if (p.role != Role::kOrgAdmin || org_id != p.org_id) return false;
  return role == Role::kOrgAdmin || role == Role::kAnalyst || role == Role::kReadOnly;
}

bool ManagesUser(const Principal& p, const store::User& u) {
  if (p.role == Role::kAdmin) return true;
  return MayAssignRole(p, u.role, u.org_id);
}

bool MayCreateTokenFor(const Principal& p, const store::User& u) {
  return u.id == p.user_id || ManagesUser(p, u);
}

bool MayRenameUser(const Principal& p, const store::User& u) { return ManagesUser(p, u); }

bool MayDeleteUser(const Principal& p, const store::User& u) {
  return u.id != p.user_id && ManagesUser(p, u);
}

bool SeesUser(const Principal& p, const store::User& u) {
  return u.id == p.user_id || ManagesUser(p, u);
}

bool SeesTokensOf(const Principal& p, const store::User& u) { return SeesUser(p, u); }

bool RoleChangeRevokesTokens(Role from, Role to) {
  const auto admins_only = [](Role r) { return r == Role::kAdmin || r == Role::kSync; };
  return admins_only(to) && !admins_only(from);
}

bool SeesApiRoot(const Principal& p, std::span<const store::CollectionInfo> collections) {
  if (p.role == Role::kAdmin) return true;
  for (const store::CollectionInfo& c : collections) {
    if (CanSee(p, c)) return true;
  }
  return false;
}

bool ReadsStatus(const Principal& p, const store::StatusRecord& s, std::string_view api_root) {
  return s.api_root == api_root && s.owner_org == p.org_id;
}

}  // namespace tessera::policy
