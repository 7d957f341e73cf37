#include "cli/store_open.h"

#include <iostream>

#include "cli/audit_actions.h"

namespace tessera::cli {

std::unique_ptr<store::Store> OpenCommandStore(std::string_view command,
                                               const std::string& data_dir, store::OpenMode mode,
                                               size_t read_connections) {
  auto opened = store::OpenStore(data_dir, mode, read_connections);
  if (opened.ok()) {
    AttachCliAudit(**opened, data_dir);
    return std::move(opened).value();
  }
  std::cerr << "tessera " << command << ": " << opened.status().message() << "\n";
  if (mode == store::OpenMode::kOpenExisting && opened.status().code() == ErrorCode::kNotFound) {
    std::cerr << "tessera " << command << ": create the store first: tessera init --data "
              << data_dir << "\n";
  }
  return nullptr;
}

}  // namespace tessera::cli
