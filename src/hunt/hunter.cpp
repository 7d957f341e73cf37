#include "hunt/hunter.h"

#include <simdjson.h>

#include <vector>

namespace tessera::hunt {

Result<HuntStats> HuntLog(LogReader& reader, const IndicatorIndex& index, Timestamp default_time,
                          const HitCallback& on_hit) {
  HuntStats stats;
  Event event;
  LookupScratch scratch;
  std::vector<Hit> hits;
  while (true) {
    auto more = reader.Next(event);
    if (!more.ok()) return more.status();
    if (!*more) break;
    const Timestamp at = event.time.value_or(default_time);
    for (const Observable& o : event.observables) {
      ++stats.observables;
      hits.clear();
      LookupResult r = index.Lookup(o, at, scratch, hits);
      stats.allowlisted += r.allowlisted;
      stats.unparseable += r.unparseable;
      stats.hits += hits.size();
      for (const Hit& h : hits) on_hit(event, o, h);
    }
  }
  stats.reader = reader.stats();
  return stats;
}

std::optional<LogFormat> DetectLogFormat(std::string_view line) {
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  if (line.empty()) return std::nullopt;
  if (line.front() == '{') {
    simdjson::dom::parser parser;
    simdjson::dom::object object;
    if (parser.parse(line.data(), line.size(), true).get_object().get(object)) return std::nullopt;
    auto has = [&object](std::string_view key) { return !object.at_key(key).error(); };
    if (has("event_type")) return LogFormat::kSuricataEve;
    if (has("@timestamp") || has("ecs")) return LogFormat::kEcs;
    if (has("ts") && (has("uid") || has("_path") || has("id.orig_h") || has("id") || has("fuid") ||
                      has("fingerprint") || has("certificate.subject"))) {
      return LogFormat::kZeek;
    }
    return std::nullopt;
  }
  size_t cef = line.find("CEF:");
  if (cef != std::string_view::npos && cef + 5 < line.size() && line[cef + 4] >= '0' &&
      line[cef + 4] <= '9' && line.find('|', cef) != std::string_view::npos) {
    return LogFormat::kCef;
  }
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (line.size() > 1 && line[0] == '<' && line[1] >= '0' && line[1] <= '9')
    return LogFormat::kSyslog;
  for (std::string_view m : kMonths) {
    if (line.substr(0, 4) == std::string(m) + " ") return LogFormat::kSyslog;
  }
  if (line.size() >= 19 && line[0] >= '0' && line[0] <= '9' && line[4] == '-')
    return LogFormat::kSyslog;
  return std::nullopt;
}

}  // namespace tessera::hunt
