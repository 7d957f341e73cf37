// tessera import [--data DIR] [--collection ID] [--org NAME] [--strict] [-q] FILE...

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "cli/admin_common.h"
#include "cli/commands.h"
#include "cli/store_open.h"
#include "common/handoff.h"
#include "common/json.h"
#include "common/spool.h"
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
  // Files whose list of refusals, problems or warnings could not be printed whole (I/O).
  size_t reports_incomplete = 0;
  size_t conflicting = 0;  // of already_present: stored content differs, kept
  size_t warnings = 0;     // in imported files (warnings do not reject a file unless --strict)
  size_t red_alone = 0;    // TLP:RED objects without named recipients (provider only)
};

// How much of a file `tessera import` judges and writes at once: a batch ends at this many
// objects, or once their JSON reaches this many bytes. Memory holds a few batches (FileImport)
// beside what the reader holds; the file is still one transaction (ingest::Session), whatever
// its size.
constexpr size_t kBatchObjects = 2'000;
constexpr size_t kBatchJsonBytes = size_t{8} << 20;

// "  <id> (<version>): <message>", the per-object outcome as TAXII's status reports it.
std::string EntryLine(const store::StatusEntry& e) {
  std::string line = "  " + e.id;
  if (!e.version.empty()) line += " (" + e.version + ")";
  return line + ": " + e.message;
}

// "  <file>: <object id or ->: <path>: <severity>: <message> [<rule>]".
std::string ProblemLine(const std::string& name, const stix::Problem& p) {
  return "  " + name + ": " + (p.object_id.empty() ? "-" : p.object_id) + ": " + p.path + ": " +
         std::string(stix::SeverityName(p.severity)) + ": " + p.message + " [" + p.rule + "]";
}

// A batch of one file's objects, from the thread that reads the file to the one that writes.
struct Batch {
  std::vector<stix::Object> objects;
  std::vector<std::string> errors;         // empty, or errors[i] describes objects[i] ("": valid)
  std::vector<ingest::ObjectFacts> facts;  // ingest::Examine of each valid object
};

// Files smaller than this are read and written on one thread (FileImport::Read).
constexpr uintmax_t kOneThreadBytes = 256 * 1024;

// How many batches may wait between the two threads. Memory: the batch being gathered, those
// waiting, and those the writing thread took at once (at most as many): 2 x 2 + 1 batches.
constexpr size_t kMaxWaitingBatches = 2;

// One file as the STIX reader hands it over, judged and written batch by batch by an
// ingest::Session while it is read, on two threads: Read runs the STIX reader on a thread of its
// own, which gathers each object with the description of its errors (ingest::DescribeErrors, what
// ingest reports for an invalid object on every path) and what ingest::Examine learns of it alone
// (its pattern parsed twice over: the costliest part of judging) into batches; the calling thread
// hands each batch to the session (the store's writer stays on the thread that took it) and keeps
// what the session says of it for the end of the file (refusals, warnings, counts). The problems of
// the file itself (a bundle's own properties, a value that is not an object) are the reading
// thread's. Needs no more of the file than 2 x kMaxWaitingBatches + 1 batches.
class FileImport final : public stix::ReadSink {
 public:
  FileImport(ingest::Session& session, const std::string& name, ProgressBar& bar, size_t files_done,
             size_t& objects_read)
      : session_(session),
        name_(name),
        bar_(bar),
        files_done_(files_done),
        objects_read_(objects_read) {}

