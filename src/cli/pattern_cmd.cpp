// tessera pattern check PATTERN...
// tessera pattern match PATTERN FILE...

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "common/file.h"
#include "pattern/pattern.h"
#include "stix/reader.h"

namespace tessera::cli {
namespace {

struct PatternArgs {
  std::vector<std::string> check_patterns;
  bool quiet = false;
  bool strict = false;
  std::string match_pattern;
  std::vector<std::string> files;
  bool list_comparisons = false;
};

// Prints "pattern: position N: reason" and, for one-line patterns, the pattern with a caret.
void PrintPatternError(const std::string& pattern, const Status& status) {
  size_t pos = 0;
  std::string reason;
  if (!pattern::SplitErrorPosition(status.message(), &pos, &reason)) {
    std::cout << pattern << ": " << status.message() << "\n";
    return;
  }
  std::cout << pattern << ": position " << pos << ": " << reason << "\n";
  if (pattern.find('\n') == std::string::npos && pattern.size() <= 200) {
    std::cout << "  " << pattern << "\n  " << std::string(std::min(pos, pattern.size()), ' ')
              << "^\n";
  }
}

int RunCheck(const PatternArgs& args) {
  int rc = kExitOk;
  for (const std::string& p : args.check_patterns) {
    auto compiled = pattern::Compile(p);
    if (!compiled.ok()) {
      PrintPatternError(p, compiled.status());
      rc = kExitFindings;
      continue;
    }
    // A constant that can never match: a warning, an error with --strict.
    const std::vector<pattern::PatternWarning> warnings = compiled->NeverMatchingConstants();
    for (const pattern::PatternWarning& w : warnings) {
      std::cout << p << ": position " << w.position << ": " << (args.strict ? "" : "warning: ")
                << w.message << "\n";
    }
    if (!warnings.empty() && args.strict) {
      rc = kExitFindings;
      continue;
    }
    if (args.list_comparisons) {
      for (const pattern::AtomicComparison& c : compiled->Comparisons()) {
        std::cout << c.ToString() << (c.sufficient ? "\t(indexable)" : "") << "\n";
      }
    } else if (!args.quiet) {
      std::cout << p << ": valid" << (warnings.empty() ? "" : " (with warnings)") << "\n";
    }
  }
  return rc;
}

int RunMatch(const PatternArgs& args) {
  auto compiled = pattern::Compile(args.match_pattern);
  if (!compiled.ok()) {
    std::cerr << "tessera pattern match: invalid pattern\n";
    PrintPatternError(args.match_pattern, compiled.status());
    return kExitUsage;
  }
  std::vector<stix::Object> objects;
  for (const std::string& file : args.files) {
    const std::string name = file == "-" ? "<stdin>" : file;
    auto text = ReadInput(file);
    if (!text.ok()) {
      std::cerr << "tessera pattern match: " << text.status().message() << "\n";
      return kExitUsage;
    }
    auto doc = stix::ReadDocument(*text);
    if (!doc.ok()) {
      std::cerr << "tessera pattern match: " << name << ": " << doc.status().message() << "\n";
      return kExitUsage;
    }
    for (stix::Object& o : doc->objects) objects.push_back(std::move(o));
  }
  auto set = pattern::ObservationSet::FromObjects(objects);
  if (!set.ok()) {
    std::cerr << "tessera pattern match: " << set.status().message() << "\n";
    return kExitUsage;
  }
  const pattern::MatchResult r = compiled->Match(*set);
  if (r.error_count > 0) {
    // The reference evaluator stops at these; so does match, with no verdict.
    for (const pattern::EvaluationError& e : r.errors) {
      std::cerr << "tessera pattern match: " << e.observed_data_id << ": " << e.property << ": "
                << e.reason << "\n";
    }
    if (r.error_count > r.errors.size()) {
      std::cerr << "tessera pattern match: " << r.error_count - r.errors.size()
                << " more evaluation error(s)\n";
    }
    return kExitUsage;
  }
  for (const std::string& id : r.observed_data_ids) std::cout << id << "\n";
  if (r.regex_limit_hits > 0) {
    std::cerr << "tessera pattern match: warning: " << r.regex_limit_hits
              << " MATCHES test(s) stopped at the regex cost bound and counted as no match\n";
  }
  if (r.truncated) {
    std::cerr << "tessera pattern match: warning: an evaluation bound was reached; some ways of "
                 "matching were not explored\n";
  }
  return r.matched ? kExitOk : kExitFindings;
}

}  // namespace

Command AddPatternCommand(CLI::App& app) {
  auto args = std::make_shared<PatternArgs>();
  CLI::App* sub = app.add_subcommand(
      "pattern",
      "STIX 2.1 patterns: check their syntax and semantics, or match them against "
      "observed-data.");
  sub->require_subcommand(1);

  CLI::App* check = sub->add_subcommand(
      "check",
      "Check STIX 2.1 patterns: tessera pattern check [OPTIONS] PATTERN... (quote each "
      "pattern). Prints each error as PATTERN: position N: reason "
      "(N is the 0-based byte offset), and each constant that can never match its object path "
      "(an IPv4 octet over 255, a prefix over 32, a MAC address that is not one) as PATTERN: "
      "position N: warning: reason. Exit 0 when every pattern is valid, 1 when any is not (or, "
      "with --strict, has a warning), 2 when none is given.");
  // The patterns are taken as extra arguments, untouched: a CLI11 list option would read
  // "[a, b]" as a list of two strings and split it.
  check->allow_extras();
  check->add_flag("-q,--quiet", args->quiet, "Print nothing for valid patterns");
  check->add_flag("--strict", args->strict,
                  "Treat a constant that can never match its object path as an error");
  check->add_flag("--comparisons", args->list_comparisons,
                  "Print the atomic comparisons (type:path op constant) of each valid pattern, "
                  "one per line; '(indexable)' marks those that decide the pattern alone");

  CLI::App* match = sub->add_subcommand(
      "match",
      "Evaluate a STIX 2.1 pattern against the observed-data in FILEs (STIX bundles, single "
      "objects, JSON arrays or NDJSON), read together: observed-data with object_refs naming SCOs "
      "in any of the files, or with embedded objects. Prints the id of every observed-data that "
      "satisfies the pattern. Exit 0 on a match, 1 on no match, 2 on an invalid pattern or "
      "input, or when a comparison cannot be evaluated (a value compared with t'...' that is not "
      "a timestamp, an IN set mixing types: each named with its observed-data and property).");
  match->add_option("PATTERN", args->match_pattern, "The pattern")->required();
  match->add_option("FILE", args->files, "Files holding STIX objects; '-' reads standard input")
      ->required();

  return Command{sub, [args, check, match]() -> int {
                   if (check->parsed()) {
                     args->check_patterns = check->remaining();
                     if (args->check_patterns.empty()) {
                       std::cerr << "tessera pattern check: no PATTERN given (see --help)\n";
                       return kExitUsage;
                     }
                     return RunCheck(*args);
                   }
                   if (match->parsed()) return RunMatch(*args);
                   return kExitUsage;
                 }};
}

}  // namespace tessera::cli
