// tessera init [--data DIR]

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "store/store.h"

namespace tessera::cli {
namespace {

struct InitArgs {
  std::string data_dir = kDefaultDataDir;
};

int RunInit(const InitArgs& args) {
  const std::string path = (std::filesystem::path(args.data_dir) / store::kStoreFileName).string();
  std::error_code ec;
  const bool existed = std::filesystem::exists(path, ec);
  auto opened = store::OpenStore(args.data_dir, store::OpenMode::kCreateIfMissing);
  if (!opened.ok()) {
    std::cerr << "tessera init: " << opened.status().message() << "\n";
    return kExitUsage;
  }
  if (existed) {
    auto count = (*opened)->CountObjects();
    std::cout << "Tessera store already exists: " << path;
    if (count.ok()) std::cout << " (" << *count << " object version(s))";
    std::cout << "\n";
  } else {
    std::cout << "created Tessera store " << path << "\n";
  }
  return kExitOk;
}

}  // namespace

Command AddInitCommand(CLI::App& app) {
  auto args = std::make_shared<InitArgs>();
  CLI::App* sub = app.add_subcommand(
      "init",
      "Create the Tessera store (DIR/tessera.db; DIR is created owner-only when missing). On an "
      "existing store it only brings its schema up to date and says so. Exit 0 when the store is "
      "ready, 2 when it cannot be created or opened.");
  sub->add_option("--data", args->data_dir, "Data directory (also read from $TESSERA_DATA)")
      ->envname("TESSERA_DATA")
      ->capture_default_str();
  return Command{sub, [args] { return RunInit(*args); }};
}

}  // namespace tessera::cli
