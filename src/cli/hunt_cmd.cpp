// tessera hunt (--intel FILE | --data DIR) [--allowlist FILE] [--format F] [--field-map FILE]
//              [--at TS] [--syslog-year Y] [--syslog-tz Z] [--sightings FILE]
//              [--sighter-identity ID | --sighter-name NAME] LOG...
//
// Looks the observables of security logs up in the indicators (of the store, or of a STIX file),
// evaluates the patterns the index does not decide alone, and writes one JSON line per hit (one
// event, one indicator) to standard output; counts (and malformed lines) go to standard error.
// Sightings of the indicators that hit go to a STIX bundle (--sightings) and, with --data, into
// the store.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/hunt_progress.h"
#include "cli/store_open.h"
#include "common/time.h"
#include "hunt/log_reader.h"
#include "hunt/parallel.h"
#include "hunt/session.h"
#include "store/store.h"

namespace tessera::cli {
namespace {

struct HuntArgs {
  std::string data_dir;  // empty: $TESSERA_DATA, else kDefaultDataDir (when no --intel)
  std::string intel;
  std::string sightings;
  std::string sighter_identity;
  std::string sighter_name;
  bool no_import = false;
  std::string allowlist;
  std::string format = "auto";
  std::string field_map;
  std::string at;
  std::optional<int> syslog_year;
  std::string syslog_tz;
  unsigned threads = 0;  // 0: every hardware thread
  bool quiet = false;
  std::vector<std::string> logs;
};

constexpr size_t kMalformedShown = 5;

// Prints a hunt session: the hits as JSON lines on standard output, the rest on standard error.
class PrintingSink : public hunt::SessionSink {
 public:
  explicit PrintingSink(bool show_progress) : progress_(show_progress) {}

  void OnIndicators(const hunt::IndicatorsLoaded& loaded) override {
    if (!loaded.invalid.empty()) {
      std::cerr << "tessera hunt: " << loaded.intel << ": " << loaded.invalid.size()
                << " invalid indicators skipped\n";
      for (const hunt::SkippedIndicator& s : loaded.invalid) {
        std::cerr << "  skipped " << s.id << ": invalid STIX 2.1: " << s.reason << "\n";
      }
    }
    const hunt::IndexCounts& counts = loaded.indicators.index().counts();
    const hunt::IndicatorLoadStats& ls = loaded.indicators.stats();
    std::cerr << "tessera hunt: " << ls.loaded << " indicators (" << counts.atomics()
              << " indexed comparisons; " << ls.evaluated << " patterns evaluated on the events "
              << "the index pre-selects, " << ls.never_hit << " with nothing the index serves, "
              << ls.skipped << " indicators skipped), " << counts.allowlist_entries
              << " allowlist entries\n";
    for (const hunt::SkippedIndicator& s : ls.skips) {
      std::cerr << "  skipped " << s.id << ": " << s.reason << "\n";
    }
  }

  void OnHit(const hunt::ReportedHit& hit, std::string_view indicator_id) override {
    std::string line = hunt::HitJson(hit, indicator_id);
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stdout);
  }

  void OnProgress(const hunt::HuntProgress& p) override { progress_.Show(p); }

  void OnInputDone(const hunt::InputSummary& s, uint64_t hits) override {
    progress_.Clear();
    if (!s.status.ok()) {
      std::cerr << "tessera hunt: " << s.status.message() << "\n";
      return;
    }
    const hunt::ReaderStats& r = s.stats.reader;
    std::cerr << "tessera hunt: " << s.path << " ("
              << (s.format ? hunt::LogFormatName(*s.format) : "?") << "): " << r.lines << " lines, "
              << r.events << " events, " << r.malformed << " malformed, " << hits << " hits ("
              << s.stats.hits << " index hits), " << s.stats.allowlisted << " allowlisted values\n";
    for (size_t i = 0; i < r.examples.size() && i < kMalformedShown; ++i) {
      std::cerr << "  line " << r.examples[i].line << ": " << r.examples[i].reason << "\n";
    }
  }

  Status OnLogsDone(const hunt::EvaluatorStats& es) override {
    progress_.Clear();
    if (std::fflush(stdout) != 0) return IoError("cannot write the hits");
    if (es.candidates > 0) {
      std::cerr << "tessera hunt: " << es.candidates << " pattern evaluations, " << es.matches
                << " matched; " << es.dropped << " observations pushed out of full windows\n";
    }
    for (const hunt::EvaluatorStats::IndicatorErrors& e : es.errors) {
      std::cerr << "tessera hunt: " << e.indicator_id << ": " << e.evaluations
                << " evaluation(s) failed and counted as no match; first at "
                << e.first_place.source << ":" << e.first_place.line << ": " << e.first << "\n";
    }
    return Status::Ok();
  }

