// The `tessera` executable: one binary, one subcommand per job.

#include <CLI/CLI.hpp>

#include <iostream>
#include <vector>

#include "cli/commands.h"
#include "common/log.h"

int main(int argc, char** argv) {
  using namespace tessera::cli;
  CLI::App app{"Tessera: cybersecurity information sharing, detection and coordination hub"};
  app.set_version_flag("--version", "tessera 0.1.0");
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str();

  const std::vector<Command> commands = {
      AddValidateCommand(app), AddPatternCommand(app), AddInitCommand(app),
      AddImportCommand(app),   AddExportCommand(app),  AddServeCommand(app),
      AddHuntCommand(app),     AddOrgCommand(app),     AddUserCommand(app),
      AddTokenCommand(app),    AddGroupCommand(app),   AddCollectionCommand(app),
  };

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
  for (const Command& c : commands) {
    if (c.app->parsed()) return c.run();
  }
  return kExitUsage;  // require_subcommand(1) makes this unreachable
}
