// tessera user add NAME --org ORG --role ROLE | user list [--org ORG] | user role NAME ROLE |
// user disable NAME | user enable NAME | user rename NAME NEW | user delete NAME
// [--data DIR] [--json]

#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli/admin_common.h"
#include "policy/tokens.h"
#include "store/access_words.h"

namespace tessera::cli {
namespace {

// The role names --role accepts: store/access_words.h's, the one list of them.
std::vector<std::string> RoleNames() {
  std::vector<std::string> names;
  for (store::Role role : store::AllRoles()) names.emplace_back(store::RoleName(role));
  return names;
}

// The role `name` (an option CLI11 has checked against RoleNames()); kInvalidArgument otherwise.
Result<store::Role> RoleArg(const std::string& name) {
  const std::optional<store::Role> role = store::ParseRole(name);
  if (!role) return InvalidArgument("unknown role '" + name + "'");
  return *role;
}

struct UserArgs {
  std::string name;
  std::string new_name;
  std::string org;
  std::string role;
};

int RunUserAdd(const AdminAction& a, const UserArgs& args) {
  auto role = RoleArg(args.role);
  if (!role.ok()) return a.Fail(role.status());
  auto org = admin::FindOrg(a.dir, args.org);
  if (!org.ok()) return a.Fail(org.status());
  auto user = a.dir.CreateUser(args.name, org->id, *role);
  if (!user.ok()) return a.Fail(user.status());
  return a.Print(admin::UserJson(*user), std::to_string(user->id));
}

int RunUserList(const AdminAction& a, const UserArgs& args) {
  std::optional<int64_t> org_id;
  if (!args.org.empty()) {
    auto org = admin::FindOrg(a.dir, args.org);
    if (!org.ok()) return a.Fail(org.status());
    org_id = org->id;
  }
  auto users = a.dir.ListUsers(org_id);
  if (!users.ok()) return a.Fail(users.status());
  if (a.json) return PrintJsonList(*users, admin::UserJson);
  std::map<int64_t, std::string> org_names;
  if (auto orgs = a.dir.ListOrganizations(); orgs.ok()) {
    for (const store::Organization& o : *orgs) org_names[o.id] = o.name;
  }
  std::vector<std::vector<std::string>> rows;
  for (const store::User& u : *users) {
    auto it = org_names.find(u.org_id);
    rows.push_back({std::to_string(u.id), u.name,
                    it != org_names.end() ? it->second : std::to_string(u.org_id),
                    std::string(store::RoleName(u.role)), u.disabled ? "disabled" : "active"});
  }
  PrintTable(std::cout, {"ID", "NAME", "ORG", "ROLE", "STATE"}, rows);
  return kExitOk;
}

// The operator may give any role; a promotion that an org-admin could not have made revokes the
// user's tokens (policy::RoleChangeRevokesTokens), and the output says which.
int RunUserRole(const AdminAction& a, const UserArgs& args) {
  auto user = admin::FindUserRef(a.dir, args.name);
  if (!user.ok()) return a.Fail(user.status());
  auto role = RoleArg(args.role);
  if (!role.ok()) return a.Fail(role.status());
  auto changed = policy::ChangeUserRole(a.dir, *user, *role);
  if (!changed.ok()) return a.Fail(changed.status());
  boost::json::object o = admin::UserJson(changed->user);
  boost::json::array revoked;
  std::string text = "user " + EscapeForDisplay(changed->user.name) + " is now " +
                     std::string(store::RoleName(changed->user.role));
  for (const std::string& id : changed->revoked) revoked.push_back(boost::json::string(id));
  if (!changed->revoked.empty()) {
    text += "; " + std::to_string(changed->revoked.size()) +
            " token(s) revoked (they may have been made by an org-admin, who may not make tokens "
            "for this role): ";
    for (size_t i = 0; i < changed->revoked.size(); ++i) {
      text += (i ? ", " : "") + changed->revoked[i];
    }
    text += "; create a new one with `tessera token create " +
            EscapeForDisplay(changed->user.name) + "`";
  }
  o["revoked_tokens"] = std::move(revoked);
  return a.Print(o, text);
}

int RunUserSetDisabled(const AdminAction& a, const UserArgs& args, bool disabled) {
  auto user = admin::FindUserRef(a.dir, args.name);
  if (!user.ok()) return a.Fail(user.status());
  auto updated = a.dir.SetUserDisabled(user->id, disabled);
  if (!updated.ok()) return a.Fail(updated.status());
  return a.Print(admin::UserJson(*updated),
                 "user " + updated->name + (disabled ? " disabled" : " enabled"));
}

int RunUserRename(const AdminAction& a, const UserArgs& args) {
  auto user = admin::FindUserRef(a.dir, args.name);
  if (!user.ok()) return a.Fail(user.status());
  auto renamed = a.dir.RenameUser(user->id, args.new_name);
  if (!renamed.ok()) return a.Fail(renamed.status());
  return a.Print(admin::UserJson(*renamed), "user " + EscapeForDisplay(user->name) + " renamed " +
                                                EscapeForDisplay(renamed->name));
}

// Deletes a user that never wrote; one that did is disabled and its tokens revoked (exit 0 both
// ways: the account can no longer act), and the output says which and why.
int RunUserDelete(const AdminAction& a, const UserArgs& args) {
  auto user = admin::FindUserRef(a.dir, args.name);
  if (!user.ok()) return a.Fail(user.status());
  auto removed = admin::RemoveUser(a.dir, *user);
  if (!removed.ok()) return a.Fail(removed.status());
  boost::json::object o;
  o["deleted"] = removed->deleted;
  o["user"] = admin::UserJson(removed->user);
  boost::json::array revoked;
  for (const std::string& id : removed->revoked) revoked.push_back(boost::json::string(id));
  o["revoked_tokens"] = std::move(revoked);
  o["reason"] = removed->reason;
  const std::string name = EscapeForDisplay(user->name);
  if (removed->deleted) return a.Print(o, "user " + name + " deleted");
  return a.Print(o, "user " + name + " disabled, not deleted (" + removed->reason + "); " +
                        std::to_string(removed->revoked.size()) + " token(s) revoked");
}

}  // namespace

Command AddUserCommand(CLI::App& app) {
  auto args = std::make_shared<UserArgs>();
  AdminCommand user(
      app, "user",
      "Manage the users of the hub. Users have no password: they authenticate with API tokens "
      "(`tessera token create`). Roles: admin (everything), org-admin (users and tokens of its "
      "own organization; reads and writes), analyst (reads and writes), read-only (reads), sync "
      "(reads and writes, may post objects created by other member organizations). Exit 0 ok, 1 "
      "refused (name taken, unknown organization or user), 2 usage or I/O.");

  CLI::App* add = user.Add("add", "Add a user; prints its numeric id.",
                           [args](const AdminAction& a) { return RunUserAdd(a, *args); });
  add->add_option("NAME", args->name, "User name (unique across the hub)")->required();
  add->add_option("--org", args->org, "Its organization: name, identity id or numeric id")
      ->required();
  add->add_option("--role", args->role, "admin, org-admin, analyst, read-only or sync")
      ->required()
      ->check(CLI::IsMember(RoleNames()));

  CLI::App* list = user.Add("list", "List users: id, name, organization, role, state.",
                            [args](const AdminAction& a) { return RunUserList(a, *args); });
  list->add_option("--org", args->org, "Only the users of this organization");

  CLI::App* role = user.Add(
      "role",
      "Change a user's role. Giving admin or sync to a user who had another role revokes all "
      "of its tokens (an org-admin may have made them), and says which.",
      [args](const AdminAction& a) { return RunUserRole(a, *args); });
  role->add_option("NAME", args->name, "User name or numeric id")->required();
  role->add_option("ROLE", args->role, "admin, org-admin, analyst, read-only or sync")
      ->required()
      ->check(CLI::IsMember(RoleNames()));

  CLI::App* disable = user.Add(
      "disable",
      "Disable a user: its tokens stop working at once (checked on every request); nothing is "
      "deleted. `tessera user enable` undoes it.",
      [args](const AdminAction& a) { return RunUserSetDisabled(a, *args, true); });
  disable->add_option("NAME", args->name, "User name or numeric id")->required();

  CLI::App* enable =
      user.Add("enable", "Enable a disabled user again.",
               [args](const AdminAction& a) { return RunUserSetDisabled(a, *args, false); });
  enable->add_option("NAME", args->name, "User name or numeric id")->required();

  CLI::App* rename = user.Add("rename", "Rename a user (its id, tokens and what it wrote stay).",
                              [args](const AdminAction& a) { return RunUserRename(a, *args); });
  rename->add_option("NAME", args->name, "User name or numeric id")->required();
  rename->add_option("NEW", args->new_name, "The new name (unique across the hub)")->required();

  CLI::App* del = user.Add(
      "delete",
      "Delete a user that never wrote through the hub, with its tokens. A user that wrote is "
      "disabled and its tokens revoked instead, so that what it wrote keeps its author; the "
      "output says which.",
      [args](const AdminAction& a) { return RunUserDelete(a, *args); });
  del->add_option("NAME", args->name, "User name or numeric id")->required();

  return user.Finish();
}

}  // namespace tessera::cli
