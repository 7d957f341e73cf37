// tessera validate [--strict] FILE...

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "common/file.h"
#include "stix/reader.h"

namespace tessera::cli {
namespace {

struct ValidateArgs {
  bool strict = false;
  bool quiet = false;
  std::vector<std::string> files;
};

int RunValidate(const ValidateArgs& args) {
  int rc = kExitOk;
  stix::ReadOptions options;
  options.strict = args.strict;
  size_t objects = 0, invalid = 0, warnings = 0;
  for (const std::string& file : args.files) {
    const std::string name = file == "-" ? "<stdin>" : file;
    auto text = ReadInput(file);
    if (!text.ok()) {
      std::cerr << "tessera validate: " << text.status().message() << "\n";
      rc = kExitUsage;
      continue;
    }
    auto doc = stix::ReadDocument(*text, options);
    if (!doc.ok()) {
      std::cout << name << ": " << doc.status().message() << "\n";
      if (rc == kExitOk) rc = kExitFindings;
      ++invalid;
      continue;
    }
    for (const stix::Problem& p : doc->problems) {
      if (p.severity == stix::Severity::kWarning) ++warnings;
      std::cout << name << ": " << (p.object_id.empty() ? "-" : p.object_id) << ": " << p.path
                << ": " << (p.severity == stix::Severity::kWarning ? "warning: " : "") << p.message
                << " [" << p.rule << "]\n";
    }
    objects += doc->objects.size();
    invalid += doc->invalid_objects;
    if (!doc->ok() && rc == kExitOk) rc = kExitFindings;
  }
  if (!args.quiet) {
    std::cerr << objects << " object(s) read, " << invalid << " invalid, " << warnings
              << " warning(s)\n";
  }
  return rc;
}

}  // namespace

Command AddValidateCommand(CLI::App& app) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* sub = app.add_subcommand(
      "validate",
      "Check STIX 2.1 files (bundles, single objects, JSON arrays or NDJSON) against the standard. "
      "Prints each problem as FILE: OBJECT-ID: JSON-PATH: message [rule]; warnings (open "
      "vocabularies, custom content) do not make an object invalid unless --strict. The rules are "
      "listed in docs/stix.md. Exit 0 when every object is valid, 1 when any is not, 2 on a usage "
      "or I/O error.");
  sub->add_flag("--strict", args->strict,
                "Treat warnings (open-vocabulary values, unknown custom content) as errors");
  sub->add_flag("-q,--quiet", args->quiet, "Do not print the summary line on standard error");
  sub->add_option("FILE", args->files, "Files to check; '-' reads standard input")->required();
  return Command{sub, [args] { return RunValidate(*args); }};
}

}  // namespace tessera::cli
