// tessera validate [--strict] FILE...

#include <iostream>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "pattern/indicator.h"
#include "stix/reader.h"

namespace tessera::cli {
namespace {

struct ValidateArgs {
  bool strict = false;
  bool quiet = false;
  std::vector<std::string> files;
};

// Prints each problem as it is read, the reader's and then the pattern's (pattern/indicator.h)
// of each object, and counts the objects that only the pattern makes invalid.
class ValidateSink : public stix::ReadSink {
 public:
  ValidateSink(const std::string& name, bool strict) : name_(name), strict_(strict) {}

  void OnObject(stix::Object&& object, std::span<const stix::Problem> problems) override {
    bool invalid = false;
    for (const stix::Problem& p : problems) {
      Print(p);
      invalid |= p.severity == stix::Severity::kError;
    }
    bool pattern_invalid = false;
    for (const stix::Problem& p : pattern::CheckIndicatorPattern(object, strict_)) {
      Print(p);
      pattern_invalid |= p.severity == stix::Severity::kError;
    }
    if (pattern_invalid && !invalid) ++invalid_by_pattern_;
  }
  void OnProblem(stix::Problem&& problem) override { Print(problem); }

  size_t warnings() const { return warnings_; }
  size_t invalid_by_pattern() const { return invalid_by_pattern_; }

 private:
  void Print(const stix::Problem& p) {
    const bool warning = p.severity == stix::Severity::kWarning;
    if (warning) ++warnings_;
    std::cout << name_ << ": " << (p.object_id.empty() ? "-" : p.object_id) << ": " << p.path
              << ": " << (warning ? "warning: " : "") << p.message << " [" << p.rule << "]\n";
  }

  const std::string& name_;
  const bool strict_;
  size_t warnings_ = 0;
  size_t invalid_by_pattern_ = 0;
};

int RunValidate(const ValidateArgs& args) {
  int rc = kExitOk;
  stix::ReadOptions options;
  options.strict = args.strict;
  size_t objects = 0, invalid = 0, warnings = 0;
  for (const std::string& file : args.files) {
    const std::string name = file == "-" ? "<stdin>" : file;
    ValidateSink sink(name, args.strict);
    auto read = stix::ReadFile(file, options, sink);
    warnings += sink.warnings();
    if (!read.ok() && read.status().code() == ErrorCode::kIo) {
      std::cerr << "tessera validate: " << read.status().message() << "\n";
      rc = kExitUsage;
      continue;
    }
    if (!read.ok()) {
      std::cout << name << ": " << read.status().message() << "\n";
      if (rc == kExitOk) rc = kExitFindings;
      ++invalid;
      continue;
    }
    objects += read->objects;
    const size_t bad = read->invalid_objects + sink.invalid_by_pattern();
    invalid += bad;
    if (bad > 0 && rc == kExitOk) rc = kExitFindings;
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
      "vocabularies, custom content, pattern constants that can never match) do not make an "
      "object invalid unless --strict. An indicator whose STIX pattern does not parse is invalid "
      "($.pattern: position N: reason [pattern-syntax]). The rules are listed in docs/stix.md. "
      "Exit 0 when every object is valid, 1 when any is not, 2 on a usage "
      "or I/O error.");
  sub->add_flag(
      "--strict", args->strict,
      "Treat warnings (open-vocabulary values, unknown custom content, pattern constants that "
      "can never match) as errors");
  sub->add_flag("-q,--quiet", args->quiet, "Do not print the summary line on standard error");
  sub->add_option("FILE", args->files, "Files to check; '-' reads standard input")->required();
  return Command{sub, [args] { return RunValidate(*args); }};
}

}  // namespace tessera::cli
