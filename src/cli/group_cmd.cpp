// tessera group add NAME [--member ORG]... [--description D] | group add-member NAME ORG... |
// group remove-member NAME ORG... | group list   [--data DIR] [--json]

#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli/admin_common.h"

namespace tessera::cli {
namespace {

struct GroupArgs {
  AdminCommonArgs common;
  std::string name;
  std::string description;
  std::vector<std::string> members;
};

void PrintGroup(store::Directory& dir, const store::SharingGroup& g, bool json) {
  if (json) {
    std::cout << api::PrettyJson(api::GroupJson(g));
    return;
  }
  std::string names;
  for (int64_t m : g.members) {
    if (!names.empty()) names += ",";
    auto org = dir.GetOrganization(m);
    names += org.ok() ? org->name : std::to_string(m);
  }
  std::cout << "group " << g.name << " (id " << g.id
            << "): " << (names.empty() ? "no members" : names) << "\n";
}

// Resolves every ORG first, so that a typo changes nothing.
Result<std::vector<int64_t>> ResolveOrgs(store::Directory& dir,
                                         const std::vector<std::string>& refs) {
  std::vector<int64_t> ids;
  for (const std::string& ref : refs) {
    TESSERA_ASSIGN_OR_RETURN(store::Organization org, api::FindOrg(dir, ref));
    ids.push_back(org.id);
  }
  return ids;
}

int RunGroupAdd(const GroupArgs& args) {
  auto store = OpenExistingStore(args.common.data_dir, "group add");
  if (!store) return kExitUsage;
  store::Directory& dir = store->directory();
  auto members = ResolveOrgs(dir, args.members);
  if (!members.ok()) return Fail("group add", members.status());
  auto group = dir.CreateGroup(args.name, args.description);
  if (!group.ok()) return Fail("group add", group.status());
  for (int64_t m : *members) {
    if (Status st = dir.AddGroupMember(group->id, m); !st.ok()) return Fail("group add", st);
  }
  auto stored = dir.GetGroup(group->id);
  if (!stored.ok()) return Fail("group add", stored.status());
  PrintGroup(dir, *stored, args.common.json);
  return kExitOk;
}

int RunGroupMembers(const GroupArgs& args, bool add) {
  const char* command = add ? "group add-member" : "group remove-member";
  auto store = OpenExistingStore(args.common.data_dir, command);
  if (!store) return kExitUsage;
  store::Directory& dir = store->directory();
  auto group = api::FindGroupRef(dir, args.name);
  if (!group.ok()) return Fail(command, group.status());
  auto members = ResolveOrgs(dir, args.members);
  if (!members.ok()) return Fail(command, members.status());
  for (int64_t m : *members) {
    Status st = add ? dir.AddGroupMember(group->id, m) : dir.RemoveGroupMember(group->id, m);
    if (!st.ok()) return Fail(command, st);
  }
  auto stored = dir.GetGroup(group->id);
  if (!stored.ok()) return Fail(command, stored.status());
  PrintGroup(dir, *stored, args.common.json);
  return kExitOk;
}

int RunGroupList(const GroupArgs& args) {
  auto store = OpenExistingStore(args.common.data_dir, "group list");
  if (!store) return kExitUsage;
  store::Directory& dir = store->directory();
  auto groups = dir.ListGroups();
  if (!groups.ok()) return Fail("group list", groups.status());
  if (args.common.json) {
    boost::json::array list;
    for (const store::SharingGroup& g : *groups) list.push_back(api::GroupJson(g));
    std::cout << api::PrettyJson(list);
    return kExitOk;
  }
  std::map<int64_t, std::string> org_names;
  if (auto orgs = dir.ListOrganizations(); orgs.ok()) {
    for (const store::Organization& o : *orgs) org_names[o.id] = o.name;
  }
  std::vector<std::vector<std::string>> rows;
  for (const store::SharingGroup& g : *groups) {
    std::string names;
    for (int64_t m : g.members) {
      if (!names.empty()) names += ",";
      auto it = org_names.find(m);
      names += it != org_names.end() ? it->second : std::to_string(m);
    }
    rows.push_back({std::to_string(g.id), g.name, names, g.description});
  }
  PrintTable(std::cout, {"ID", "NAME", "MEMBERS", "DESCRIPTION"}, rows);
  return kExitOk;
}

}  // namespace

Command AddGroupCommand(CLI::App& app) {
  auto args = std::make_shared<GroupArgs>();
  CLI::App* sub = app.add_subcommand(
      "group",
      "Manage sharing groups: named sets of organizations (trust communities). Objects addressed "
      "to a group, and collections whose readers name it, reach its members only; a group is "
      "visible to its members (and admins) alone. Exit 0 ok, 1 refused (name taken, unknown "
      "group or organization, not a member), 2 usage or I/O.");
  sub->require_subcommand(1);

  CLI::App* add = sub->add_subcommand("add", "Add a sharing group with its first members.");
  add->add_option("NAME", args->name, "Group name (unique)")->required();
  add->add_option("--member", args->members,
                  "A member organization (name, identity id or numeric id); repeat for several");
  add->add_option("--description", args->description, "What the group is for");
  AddAdminCommonOptions(add, args->common);

  CLI::App* add_member =
      sub->add_subcommand("add-member", "Add organizations to a group (already members are ok).");
  add_member->add_option("NAME", args->name, "Group name or numeric id")->required();
  add_member->add_option("ORG", args->members, "Organizations to add")->required();
  AddAdminCommonOptions(add_member, args->common);

  CLI::App* remove_member = sub->add_subcommand(
      "remove-member",
      "Remove organizations from a group: they stop seeing what is addressed to the group at "
      "once. Exit 1 when one is not a member (those before it are removed).");
  remove_member->add_option("NAME", args->name, "Group name or numeric id")->required();
  remove_member->add_option("ORG", args->members, "Organizations to remove")->required();
  AddAdminCommonOptions(remove_member, args->common);

  CLI::App* list = sub->add_subcommand("list", "List the sharing groups and their members.");
  AddAdminCommonOptions(list, args->common);

  return Command{sub, [args, add, add_member, remove_member, list] {
                   if (add->parsed()) return RunGroupAdd(*args);
                   if (add_member->parsed()) return RunGroupMembers(*args, true);
                   if (remove_member->parsed()) return RunGroupMembers(*args, false);
                   if (list->parsed()) return RunGroupList(*args);
                   return kExitUsage;
                 }};
}

}  // namespace tessera::cli
