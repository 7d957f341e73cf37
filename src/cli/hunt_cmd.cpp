// tessera hunt (--intel FILE | --data DIR) [--allowlist FILE] [--format F] [--field-map FILE]
//              [--at TS] [--sightings FILE] [--sighter-identity ID | --sighter-name NAME] LOG...
//
// Looks the observables of security logs up in the indicators (of the store, or of a STIX file),
// evaluates the patterns the index does not decide alone, and writes one JSON line per hit to
// standard output; counts (and malformed lines) go to standard error. Sightings of the indicators
// that hit go to a STIX bundle (--sightings) and, with --data, into the store.

#include <unistd.h>
#include <boost/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/hunt_progress.h"
#include "common/file.h"
#include "common/json.h"
#include "common/time.h"
#include "hunt/field_map.h"
#include "hunt/hunter.h"
#include "hunt/indicator_index.h"
#include "hunt/log_reader.h"
#include "hunt/parallel.h"
#include "hunt/sightings.h"
#include "hunt/stored.h"
#include "ingest/ingest.h"
#include "policy/access.h"
#include "stix/reader.h"
#include "store/store.h"

namespace tessera::cli {
namespace {

namespace json = boost::json;

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
  unsigned threads = 0;  // 0: every hardware thread
  bool quiet = false;
  std::vector<std::string> logs;
};

constexpr size_t kMalformedShown = 5;

// Offers the valid indicators of a STIX file (bundle, objects, NDJSON); counts the invalid ones.
class IntelSink : public stix::ReadSink {
 public:
  explicit IntelSink(hunt::HuntIndicatorsBuilder& builder) : builder_(builder) {}
  void OnObject(stix::Object&& object, std::span<const stix::Problem> problems) override {
    if (object.type != "indicator") return;
    for (const stix::Problem& p : problems) {
      if (p.severity == stix::Severity::kError) {
        if (invalid_++ == 0) first_problem_ = object.id + ": " + p.path + ": " + p.message;
        return;
      }
    }
    builder_.Offer(std::move(object));
  }
  void OnProblem(stix::Problem&&) override {}
  size_t invalid() const { return invalid_; }
  const std::string& first_problem() const { return first_problem_; }

 private:
  hunt::HuntIndicatorsBuilder& builder_;
  size_t invalid_ = 0;
  std::string first_problem_;
};

// The STIX identity of the hub's own organization, when the store records one (set up by
// `tessera init`); std::nullopt otherwise.
std::optional<stix::Object> HubIdentity(store::Store& store) {
  auto org = ingest::HubOrganization(store.directory());
  if (!org.ok() || !*org || (*org)->identity_id.empty() || (*org)->identity_json.empty())
    return std::nullopt;
  stix::Object o;
  o.type = "identity";
  o.id = (*org)->identity_id;
  o.json = (*org)->identity_json;
  return o;
}

std::string HostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "tessera-hunt";
  return name;
}

std::string MatchedText(const hunt::Hit& hit) {
  switch (hit.kind) {
    case hunt::IndicatorClass::kIpAddress:
      return hunt::FormatIpPrefix(hit.prefix);
    case hunt::IndicatorClass::kHash:
      return hunt::HexEncode(hit.matched);
    default:
      return std::string(hit.matched);
  }
}

