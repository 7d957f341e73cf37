#pragma once
// What the hub's account commands (`tessera org`, `user`, `token`, `group`, `collection`) share:
// the --data and --json options, opening the store, reporting a failed operation with the right
// exit code, and aligned text tables. Header-only; used by the *_cmd.cpp files of those commands.

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/admin.h"
#include "cli/commands.h"
#include "common/status.h"
#include "store/store.h"

namespace tessera::cli {

// Options every account command has.
struct AdminCommonArgs {
  std::string data_dir = kDefaultDataDir;
  bool json = false;
};

inline void AddAdminCommonOptions(CLI::App* sub, AdminCommonArgs& args) {
  sub->add_option("--data", args.data_dir, "Data directory (also read from $TESSERA_DATA)")
      ->envname("TESSERA_DATA")
      ->capture_default_str();
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

// Opens the existing store in data_dir; on failure prints why (and how to create one) and
// returns nullptr.
inline std::unique_ptr<store::Store> OpenExistingStore(const std::string& data_dir,
                                                       std::string_view command) {
  auto opened = store::OpenStore(data_dir, store::OpenMode::kOpenExisting, 1);
  if (!opened.ok()) {
    std::cerr << "tessera " << command << ": " << opened.status().message() << "\n";
    if (opened.status().code() == ErrorCode::kNotFound) {
      std::cerr << "tessera " << command << ": create the store first: tessera init --data "
                << data_dir << "\n";
    }
    return nullptr;
  }
  return std::move(*opened);
}

// Prints rows under a header, each column as wide as its widest cell, two spaces apart.
inline void PrintTable(std::ostream& out, const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows) {
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

}  // namespace tessera::cli
