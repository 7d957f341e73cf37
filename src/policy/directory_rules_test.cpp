// The directory rules (directory_rules.h), case by case: who sees and manages which account,
// who gives which role, what a role change revokes, which API roots and statuses a principal
// sees. Expected answers are written by hand, not derived from the code.

#include "policy/directory_rules.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tessera::policy {
namespace {

constexpr int64_t kOrgA = 1;
constexpr int64_t kOrgB = 2;

Principal As(Role role, int64_t org, int64_t user_id = 100) {
  Principal p;
  p.user_id = user_id;
  p.user = "caller";
  p.org_id = org;
  p.role = role;
  return p;
}

store::User User(int64_t id, int64_t org, Role role) {
  store::User u;
  u.id = id;
  u.name = "u" + std::to_string(id);
  u.org_id = org;
  u.role = role;
  return u;
}

TEST(DirectoryRulesTest, WhoSeesAndManagesWhichUser) {
  struct Case {
    Role caller;
    store::User target;
    bool sees;
    bool manages;
  };
  // The caller is user 100 of organization A.
  const Case cases[] = {
      // An admin sees and manages everyone, in every organization.
      {Role::kAdmin, User(1, kOrgB, Role::kAdmin), true, true},
      {Role::kAdmin, User(2, kOrgB, Role::kSync), true, true},
      {Role::kAdmin, User(3, kOrgA, Role::kAnalyst), true, true},
      // An org-admin: the org-admins, analysts and read-only users of its own organization ...
      {Role::kOrgAdmin, User(4, kOrgA, Role::kAnalyst), true, true},
      {Role::kOrgAdmin, User(5, kOrgA, Role::kReadOnly), true, true},
      {Role::kOrgAdmin, User(6, kOrgA, Role::kOrgAdmin), true, true},
      {Role::kOrgAdmin, User(100, kOrgA, Role::kOrgAdmin), true, true},  // itself
      // ... not the admin and sync users of its organization (#15.24: docs/admin.md's rule) ...
      {Role::kOrgAdmin, User(7, kOrgA, Role::kAdmin), false, false},
      {Role::kOrgAdmin, User(8, kOrgA, Role::kSync), false, false},
      // ... nor anyone of another organization.
      {Role::kOrgAdmin, User(9, kOrgB, Role::kAnalyst), false, false},
      {Role::kOrgAdmin, User(10, kOrgB, Role::kOrgAdmin), false, false},
      // Other roles see themselves only, and manage nobody, themselves included.
      {Role::kAnalyst, User(100, kOrgA, Role::kAnalyst), true, false},
      {Role::kAnalyst, User(12, kOrgA, Role::kReadOnly), false, false},
      {Role::kReadOnly, User(100, kOrgA, Role::kReadOnly), true, false},
      {Role::kSync, User(100, kOrgA, Role::kSync), true, false},
      {Role::kSync, User(13, kOrgA, Role::kAnalyst), false, false},
  };
  for (const Case& c : cases) {
    const Principal p = As(c.caller, kOrgA);
    SCOPED_TRACE(std::string(RoleName(c.caller)) + " -> user " + std::to_string(c.target.id) +
                 " (" + std::string(RoleName(c.target.role)) + ", org " +
                 std::to_string(c.target.org_id) + ")");
    EXPECT_EQ(SeesUser(p, c.target), c.sees);
    EXPECT_EQ(ManagesUser(p, c.target), c.manages);
    EXPECT_EQ(SeesTokensOf(p, c.target), c.sees);
  }
}

TEST(DirectoryRulesTest, WhoManagesAccountsAndAdministersTheHub) {
  EXPECT_TRUE(ManagesAccounts(As(Role::kAdmin, kOrgA)));
  EXPECT_TRUE(ManagesAccounts(As(Role::kOrgAdmin, kOrgA)));
  EXPECT_TRUE(AdministersHub(As(Role::kAdmin, kOrgA)));
  EXPECT_FALSE(AdministersHub(As(Role::kOrgAdmin, kOrgA)));
  for (Role r : {Role::kAnalyst, Role::kReadOnly, Role::kSync}) {
    EXPECT_FALSE(ManagesAccounts(As(r, kOrgA))) << RoleName(r);
    EXPECT_FALSE(AdministersHub(As(r, kOrgA))) << RoleName(r);
  }
  // A default principal (no user, no role given) is nobody's administrator.
  EXPECT_FALSE(ManagesAccounts(Principal{}));
  EXPECT_FALSE(MayAssignRole(Principal{}, Role::kAnalyst, 0));
}

TEST(DirectoryRulesTest, WhoGivesWhichRole) {
  const Role all[] = {Role::kAdmin, Role::kOrgAdmin, Role::kAnalyst, Role::kReadOnly, Role::kSync};
  for (Role r : all) {
    EXPECT_TRUE(MayAssignRole(As(Role::kAdmin, kOrgA), r, kOrgB)) << RoleName(r);
    const bool org_admin_may = r == Role::kOrgAdmin || r == Role::kAnalyst || r == Role::kReadOnly;
    EXPECT_EQ(MayAssignRole(As(Role::kOrgAdmin, kOrgA), r, kOrgA), org_admin_may) << RoleName(r);
    EXPECT_FALSE(MayAssignRole(As(Role::kOrgAdmin, kOrgA), r, kOrgB)) << RoleName(r);
    for (Role other : {Role::kAnalyst, Role::kReadOnly, Role::kSync}) {
      EXPECT_FALSE(MayAssignRole(As(other, kOrgA), r, kOrgA)) << RoleName(other);
    }
  }
}

// #15.7: a role change revokes the tokens when whoever could make them for the old role could not
// for the new one.
TEST(DirectoryRulesTest, PromotionToAnAdminOnlyRoleRevokesTokens) {
  const Role all[] = {Role::kAdmin, Role::kOrgAdmin, Role::kAnalyst, Role::kReadOnly, Role::kSync};
  for (Role from : all) {
    for (Role to : all) {
      const bool from_org_managed = from != Role::kAdmin && from != Role::kSync;
      const bool to_admin_only = to == Role::kAdmin || to == Role::kSync;
      EXPECT_EQ(RoleChangeRevokesTokens(from, to), from_org_managed && to_admin_only)
          << RoleName(from) << " -> " << RoleName(to);
    }
  }
  EXPECT_TRUE(RoleChangeRevokesTokens(Role::kAnalyst, Role::kAdmin));
  EXPECT_TRUE(RoleChangeRevokesTokens(Role::kOrgAdmin, Role::kSync));
  EXPECT_FALSE(RoleChangeRevokesTokens(Role::kSync, Role::kAdmin));
  EXPECT_FALSE(RoleChangeRevokesTokens(Role::kAdmin, Role::kAnalyst));
}

store::CollectionInfo Collection(bool readers_all, std::vector<int64_t> readers,
                                 std::vector<int64_t> writers = {}) {
  store::CollectionInfo c;
  c.id = "c";
  c.api_root = "api";
  c.readers.all = readers_all;
  c.readers.orgs = std::move(readers);
  c.writers.orgs = std::move(writers);
  return c;
}

TEST(DirectoryRulesTest, AnApiRootIsSeenThroughACollectionInIt) {
  const std::vector<store::CollectionInfo> none;
  const std::vector<store::CollectionInfo> bs = {Collection(false, {kOrgB})};
  const std::vector<store::CollectionInfo> everyone = {Collection(false, {kOrgB}),
                                                       Collection(true, {})};
  const std::vector<store::CollectionInfo> a_writes = {Collection(false, {}, {kOrgA})};
  for (Role r : {Role::kOrgAdmin, Role::kAnalyst, Role::kReadOnly, Role::kSync}) {
    const Principal p = As(r, kOrgA);
    EXPECT_FALSE(SeesApiRoot(p, none)) << RoleName(r);
    EXPECT_FALSE(SeesApiRoot(p, bs)) << RoleName(r);
    EXPECT_TRUE(SeesApiRoot(p, everyone)) << RoleName(r);
    EXPECT_TRUE(SeesApiRoot(p, a_writes)) << RoleName(r);
    EXPECT_TRUE(SeesApiRoot(As(r, kOrgB), bs)) << RoleName(r);
  }
  EXPECT_TRUE(SeesApiRoot(As(Role::kAdmin, kOrgA), none));
  EXPECT_TRUE(SeesApiRoot(As(Role::kAdmin, kOrgA), bs));
}

TEST(DirectoryRulesTest, AStatusIsReadByItsOrganizationThroughItsApiRoot) {
  store::StatusRecord s;
  s.api_root = "api";
  s.owner_user = 7;
  s.owner_org = kOrgA;
  for (Role r : {Role::kAdmin, Role::kOrgAdmin, Role::kAnalyst, Role::kReadOnly, Role::kSync}) {
    EXPECT_TRUE(ReadsStatus(As(r, kOrgA), s, "api")) << RoleName(r);
    EXPECT_TRUE(ReadsStatus(As(r, kOrgA, 7), s, "api")) << RoleName(r);
    EXPECT_FALSE(ReadsStatus(As(r, kOrgA), s, "other")) << RoleName(r);
    EXPECT_FALSE(ReadsStatus(As(r, kOrgB), s, "api")) << RoleName(r);  // admins of B too
  }
}

}  // namespace
}  // namespace tessera::policy
