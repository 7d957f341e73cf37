// tessera incident create NAME [--severity S] [--marking TLP] [--description D] [--exercise] |
// incident list | incident show ID | incident stage ID STAGE [--closing-summary S] |
// incident participant add ID ORG --role R | incident participant remove ID ORG
// [--as USER] [--data DIR] [--json]
//
// Incidents on the data directory (docs/incidents.md), through incident/service.h as the admin
// API's routes do: as the user --as names (its organization and role), else as the operator
// acting for the hub's own organization. Exit 0 done, 1 refused (unknown incident or
// organization, a rule broken: the message names it), 2 usage or I/O.

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/admin_common.h"
#include "incident/service.h"
#include "ingest/ingest.h"
#include "policy/view.h"
#include "store/audit_log.h"

namespace tessera::cli {
namespace {

struct IncidentArgs {
  AdminCommonArgs common;
  std::string as;
  std::string id;
  std::string org;
  std::string role;
  std::string stage;
  std::string closing_summary;
  incident::NewIncident create;
  std::string marking = "amber";
};

// Who acts: the user --as names, else the operator for the hub's organization.
Result<policy::Principal> ActingPrincipal(store::Directory& dir, const std::string& as) {
  if (as.empty()) return ingest::OperatorPrincipal(dir, "");
  TESSERA_ASSIGN_OR_RETURN(store::User user, dir.FindUser(as));
  if (user.disabled) return PermissionDenied("user " + as + " is disabled");
  return policy::ReaderNamed(dir, "user:" + as);
}

// Each line as EscapeForDisplay shows it: a name cannot forge a line.
std::string IncidentText(const incident::Incident& in) {
  std::string text =
      EscapeForDisplay(in.case_number + "  " + in.id) + "\n  " + EscapeForDisplay(in.name) +
      "\n  stage " + std::string(incident::StageName(in.stage)) + ", severity " +
      EscapeForDisplay(in.severity) + (in.exercise ? ", exercise" : "") + ", determination " +
      EscapeForDisplay(in.determination) + ", modified " + EscapeForDisplay(in.modified);
  for (const incident::Participant& p : in.participants) {
    std::string line =
        "participant " + p.organization_ref + " (" + p.role + ") invited " + p.invited;
    if (!p.acknowledged.empty()) line += ", acknowledged " + p.acknowledged;
    text += "\n  " + EscapeForDisplay(line);
  }
  return text;
}

int PrintIncident(const IncidentArgs& args, const incident::Incident& in) {
  if (args.common.json) {
    std::cout << PrettyJson(incident::IncidentJson(in));
  } else {
    std::cout << IncidentText(in) << "\n";
  }
  return kExitOk;
}

// Opens the store, resolves who acts, runs `fn` with both.
template <typename F>
int WithStore(const std::string& command, const IncidentArgs& args, F&& fn) {
  auto store = OpenCommandStore(command, args.common.data_dir, store::OpenMode::kOpenExisting, 1);
  if (!store) return kExitUsage;
  auto p = ActingPrincipal(store->directory(), args.as);
  if (!p.ok()) return Fail(command, p.status());
  std::string org;
  if (auto o = store->directory().GetOrganization(p->org_id); o.ok()) org = o->name;
  const incident::Actor actor{args.as.empty() ? store::CliActor() : args.as, org, ""};
  return fn(*store, *p, actor);
}

Result<int64_t> OrgId(store::Store& store, const std::string& ref) {
  auto org = admin::FindOrg(store.directory(), ref);
  if (org.ok()) return org->id;
  if (org.status().code() == ErrorCode::kNotFound) return -1;  // the incident is checked first
  return org.status();
}

}  // namespace

Command AddIncidentCommand(CLI::App& app) {
  auto args = std::make_shared<IncidentArgs>();
  CLI::App* cmd = app.add_subcommand(
      "incident",
      "Handle incidents with other organizations (docs/incidents.md): each incident has its own "
      "collection, readable by its participants only, and every change is in the incidents audit "
      "chain (`tessera audit list --chain incidents`). Works as the user --as names, else as the "
      "operator for the hub's organization. Exit 0 done, 1 refused (unknown incident or "
      "organization, a rule broken: the message names it), 2 usage or I/O.");
  cmd->require_subcommand(1);
  auto common = [args](CLI::App* sub) {
    sub->add_option("--as", args->as, "Act as this user (its organization and role)");
    AddAdminCommonOptions(sub, args->common);
  };

  CLI::App* create = cmd->add_subcommand(
      "create",
      "Open an incident led by the acting organization: its case number, its own "
      "collection and the lead as its one participant, in one transaction.");
  create->add_option("NAME", args->create.name, "What happened, one line")->required();
  create->add_option("--severity", args->create.severity, "low, medium, high or critical")
      ->capture_default_str();
  create
      ->add_option("--marking", args->marking,
                   "The incident's TLP: clear, green, amber, amber+strict or red")
      ->capture_default_str();
  create->add_option("--description", args->create.description, "More words");
  create->add_flag("--exercise", args->create.exercise, "A drill, never counted as real");
  common(create);

  CLI::App* list = cmd->add_subcommand("list", "The incidents the acting organization is in.");
  common(list);

  CLI::App* show = cmd->add_subcommand("show", "One incident as the acting organization sees it.");
  show->add_option("ID", args->id, "The incident's id (incident--...)")->required();
  common(show);

  CLI::App* stage = cmd->add_subcommand(
      "stage",
      "Move an incident to another stage (its lead organization). Exit 1 when the stage "
      "machine refuses, with its rule and reason.");
  stage->add_option("ID", args->id, "The incident's id")->required();
  stage
      ->add_option("STAGE", args->stage,
                   "new, triage, containment, eradication, recovery or closed")
      ->required();
  stage->add_option("--closing-summary", args->closing_summary, "Required to close");
  common(stage);

  CLI::App* participant = cmd->add_subcommand("participant", "Invite or remove organizations.");
  participant->require_subcommand(1);
  CLI::App* padd = participant->add_subcommand(
      "add", "Invite an organization (the lead): it reads the incident's collection from now on.");
  padd->add_option("ID", args->id, "The incident's id")->required();
  padd->add_option("ORG", args->org, "Organization (name, identity id or numeric id)")->required();
  padd->add_option("--role", args->role, "responder, observer or reporter")->required();
  common(padd);
  CLI::App* premove = participant->add_subcommand(
      "remove", "Remove an organization (the lead): it reads nothing of the incident any more.");
  premove->add_option("ID", args->id, "The incident's id")->required();
  premove->add_option("ORG", args->org, "Organization (name, identity id or numeric id)")
      ->required();
  common(premove);

  return Command{
      cmd, [=]() -> int {
        const IncidentArgs& a = *args;
        if (create->parsed()) {
          return WithStore("incident create", a, [&](store::Store& s, auto& p, auto& actor) {
            incident::NewIncident req = a.create;
            auto level = store::ParseTlpName(a.marking);
            if (!level) {
              return Fail("incident create", InvalidArgument("--marking is clear, green, amber, "
                                                             "amber+strict or red"));
            }
            req.marking = *level;
            auto made = incident::CreateIncident(s, p, actor, req);
            if (!made.ok()) return Fail("incident create", made.status());
            return PrintIncident(a, *made);
          });
        }
        if (list->parsed()) {
          return WithStore("incident list", a, [&](store::Store& s, auto& p, auto&) {
            auto all = incident::ListIncidents(s, p);
            if (!all.ok()) return Fail("incident list", all.status());
            if (a.common.json) return PrintJsonList(*all, incident::IncidentJson);
            std::vector<std::vector<std::string>> rows;
            for (const incident::Incident& in : *all) {
              rows.push_back({in.case_number, in.id, std::string(incident::StageName(in.stage)),
                              in.severity, in.name});
            }
            PrintTable(std::cout, {"CASE", "ID", "STAGE", "SEVERITY", "NAME"}, rows);
            return kExitOk;
          });
        }
        if (show->parsed()) {
          return WithStore("incident show", a, [&](store::Store& s, auto& p, auto&) {
            auto got = incident::GetIncident(s, p, a.id);
            if (!got.ok()) return Fail("incident show", got.status());
            return PrintIncident(a, *got);
          });
        }
        if (stage->parsed()) {
          return WithStore("incident stage", a, [&](store::Store& s, auto& p, auto& actor) {
            auto to = incident::ParseStage(a.stage);
            if (!to) {
              return Fail("incident stage", InvalidArgument("STAGE is new, triage, containment, "
                                                            "eradication, recovery or closed"));
            }
            std::optional<std::string> summary;
            if (!a.closing_summary.empty()) summary = a.closing_summary;
            auto changed = incident::ChangeStage(s, p, actor, a.id, *to, summary);
            if (!changed.ok()) return Fail("incident stage", changed.status());
            if (!changed->transition.allowed) {
              std::cerr << "tessera incident stage: refused (" << changed->transition.rule
                        << "): " << changed->transition.reason << "\n";
              return kExitFindings;
            }
            return PrintIncident(a, changed->incident);
          });
        }
        if (padd->parsed() || premove->parsed()) {
          const std::string name =
              padd->parsed() ? "incident participant add" : "incident participant remove";
          return WithStore(name, a, [&](store::Store& s, auto& p, auto& actor) {
            auto org = OrgId(s, a.org);
            if (!org.ok()) return Fail(name, org.status());
            auto done = padd->parsed() ? incident::AddParticipant(s, p, actor, a.id, *org, a.role)
                                       : incident::RemoveParticipant(s, p, actor, a.id, *org);
            if (!done.ok()) return Fail(name, done.status());
            return PrintIncident(a, *done);
          });
        }
        return kExitUsage;
      }};
}

}  // namespace tessera::cli