  // Reads `file` and writes its batches into the session; returns the reader's result. Every
  // member below is the caller's to read once it returns.
  // A file under kOneThreadBytes is read on this thread: starting a second one (with its own
  // parsers) costs a tenth of a millisecond or more, which an import of many small files felt.
  Result<stix::ReadSummary> Read(const std::string& file, const stix::ReadOptions& options) {
    std::optional<Result<stix::ReadSummary>> doc;
    auto read = [&] {
      doc.emplace(stix::ReadFile(file, options, *this));
      if (doc->ok()) HandOver();  // a file that breaks off is rejected: its last part unjudged
    };
    std::error_code ec;
    const uintmax_t size = file == "-" ? 0 : std::filesystem::file_size(file, ec);
    if (file != "-" && !ec && size < kOneThreadBytes) {
      one_thread_ = true;
      read();
      objects_read_ += objects;
      if (failed.ok()) failed = read_failed_;
      return std::move(*doc);
    }
    // An exception on either thread (memory exhausted) ends both, and is thrown here, on the
    // calling thread, once the reader is joined: never std::terminate, never a thread left
    // waiting for the other.
    std::exception_ptr reader_error;
    std::thread reader([&] {
      try {
        read();
        batches_.Close();
      } catch (...) {
        reader_error = std::current_exception();
        batches_.Cancel();
      }
    });
    try {
      std::deque<Batch> taken;
      while (batches_.TakeAll(taken)) {
        for (Batch& b : taken) Write(b);
        taken.clear();
      }
    } catch (...) {
      stop_.store(true, std::memory_order_relaxed);
      batches_.Cancel();
      reader.join();
      throw;
    }
    reader.join();
    if (reader_error) std::rethrow_exception(reader_error);
    objects_read_ += objects;
    if (failed.ok()) failed = read_failed_;
    return std::move(*doc);
  }

  // On the reading thread.
  void OnObject(stix::Object&& object, std::span<const stix::Problem> problems) override {
    ++objects;
    for (const stix::Problem& p : problems) {
      if (p.severity == stix::Severity::kWarning) ++warnings;
    }
    if (stop_.load(std::memory_order_relaxed)) return;  // nothing more is judged: only counted
    // One verdict per object of the batch once any is invalid ("" for the valid ones before
    // it); none (all valid) until then.
    std::string why = ingest::DescribeErrors(problems);
    if (!why.empty() && gathering_.errors.empty()) {
      gathering_.errors.assign(gathering_.objects.size(), std::string());
    }
    gathering_.facts.push_back(why.empty() ? ingest::Examine(object) : ingest::ObjectFacts{});
    if (!why.empty() || !gathering_.errors.empty()) gathering_.errors.push_back(std::move(why));
    gathering_json_bytes_ += object.json.size();
    gathering_.objects.push_back(std::move(object));
    if (gathering_.objects.size() >= kBatchObjects || gathering_json_bytes_ >= kBatchJsonBytes) {
      HandOver();
    }
  }

  // On the reading thread.
  void OnProblem(stix::Problem&& problem) override {
    if (problem.severity == stix::Severity::kError) ++file_errors;
    ++file_problems;
    if (!read_failed_.ok()) return;
    if (Status st = problem_lines.Add(ProblemLine(name_, problem)); !st.ok()) {
      read_failed_ = st;
      stop_.store(true, std::memory_order_relaxed);
    }
  }

  // The reading thread's: objects handed over, the reader's warnings in them, the file's own
  // problems that are errors and all of them, and their lines.
  size_t objects = 0;
  size_t warnings = 0;
  size_t file_errors = 0;
  size_t file_problems = 0;
  LineSpool problem_lines;
  // The writing thread's.
  size_t red_alone = 0;        // successes placed TLP:RED without named recipients
  size_t warning_entries = 0;  // successes with a pattern warning
  // Printed once the file's fate is known (its refused objects when it is rejected, its warnings
  // when it is imported): a file with a refusal for each of millions of objects is still
  // reported whole, in bounded memory.
  LineSpool refusal_lines, warning_lines;
  // Why nothing more could be judged (the store, or the report's temporary file, failed): the
  // file cannot be stored.
  Status failed;

 private:
  // On the reading thread: queues the objects gathered since the last batch.
  void HandOver() {
    if (gathering_.objects.empty()) return;
    if (one_thread_) {
      Write(gathering_);
    } else {
      batches_.Put(std::move(gathering_));  // false: the writing thread gave up (stop_ is set)
    }
    gathering_ = Batch{};
    gathering_json_bytes_ = 0;
  }

