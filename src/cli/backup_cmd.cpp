// tessera backup [--data DIR] [--json] [--quiet] DEST
// tessera restore [--data DIR] [--force] [--verify-only] [--json] [--quiet] SRC

#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "cli/admin_common.h"
#include "cli/commands.h"
#include "common/json.h"
#include "store/audit_log.h"
#include "store/backup.h"

namespace tessera::cli {
namespace {

namespace json = boost::json;

// 1 for what was understood and refused (the destination exists, the source is not a backup or
// fails its checks, a store is in use or newer than this tessera), 2 for I/O and usage failures.
int BackupExitCode(const Status& st) {
  switch (st.code()) {
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kCorrupt:
    case ErrorCode::kUnavailable:
      return kExitFindings;
    default:
      return kExitUsage;
  }
}

// "copying the store: 120.4 MB of 512.0 MB (23%)" (or "opening the restored store ..." for a
// step of unknown length) on standard error, redrawn in place; only when standard error is a
// terminal. Backup and restore draw the same line.
class ProgressLine {
 public:
  explicit ProgressLine(bool enabled) : enabled_(enabled && ::isatty(STDERR_FILENO) == 1) {}
  ~ProgressLine() { Clear(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void Show(const store::BackupProgress& p) {
    if (p.pages_total <= 0) return;
    Show(store::StepProgress{"copying the store", p.pages_done * p.page_size,
                             p.pages_total * p.page_size});
  }
  void Show(const store::StepProgress& p) {
    if (!enabled_) return;
    const std::string step(p.step);
    if (p.total_bytes <= 0) {
      std::fprintf(stderr, "\r\033[K%s ...", step.c_str());
    } else {
      const double done = static_cast<double>(p.done_bytes) / 1e6;
      const double total = static_cast<double>(p.total_bytes) / 1e6;
      std::fprintf(stderr, "\r%s: %.1f MB of %.1f MB (%.0f%%)   ", step.c_str(), done, total,
                   100.0 * static_cast<double>(p.done_bytes) / static_cast<double>(p.total_bytes));
    }
    std::fflush(stderr);
    shown_ = true;
  }
  void Clear() {
    if (!shown_) return;
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    shown_ = false;
  }

 private:
  const bool enabled_;
  bool shown_ = false;
};

json::value CountsJson(const std::optional<store::StoreCounts>& c) {
  if (!c) return nullptr;
  json::object o;
  o["object_versions"] = c->object_versions;
  o["organizations"] = c->organizations;
  o["users"] = c->users;
  o["tokens"] = c->tokens;
  o["collections"] = c->collections;
  return o;
}

std::string CountsText(const store::StoreCounts& c) {
  return std::to_string(c.object_versions) + " object version(s), " +
         std::to_string(c.organizations) + " organization(s), " + std::to_string(c.users) +
         " user(s), " + std::to_string(c.tokens) + " token(s), " + std::to_string(c.collections) +
         " collection(s)";
}

json::object CheckJson(const store::StoreCheck& c) {
  json::object o;
  o["store_file"] = c.store_file;
  o["bytes"] = c.bytes;
  o["sha256"] = c.sha256;
  o["schema_version"] = c.schema_version;
  o["integrity_check"] = "ok";
  return o;
}

struct BackupArgs {
  std::string data_dir = kDefaultDataDir;
  std::string dest;
  bool json = false;
  bool quiet = false;
};

int RunBackup(const BackupArgs& args) {
  ProgressLine line(!args.json && !args.quiet);
  auto done = store::BackupDataDir(args.data_dir, args.dest,
                                   [&line](const store::BackupProgress& p) { line.Show(p); });
  line.Clear();
  if (!done.ok()) {
    std::cerr << "tessera backup: " << done.status().message() << "\n";
    if (done.status().code() == ErrorCode::kNotFound) {
      std::cerr << "tessera backup: --data names the hub's data directory (the one `tessera "
                   "serve --data` uses)\n";
    }
    return BackupExitCode(done.status());
  }
  if (args.json) {
    json::object o;
    o["backup"] = done->backup_dir;
    o["source"] = done->source_dir;
    o["created"] = done->created;
    o["verified"] = CheckJson(done->check);
    o["counts"] = CountsJson(done->counts);
    std::cout << PrettyJson(o);
    return kExitOk;
  }
  std::cout << "backup written: " << done->backup_dir << "\n"
            << "snapshot of " << done->source_dir << " taken at " << done->created
            << " (every write acknowledged before then is in it)\n"
            << "verified: " << done->check.store_file << ", " << done->check.bytes
            << " bytes, SHA-256 " << done->check.sha256 << ", schema version "
            << done->check.schema_version << ", integrity check ok\n";
  if (done->counts) {
    std::cout << "holds: " << CountsText(*done->counts) << "\n";
  } else {
    std::cout << "holds: not counted (schema " << done->check.schema_version
              << " is older than this tessera's " << done->check.latest_schema_version
              << "; a restore upgrades it and counts)\n";
  }
  std::cout << "restore with: tessera restore --data NEW_DIR " << done->backup_dir << "\n";
  return kExitOk;
}

struct RestoreArgs {
  std::string data_dir = kDefaultDataDir;
  std::string src;
  bool force = false;
  bool verify_only = false;
  bool json = false;
  bool quiet = false;
};

int RunRestore(const RestoreArgs& args) {
  ProgressLine line(!args.json && !args.quiet);
  auto show = [&line](const store::StepProgress& p) { line.Show(p); };
  if (args.verify_only) {
    auto info = store::VerifyBackup(args.src, show);
    line.Clear();
    if (!info.ok()) {
      std::cerr << "tessera restore: " << info.status().message() << "\n";
      return BackupExitCode(info.status());
    }
    if (args.json) {
      json::object o;
      o["backup"] = info->backup_dir;
      o["source"] = info->source_dir;
      o["created"] = info->created;
      o["manifest_sha256"] = info->manifest_sha256;
      o["verified"] = CheckJson(info->check);
      o["counts"] = CountsJson(info->counts);
      std::cout << PrettyJson(o);
      return kExitOk;
    }
    std::cout << "backup " << info->backup_dir << " of " << info->source_dir << " taken at "
              << info->created << ": verified (" << info->check.bytes << " bytes, SHA-256 as "
              << "recorded, schema version " << info->check.schema_version
              << ", integrity check ok)\n";
    if (info->counts) std::cout << "holds: " << CountsText(*info->counts) << "\n";
    return kExitOk;
  }

  store::RestoreOptions options;
  options.force = args.force;
  options.actor = store::CliActor();
  options.progress = show;
  auto done = store::RestoreDataDir(args.src, args.data_dir, options);
  line.Clear();
  if (!done.ok()) {
    std::cerr << "tessera restore: " << done.status().message() << "\n";
    return BackupExitCode(done.status());
  }
  if (args.json) {
    json::object o;
    o["data"] = done->data_dir;
    o["backup"] = done->backup.backup_dir;
    o["created"] = done->backup.created;
    o["manifest_sha256"] = done->backup.manifest_sha256;
    o["verified"] = CheckJson(done->backup.check);
    o["schema_version_before"] = done->schema_version_before;
    o["schema_version"] = done->schema_version_after;
    o["counts"] = CountsJson(done->counts);
    o["replaced"] = done->replaced_dir ? json::value(*done->replaced_dir) : json::value(nullptr);
    std::cout << PrettyJson(o);
    return kExitOk;
  }
  std::cout << "restored " << done->backup.backup_dir << " (snapshot taken at "
            << done->backup.created << ") into " << done->data_dir << "\n"
            << "verified: SHA-256 as recorded, integrity check ok, schema version "
            << done->schema_version_after;
  if (done->schema_version_after != done->schema_version_before) {
    std::cout << " (upgraded from " << done->schema_version_before << ")";
  }
  std::cout << "\nholds: " << CountsText(done->counts) << "\n"
            << "recorded in the restored store's audit log (" << store::kRestoreAuditAction
            << ", by " << options.actor << ")\n";
  if (done->replaced_dir) {
    std::cout << "the earlier data directory was kept as " << *done->replaced_dir
              << " (delete it when the restored hub is running as it should)\n";
  }
  std::cout << "start the hub with: tessera serve --data " << done->data_dir << "\n";
  return kExitOk;
}

}  // namespace

Command AddBackupCommand(CLI::App& app) {
  auto args = std::make_shared<BackupArgs>();
  CLI::App* sub = app.add_subcommand(
      "backup",
      "Write a consistent copy of the hub's store to the new directory DEST while `tessera "
      "serve` keeps running on --data DIR: one SQLite read snapshot (the write-ahead log's "
      "committed content included) copied page by page, so writers never wait for it and every "
      "write acknowledged before the backup began is in it. The data directory holds only the "
      "store (tessera.db, with its -wal and -shm files while open); accounts, token hashes and "
      "the token-hashing key are inside it, so the backup is everything a restore needs. DEST is "
      "itself a data directory: DEST/tessera.db (a single file, no log) and DEST/"
      "tessera-backup.json (when, from where, schema version, counts, size and SHA-256). It is "
      "written under a temporary name beside DEST, verified (SQLite integrity check, schema "
      "version, opened as a store and counted) and renamed into place; DEST must not exist. "
      "DEST holds the hub's secrets: it is created owner-only (0700). Exit 0 when the backup "
      "is written and verified, 1 when DEST exists or DIR's store is not one this tessera can "
      "back up, 2 on I/O errors or a missing store.");
  AddDataDirOption(sub, args->data_dir);
  sub->add_option("DEST", args->dest, "The backup directory to create (must not exist)")
      ->required();
  sub->add_flag("--json", args->json, "Write what was written and verified as JSON");
  sub->add_flag("--quiet", args->quiet, "No progress line on standard error");
  return Command{sub, [args] { return RunBackup(*args); }};
}

Command AddRestoreCommand(CLI::App& app) {
  auto args = std::make_shared<RestoreArgs>();
  CLI::App* sub = app.add_subcommand(
      "restore",
      "Restore the backup in SRC (made by `tessera backup`) as the data directory --data DIR. "
      "SRC is verified first: its manifest, the size and SHA-256 of its tessera.db, SQLite's "
      "integrity check and the schema version. The store is copied into a new directory beside "
      "DIR, opened as a store (an older schema is upgraded) and counted, then renamed into "
      "place: DIR is at every moment either as it was or the complete restored store. A DIR "
      "that holds a store (or anything) is replaced only with --force, and then kept, renamed "
      "DIR.replaced-<UTC time>; a store that a process (a running `tessera serve`) has open is "
      "never replaced: stop it first. The restored store's audit log gets an entry store.restore "
      "(who, when, from which backup, its SHA-256s), so `tessera audit verify` goes on passing. "
      "On a terminal a progress line (verifying, copying) is drawn on standard error; --quiet "
      "omits it. --verify-only checks SRC and writes nothing. Exit 0 when "
      "restored (or verified), 1 when SRC is not a backup or fails a check, or DIR exists or is "
      "in use, 2 on I/O errors.");
  AddDataDirOption(sub, args->data_dir);
  sub->add_option("SRC", args->src, "The backup directory (written by `tessera backup`)")
      ->required();
  sub->add_flag("--force", args->force,
                "Replace an existing data directory (kept as DIR.replaced-<time>)");
  sub->add_flag("--verify-only", args->verify_only, "Only verify SRC; write nothing");
  sub->add_flag("--json", args->json, "Write the result as JSON");
  sub->add_flag("--quiet", args->quiet, "No progress line on standard error");
  return Command{sub, [args] { return RunRestore(*args); }};
}

}  // namespace tessera::cli