  void OnSightingsWritten(const hunt::SightingsWritten& w) override {
    std::cerr << "tessera hunt: " << w.sightings << " sightings (" << w.objects
              << " objects) written to " << w.path << "\n";
  }

  void OnSightingsStored(const hunt::SightingsStored& s) override {
    for (const store::StatusEntry& f : s.outcome.report.failures) {
      std::cerr << "tessera hunt: not stored: " << f.message << "\n";
    }
    std::cerr << "tessera hunt: " << s.sightings << " sightings stored (" << s.outcome.summary.added
              << " objects added, " << s.outcome.summary.already_present << " already present)\n";
  }

  void ClearProgress() { progress_.Clear(); }

 private:
  HuntProgressLine progress_;
};

// Checks what the options say together; prints why and returns false when they conflict.
bool CheckArgs(const HuntArgs& args) {
  auto fail = [](std::string_view why) {
    std::cerr << "tessera hunt: " << why << "\n";
    return false;
  };
  if (args.format == "json" && args.field_map.empty()) {
    return fail("--format json needs --field-map");
  }
  if (!args.intel.empty() && !args.data_dir.empty()) {
    return fail("give --intel or --data, not both");
  }
  if (!args.sighter_identity.empty() && !args.sighter_name.empty()) {
    return fail("give --sighter-identity or --sighter-name, not both");
  }
  for (const std::string& path : args.logs) {
    if (path == "-" && args.intel == "-") {
      return fail("standard input cannot be both --intel and a LOG");
    }
  }
  return true;
}

int RunHunt(const HuntArgs& args) {
  if (!CheckArgs(args)) return kExitUsage;
  hunt::SessionOptions options;
  options.default_time = Timestamp::Now();
  if (!args.at.empty()) {
    auto t = ParseTimestamp(args.at);
    if (!t.ok()) {
      std::cerr << "tessera hunt: --at: " << t.status().message() << "\n";
      return kExitUsage;
    }
    options.default_time = *t;
  }
  options.syslog_year = args.syslog_year;
  if (!args.syslog_tz.empty()) {
    auto offset = hunt::ParseUtcOffset(args.syslog_tz);
    if (!offset) {
      std::cerr << "tessera hunt: --syslog-tz: '" << args.syslog_tz
                << "' is not an offset from UTC (+02:00, -0500, UTC); named zones are not read, "
                   "give the offset the log was written in\n";
      return kExitUsage;
    }
    options.syslog_utc_offset_seconds = *offset;
  }
  std::unique_ptr<store::Store> store;
  if (args.intel.empty()) {
    std::string data_dir = args.data_dir;
    if (data_dir.empty()) {
      const char* env = std::getenv("TESSERA_DATA");
      data_dir = env != nullptr && *env != '\0' ? env : kDefaultDataDir;
    }
    store = OpenCommandStore("hunt", data_dir);
    if (!store) return kExitUsage;
  }
  options.store = store.get();
  options.intel = args.intel;
  options.allowlist = args.allowlist;
  options.field_map = args.field_map;
  if (args.format != "auto") options.format = hunt::LogFormatFromName(args.format);
  options.logs = args.logs;
  options.threads = args.threads;
  options.sightings = args.sightings;
  options.store_sightings = !args.no_import;
  options.sighter_identity = args.sighter_identity;
  options.sighter_name = args.sighter_name;

  PrintingSink sink(!args.quiet && ::isatty(STDERR_FILENO) == 1);
  auto result = hunt::RunSession(options, sink);
  sink.ClearProgress();
  if (!result.ok()) {
    std::cerr << "tessera hunt: " << result.status().message() << "\n";
    return kExitUsage;
  }
  if (result->failed_inputs > 0) return kExitUsage;
  return result->hits > 0 ? kExitOk : kExitFindings;
}

}  // namespace

