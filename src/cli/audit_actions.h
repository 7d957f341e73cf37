#pragma once
// The audit action of each `tessera` command (store/audit_log.h): every command that changes the
// store names the action its entry records ("user.create", "objects.import", ...), every other
// one says it changes nothing (""), in one table (audit_actions.cpp). `tessera audit actions`
// lists every command with its action, and a test runs every command that has one and finds its
// entry: a new command missing from the table is listed as undeclared and fails that test.
//
// A run of a command with an action: main() calls BeginCliAudit before it runs; the store opened
// by OpenCommandStore then appends the entry, actor "cli:<OS user>", in the transaction of the
// command's first write (store::AuditScope); FinishCliAudit records a run that wrote nothing (a
// refusal, with the message the command printed, or a change that found nothing to change) once
// the command has ended. Single-threaded use (main's thread).

#include <CLI/CLI.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/store.h"

namespace tessera::cli {

// The action of the command at `path` ("user add", "search reindex", "import"): "" when it
// changes nothing, nullptr when the table below (audit_actions.cpp) does not list it.
const std::string* AuditActionOf(std::string_view path);

// Every runnable command under `app` (a subcommand that needs no further subcommand) by path.
std::vector<std::pair<std::string, const CLI::App*>> CommandPaths(const CLI::App& app);

// The path of the command that was parsed ("" when none).
std::string ParsedCommandPath(const CLI::App& app);

// Starts recording the run of a command with `action`; `target` names what it acts on and
// `command_line` is its words after "tessera".
void BeginCliAudit(std::string action, std::string target, std::string command_line);
// Called by OpenCommandStore with each store it opens: the first one gets the run's AuditScope.
void AttachCliAudit(store::Store& store, const std::string& data_dir);
// The reason of a refused run is the first line the command wrote on standard error (without its
// "tessera <command>: " prefix): BeginCliAudit starts watching std::cerr (what is written still
// goes to standard error), FinishCliAudit stops.
// Ends the run's recording with the command's exit code.
void FinishCliAudit(int exit_code);

}  // namespace tessera::cli
