// tessera group add NAME [--member ORG]... [--description D] | group add-member NAME ORG... |
// group remove-member NAME ORG... | group list | group rename NAME NEW | group delete NAME
// [--data DIR] [--json]

#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli/admin_common.h"

namespace tessera::cli {
namespace {

struct GroupArgs {
  std::string name;
  std::string new_name;
  std::string description;
  std::vector<std::string> members;
};

// "group NAME (id N): ORG,ORG" or "...: no members".
std::string GroupText(store::Directory& dir, const store::SharingGroup& g) {
  std::string names;
  for (int64_t m : g.members) {
    if (!names.empty()) names += ",";
    auto org = dir.GetOrganization(m);
    names += org.ok() ? org->name : std::to_string(m);
  }
  return "group " + g.name + " (id " + std::to_string(g.id) +
         "): " + (names.empty() ? "no members" : names);
}

// Writes the group `id` as it is stored now.
int PrintGroup(const AdminAction& a, int64_t id) {
  auto stored = a.dir.GetGroup(id);
  if (!stored.ok()) return a.Fail(stored.status());
  return a.Print(admin::GroupJson(*stored), GroupText(a.dir, *stored));
}

// Resolves every ORG first, so that a typo changes nothing.
Result<std::vector<int64_t>> ResolveOrgs(store::Directory& dir,
                                         const std::vector<std::string>& refs) {
  std::vector<int64_t> ids;
  for (const std::string& ref : refs) {
    TESSERA_ASSIGN_OR_RETURN(store::Organization org, admin::FindOrg(dir, ref));
    ids.push_back(org.id);
  }
  return ids;
}

int RunGroupAdd(const AdminAction& a, const GroupArgs& args) {
  auto members = ResolveOrgs(a.dir, args.members);
  if (!members.ok()) return a.Fail(members.status());
  auto group = a.dir.CreateGroup(args.name, args.description);
  if (!group.ok()) return a.Fail(group.status());
  for (int64_t m : *members) {
    if (Status st = a.dir.AddGroupMember(group->id, m); !st.ok()) return a.Fail(st);
  }
  return PrintGroup(a, group->id);
}

int RunGroupMembers(const AdminAction& a, const GroupArgs& args, bool add) {
  auto group = admin::FindGroupRef(a.dir, args.name);
  if (!group.ok()) return a.Fail(group.status());
  auto members = ResolveOrgs(a.dir, args.members);
  if (!members.ok()) return a.Fail(members.status());
  for (int64_t m : *members) {
    Status st = add ? a.dir.AddGroupMember(group->id, m) : a.dir.RemoveGroupMember(group->id, m);
    if (!st.ok()) return a.Fail(st);
  }
  return PrintGroup(a, group->id);
}

int RunGroupList(const AdminAction& a) {
  auto groups = a.dir.ListGroups();
  if (!groups.ok()) return a.Fail(groups.status());
  if (a.json) return PrintJsonList(*groups, admin::GroupJson);
  std::map<int64_t, std::string> org_names;
  if (auto orgs = a.dir.ListOrganizations(); orgs.ok()) {
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

int RunGroupRename(const AdminAction& a, const GroupArgs& args) {
  auto group = admin::FindGroupRef(a.dir, args.name);
  if (!group.ok()) return a.Fail(group.status());
  auto renamed = a.dir.RenameGroup(group->id, args.new_name);
  if (!renamed.ok()) return a.Fail(renamed.status());
  return PrintGroup(a, renamed->id);
}

int RunGroupDelete(const AdminAction& a, const GroupArgs& args) {
  auto group = admin::FindGroupRef(a.dir, args.name);
  if (!group.ok()) return a.Fail(group.status());
  if (Status st = a.dir.DeleteGroup(group->id); !st.ok()) {
    if (store::IsInUse(st)) {
      return a.Fail(store::InUse("sharing group " + EscapeForDisplay(group->name) +
                                 " cannot be deleted: " + st.message()));
    }
    return a.Fail(st);
  }
  boost::json::object o = admin::GroupJson(*group);
  o["deleted"] = true;
  return a.Print(o, "sharing group " + EscapeForDisplay(group->name) + " deleted");
}

}  // namespace

Command AddGroupCommand(CLI::App& app) {
  auto args = std::make_shared<GroupArgs>();
  AdminCommand group(
      app, "group",
      "Manage sharing groups: named sets of organizations (trust communities). Objects addressed "
      "to a group, and collections whose readers name it, reach its members only; a group is "
      "visible to its members (and admins) alone. Exit 0 ok, 1 refused (name taken, unknown "
      "group or organization, not a member), 2 usage or I/O.");

  CLI::App* add = group.Add("add", "Add a sharing group with its first members.",
                            [args](const AdminAction& a) { return RunGroupAdd(a, *args); });
  add->add_option("NAME", args->name, "Group name (unique)")->required();
  add->add_option("--member", args->members,
                  "A member organization (name, identity id or numeric id); repeat for several");
  add->add_option("--description", args->description, "What the group is for");

  CLI::App* add_member =
      group.Add("add-member", "Add organizations to a group (already members are ok).",
                [args](const AdminAction& a) { return RunGroupMembers(a, *args, true); });
  add_member->add_option("NAME", args->name, "Group name or numeric id")->required();
  add_member->add_option("ORG", args->members, "Organizations to add")->required();

  CLI::App* remove_member = group.Add(
      "remove-member",
      "Remove organizations from a group: they stop seeing what is addressed to the group at "
      "once. Exit 1 when one is not a member (those before it are removed).",
      [args](const AdminAction& a) { return RunGroupMembers(a, *args, false); });
  remove_member->add_option("NAME", args->name, "Group name or numeric id")->required();
  remove_member->add_option("ORG", args->members, "Organizations to remove")->required();

  group.Add("list", "List the sharing groups and their members.", RunGroupList);

  CLI::App* rename =
      group.Add("rename", "Rename a group (its id, which objects and collections name, stays).",
                [args](const AdminAction& a) { return RunGroupRename(a, *args); });
  rename->add_option("NAME", args->name, "Group name or numeric id")->required();
  rename->add_option("NEW", args->new_name, "The new name (unique)")->required();

  CLI::App* del = group.Add(
      "delete",
      "Delete a group nothing's access depends on. Refused (exit 1, saying why) while a "
      "collection names it (audience, readers, writers) or any object is addressed to it.",
      [args](const AdminAction& a) { return RunGroupDelete(a, *args); });
  del->add_option("NAME", args->name, "Group name or numeric id")->required();

  return group.Finish();
}

}  // namespace tessera::cli
