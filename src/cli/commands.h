#pragma once
// Each `tessera` subcommand adds itself to the app and returns how to run it. Exit codes, the same
// for every subcommand: 0 success, 1 the input was understood and found wanting (invalid objects,
// no match), 2 usage or I/O error.

#include <CLI/CLI.hpp>

#include <functional>

namespace tessera::cli {

constexpr int kExitOk = 0;
constexpr int kExitFindings = 1;
constexpr int kExitUsage = 2;

// Where the store lives when --data is not given (and $TESSERA_DATA is not set).
constexpr const char* kDefaultDataDir = "./tessera-data";

struct Command {
  CLI::App* app;             // the subcommand, owned by the parent app
  std::function<int()> run;  // runs it after a successful parse; returns the exit code
};

Command AddValidateCommand(CLI::App& app);
Command AddPatternCommand(CLI::App& app);
Command AddInitCommand(CLI::App& app);
Command AddImportCommand(CLI::App& app);
Command AddExportCommand(CLI::App& app);
Command AddServeCommand(CLI::App& app);
Command AddHuntCommand(CLI::App& app);
Command AddOrgCommand(CLI::App& app);
Command AddUserCommand(CLI::App& app);
Command AddTokenCommand(CLI::App& app);
Command AddGroupCommand(CLI::App& app);
Command AddCollectionCommand(CLI::App& app);
Command AddSearchCommand(CLI::App& app);
Command AddBackupCommand(CLI::App& app);
Command AddRestoreCommand(CLI::App& app);
Command AddAuditCommand(CLI::App& app);
Command AddIncidentCommand(CLI::App& app);

}  // namespace tessera::cli