  // On the writing thread: hands `b` to the session (unless the file already failed).
  void Write(Batch& b) {
    if (!failed.ok()) return;
    auto report = session_.Add(b.objects, b.errors, b.facts);
    objects_seen_ += b.objects.size();
    bar_.Show(files_done_, objects_read_ + objects_seen_, name_);
    if (!report.ok()) return Fail(report.status());
    for (const store::StatusEntry& f : report->failures) Keep(refusal_lines, EntryLine(f));
    // A success's message is the placement's note (TLP:RED alone), then the pattern's warnings.
    for (const store::StatusEntry& s : report->successes) {
      if (!s.message.empty() && !s.message.starts_with(ingest::kWarningPrefix)) ++red_alone;
      if (s.message.find(ingest::kWarningPrefix) != std::string::npos) {
        Keep(warning_lines, "warning in " + name_ + ":");
        Keep(warning_lines, EntryLine(s));
        ++warning_entries;
      }
    }
  }

  void Keep(LineSpool& lines, std::string_view line) {
    if (!failed.ok()) return;
    if (Status st = lines.Add(line); !st.ok()) Fail(st);
  }

  void Fail(Status why) {
    failed = std::move(why);
    stop_.store(true, std::memory_order_relaxed);
  }

  ingest::Session& session_;
  const std::string& name_;
  ProgressBar& bar_;
  const size_t files_done_;
  size_t& objects_read_;     // across files, for the progress bar: grown once the file is read
  size_t objects_seen_ = 0;  // the writing thread's count of this file's objects
  Handoff<Batch> batches_{kMaxWaitingBatches};
  std::atomic<bool> stop_{false};  // set once nothing more is judged (either thread)
  bool one_thread_ = false;        // Read reads on the calling thread: HandOver writes
  Batch gathering_;                // the reading thread's
  size_t gathering_json_bytes_ = 0;
  Status read_failed_;  // the reading thread's: problem_lines could not be kept
};

// Prints `lines`, the list of `what` in the file `name`. False (said on standard error) when they
// cannot all be read back: the list printed is then incomplete, an I/O error.
bool PrintDeferred(LineSpool& lines, const std::string& name, std::string_view what) {
  const Status st = lines.PrintTo(std::cout);
  if (st.ok()) return true;
  std::cout << std::flush;
  std::cerr << "tessera import: " << name << ": the list of " << what
            << " printed is incomplete: " << st.message() << "\n";
  return false;
}