Command AddHuntCommand(CLI::App& app) {
  auto args = std::make_shared<HuntArgs>();
  CLI::App* sub = app.add_subcommand(
      "hunt",
      "Look the observables of security logs up in STIX indicators (the newest version of each; "
      "revoked ones and those outside valid_from/valid_until at the event's time never hit), "
      "from the store (--data) or a STIX file (--intel). A pattern the index does not decide "
      "alone is evaluated whole on the events the index pre-selects; one with several "
      "observation expressions or qualifiers over a window of them. Writes one JSON line per "
      "hit (one event and one indicator) to standard output: log, line, time (the event's: "
      "Zeek ts, EVE and ECS timestamps, CEF rt/start/end, the syslog header), event_type, "
      "matches (each value of the event the indicator matched: field, kind, value, matched), "
      "indicator, decided_by (index, pattern or window) and, for window, the observations of "
      "the match. "
      "Sightings aggregated per indicator go to --sightings FILE (a STIX bundle) and, with "
      "--data, into the store. Counts and malformed lines go to standard error; malformed "
      "lines never stop the hunt. Logs may be gzip-compressed. Matching rules, formats, the "
      "allowlist and field-map files: docs/hunt.md.\n"
      "Exit 0 when something hit, 1 when nothing did, 2 on a usage, store or I/O error (in a "
      "`set -e` script: `tessera hunt ... || [ $? -eq 1 ]` accepts a hunt without hits).");
  sub->add_option("--data", args->data_dir,
                  "Data directory whose indicators are hunted and where the sightings are stored "
                  "(default when --intel is not given: $TESSERA_DATA, else " +
                      std::string(kDefaultDataDir) + ")");
  sub->add_option("--intel", args->intel,
                  "STIX file of indicators instead of the store: a bundle, a JSON array or "
                  "object, or NDJSON; '-' reads standard input. Invalid indicators are skipped");
  sub->add_option("--sightings", args->sightings,
                  "Write the sightings (with their observed-data, SCOs and the sighter identity) "
                  "to this file as a STIX 2.1 bundle; the same input gives the same bytes");
  sub->add_option("--sighter-identity", args->sighter_identity,
                  "identity--<uuid> of who sighted (where_sighted_refs); default: with --data "
                  "the hub's own identity when `tessera init` recorded one, else an identity "
                  "made from --sighter-name");
  sub->add_option("--sighter-name", args->sighter_name,
                  "Name of the sighter identity to create (default: the host name); its id is "
                  "derived from the name");
  sub->add_flag("--no-import", args->no_import,
                "With --data: do not store the sightings (hunting then only reads the store)");
  sub->add_option("--allowlist", args->allowlist,
                  "File of known-good values (addresses, CIDR ranges, domains with their "
                  "subdomains, URLs, e-mail addresses, digests, 'type:path = value'), one a line");
  sub->add_option("--format", args->format,
                  "Log format; auto tells Zeek, Suricata EVE, ECS, CEF and syslog apart from the "
                  "first line of each file")
      ->check(CLI::IsMember({"auto", "zeek", "suricata", "eve", "ecs", "sysmon", "winlogbeat",
                             "cef", "syslog", "json"}))
      ->capture_default_str();
  sub->add_option("--field-map", args->field_map,
                  "TOML field map for other JSON logs (with --format json)");
  sub->add_option(
      "--at", args->at,
      "Validity time for records without a time of their own (RFC 3339 UTC; default: now)");
  sub->add_option("--syslog-year", args->syslog_year,
                  "Year of the times that leave it out: RFC 3164 syslog headers (May  1 10:02:03) "
                  "and CEF dates without a year (default: the year of each log file's "
                  "modification time, or the year before for a line that would otherwise lie "
                  "after it; now for standard input)")
      ->check(CLI::Range(1970, 9999));
  sub->add_option("--syslog-tz", args->syslog_tz,
                  "Zone of the syslog and CEF times that leave it out, as an offset from UTC: "
                  "+02:00, -0500, UTC (default: UTC). Named zones are refused: give the offset "
                  "the log was written in");
  sub->add_option("--threads", args->threads,
                  "Threads that parse and look up (0: every hardware thread); the output is the "
                  "same for any number")
      ->check(CLI::Range(0u, hunt::kMaxThreads))
      ->capture_default_str();
  sub->add_flag("-q,--quiet", args->quiet,
                "No progress line (shown on standard error when it is a terminal)");
  sub->add_option("LOG", args->logs,
                  "Log files or directories (every file under them, in path order); '-' reads "
                  "standard input")
      ->required();
  return Command{sub, [args] { return RunHunt(*args); }};
}

}  // namespace tessera::cli
