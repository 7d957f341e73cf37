// tessera org add NAME | org list | org rename ORG NEW | org disable ORG | org enable ORG |
// org delete ORG   [--data DIR] [--json]

#include <iostream>
#include <memory>
#include <string>

#include "cli/admin_common.h"
#include "ingest/ingest.h"

namespace tessera::cli {
namespace {

struct OrgArgs {
  std::string name;
  std::string new_name;
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
                    FormatTimestamp(o.created, TimePrecision::kSeconds),
                    o.disabled ? "disabled" : "active"});
  }
  PrintTable(std::cout, {"ID", "NAME", "IDENTITY", "CREATED", "STATE"}, rows);
  return kExitOk;
}

// Renames the organization; its STIX identity keeps its id (what objects cite) and takes the name.
int RunOrgRename(const AdminAction& a, const OrgArgs& args) {
  auto org = admin::FindOrg(a.dir, args.name);
  if (!org.ok()) return a.Fail(org.status());
  auto renamed = a.dir.RenameOrganization(org->id, args.new_name);
  if (!renamed.ok()) return a.Fail(renamed.status());
  return a.Print(admin::OrgJson(*renamed), "organization " + EscapeForDisplay(org->name) +
                                               " renamed " + EscapeForDisplay(renamed->name) +
                                               " (identity " + renamed->identity_id + ")");
}

int RunOrgSetDisabled(const AdminAction& a, const OrgArgs& args, bool disabled) {
  auto org = admin::FindOrg(a.dir, args.name);
  if (!org.ok()) return a.Fail(org.status());
  auto changed = admin::SetOrgDisabled(a.dir, *org, disabled);
  if (!changed.ok()) return a.Fail(changed.status());
  return a.Print(admin::OrgJson(*changed), "organization " + EscapeForDisplay(changed->name) +
                                               (disabled ? " disabled" : " enabled"));
}

int RunOrgDelete(const AdminAction& a, const OrgArgs& args) {
  auto org = admin::FindOrg(a.dir, args.name);
  if (!org.ok()) return a.Fail(org.status());
  if (Status st = a.dir.DeleteOrganization(org->id); !st.ok()) {
    if (store::IsInUse(st)) {
      return a.Fail(store::InUse("organization " + EscapeForDisplay(org->name) +
                                 " cannot be deleted: " + st.message()));
    }
    return a.Fail(st);
  }
  boost::json::object o = admin::OrgJson(*org);
  o["deleted"] = true;
  return a.Print(o, "organization " + EscapeForDisplay(org->name) + " deleted");
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

  org.Add("list", "List the organizations: id, name, identity id, state.", RunOrgList);

  CLI::App* rename = org.Add(
      "rename",
      "Rename an organization. Its STIX identity keeps its id (which objects cite) and takes the "
      "new name.",
      [args](const AdminAction& a) { return RunOrgRename(a, *args); });
  rename->add_option("ORG", args->name, "Organization: name, identity id or numeric id")
      ->required();
  rename->add_option("NEW", args->new_name, "The new name (unique)")->required();

  CLI::App* disable =
      org.Add("disable",
              "Disable an organization: the tokens of its users stop working at once; nothing is "
              "deleted. Not the hub's own organization. `tessera org enable` undoes it.",
              [args](const AdminAction& a) { return RunOrgSetDisabled(a, *args, true); });
  disable->add_option("ORG", args->name, "Organization: name, identity id or numeric id")
      ->required();
  CLI::App* enable =
      org.Add("enable", "Enable a disabled organization again.",
              [args](const AdminAction& a) { return RunOrgSetDisabled(a, *args, false); });
  enable->add_option("ORG", args->name, "Organization: name, identity id or numeric id")
      ->required();

  CLI::App* del = org.Add(
      "delete",
      "Delete an organization that nothing depends on. Refused (exit 1, saying why) for the "
      "hub's own organization, one with users, or one that provided objects or wrote through "
      "TAXII: disable it instead.",
      [args](const AdminAction& a) { return RunOrgDelete(a, *args); });
  del->add_option("ORG", args->name, "Organization: name, identity id or numeric id")->required();

  return org.Finish();
}

}  // namespace tessera::cli
