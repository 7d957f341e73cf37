// tessera import [--data DIR] [--collection ID] [--org NAME] [--strict] [-q] FILE...

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/store_open.h"
#include "common/file.h"
#include "common/json.h"
#include "ingest/ingest.h"
#include "stix/reader.h"
#include "store/store.h"

namespace tessera::cli {
namespace {

struct ImportArgs {
  std::string data_dir = kDefaultDataDir;
  std::string collection;  // "": the default collection
  std::string org;         // "": the hub's own organization
  bool strict = false;
  bool quiet = false;
  std::vector<std::string> files;
};

// A one-line progress bar on standard error, redrawn in place at most 10 times a second and never
// wider than the terminal (a wrapped line could not be redrawn). Draws nothing unless enabled.
class ProgressBar {
 public:
  ProgressBar(bool enabled, size_t total) : enabled_(enabled), total_(total) {
    winsize ws{};
    if (enabled_ && ::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
      columns_ = std::max<size_t>(ws.ws_col, 20);
    }
  }
  ~ProgressBar() { Clear(); }

  void Show(size_t done, size_t objects, const std::string& current) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (last_width_ > 0 && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    constexpr size_t kWidth = 30;
    const size_t filled = total_ == 0 ? kWidth : kWidth * done / total_;
    std::string line = "\r[" + std::string(filled, '#') + std::string(kWidth - filled, '.') + "] " +
                       std::to_string(done) + "/" + std::to_string(total_) + " files, " +
                       std::to_string(objects) + " objects  ";
    std::string name = current;
    if (name.size() > 30) name = "..." + name.substr(name.size() - 27);
    line += name;
    if (line.size() > columns_) line.resize(columns_ - 1);  // keeps the leading '\r'
    if (line.size() < last_width_) line += std::string(last_width_ - line.size(), ' ');
    last_width_ = line.size();
    std::cerr << line << std::flush;
  }
  // Erases the bar so that ordinary output starts on a clean line.
  void Clear() {
    if (!enabled_ || last_width_ == 0) return;
    std::cerr << "\r" << std::string(last_width_, ' ') << "\r" << std::flush;
    last_width_ = 0;
  }

 private:
  bool enabled_;
  size_t total_;
  size_t columns_ = 80;
  size_t last_width_ = 0;
  std::chrono::steady_clock::time_point last_draw_;
};

struct Totals {
  size_t added = 0;
  size_t already_present = 0;
  size_t rejected = 0;  // objects in rejected files (none of them stored)
  size_t files_imported = 0;
  size_t files_rejected = 0;
  size_t files_failed = 0;  // could not be read or stored (I/O)
  size_t conflicting = 0;   // of already_present: stored content differs, kept
  size_t warnings = 0;      // in imported files (warnings do not reject a file unless --strict)
  size_t red_alone = 0;     // TLP:RED objects without named recipients (provider only)
};

void PrintProblems(const std::string& name, std::span<const stix::Problem> problems) {
  for (const stix::Problem& p : problems) {
    std::cout << "  " << name << ": " << (p.object_id.empty() ? "-" : p.object_id) << ": " << p.path
              << ": " << stix::SeverityName(p.severity) << ": " << p.message << " [" << p.rule
              << "]\n";
  }
}

// One file as the STIX reader reads it: every object with the description of its errors
// (ingest::DescribeErrors, what ingest reports for an invalid object on every path), and the
// problems of the file itself (a bundle's own properties, a value that is not an object).
class FileObjects final : public stix::ReadSink {
 public:
  void OnObject(stix::Object&& object, std::span<const stix::Problem> problems) override {
    for (const stix::Problem& p : problems) {
      if (p.severity == stix::Severity::kWarning) ++warnings;
    }
    // One verdict per object once any is invalid; none (all valid) until then.
    std::string why = ingest::DescribeErrors(problems);
    if (!why.empty() && errors.empty()) errors.resize(objects.size());
    if (!errors.empty()) errors.push_back(std::move(why));
    objects.push_back(std::move(object));
  }
  void OnProblem(stix::Problem&& problem) override {
    if (problem.severity == stix::Severity::kError) ++file_errors;
    file_problems.push_back(std::move(problem));
  }

