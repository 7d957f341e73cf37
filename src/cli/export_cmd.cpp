// tessera export [--data DIR] [--as NAME] [--collection ID|ALIAS] [--type T]... [--id ID]...
//                [--added-after TS] [--latest] [--format bundle|ndjson]

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "admin/accounts.h"
#include "cli/admin_common.h"
#include "cli/commands.h"
#include "cli/store_open.h"
#include "cli/type_names.h"
#include "common/time.h"
#include "common/uuid.h"
#include "policy/view.h"
#include "store/store.h"

namespace tessera::cli {
namespace {

struct ExportArgs {
  std::string data_dir = kDefaultDataDir;
  std::string collection;  // "": every collection
  std::vector<std::string> types;
  std::vector<std::string> ids;
  std::string added_after;
  bool latest = false;
  std::string format = "bundle";
  std::string as;  // "": the operator's view
};

// Rows fetched from the store per round trip; bounds the memory export uses.
constexpr size_t kExportPageSize = 1000;

// Writes to standard output, remembering the first failure (a closed pipe, a full disk).
class Output {
 public:
  void Write(std::string_view s) {
    if (failed_) return;
    if (std::fwrite(s.data(), 1, s.size(), stdout) != s.size()) Fail();
  }
  // Flushes; returns false when anything written was lost.
  bool Finish() {
    if (!failed_ && std::fflush(stdout) != 0) Fail();
    return !failed_;
  }
  const std::string& error() const { return error_; }

