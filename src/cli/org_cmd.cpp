// tessera org add NAME | org list   [--data DIR] [--json]

#include <iostream>
#include <memory>
#include <string>

#include "cli/admin_common.h"
#include "ingest/ingest.h"

namespace tessera::cli {
namespace {

struct OrgArgs {
  std::string name;
};

int RunOrgAdd(const AdminAction& a, const OrgArgs& args) {
  auto org = a.dir.CreateOrganization(args.name);
  if (!org.ok()) return a.Fail(org.status());
  return a.Print(admin::OrgJson(*org), org->identity_id);
}

int RunOrgList(const AdminAction& a) {
  auto orgs = a.dir.ListOrganizations();
  if (!orgs.ok()) return a.Fail(orgs.status());
  if (a.json) return PrintJsonList(*orgs, admin::OrgJson);
  int64_t hub_org = 0;
  if (auto hub = ingest::HubOrganization(a.dir); hub.ok() && *hub) hub_org = (*hub)->id;
  std::vector<std::vector<std::string>> rows;
  for (const store::Organization& o : *orgs) {
    const std::string id = std::to_string(o.id);
    rows.push_back({id, o.name + (o.id == hub_org ? " (hub)" : ""), o.identity_id,
                    FormatTimestamp(o.created, TimePrecision::kSeconds)});
  }
  PrintTable(std::cout, {"ID", "NAME", "IDENTITY", "CREATED"}, rows);
  return kExitOk;
}

}  // namespace

Command AddOrgCommand(CLI::App& app) {
  auto args = std::make_shared<OrgArgs>();
  AdminCommand org(
      app, "org",
      "Manage the organizations of the hub (each has a STIX identity that its members' objects "
      "may cite in created_by_ref). Exit 0 ok, 1 refused (name taken, unknown), 2 usage or I/O.");

  CLI::App* add =
      org.Add("add", "Add an organization; prints its STIX identity id (identity--<uuid>).",
              [args](const AdminAction& a) { return RunOrgAdd(a, *args); });
  add->add_option("NAME", args->name, "Organization name (unique)")->required();

  org.Add("list", "List the organizations: id, name, identity id.", RunOrgList);

  return org.Finish();
}

}  // namespace tessera::cli
