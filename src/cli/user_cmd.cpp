// tessera user add NAME --org ORG --role ROLE | user list [--org ORG] | user disable NAME |
// user enable NAME   [--data DIR] [--json]

#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "cli/admin_common.h"

namespace tessera::cli {
namespace {

const std::vector<std::string> kRoles = {"admin", "org-admin", "analyst", "read-only", "sync"};

struct UserArgs {
  AdminCommonArgs common;
  std::string name;
  std::string org;
  std::string role;
};

int RunUserAdd(const UserArgs& args) {
  auto store = OpenExistingStore(args.common.data_dir, "user add");
  if (!store) return kExitUsage;
  store::Directory& dir = store->directory();
  auto org = api::FindOrg(dir, args.org);
  if (!org.ok()) return Fail("user add", org.status());
  auto user = dir.CreateUser(args.name, org->id, args.role);
  if (!user.ok()) return Fail("user add", user.status());
  if (args.common.json) {
    std::cout << api::PrettyJson(api::UserJson(*user));
  } else {
    std::cout << user->id << "\n";
  }
  return kExitOk;
}

int RunUserList(const UserArgs& args) {
  auto store = OpenExistingStore(args.common.data_dir, "user list");
  if (!store) return kExitUsage;
  store::Directory& dir = store->directory();
  std::optional<int64_t> org_id;
  if (!args.org.empty()) {
    auto org = api::FindOrg(dir, args.org);
    if (!org.ok()) return Fail("user list", org.status());
    org_id = org->id;
  }
  auto users = dir.ListUsers(org_id);
  if (!users.ok()) return Fail("user list", users.status());
  if (args.common.json) {
    boost::json::array list;
    for (const store::User& u : *users) list.push_back(api::UserJson(u));
    std::cout << api::PrettyJson(list);
    return kExitOk;
  }
  std::map<int64_t, std::string> org_names;
  if (auto orgs = dir.ListOrganizations(); orgs.ok()) {
    for (const store::Organization& o : *orgs) org_names[o.id] = o.name;
  }
  std::vector<std::vector<std::string>> rows;
  for (const store::User& u : *users) {
    auto it = org_names.find(u.org_id);
    rows.push_back({std::to_string(u.id), u.name,
                    it != org_names.end() ? it->second : std::to_string(u.org_id), u.role,
                    u.disabled ? "disabled" : "active"});
  }
  PrintTable(std::cout, {"ID", "NAME", "ORG", "ROLE", "STATE"}, rows);
  return kExitOk;
}

int RunUserSetDisabled(const UserArgs& args, bool disabled) {
  const char* command = disabled ? "user disable" : "user enable";
  auto store = OpenExistingStore(args.common.data_dir, command);
  if (!store) return kExitUsage;
  store::Directory& dir = store->directory();
  auto user = api::FindUserRef(dir, args.name);
  if (!user.ok()) return Fail(command, user.status());
  auto updated = dir.SetUserDisabled(user->id, disabled);
  if (!updated.ok()) return Fail(command, updated.status());
  if (args.common.json) {
    std::cout << api::PrettyJson(api::UserJson(*updated));
  } else {
    std::cout << "user " << updated->name << (disabled ? " disabled" : " enabled") << "\n";
  }
  return kExitOk;
}

}  // namespace

Command AddUserCommand(CLI::App& app) {
  auto args = std::make_shared<UserArgs>();
  CLI::App* sub = app.add_subcommand(
      "user",
      "Manage the users of the hub. Users have no password: they authenticate with API tokens "
      "(`tessera token create`). Roles: admin (everything), org-admin (users and tokens of its "
      "own organization; reads and writes), analyst (reads and writes), read-only (reads), sync "
      "(reads and writes, may post objects created by other member organizations). Exit 0 ok, 1 "
      "refused (name taken, unknown organization or user), 2 usage or I/O.");
  sub->require_subcommand(1);

  CLI::App* add = sub->add_subcommand("add", "Add a user; prints its numeric id.");
  add->add_option("NAME", args->name, "User name (unique across the hub)")->required();
  add->add_option("--org", args->org, "Its organization: name, identity id or numeric id")
      ->required();
  add->add_option("--role", args->role, "admin, org-admin, analyst, read-only or sync")
      ->required()
      ->check(CLI::IsMember(kRoles));
  AddAdminCommonOptions(add, args->common);

  CLI::App* list = sub->add_subcommand("list", "List users: id, name, organization, role, state.");
  list->add_option("--org", args->org, "Only the users of this organization");
  AddAdminCommonOptions(list, args->common);

  CLI::App* disable = sub->add_subcommand(
      "disable",
      "Disable a user: its tokens stop working at once (checked on every request); nothing is "
      "deleted. `tessera user enable` undoes it.");
  disable->add_option("NAME", args->name, "User name or numeric id")->required();
  AddAdminCommonOptions(disable, args->common);

  CLI::App* enable = sub->add_subcommand("enable", "Enable a disabled user again.");
  enable->add_option("NAME", args->name, "User name or numeric id")->required();
  AddAdminCommonOptions(enable, args->common);

  return Command{sub, [args, add, list, disable, enable] {
                   if (add->parsed()) return RunUserAdd(*args);
                   if (list->parsed()) return RunUserList(*args);
                   if (disable->parsed()) return RunUserSetDisabled(*args, true);
                   if (enable->parsed()) return RunUserSetDisabled(*args, false);
                   return kExitUsage;
                 }};
}

}  // namespace tessera::cli
