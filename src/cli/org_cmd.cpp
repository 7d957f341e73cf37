// tessera org add NAME | org list   [--data DIR] [--json]

#include <iostream>
#include <memory>
#include <string>

#include "cli/admin_common.h"

namespace tessera::cli {
namespace {

struct OrgArgs {
  AdminCommonArgs common;
  std::string name;
};

int RunOrgAdd(const OrgArgs& args) {
  auto store = OpenExistingStore(args.common.data_dir, "org add");
  if (!store) return kExitUsage;
  auto org = store->directory().CreateOrganization(args.name);
  if (!org.ok()) return Fail("org add", org.status());
  if (args.common.json) {
    std::cout << api::PrettyJson(api::OrgJson(*org));
  } else {
    std::cout << org->identity_id << "\n";
  }
  return kExitOk;
}

int RunOrgList(const OrgArgs& args) {
  auto store = OpenExistingStore(args.common.data_dir, "org list");
  if (!store) return kExitUsage;
  store::Directory& dir = store->directory();
  auto orgs = dir.ListOrganizations();
  if (!orgs.ok()) return Fail("org list", orgs.status());
  if (args.common.json) {
    boost::json::array list;
    for (const store::Organization& o : *orgs) list.push_back(api::OrgJson(o));
    std::cout << api::PrettyJson(list);
    return kExitOk;
  }
  std::string hub_org;
  if (auto s = dir.GetSetting(store::kSettingHubOrg); s.ok()) hub_org = *s;
  std::vector<std::vector<std::string>> rows;
  for (const store::Organization& o : *orgs) {
    const std::string id = std::to_string(o.id);
    rows.push_back({id, o.name + (id == hub_org ? " (hub)" : ""), o.identity_id,
                    FormatTimestamp(o.created, TimePrecision::kSeconds)});
  }
  PrintTable(std::cout, {"ID", "NAME", "IDENTITY", "CREATED"}, rows);
  return kExitOk;
}

}  // namespace

Command AddOrgCommand(CLI::App& app) {
  auto args = std::make_shared<OrgArgs>();
  CLI::App* sub = app.add_subcommand(
      "org",
      "Manage the organizations of the hub (each has a STIX identity that its members' objects "
      "may cite in created_by_ref). Exit 0 ok, 1 refused (name taken, unknown), 2 usage or I/O.");
  sub->require_subcommand(1);

  CLI::App* add = sub->add_subcommand(
      "add", "Add an organization; prints its STIX identity id (identity--<uuid>).");
  add->add_option("NAME", args->name, "Organization name (unique)")->required();
  AddAdminCommonOptions(add, args->common);

  CLI::App* list = sub->add_subcommand("list", "List the organizations: id, name, identity id.");
  AddAdminCommonOptions(list, args->common);

  return Command{sub, [args, add, list] {
                   if (add->parsed()) return RunOrgAdd(*args);
                   if (list->parsed()) return RunOrgList(*args);
                   return kExitUsage;
                 }};
}

}  // namespace tessera::cli
