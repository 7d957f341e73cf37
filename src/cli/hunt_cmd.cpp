// tessera hunt [--data DIR] [--allowlist FILE] [--format F] [--field-map FILE] [--at TS] LOG...
//
// Looks the observables of security logs up in the indicators of the store and writes one JSON
// line per hit to standard output; counts (and malformed lines) go to standard error.

#include <boost/json.hpp>

#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "common/json.h"
#include "common/time.h"
#include "hunt/field_map.h"
#include "hunt/hunter.h"
#include "hunt/indicator_index.h"
#include "hunt/log_reader.h"
#include "hunt/pattern_atoms.h"
#include "pattern/pattern.h"
#include "store/store.h"

namespace tessera::cli {
namespace {

namespace json = boost::json;

struct HuntArgs {
  std::string data_dir = kDefaultDataDir;
  std::string allowlist;
  std::string format = "auto";
  std::string field_map;
  std::string at;
  std::vector<std::string> logs;
};

constexpr size_t kPageSize = 10'000;
constexpr size_t kMalformedShown = 5;

struct Loaded {
  hunt::IndicatorIndex index;
  std::vector<bool> complete;  // by indicator number: the index alone decides its pattern
  size_t patterns = 0;
  size_t skipped_indicators = 0;  // not STIX patterns, or no valid_from, or not compilable
  size_t partial = 0;             // patterns the index serves only in part
};

std::optional<Timestamp> TimeField(const json::object& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return std::nullopt;
  auto t = ParseTimestamp(std::string_view(it->value().as_string()));
  if (!t.ok()) return std::nullopt;
  return *t;
}

// Builds the index from the newest version of every indicator in the store.
Result<Loaded> LoadIndicators(store::Store& store, const std::string& allowlist_text) {
  hunt::IndicatorIndexBuilder builder;
  std::vector<bool> complete;
  size_t patterns = 0, skipped = 0, partial = 0;
  store::ObjectQuery query;
  query.types = {"indicator"};
  query.versions = store::Versions::kLatest;
  query.limit = kPageSize;
  while (true) {
    TESSERA_ASSIGN_OR_RETURN(store::ObjectPage page, store.ListObjects(query));
    for (const store::StoredObject& row : page.objects) {
      query.after_seq = row.seq;
      auto doc = ParseJson(row.json);
      if (!doc.ok() || !doc->is_object()) {
        ++skipped;
        continue;
      }
      const json::object& o = doc->as_object();
      auto pattern_type = o.find("pattern_type");
      auto pattern_text = o.find("pattern");
      auto valid_from = TimeField(o, "valid_from");
      if (pattern_type == o.end() || pattern_type->value() != "stix" || pattern_text == o.end() ||
          !pattern_text->value().is_string() || !valid_from) {
        ++skipped;
        continue;
      }
      auto compiled = pattern::Compile(std::string_view(pattern_text->value().as_string()));
      if (!compiled.ok()) {
        ++skipped;
        continue;
      }
      hunt::IndicatorRef ref{row.id, *valid_from, TimeField(o, "valid_until"), row.revoked};
      auto number = builder.AddIndicator(ref);
      if (!number.ok()) {
        ++skipped;
        continue;
      }
      TESSERA_ASSIGN_OR_RETURN(hunt::PatternAtoms atoms,
                               hunt::AddPatternAtoms(builder, *number, *compiled));
      ++patterns;
      if (!atoms.complete) ++partial;
      complete.push_back(atoms.complete);
    }
    if (!page.more) break;
  }
  if (!allowlist_text.empty()) TESSERA_RETURN_IF_ERROR(builder.AddAllowlist(allowlist_text));
  TESSERA_ASSIGN_OR_RETURN(hunt::IndicatorIndex index, std::move(builder).Build());
  return Loaded{std::move(index), std::move(complete), patterns, skipped, partial};
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

// The format of `path`: as asked, or told from its first non-blank line.
Result<hunt::LogFormat> FormatOf(const std::string& path, const std::string& asked) {
  if (asked != "auto") return *hunt::LogFormatFromName(asked);
  if (path == "-") return InvalidArgument("standard input needs --format");
  TESSERA_ASSIGN_OR_RETURN(auto lines, hunt::LineReader::Open(path));
  std::string_view line;
  bool oversized = false;
  while (true) {
    TESSERA_ASSIGN_OR_RETURN(bool more, lines->Next(&line, &oversized));
    if (!more) return InvalidArgument(path + ": empty; nothing to tell its format from");
    if (line.find_first_not_of(" \t") != std::string_view::npos) break;
  }
  auto format = hunt::DetectLogFormat(line);
  if (!format)
    return InvalidArgument(path + ": cannot tell the log format; use --format (and --field-map)");
  return *format;
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

  auto opened = store::OpenStore(args.data_dir, store::OpenMode::kOpenExisting);
  if (!opened.ok()) {
    std::cerr << "tessera hunt: " << opened.status().message() << "\n";
    return kExitUsage;
  }
  auto loaded = LoadIndicators(**opened, allowlist_text);
  if (!loaded.ok()) {
    std::cerr << "tessera hunt: " << loaded.status().message() << "\n";
    return kExitUsage;
  }
  const hunt::IndexCounts& counts = loaded->index.counts();
  std::cerr << "tessera hunt: " << loaded->patterns << " indicators (" << counts.atomics()
            << " indexed comparisons; " << loaded->partial
            << " patterns only pre-selected by the index, " << loaded->skipped_indicators
            << " indicators skipped), " << counts.allowlist_entries << " allowlist entries\n";

  uint64_t total_hits = 0;
  bool io_failed = false;
  for (const std::string& path : args.logs) {
    auto format = FormatOf(path, args.format);
    if (!format.ok()) {
      std::cerr << "tessera hunt: " << format.status().message() << "\n";
      io_failed = true;
      continue;
    }
    if (*format == hunt::LogFormat::kJson && !field_map) {
      std::cerr << "tessera hunt: " << path << ": --format json needs --field-map\n";
      io_failed = true;
      continue;
    }
    auto reader = hunt::LogReader::Open(path, *format, field_map ? &*field_map : nullptr);
    if (!reader.ok()) {
      std::cerr << "tessera hunt: " << reader.status().message() << "\n";
      io_failed = true;
      continue;
    }
    auto stats = hunt::HuntLog(
        **reader, loaded->index, default_time,
        [&](const hunt::Event& event, const hunt::Observable& o, const hunt::Hit& hit) {
          json::object line;
          line["log"] = path;
          line["line"] = event.line;
          if (event.time) line["time"] = FormatTimestamp(*event.time, TimePrecision::kShortest);
          if (!event.event_type.empty()) line["event_type"] = event.event_type;
          line["field"] = o.field;
          line["kind"] = hunt::IndicatorClassName(hit.kind);
          line["value"] = o.value;
          line["matched"] = MatchedText(hit);
          line["indicator"] = loaded->index.Indicator(hit.indicator).id;
          line["pattern_decided"] = static_cast<bool>(loaded->complete[hit.indicator]);
          std::string text = json::serialize(line);
          text.push_back('\n');
          std::fwrite(text.data(), 1, text.size(), stdout);
        });
    if (!stats.ok()) {
      std::cerr << "tessera hunt: " << path << ": " << stats.status().message() << "\n";
      io_failed = true;
      continue;
    }
    const hunt::ReaderStats& r = stats->reader;
    std::cerr << "tessera hunt: " << path << " (" << hunt::LogFormatName(*format)
              << "): " << r.lines << " lines, " << r.events << " events, " << r.malformed
              << " malformed, " << stats->hits << " hits, " << stats->allowlisted
              << " allowlisted values\n";
    for (size_t i = 0; i < r.examples.size() && i < kMalformedShown; ++i) {
      std::cerr << "  line " << r.examples[i].line << ": " << r.examples[i].reason << "\n";
    }
    total_hits += stats->hits;
  }
  if (std::fflush(stdout) != 0) {
    std::cerr << "tessera hunt: cannot write the hits\n";
    return kExitUsage;
  }
  if (io_failed) return kExitUsage;
  return total_hits > 0 ? kExitOk : kExitFindings;
}

}  // namespace

Command AddHuntCommand(CLI::App& app) {
  auto args = std::make_shared<HuntArgs>();
  CLI::App* sub = app.add_subcommand(
      "hunt",
      "Look the observables of security logs up in the stored indicators (the newest version of "
      "each; revoked ones and those outside valid_from/valid_until at the event's time never "
      "hit). Writes one JSON line per hit to standard output: log, line, time, field, kind, "
      "value, matched, indicator, and pattern_decided (false when the indicator's pattern has "
      "more to it than the comparison that hit: the event is a candidate to check). Counts and "
      "malformed lines go to standard error; malformed lines never stop the hunt. Logs may be "
      "gzip-compressed. Matching rules, formats and the allowlist and field-map files: "
      "docs/hunt.md.\n"
      "Exit 0 when something hit, 1 when nothing did, 2 on a usage, store or I/O error.");
  sub->add_option("--data", args->data_dir, "Data directory (also read from $TESSERA_DATA)")
      ->envname("TESSERA_DATA")
      ->capture_default_str();
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
  sub->add_option("LOG", args->logs, "Log files; '-' reads standard input (needs --format)")
      ->required();
  return Command{sub, [args] { return RunHunt(*args); }};
}

}  // namespace tessera::cli
