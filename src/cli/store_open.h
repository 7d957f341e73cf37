#pragma once
// Opening the store, the same way for every command that uses one.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "store/store.h"

namespace tessera::cli {

// Opens the store in `data_dir` for `tessera <command>` (store::OpenStore). On failure prints
// "tessera <command>: <reason>" on standard error and, when kOpenExisting finds no store there,
// how to create one; then returns nullptr, and the command exits with kExitUsage.
std::unique_ptr<store::Store> OpenCommandStore(
    std::string_view command, const std::string& data_dir,
    store::OpenMode mode = store::OpenMode::kOpenExisting,
    size_t read_connections = store::kDefaultReadConnections);

}  // namespace tessera::cli