  std::vector<stix::Object> objects;
  std::vector<std::string> errors;  // empty, or errors[i] describes objects[i] ("" when valid)
  std::vector<stix::Problem> file_problems;
  size_t file_errors = 0;
  size_t warnings = 0;  // in the objects
};

// "  <id> (<version>): <message>", the per-object outcome as TAXII's status reports it.
void PrintEntry(const store::StatusEntry& e) {
  std::cout << "  " << e.id;
  if (!e.version.empty()) std::cout << " (" << e.version << ")";
  std::cout << ": " << e.message << "\n";
}

int RunImport(const ImportArgs& args) {
  auto opened = OpenCommandStore("import", args.data_dir);
  if (!opened) return kExitUsage;
  store::Store& store = *opened;
  auto principal = ingest::OperatorPrincipal(store.directory(), args.org);
  if (!principal.ok()) {
    std::cerr << "tessera import: --org: " << principal.status().message() << "\n";
    return kExitUsage;
  }
  auto collection = ingest::ResolveCollection(store.directory(), args.collection);
  if (!collection.ok()) {
    std::cerr << "tessera import: --collection: " << collection.status().message() << "\n";
    return kExitUsage;
  }

  stix::ReadOptions options;
  options.strict = args.strict;
  Totals totals;
  ProgressBar bar(!args.quiet && ::isatty(STDERR_FILENO) == 1, args.files.size());
  for (size_t i = 0; i < args.files.size(); ++i) {
    const std::string& file = args.files[i];
    const std::string name = file == "-" ? "<stdin>" : file;
    bar.Show(i, totals.added + totals.already_present, name);

    // Refuse an oversized file before reading it into memory.
    std::error_code ec;
    if (file != "-" && std::filesystem::is_regular_file(file, ec) &&
        std::filesystem::file_size(file, ec) > options.max_bytes && !ec) {
      bar.Clear();
      std::cout << "rejected " << name << ": larger than the " << options.max_bytes
                << "-byte limit\n";
      ++totals.files_rejected;
      continue;
    }
    auto text = ReadInput(file, stix::kReadPadding);
    if (!text.ok()) {
      bar.Clear();
      std::cerr << "tessera import: " << text.status().message() << "\n";
      ++totals.files_failed;
      continue;
    }
    FileObjects read;
    auto doc = stix::ReadStreamInPlace(*text, options, read);
    if (!doc.ok()) {
      bar.Clear();
      std::cout << "rejected " << name << ": " << doc.status().message() << "\n";
      ++totals.files_rejected;
      continue;
    }
    if (read.file_errors > 0) {
      bar.Clear();
      std::cout << "rejected " << name << ": the file is not valid STIX 2.1 outside its objects; "
                << "nothing from this file stored\n";
      PrintProblems(name, read.file_problems);
      ++totals.files_rejected;
      totals.rejected += read.objects.size();
      continue;
    }
    const size_t count = read.objects.size();
    // The file as one batch of one session: all or nothing.
    struct {
      store::StatusRecord report;
      store::ImportSummary summary;
    } file_outcome;
    auto* outcome = &file_outcome;
    Status written = [&]() -> Status {
      TESSERA_ASSIGN_OR_RETURN(ingest::Session session,
                               ingest::Session::Begin(store, *principal, *collection));
      TESSERA_ASSIGN_OR_RETURN(file_outcome.report, session.Add(read.objects, read.errors));
      TESSERA_ASSIGN_OR_RETURN(file_outcome.summary, session.Finish());
      return Status::Ok();
    }();
    if (!written.ok()) {
      bar.Clear();
      std::cerr << "tessera import: " << name << ": not stored: " << written.message() << "\n";
      ++totals.files_failed;
      continue;
    }
    if (!outcome->report.failures.empty()) {
      bar.Clear();
      std::cout << "rejected " << name << ": " << outcome->report.failures.size() << " of " << count
                << " object(s) refused; nothing from this file stored\n";
      for (const store::StatusEntry& f : outcome->report.failures) PrintEntry(f);
      ++totals.files_rejected;
      totals.rejected += count;
      continue;
    }
    // A success's message is the placement's note (TLP:RED alone), then the pattern's warnings.
    for (const store::StatusEntry& s : outcome->report.successes) {
      if (!s.message.empty() && !s.message.starts_with(ingest::kWarningPrefix)) ++totals.red_alone;
      if (s.message.find(ingest::kWarningPrefix) != std::string::npos) {
        bar.Clear();
        std::cout << "warning in " << name << ":\n";
        PrintEntry(s);
        ++totals.warnings;
      }
    }
    const store::ImportSummary* stored = &outcome->summary;
    if (stored->conflicting > 0) {
      bar.Clear();
      std::cout << "kept " << stored->conflicting << " stored version(s) that " << name
                << " changes without a new 'modified' (STIX requires one):";
      for (const std::string& id : stored->conflicting_ids) std::cout << " " << id;
      if (stored->conflicting > stored->conflicting_ids.size()) std::cout << " ...";
      std::cout << "\n";
    }
    ++totals.files_imported;
    totals.warnings += read.warnings + read.file_problems.size();  // warnings only here
    totals.added += stored->added;
    totals.already_present += stored->already_present;
    totals.conflicting += stored->conflicting;
  }
  bar.Clear();

  if (!args.quiet) {
    std::cout << "objects: " << totals.added << " added, " << totals.already_present
              << " already present";
    if (totals.conflicting > 0) {
      std::cout << " (" << totals.conflicting << " of them differing from the stored version)";
    }
    std::cout << ", " << totals.rejected << " rejected\n"
              << "files: " << totals.files_imported << " imported, " << totals.files_rejected
              << " rejected";
    if (totals.files_failed > 0) std::cout << ", " << totals.files_failed << " failed (I/O)";
    std::cout << "\n";
    if (totals.red_alone > 0) {
      std::cout << "TLP:RED without named recipients: " << totals.red_alone
                << " object(s), visible to the providing organization only\n";
    }
    if (totals.warnings > 0) {
      std::cout << "warnings: " << totals.warnings
                << " in imported files (`tessera validate FILE` lists them)\n";
    }
  }
  std::cout << std::flush;
  if (totals.files_failed > 0) return kExitUsage;
  if (totals.files_rejected > 0) return kExitFindings;
  return kExitOk;
}

}  // namespace

Command AddImportCommand(CLI::App& app) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* sub = app.add_subcommand(
      "import",
      "Validate STIX 2.1 files (bundles, single objects, JSON arrays or NDJSON) and store them.\n"
      "Each file is one transaction: a file with any invalid object is rejected whole (its "
      "problems are printed, nothing from it is stored); an accepted file is durable when the "
      "command moves on. Versions already stored (same id and modified/created) are left as they "
      "are and counted as already present; when the offered copy differs from the stored one, the "
      "stored one is kept and its id is printed.\n"
      "The store must exist: create it with `tessera init --data DIR` (import does not create one, "
      "so that a mistyped --data cannot start an empty store).\n"
      "Prints rejections and a summary (objects added, already present, rejected) on standard "
      "output; a progress bar on standard error when it is a terminal.\n"
      "Exit 0 when every file was stored, 1 when some file was rejected, 2 on a usage, store or "
      "I/O error.\n"
      "Objects go into one collection (--collection, default: the hub's default collection) as "
      "shared by one organization (--org, default: the hub's own), and each gets its readers "
      "by the hub's rules (docs/hub.md): its TLP marking (else the collection's default TLP), "
      "and the recipients or sharing group named in its Tessera extension. An object naming an "
      "unknown recipient or group rejects its file.");
  sub->add_option("--data", args->data_dir, "Data directory (also read from $TESSERA_DATA)")
      ->envname("TESSERA_DATA")
      ->capture_default_str();
  sub->add_option("--collection", args->collection,
                  "Collection id to import into (default: the default collection)");
  sub->add_option("--org", args->org,
                  "Name of the organization that provides the objects (default: the hub's own "
                  "organization)");
  sub->add_flag("--strict", args->strict,
                "Treat warnings (open-vocabulary values, unknown custom content) as errors");
  sub->add_flag("-q,--quiet", args->quiet, "Print only rejections: no progress bar, no summary");
  sub->add_option("FILE", args->files, "Files to import, in order; '-' reads standard input")
      ->required();
  return Command{sub, [args] { return RunImport(*args); }};
}

}  // namespace tessera::cli
