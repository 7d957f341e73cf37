#include "hunt/session.h"

#include <unistd.h>

#include <boost/json.hpp>
#include <iterator>
#include <memory>
#include <span>
#include <unordered_set>
#include <utility>

#include "common/file.h"
#include "hunt/field_map.h"
#include "hunt/normalize.h"
#include "hunt/sightings.h"
#include "hunt/stored.h"
#include "policy/access.h"
#include "stix/reader.h"

namespace tessera::hunt {
namespace {

namespace json = boost::json;

// `st` with `prefix` before its message.
Status Prefixed(std::string_view prefix, const Status& st) {
  return {st.code(), std::string(prefix) + st.message()};
}

// Offers the valid indicators of a STIX file to the builder; names the invalid ones, once each.
class IntelSink : public stix::ReadSink {
 public:
  explicit IntelSink(HuntIndicatorsBuilder& builder) : builder_(builder) {}
  void OnObject(stix::Object&& object, std::span<const stix::Problem> problems) override {
    if (object.type != "indicator") return;
    for (const stix::Problem& p : problems) {
      if (p.severity == stix::Severity::kError) {
        if (named_.insert(object.id).second) {
          invalid_.push_back({std::move(object.id), p.path + ": " + p.message});
        }
        return;
      }
    }
    builder_.Offer(std::move(object));
  }
  void OnProblem(stix::Problem&&) override {}
  std::vector<SkippedIndicator>& invalid() { return invalid_; }

 private:
  HuntIndicatorsBuilder& builder_;
  std::vector<SkippedIndicator> invalid_;
  std::unordered_set<std::string> named_;
};

// The STIX identity of the hub's own organization, when the store records one (set up by
// `tessera init`); std::nullopt otherwise. The store's errors (a hub_org setting that names no
// organization, or is not an id) are errors.
Result<std::optional<stix::Object>> HubIdentity(store::Store& store) {
  TESSERA_ASSIGN_OR_RETURN(std::optional<store::Organization> org,
                           ingest::HubOrganization(store.directory()));
  if (!org || org->identity_id.empty() || org->identity_json.empty()) {
    return std::optional<stix::Object>();
  }
  stix::Object o;
  o.type = "identity";
  o.id = org->identity_id;
  o.json = org->identity_json;
  return std::optional<stix::Object>(std::move(o));
}

std::string HostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "tessera-hunt";
  return name;
}

std::string MatchedText(const Hit& hit) {
  switch (hit.kind) {
    case IndicatorClass::kIpAddress:
      return FormatIpPrefix(hit.prefix);
    case IndicatorClass::kHash:
      return HexEncode(hit.matched);
    default:
      return std::string(hit.matched);
  }
}

Status CheckOptions(const SessionOptions& o) {
  if ((o.store != nullptr) == !o.intel.empty()) {
    return InvalidArgument("indicators come from a store or a STIX file: exactly one of them");
  }
  if (!o.sighter_identity.empty() && !o.sighter_name.empty()) {
    return InvalidArgument("give a sighter identity or a sighter name, not both");
  }
  if (o.format == LogFormat::kJson && o.field_map.empty()) {
    return InvalidArgument("the json log format needs a field map");
  }
  return Status::Ok();
}

// The sightings of the session: to the file, and into the store the indicators came from.
Status WriteSightings(const SessionOptions& options, const SightingCollector& sightings,
                      const std::optional<StoredIndicators>& stored, SessionSink& sink) {
  const bool to_store = options.store != nullptr && options.store_sightings;
  if (options.sightings.empty() && !to_store) return Status::Ok();
  SightingOptions so;
  so.sighter_id = options.sighter_identity;
  // With a store and no sighter named: the hub's own identity, written into the file too.
  std::optional<stix::Object> hub;
  if (options.store != nullptr && options.sighter_identity.empty() &&
      options.sighter_name.empty()) {
    // A store that cannot say who the hub is fails the sightings, rather than naming another
    // sighter than the one a user of the store expects.
    auto identity = HubIdentity(*options.store);
    if (!identity.ok()) return Prefixed("sightings: ", identity.status());
    hub = std::move(*identity);
    if (hub) so.sighter_id = hub->id;
  }
  if (so.sighter_id.empty()) {
    so.sighter_name = options.sighter_name.empty() ? HostName() : options.sighter_name;
  }
  so.inputs = options.logs;
  if (to_store) {
    // Stored sightings are named in the hub's secret namespace (hunt/sightings.h).
    auto ns = HubSightingNamespace(options.store->directory());
    if (!ns.ok()) return Prefixed("sightings: ", ns.status());
    so.id_namespace = *ns;
  }
  std::vector<std::vector<std::string>> reveals;
  auto objects = sightings.Build(so, &reveals);
  if (!objects.ok()) return Prefixed("sightings: ", objects.status());
  if (!options.sightings.empty()) {
    std::vector<stix::Object> file_objects;
    if (hub) file_objects.push_back(*hub);
    file_objects.insert(file_objects.end(), objects->begin(), objects->end());
    TESSERA_RETURN_IF_ERROR(
        WriteFileAtomically(options.sightings, SerializeSightingBundle(file_objects)));
    sink.OnSightingsWritten({options.sightings, sightings.size(), file_objects.size()});
  }
  if (to_store && sightings.size() > 0) {
    // Each object where the indicators it reveals are, for their readers (hunt/stored.h),
    // provided by the hub's organization.
    auto principal = ingest::OperatorPrincipal(options.store->directory(), "");
    if (!principal.ok()) return Prefixed("storing the sightings: ", principal.status());
    auto imported =
        stored->StoreSightings(*options.store, *principal, sightings, *objects, reveals);
    if (!imported.ok()) return Prefixed("storing the sightings: ", imported.status());
    sink.OnSightingsStored({sightings.size(), *imported});
  }
  return Status::Ok();
}

}  // namespace

