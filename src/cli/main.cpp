// The `tessera` executable: one binary, one subcommand per job.

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>
#include <map>
#include <new>
#include <string>
#include <vector>

#include "cli/audit_actions.h"
#include "cli/commands.h"
#include "common/log.h"
#include "policy/tokens.h"

int main(int argc, char** argv) {
  using namespace tessera::cli;
  CLI::App app{"Tessera: cybersecurity information sharing, detection and coordination hub"};
  app.set_version_flag("--version", "tessera 0.1.0");
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str();

  const std::vector<Command> commands = {
      AddValidateCommand(app), AddPatternCommand(app),  AddInitCommand(app),
      AddImportCommand(app),   AddExportCommand(app),   AddServeCommand(app),
      AddHuntCommand(app),     AddOrgCommand(app),      AddUserCommand(app),
      AddTokenCommand(app),    AddGroupCommand(app),    AddCollectionCommand(app),
      AddSearchCommand(app),   AddBackupCommand(app),   AddRestoreCommand(app),
      AddAuditCommand(app),    AddIncidentCommand(app),
  };

  // `tessera --help` lists each command in one line, as git does; the command's own paragraph
  // (its description as it added itself) is printed by its own --help, after its options.
  static const std::map<std::string, std::string> kSummaries = {
      {"validate", "Check STIX 2.1 files against the standard"},
      {"pattern", "Check STIX patterns, or match them against observed-data"},
      {"init", "Create the store and the hub (API root, organization, admin token)"},
      {"import", "Validate STIX 2.1 files and store them"},
      {"export", "Write stored STIX objects to standard output"},
      {"serve", "Serve the TAXII 2.1 API and the admin API over HTTP"},
      {"hunt", "Look the observables of security logs up in STIX indicators"},
      {"org", "Manage the organizations of the hub"},
      {"user", "Manage the users of the hub"},
      {"token", "Manage API tokens"},
      {"group", "Manage sharing groups (trust communities)"},
      {"collection", "Manage TAXII collections and who reads and writes them"},
      {"search", "Look values up in the store: does the hub know them?"},
      {"backup", "Copy the store, consistent and verified, while the hub runs"},
      {"restore", "Verify a backup and make it the data directory"},
      {"audit", "Read and verify the audit log of who changed what"},
      {"incident", "Handle incidents with other organizations"},
  };
  for (const Command& c : commands) {
    auto summary = kSummaries.find(c.app->get_name());
    if (summary == kSummaries.end()) continue;  // a new command keeps its own text
    c.app->footer(c.app->get_description());
    c.app->description(summary->second);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  if (auto st = tessera::InitLogging(log_level); !st.ok()) {
    std::cerr << "tessera: " << st.message() << "\n";
    return kExitUsage;
  }
  // A command that changes the store records its run in the audit log (cli/audit_actions.h).
  const std::string path = ParsedCommandPath(app);
  if (const std::string* action = AuditActionOf(path); action != nullptr && !action->empty()) {
    const CLI::App* leaf = &app;
    std::string target;
    for (const auto& [p, sub] : CommandPaths(app)) {
      if (p == path) leaf = sub;
    }
    for (const CLI::Option* o : leaf->get_options()) {
      if (!o->get_positional()) continue;
      for (const std::string& v : o->results()) target += (target.empty() ? "" : " ") + v;
    }
    std::string line;
    for (int i = 1; i < argc; ++i) line += (i > 1 ? " " : "") + std::string(argv[i]);
    // A token pasted where its id goes (`token rotate tsr_...`) keeps its secret out of the log.
    BeginCliAudit(*action, tessera::policy::RedactTokens(target),
                  tessera::policy::RedactTokens(line));
  }
  for (const Command& c : commands) {
    if (c.app->parsed()) {
      // An exception (memory exhausted; a command's threads hand theirs to this one) ends the
      // command with one line and exit 2, never an abort: what the store acknowledged is
      // committed, what it had not is rolled back as the command's objects unwind.
      int rc = kExitUsage;
      try {
        rc = c.run();
      } catch (const std::bad_alloc&) {
        std::cerr << "tessera " << path << ": out of memory\n";
      } catch (const std::exception& e) {
        std::cerr << "tessera " << path << ": internal error: " << e.what() << "\n";
      }
      FinishCliAudit(rc);
      return rc;
    }
  }
  return kExitUsage;  // require_subcommand(1) makes this unreachable
}