int RunImport(const ImportArgs& args) {
  auto opened = OpenCommandStore("import", args.data_dir);
  if (!opened) return kExitUsage;
  store::Store& store = *opened;
  auto principal = ingest::OperatorPrincipal(store.directory(), args.org);
  if (!principal.ok()) {
    std::cerr << "tessera import: --org: " << principal.status().message() << "\n";
    return ExitCodeFor(principal.status());  // 1 for an unknown organization
  }
  auto collection = ingest::ResolveCollection(store.directory(), args.collection);
  if (!collection.ok()) {
    std::cerr << "tessera import: --collection: " << collection.status().message() << "\n";
    return ExitCodeFor(collection.status());  // 1 for an unknown collection
  }

  stix::ReadOptions options;
  options.strict = args.strict;
  options.full_text = true;
  Totals totals;
  size_t objects_read = 0;
  ProgressBar bar(!args.quiet && ::isatty(STDERR_FILENO) == 1, args.files.size());
  // A file that could not be stored (the store or the file system failed).
  auto not_stored = [&bar, &totals](const std::string& name, const Status& why) {
    bar.Clear();
    std::cerr << "tessera import: " << name << ": not stored: " << why.message() << "\n";
    ++totals.files_failed;
  };
  for (size_t i = 0; i < args.files.size(); ++i) {
    const std::string& file = args.files[i];
    const std::string name = file == "-" ? "<stdin>" : file;
    bar.Show(i, objects_read, name);

    // The file is one transaction: the session stores all of it or, when it is dropped without
    // Finish (any rejection below), nothing.
    auto session = ingest::Session::Begin(store, *principal, *collection);
    if (!session.ok()) {
      not_stored(name, session.status());
      continue;
    }
    FileImport read(*session, name, bar, i, objects_read);
    auto doc = read.Read(file, options);
    if (!doc.ok() && doc.status().code() == ErrorCode::kIo) {
      bar.Clear();
      std::cerr << "tessera import: " << doc.status().message() << "\n";
      ++totals.files_failed;
      continue;
    }
    if (!doc.ok()) {
      bar.Clear();
      std::cout << "rejected " << name << ": " << doc.status().message() << "\n";
      ++totals.files_rejected;
      continue;
    }
    // First: a failure of the store or of the report's temporary file (whose lists are then
    // incomplete) is an I/O error, whatever else is wrong with the file.
    if (!read.failed.ok()) {
      not_stored(name, read.failed);
      continue;
    }
    if (read.file_errors > 0) {
      bar.Clear();
      std::cout << "rejected " << name << ": the file is not valid STIX 2.1 outside its objects; "
                << "nothing from this file stored\n";
      if (!PrintDeferred(read.problem_lines, name, "problems of the file"))
        ++totals.reports_incomplete;
      ++totals.files_rejected;
      totals.rejected += read.objects;
      continue;
    }
    if (session->refused() > 0) {
      bar.Clear();
      std::cout << "rejected " << name << ": " << session->refused() << " of " << read.objects
                << " object(s) refused; nothing from this file stored\n";
      if (!PrintDeferred(read.refusal_lines, name, "refused objects")) ++totals.reports_incomplete;
      ++totals.files_rejected;
      totals.rejected += read.objects;
      continue;
    }
    auto stored = session->Finish();
    if (!stored.ok()) {
      not_stored(name, stored.status());
      continue;
    }
    if (read.warning_entries > 0) {
      bar.Clear();
      if (!PrintDeferred(read.warning_lines, name, "warnings")) ++totals.reports_incomplete;
    }
    if (stored->conflicting > 0) {
      bar.Clear();
      std::cout << "kept " << stored->conflicting << " stored version(s) that " << name
                << " changes without a new 'modified' (STIX requires one):";
      for (const std::string& id : stored->conflicting_ids) std::cout << " " << id;
      if (stored->conflicting > stored->conflicting_ids.size()) std::cout << " ...";
      std::cout << "\n";
    }
    ++totals.files_imported;
    // The reader's warnings (the file's own problems are warnings only here) and the pattern's.
    totals.warnings += read.warnings + read.file_problems + read.warning_entries;
    totals.red_alone += read.red_alone;
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
    if (totals.reports_incomplete > 0) {
      std::cout << "incomplete reports: " << totals.reports_incomplete
                << " file(s) whose list could not be printed whole (I/O, see standard error)\n";
    }
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
  if (totals.files_failed > 0 || totals.reports_incomplete > 0) return kExitUsage;
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
      "command moves on. A file is judged and written in batches as it is read, inside that "
      "transaction; meanwhile other processes writing to the same store (a running `tessera "
      "serve`) wait, and give up as busy after 10 seconds. Versions already stored (same id and "
      "modified/created) are left as they "
      "are and counted as already present; when the offered copy differs from the stored one, the "
      "stored one is kept and its id is printed.\n"
      "The store must exist: create it with `tessera init --data DIR` (import does not create one, "
      "so that a mistyped --data cannot start an empty store).\n"
      "Prints rejections and a summary (objects added, already present, rejected) on standard "
      "output; a progress bar on standard error when it is a terminal.\n"
      "Exit 0 when every file was stored, 1 when some file was rejected or --collection / --org "
      "names nothing, 2 on a usage, store or I/O error (a file that could not be read or stored, "
      "or whose list of refusals or warnings "
      "could not be printed whole).\n"
      "Objects go into one collection (--collection, default: the hub's default collection) as "
      "shared by one organization (--org, default: the hub's own), and each gets its readers "
      "by the hub's rules (docs/hub.md): its TLP marking (else the collection's default TLP), "
      "and the recipients or sharing group named in its Tessera extension. An object naming an "
      "unknown recipient or group rejects its file.");
  sub->add_option("--data", args->data_dir, "Data directory (also read from $TESSERA_DATA)")
      ->envname("TESSERA_DATA")
      ->capture_default_str();
  sub->add_option("--collection", args->collection,
                  "Collection id or alias to import into (default: the default collection)");
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
