#pragma once
// What the hub's account commands (`tessera org`, `user`, `token`, `group`, `collection`) share:
// the --data and --json options, opening the store (cli/store_open.h), reporting a failed operation
// with the right exit code, writing a result as JSON or text, and aligned text tables. AdminCommand
// ties these together, so that each command file holds only its own options and actions. `tessera
// init` takes the --data option from here too. Header-only; used by the *_cmd.cpp files of those
// commands.

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "admin/accounts.h"
#include "cli/commands.h"
#include "cli/store_open.h"
#include "common/display.h"
#include "common/json.h"
#include "common/status.h"
#include "store/store.h"

namespace tessera::cli {

// Options every account command has.
struct AdminCommonArgs {
  std::string data_dir = kDefaultDataDir;
  bool json = false;
};

// --data DIR, the directory of the store (also read from $TESSERA_DATA).
inline void AddDataDirOption(CLI::App* sub, std::string& data_dir) {
  sub->add_option("--data", data_dir, "Data directory (also read from $TESSERA_DATA)")
      ->envname("TESSERA_DATA")
      ->capture_default_str();
}

inline void AddAdminCommonOptions(CLI::App* sub, AdminCommonArgs& args) {
  AddDataDirOption(sub, args.data_dir);
  sub->add_flag("--json", args.json, "Write the result as JSON (the admin API's documents)");
}

// The exit code for a failed operation: 1 when the request was understood and refused (unknown
// name, name taken, a rule broken), 2 for storage and usage failures.
inline int ExitCodeFor(const Status& st) {
  switch (st.code()) {
    case ErrorCode::kNotFound:
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kLimitExceeded:
      return kExitFindings;
    default:
      return kExitUsage;
  }
}

// Prints "tessera <command>: <message>" on standard error and returns ExitCodeFor(st).
inline int Fail(std::string_view command, const Status& st) {
  std::cerr << "tessera " << command << ": " << st.message() << "\n";
  return ExitCodeFor(st);
}

// Prints rows under a header, each column as wide as its widest cell, two spaces apart.
// Every cell is printed as EscapeForDisplay shows it (common/display.h): a name or label holding
// a newline, a bidi override or another control or format character cannot forge or hide a row.
inline void PrintTable(std::ostream& out, const std::vector<std::string>& header,
                       std::vector<std::vector<std::string>> rows) {
  for (auto& row : rows) {
    for (std::string& cell : row) cell = EscapeForDisplay(cell);
  }
  std::vector<size_t> width(header.size(), 0);
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (size_t i = 0; i < cells.size() && i < width.size(); ++i) {
      text += cells[i];
      if (i + 1 < cells.size()) text += std::string(width[i] - cells[i].size() + 2, ' ');
    }
    out << text << "\n";
  };
  line(header);
  for (const auto& row : rows) line(row);
}

// One run of an account subcommand, made by AdminCommand with the store open: the subcommand's
// name, the store's directory and whether --json was given. Valid during the run only.
struct AdminAction {
  std::string command;  // "org add": what its messages start with after "tessera "
  store::Directory& dir;
  bool json = false;

  // Fail(command, st): says why on standard error; returns the exit code for st.
  int Fail(const Status& st) const { return cli::Fail(command, st); }

  // Writes the action's result on standard output: `doc` as pretty-printed JSON with --json,
  // else `text` and a newline. Returns kExitOk.
  int Print(const boost::json::value& doc, std::string_view text) const {
    if (json) {
      std::cout << PrettyJson(doc);
    } else {
      std::cout << text << "\n";
    }
    return kExitOk;
  }
};

// Writes `items` on standard output as a pretty-printed JSON array of to_json(item) (what a list
// subcommand writes with --json). Returns kExitOk.
template <typename T, typename ToJson>
int PrintJsonList(const std::vector<T>& items, ToJson to_json) {
  boost::json::array list;
  for (const T& item : items) list.push_back(to_json(item));
  std::cout << PrettyJson(list);
  return kExitOk;
}

// An account command (`tessera org`) and its subcommands (`org add`, `org list`). Every
// subcommand gets --data and --json after its own options (so --help lists them last); when it is
// the one given, the store in --data is opened (exit 2 when it cannot be, saying how to create
// it) and its action runs on it. Used while main() builds the CLI; not thread-safe.
class AdminCommand {
 public:
  using Action = std::function<int(const AdminAction&)>;
  using Check = std::function<int()>;

  AdminCommand(CLI::App& app, const std::string& name, const std::string& description)
      : app_(app.add_subcommand(name, description)) {
    app_->require_subcommand(1);
  }

  // Adds the subcommand `name` running `action`. `check`, when given, runs first, before the
  // store is opened (arguments that need no store are checked without one): a result other than
  // kExitOk is the subcommand's exit code. Returns the subcommand, for its own options (owned by
  // the command's CLI::App).
  CLI::App* Add(const std::string& name, const std::string& description, Action action,
                Check check = nullptr) {
    CLI::App* sub = app_->add_subcommand(name, description);
    subs_.push_back({sub, std::move(action), std::move(check)});
    return sub;
  }

  // Adds --data and --json to every subcommand and returns the command for main(). Call it once,
  // after the last Add().
  Command Finish() {
    for (const Sub& s : subs_) AddAdminCommonOptions(s.app, *common_);
    return Command{app_, [command = app_->get_name(), common = common_, subs = subs_] {
                     for (const Sub& s : subs) {
                       if (s.app->parsed())
                         return Run(command + " " + s.app->get_name(), *common, s);
                     }
                     return kExitUsage;
                   }};
  }

 private:
  struct Sub {
    CLI::App* app;
    Action action;
    Check check;
  };

  static int Run(const std::string& command, const AdminCommonArgs& common, const Sub& sub) {
    if (sub.check) {
      if (const int rc = sub.check(); rc != kExitOk) return rc;
    }
    auto store = OpenCommandStore(command, common.data_dir, store::OpenMode::kOpenExisting, 1);
    if (!store) return kExitUsage;
    return sub.action(AdminAction{command, store->directory(), common.json});
  }

  CLI::App* app_;
  // Shared by the subcommands (one of them is parsed) and the command's run function.
  std::shared_ptr<AdminCommonArgs> common_ = std::make_shared<AdminCommonArgs>();
  std::vector<Sub> subs_;
};

}  // namespace tessera::cli