int RunHunt(const HuntArgs& args) {
  std::optional<hunt::FieldMap> field_map;
  if (!args.field_map.empty()) {
    auto text = ReadInput(args.field_map);
    if (!text.ok()) {
      std::cerr << "tessera hunt: " << text.status().message() << "\n";
      return kExitUsage;
    }
    auto map = hunt::ParseFieldMap(*text);
    if (!map.ok()) {
      std::cerr << "tessera hunt: " << args.field_map << ": " << map.status().message() << "\n";
      return kExitUsage;
    }
    field_map.emplace(std::move(map).value());
  }
  if (args.format == "json" && !field_map) {
    std::cerr << "tessera hunt: --format json needs --field-map\n";
    return kExitUsage;
  }
  Timestamp default_time = Timestamp::Now();
  if (!args.at.empty()) {
    auto t = ParseTimestamp(args.at);
    if (!t.ok()) {
      std::cerr << "tessera hunt: --at: " << t.status().message() << "\n";
      return kExitUsage;
    }
    default_time = *t;
  }
  std::string allowlist_text;
  if (!args.allowlist.empty()) {
    auto text = ReadInput(args.allowlist);
    if (!text.ok()) {
      std::cerr << "tessera hunt: " << text.status().message() << "\n";
      return kExitUsage;
    }
    allowlist_text = std::move(text).value();
  }

  // Where the indicators come from: exactly one of --intel and --data.
  if (!args.intel.empty() && !args.data_dir.empty()) {
    std::cerr << "tessera hunt: give --intel or --data, not both\n";
    return kExitUsage;
  }
  if (!args.sighter_identity.empty() && !args.sighter_name.empty()) {
    std::cerr << "tessera hunt: give --sighter-identity or --sighter-name, not both\n";
    return kExitUsage;
  }
  for (const std::string& path : args.logs) {
    if (path == "-" && args.intel == "-") {
      std::cerr << "tessera hunt: standard input cannot be both --intel and a LOG\n";
      return kExitUsage;
    }
  }
  hunt::HuntIndicatorsBuilder builder;
  // The hub's audience extension travels onto the sightings with the markings.
  builder.KeepExtension(std::string(policy::kTesseraExtensionId));
  std::unique_ptr<store::Store> store;
  std::optional<hunt::StoredIndicators> stored;  // with --data: where each indicator is kept
  if (!args.intel.empty()) {
    auto text = ReadInput(args.intel);
    if (!text.ok()) {
      std::cerr << "tessera hunt: " << text.status().message() << "\n";
      return kExitUsage;
    }
    IntelSink sink(builder);
    auto read = stix::ReadStream(*text, stix::ReadOptions{}, sink);
    if (!read.ok()) {
      std::cerr << "tessera hunt: " << args.intel << ": " << read.status().message() << "\n";
      return kExitUsage;
    }
    if (sink.invalid() > 0) {
      std::cerr << "tessera hunt: " << args.intel << ": " << sink.invalid()
                << " invalid indicators skipped (first: " << sink.first_problem() << ")\n";
    }
  } else {
    std::string data_dir = args.data_dir;
    if (data_dir.empty()) {
      const char* env = std::getenv("TESSERA_DATA");
      data_dir = env != nullptr && *env != '\0' ? env : kDefaultDataDir;
    }
    auto opened = store::OpenStore(data_dir, store::OpenMode::kOpenExisting);
    if (!opened.ok()) {
      std::cerr << "tessera hunt: " << opened.status().message() << "\n";
      return kExitUsage;
    }
    store = std::move(opened).value();
    auto loaded = hunt::StoredIndicators::Load(*store, builder);
    if (!loaded.ok()) {
      std::cerr << "tessera hunt: " << loaded.status().message() << "\n";
      return kExitUsage;
    }
    stored.emplace(std::move(loaded).value());
  }
  auto built = std::move(builder).Build(allowlist_text);
  if (!built.ok()) {
    std::cerr << "tessera hunt: " << built.status().message() << "\n";
    return kExitUsage;
  }
  const hunt::HuntIndicators& indicators = *built;
  const hunt::IndexCounts& counts = indicators.index().counts();
  const hunt::IndicatorLoadStats& ls = indicators.stats();
  std::cerr << "tessera hunt: " << ls.loaded << " indicators (" << counts.atomics()
            << " indexed comparisons; " << ls.evaluated << " patterns evaluated on the events "
            << "the index pre-selects, " << ls.never_hit << " with nothing the index serves, "
            << ls.skipped << " indicators skipped), " << counts.allowlist_entries
            << " allowlist entries\n";
  if (!ls.first_skip.empty()) std::cerr << "  skipped first: " << ls.first_skip << "\n";

  hunt::PatternEvaluator evaluator(indicators);
  hunt::SightingCollector sightings;
  uint64_t reported = 0;
  const hunt::ReportCallback report = [&](const hunt::ReportedHit& r) {
    const std::string indicator_id = indicators.index().Indicator(r.indicator).id;
    json::object line;
    line["log"] = r.place.source;
    line["line"] = r.place.line;
    if (r.has_time) line["time"] = FormatTimestamp(r.place.time, TimePrecision::kShortest);
    if (!r.event_type.empty()) line["event_type"] = r.event_type;
    line["field"] = r.field;
    line["kind"] = hunt::IndicatorClassName(r.hit.kind);
    line["value"] = r.value;
    line["matched"] = MatchedText(r.hit);
    line["indicator"] = indicator_id;
    line["decided_by"] = hunt::DecisionName(r.decision);
    if (r.decision == hunt::Decision::kWindow) {
      json::array observations;
      for (const hunt::EventPlace& e : r.observations) {
        json::object o;
        o["log"] = e.source;
        o["line"] = e.line;
        o["time"] = FormatTimestamp(e.time, TimePrecision::kShortest);
        observations.push_back(std::move(o));
      }
      line["observations"] = std::move(observations);
    }
    std::string text = json::serialize(line);
    text.push_back('\n');
    std::fwrite(text.data(), 1, text.size(), stdout);
    sightings.Add(r, indicator_id, indicators.restriction(r.indicator),
                  indicators.origins(r.indicator));
    ++reported;
  };

  // Every input on --threads workers; hits and per-file counts come back here in input order, so
  // the output does not depend on the thread count.
  std::vector<hunt::HuntInput> inputs;
  for (const std::string& path : args.logs) {
    hunt::HuntInput in;
    in.path = path;
    if (args.format != "auto") in.format = hunt::LogFormatFromName(args.format);
    in.field_map = field_map ? &*field_map : nullptr;
    inputs.push_back(std::move(in));
  }
  HuntProgressLine progress(!args.quiet && ::isatty(STDERR_FILENO) == 1);
  hunt::ParallelOptions run_options;
  run_options.threads = args.threads;
  run_options.progress = [&progress](const hunt::HuntProgress& p) { progress.Show(p); };
  bool io_failed = false;
  uint64_t reported_before = 0;  // hits reported before the current file
  auto run = hunt::HuntInputs(
      inputs, indicators.index(), default_time, run_options,
      [&](const hunt::HitContext& c, const hunt::Event& event, const hunt::Observable& o,
          const hunt::Hit& hit) { evaluator.OnHit(c.path, event, o, hit, default_time, report); },
      [&](const hunt::InputSummary& s) {
        evaluator.EndInput(report);
        progress.Clear();
        const uint64_t file_hits = reported - reported_before;
        reported_before = reported;
        if (!s.status.ok()) {
          std::cerr << "tessera hunt: " << s.status.message() << "\n";
          io_failed = true;
          return;
        }
        const hunt::ReaderStats& r = s.stats.reader;
        std::cerr << "tessera hunt: " << s.path << " ("
                  << (s.format ? hunt::LogFormatName(*s.format) : "?") << "): " << r.lines
                  << " lines, " << r.events << " events, " << r.malformed << " malformed, "
                  << file_hits << " hits (" << s.stats.hits << " index hits), "
                  << s.stats.allowlisted << " allowlisted values\n";
        for (size_t i = 0; i < r.examples.size() && i < kMalformedShown; ++i) {
          std::cerr << "  line " << r.examples[i].line << ": " << r.examples[i].reason << "\n";
        }
      });
  progress.Clear();
  if (!run.ok()) {
    std::cerr << "tessera hunt: " << run.status().message() << "\n";
    return kExitUsage;
  }
  if (std::fflush(stdout) != 0) {
    std::cerr << "tessera hunt: cannot write the hits\n";
    return kExitUsage;
  }
  const hunt::EvaluatorStats& es = evaluator.stats();
  if (es.candidates > 0) {
    std::cerr << "tessera hunt: " << es.candidates << " pattern evaluations, " << es.matches
              << " matched; " << es.dropped << " observations pushed out of full windows\n";
  }

  // Sightings: to the file, and into the store the indicators came from.
  const bool to_store = store != nullptr && !args.no_import;
  if (!args.sightings.empty() || to_store) {
    hunt::SightingOptions options;
    options.sighter_id = args.sighter_identity;
    // With --data and no sighter named: the hub's own identity, written into the file too.
    std::optional<stix::Object> hub;
    if (store != nullptr && args.sighter_identity.empty() && args.sighter_name.empty()) {
      hub = HubIdentity(*store);
      if (hub) options.sighter_id = hub->id;
    }
    if (options.sighter_id.empty())
      options.sighter_name = args.sighter_name.empty() ? HostName() : args.sighter_name;
    options.inputs = args.logs;
    if (to_store) {
      auto ns = hunt::HubSightingNamespace(store->directory());
      if (!ns.ok()) {
        std::cerr << "tessera hunt: " << ns.status().message() << "\n";
        return kExitUsage;
      }
      options.id_namespace = *ns;
    }
    std::vector<std::vector<std::string>> reveals;
    auto objects = sightings.Build(options, &reveals);
    if (!objects.ok()) {
      std::cerr << "tessera hunt: sightings: " << objects.status().message() << "\n";
      return kExitUsage;
    }
    if (!args.sightings.empty()) {
      std::vector<stix::Object> file_objects;
      if (hub) file_objects.push_back(*hub);
      file_objects.insert(file_objects.end(), objects->begin(), objects->end());
      Status st = WriteFileAtomically(args.sightings, hunt::SerializeSightingBundle(file_objects));
      if (!st.ok()) {
        std::cerr << "tessera hunt: " << st.message() << "\n";
        return kExitUsage;
      }
      std::cerr << "tessera hunt: " << sightings.size() << " sightings (" << file_objects.size()
                << " objects) written to " << args.sightings << "\n";
    }
    if (to_store && sightings.size() > 0) {
      // Each object where the indicators it reveals are, for their readers (hunt/stored.h),
      // provided by the hub's organization.
      auto principal = ingest::OperatorPrincipal(store->directory(), "");
      Result<ingest::Outcome> imported =
          !principal.ok()
              ? Result<ingest::Outcome>(principal.status())
              : stored->StoreSightings(*store, *principal, sightings, *objects, reveals);
      if (!imported.ok()) {
        std::cerr << "tessera hunt: storing the sightings: " << imported.status().message() << "\n";
        return kExitUsage;
      }
      for (const store::StatusEntry& f : imported->report.failures) {
        std::cerr << "tessera hunt: not stored: " << f.message << "\n";
      }
      std::cerr << "tessera hunt: " << sightings.size() << " sightings stored ("
                << imported->summary.added << " objects added, "
                << imported->summary.already_present << " already present)\n";
    }
  }
  if (io_failed) return kExitUsage;
  return reported > 0 ? kExitOk : kExitFindings;
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
      "hit to standard output: log, line, time, field, kind, value, matched, indicator, "
      "decided_by (index, pattern or window) and, for window, the observations of the match. "
      "Sightings aggregated per indicator go to --sightings FILE (a STIX bundle) and, with "
      "--data, into the store. Counts and malformed lines go to standard error; malformed "
      "lines never stop the hunt. Logs may be gzip-compressed. Matching rules, formats, the "
      "allowlist and field-map files: docs/hunt.md.\n"
      "Exit 0 when something hit, 1 when nothing did, 2 on a usage, store or I/O error.");
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