 private:
  void Fail() {
    failed_ = true;
    error_ = std::strerror(errno);
  }
  bool failed_ = false;
  std::string error_;
};

// Writes what the member `args.as` may read, as TAXII shows it: each collection it can read (or
// --collection), through its policy view, each version once. Returns how many were written, or
// the exit code of a failure (negative).
int ExportAsMember(store::Store& store, const ExportArgs& args, store::CollectionQuery base,
                   const std::function<void(std::string_view)>& write, size_t& written) {
  auto principal = policy::ReaderNamed(store.directory(), args.as);
  if (!principal.ok()) {
    std::cerr << "tessera export: --as: " << principal.status().message() << "\n";
    return principal.status().code() == ErrorCode::kNotFound ||
                   principal.status().code() == ErrorCode::kInvalidArgument
               ? kExitFindings
               : kExitUsage;
  }
  const policy::ObjectView view(store, *principal);
  std::vector<store::CollectionInfo> collections;
  if (!args.collection.empty()) {
    auto c = view.Collection(args.collection);
    if (c.ok() && !view.CanList(*c)) c = NotFound("'" + args.as + "' may not read it");
    if (!c.ok()) {
      std::cerr << "tessera export: --collection " << args.collection << ": "
                << c.status().message() << "\n";
      return ExitCodeFor(c.status());  // 1: unknown, not readable, or an ambiguous alias
    }
    collections.push_back(std::move(*c));
  } else {
    auto all = view.ListableCollections();
    if (!all.ok()) {
      std::cerr << "tessera export: " << all.status().message() << "\n";
      return kExitUsage;
    }
    collections = std::move(*all);
  }
  if (base.up_to_seq == 0) return kExitOk;  // the store is empty
  // A version readable in several collections is written once (the first one's copy).
  std::unordered_set<std::string> seen;
  for (const store::CollectionInfo& c : collections) {
    store::CollectionQuery q = base;
    while (true) {
      auto page = view.List(c, q);
      if (!page.ok()) {
        std::cerr << "tessera export: " << page.status().message() << "\n";
        return kExitUsage;
      }
      for (const store::StoredObject& o : page->objects) {
        std::string key = o.id;
        key.push_back('@');
        if (o.version) key += FormatTimestamp(*o.version, TimePrecision::kNanos);
        if (!seen.insert(std::move(key)).second) continue;
        write(o.json);
        ++written;
      }
      if (!page->more || page->objects.empty()) break;
      q.after_seq = page->objects.back().seq;
    }
  }
  return kExitOk;
}

int RunExport(const ExportArgs& args) {
  store::ObjectQuery query;
  query.collection = args.collection;
  query.types = args.types;
  query.ids = args.ids;
  query.versions = args.latest ? store::Versions::kLatest : store::Versions::kAll;
  query.limit = kExportPageSize;
  if (!args.added_after.empty()) {
    auto ts = ParseTimestamp(args.added_after);
    if (!ts.ok()) {
      std::cerr << "tessera export: --added-after: " << ts.status().message() << "\n";
      return kExitUsage;
    }
    query.added_after = *ts;
  }
  if (query.types.size() > store::kMaxQueryFilters || query.ids.size() > store::kMaxQueryFilters) {
    std::cerr << "tessera export: at most " << store::kMaxQueryFilters
              << " --type and --id values each\n";
    return kExitUsage;
  }

  auto opened = OpenCommandStore("export", args.data_dir);
  if (!opened) return kExitUsage;
  store::Store& store = *opened;
  if (const int rc = CheckTypeNames("export", store, args.types); rc != kExitOk) return rc;
  if (!args.collection.empty() && args.as.empty()) {  // the operator's view: every collection
    auto c = admin::FindCollectionRef(store.directory(), args.collection);
    if (!c.ok()) {
      std::cerr << "tessera export: --collection: " << c.status().message() << "\n";
      return ExitCodeFor(c.status());
    }
    query.collection = c->id;  // an alias names it as its id does
  }

  // What is stored now: rows imported while the export runs are left out, so that --latest
  // cannot write an old version on one page and its newer version on a later one.
  auto last = store.LastSeq();
  if (!last.ok()) {
    std::cerr << "tessera export: " << last.status().message() << "\n";
    return kExitUsage;
  }
  query.up_to_seq = *last;

  const bool bundle = args.format == "bundle";
  Output out;
  if (bundle) {
    out.Write(R"({"type":"bundle","id":"bundle--)" + Uuid::V4().ToString() + R"(","objects":[)");
  }
  size_t written = 0;
  if (!args.as.empty()) {
    store::CollectionQuery base;
    base.types = args.types;
    base.ids = args.ids;
    base.added_after = query.added_after;
    base.up_to_seq = query.up_to_seq;
    base.match = args.latest ? store::VersionMatch::kLast : store::VersionMatch::kAll;
    base.limit = kExportPageSize;
    const auto write = [&](std::string_view json) {
      if (bundle) {
        if (written > 0) out.Write(",");
        out.Write(json);
      } else {
        out.Write(json);
        out.Write("\n");
      }
    };
    const int failed = ExportAsMember(store, args, std::move(base), write, written);
    if (failed != kExitOk) return failed;
    query.up_to_seq = 0;  // done: the operator's listing below is skipped
  }
  while (query.up_to_seq > 0) {  // 0: the store is empty
    auto page = store.ListObjects(query);
    if (!page.ok()) {
      std::cerr << "tessera export: " << page.status().message() << "\n";
      return kExitUsage;
    }
    for (const store::StoredObject& o : page->objects) {
      if (bundle) {
        if (written > 0) out.Write(",");
        out.Write(o.json);
      } else {
        out.Write(o.json);
        out.Write("\n");
      }
      ++written;
    }
    if (!page->more || page->objects.empty()) break;
    query.after_seq = page->objects.back().seq;
  }
  if (bundle) out.Write("]}\n");
  if (!out.Finish()) {
    std::cerr << "tessera export: writing to standard output: " << out.error() << "\n";
    return kExitUsage;
  }
  if (written == 0) {
    std::cerr << "tessera export: nothing matched (" << (bundle ? "an empty bundle" : "nothing")
              << " was written)\n";
    return kExitFindings;
  }
  return kExitOk;
}

}  // namespace

Command AddExportCommand(CLI::App& app) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* sub = app.add_subcommand(
      "export",
      "Write stored STIX objects to standard output, in the order they were added.\n"
      "By default every stored version of every object is written; --latest keeps only the "
      "newest version of each object (greatest modified/created). Filters combine: an object "
      "is written when its type is one of --type (if given) AND its id one of --id (if given) "
      "AND it was added after --added-after (if given).\n"
      "Without --as, export is the operator's view: it reads the database file and applies no "
      "access rules; an object version stored in several collections is written once unless "
      "--collection picks one. With --as NAME it is that member's view: what the user (or every "
      "user of the organization) NAME may read, as TAXII shows it to them: every collection it "
      "can read (or --collection), only the versions its organization is granted, and --latest "
      "is the newest version it can see in each collection; a version readable in several "
      "collections is written once.\n"
      "Exit 0 when something was written; 1 when nothing matched (an empty bundle is still "
      "written and standard error says so) or a name is unknown (--collection, --as, a --type "
      "that is neither a STIX 2.1 type nor the type of a stored object), saying which on "
      "standard error; 2 on a usage, store or I/O error. In a `set -e` script: `tessera export "
      "... > out.json || [ $? -eq 1 ]` accepts an empty result and stops on an error.");
  sub->add_option("--data", args->data_dir, "Data directory (also read from $TESSERA_DATA)")
      ->envname("TESSERA_DATA")
      ->capture_default_str();
  sub->add_option("--as", args->as,
                  "Write what this member may read, as TAXII shows it: a user name, an "
                  "organization name, or user:NAME / org:NAME when both exist; default: the "
                  "operator's view (everything)");
  sub->add_option("--collection", args->collection,
                  "Only objects of this collection (id or alias); default: every collection");
  sub->add_option("--type", args->types, "Only objects of this STIX type; may repeat");
  sub->add_option("--id", args->ids, "Only the object with this STIX id; may repeat");
  sub->add_option("--added-after", args->added_after,
                  "Only objects added to this store after this RFC 3339 UTC timestamp, e.g. "
                  "2026-01-31T12:00:00Z");
  sub->add_flag("--latest", args->latest, "Only the newest version of each object");
  sub->add_option("--format", args->format,
                  "bundle: one STIX 2.1 bundle with a fresh id; ndjson: one object per line")
      ->check(CLI::IsMember({"bundle", "ndjson"}))
      ->capture_default_str();
  return Command{sub, [args] { return RunExport(*args); }};
}

}  // namespace tessera::cli