Result<SessionResult> RunSession(const SessionOptions& options, SessionSink& sink) {
  TESSERA_RETURN_IF_ERROR(CheckOptions(options));
  std::optional<FieldMap> field_map;
  if (!options.field_map.empty()) {
    TESSERA_ASSIGN_OR_RETURN(std::string text, ReadInput(options.field_map));
    auto map = ParseFieldMap(text);
    if (!map.ok()) return Prefixed(options.field_map + ": ", map.status());
    field_map.emplace(std::move(map).value());
  }
  std::string allowlist_text;
  if (!options.allowlist.empty()) {
    TESSERA_ASSIGN_OR_RETURN(allowlist_text, ReadInput(options.allowlist));
  }

  HuntIndicatorsBuilder builder;
  // The hub's audience extension travels onto the sightings with the markings.
  builder.KeepExtension(std::string(policy::kTesseraExtensionId));
  std::optional<StoredIndicators> stored;  // with a store: where each indicator is kept
  std::vector<SkippedIndicator> invalid;
  if (options.store == nullptr) {
    TESSERA_RETURN_IF_ERROR(OfferIntelFile(options.intel, builder, invalid));
  } else {
    TESSERA_ASSIGN_OR_RETURN(StoredIndicators loaded,
                             StoredIndicators::Load(*options.store, builder));
    stored.emplace(std::move(loaded));
  }
  TESSERA_ASSIGN_OR_RETURN(HuntIndicators indicators, std::move(builder).Build(allowlist_text));
  sink.OnIndicators(
      {indicators, options.store == nullptr ? options.intel : std::string_view(), invalid});

  PatternEvaluator evaluator(indicators);
  SightingCollector sightings;
  SessionResult result;
  const ReportCallback report = [&](const ReportedHit& r) {
    const std::string indicator_id = indicators.index().Indicator(r.indicator).id;
    sink.OnHit(r, indicator_id);
    sightings.Add(r, indicator_id, indicators.restriction(r.indicator),
                  indicators.origins(r.indicator));
    ++result.hits;
  };

  // Every input on the workers; hits and per-file counts come back here in input order, so the
  // output does not depend on the thread count.
  std::vector<HuntInput> inputs;
  for (const std::string& path : options.logs) {
    HuntInput in;
    in.path = path;
    in.format = options.format;
    in.field_map = field_map ? &*field_map : nullptr;
    inputs.push_back(std::move(in));
  }
  ParallelOptions run_options;
  run_options.threads = options.threads;
  run_options.clock.year = options.syslog_year;
  run_options.clock.utc_offset_seconds = options.syslog_utc_offset_seconds;
  run_options.progress = [&sink](const HuntProgress& p) { sink.OnProgress(p); };
  uint64_t hits_before = 0;  // hits reported before the current input
  TESSERA_RETURN_IF_ERROR(
      HuntInputs(
          inputs, indicators.index(), options.default_time, run_options,
          [&](const HitContext& c, const Event& event, const Observable& o, const Hit& hit) {
            evaluator.OnHit(c.path, event, o, hit, options.default_time, report);
          },
          [&](const InputSummary& s) {
            evaluator.EndInput(report);
            if (!s.status.ok()) ++result.failed_inputs;
            sink.OnInputDone(s, result.hits - hits_before);
            hits_before = result.hits;
          })
          .status());
  TESSERA_RETURN_IF_ERROR(sink.OnLogsDone(evaluator.stats()));
  TESSERA_RETURN_IF_ERROR(WriteSightings(options, sightings, stored, sink));
  return result;
}

Status OfferIntelFile(const std::string& path, HuntIndicatorsBuilder& builder,
                      std::vector<SkippedIndicator>& invalid) {
  IntelSink intel(builder);
  // Read a window at a time: memory holds the index being built, not the file.
  auto read = stix::ReadFile(path, stix::ReadOptions{}, intel);
  if (!read.ok() && read.status().code() == ErrorCode::kIo) return read.status();
  if (!read.ok()) return Prefixed(path + ": ", read.status());
  std::move(intel.invalid().begin(), intel.invalid().end(), std::back_inserter(invalid));
  return Status::Ok();
}

std::string HitJson(const ReportedHit& r, std::string_view indicator_id) {
  json::object line;
  line["log"] = r.place.source;
  line["line"] = r.place.line;
  if (r.has_time) line["time"] = FormatTimestamp(r.place.time, TimePrecision::kShortest);
  if (!r.event_type.empty()) line["event_type"] = r.event_type;
  json::array matches;
  for (const HitMatch& m : r.matches) {
    json::object match;
    match["field"] = m.field;
    match["kind"] = IndicatorClassName(m.hit.kind);
    match["value"] = m.value;
    match["matched"] = MatchedText(m.hit);
    matches.push_back(std::move(match));
  }
  line["matches"] = std::move(matches);
  line["indicator"] = indicator_id;
  line["decided_by"] = DecisionName(r.decision);
  if (r.decision == Decision::kWindow) {
    json::array observations;
    for (const EventPlace& e : r.observations) {
      json::object o;
      o["log"] = e.source;
      o["line"] = e.line;
      o["time"] = FormatTimestamp(e.time, TimePrecision::kShortest);
      observations.push_back(std::move(o));
    }
    line["observations"] = std::move(observations);
  }
  return json::serialize(line);
}

}  // namespace tessera::hunt
