#include "hunt/hunter.h"

#include <simdjson.h>

#include <algorithm>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/json.h"
#include "hunt/pattern_atoms.h"

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

std::string_view DecisionName(Decision d) {
  switch (d) {
    case Decision::kIndex:
      return "index";
    case Decision::kEvent:
      return "pattern";
    case Decision::kWindow:
      return "window";
  }
  return "index";
}

// ---------------------------------------------------------------------------------------------
// HuntIndicators

namespace {

struct Evaluated {
  pattern::Pattern pattern;
  IndicatorConstants constants;
};

// What Offer keeps of an indicator until Build.
struct Candidate {
  std::optional<Timestamp> version;
  std::string json;
  bool revoked = false;
  std::vector<uint32_t> origins;  // of the offers of `version`, ascending, each once
};

void AddOrigin(std::vector<uint32_t>& origins, uint32_t origin) {
  auto at = std::lower_bound(origins.begin(), origins.end(), origin);
  if (at == origins.end() || *at != origin) origins.insert(at, origin);
}

// HuntIndicators::restriction of the indicator `o`.
std::string RestrictionOf(const boost::json::object& o, const std::vector<std::string>& keep) {
  boost::json::object r;
  const boost::json::value* markings = o.if_contains("object_marking_refs");
  if (markings != nullptr && markings->is_array() && !markings->get_array().empty())
    r["object_marking_refs"] = *markings;
  const boost::json::value* extensions = o.if_contains("extensions");
  if (extensions != nullptr && extensions->is_object()) {
    boost::json::object kept;
    for (const std::string& id : keep) {
      if (const boost::json::value* e = extensions->get_object().if_contains(id)) kept[id] = *e;
    }
    if (!kept.empty()) r["extensions"] = std::move(kept);
  }
  return r.empty() ? std::string() : boost::json::serialize(r);
}

std::optional<Timestamp> TimeField(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  auto t = ParseTimestamp(std::string_view(v->get_string()));
  if (!t.ok()) return std::nullopt;
  return *t;
}

const IndicatorConstants kNoConstants;

}  // namespace

struct HuntIndicators::Impl {
  explicit Impl(IndicatorIndex i) : index(std::move(i)) {}
  IndicatorIndex index;
  std::vector<Decision> decisions;  // by indicator number
  std::unordered_map<uint32_t, Evaluated> evaluated;
  IndicatorLoadStats stats;
  // By indicator number: an index into restrictions (0: ""), and where its origins start in
  // origins (they end where the next indicator's start; origin_begin has one more entry).
  std::vector<uint32_t> restriction_of;
  std::vector<std::string> restrictions{std::string()};
  std::vector<uint32_t> origin_begin{0};
  std::vector<uint32_t> origins;
};

HuntIndicators::HuntIndicators(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HuntIndicators::HuntIndicators(HuntIndicators&&) noexcept = default;
HuntIndicators& HuntIndicators::operator=(HuntIndicators&&) noexcept = default;
HuntIndicators::~HuntIndicators() = default;

const IndicatorIndex& HuntIndicators::index() const { return impl_->index; }
Decision HuntIndicators::decision(uint32_t indicator) const {
  return indicator < impl_->decisions.size() ? impl_->decisions[indicator] : Decision::kIndex;
}
const pattern::Pattern* HuntIndicators::pattern(uint32_t indicator) const {
  auto it = impl_->evaluated.find(indicator);
  return it == impl_->evaluated.end() ? nullptr : &it->second.pattern;
}
const IndicatorConstants& HuntIndicators::constants(uint32_t indicator) const {
  auto it = impl_->evaluated.find(indicator);
  return it == impl_->evaluated.end() ? kNoConstants : it->second.constants;
}
const IndicatorLoadStats& HuntIndicators::stats() const { return impl_->stats; }
std::string_view HuntIndicators::restriction(uint32_t indicator) const {
  if (indicator >= impl_->restriction_of.size()) return {};
  return impl_->restrictions[impl_->restriction_of[indicator]];
}
std::span<const uint32_t> HuntIndicators::origins(uint32_t indicator) const {
  if (indicator + 1 >= impl_->origin_begin.size()) return {};
  const uint32_t begin = impl_->origin_begin[indicator];
  return std::span<const uint32_t>(impl_->origins)
      .subspan(begin, impl_->origin_begin[indicator + 1] - begin);
}

struct HuntIndicatorsBuilder::State {
  std::map<std::string, Candidate> kept;  // by id
  IndicatorLoadStats stats;
  std::vector<std::string> keep_extensions;
};

HuntIndicatorsBuilder::HuntIndicatorsBuilder() : s_(std::make_unique<State>()) {}
HuntIndicatorsBuilder::HuntIndicatorsBuilder(HuntIndicatorsBuilder&&) noexcept = default;
HuntIndicatorsBuilder::~HuntIndicatorsBuilder() = default;

void HuntIndicatorsBuilder::Offer(stix::Object object, uint32_t origin) {
  if (object.type != "indicator") return;
  ++s_->stats.offered;
  auto [it, inserted] = s_->kept.try_emplace(object.id);
  Candidate& c = it->second;
  const std::optional<Timestamp> version = object.Version();
  if (!inserted && !(version > c.version)) {
    if (version == c.version && origin != kNoOrigin) AddOrigin(c.origins, origin);
    return;
  }
  c.version = version;
  c.json = std::move(object.json);
  c.revoked = object.revoked;
  c.origins.clear();
  if (origin != kNoOrigin) c.origins.push_back(origin);
}

void HuntIndicatorsBuilder::KeepExtension(std::string extension_id) {
  std::vector<std::string>& keep = s_->keep_extensions;
  if (std::find(keep.begin(), keep.end(), extension_id) == keep.end())
    keep.push_back(std::move(extension_id));
}

Result<HuntIndicators> HuntIndicatorsBuilder::Build(std::string_view allowlist_text) && {
  IndicatorLoadStats stats = s_->stats;
  std::vector<Decision> decisions;
  std::unordered_map<uint32_t, Evaluated> evaluated;
  std::vector<uint32_t> restriction_of;
  std::vector<std::string> restrictions{std::string()};
  std::unordered_map<std::string, uint32_t> restriction_numbers{{std::string(), 0}};
  std::vector<uint32_t> origin_begin{0};
  std::vector<uint32_t> origins;
  IndicatorIndexBuilder builder;
  auto skip = [&](const std::string& id, std::string why) {
    ++stats.skipped;
    stats.skips.push_back({id, std::move(why)});
  };
  for (auto& [id, c] : s_->kept) {
    auto doc = ParseJson(c.json);
    std::string().swap(c.json);
    if (!doc.ok() || !doc->is_object()) {
      skip(id, "not a JSON object");
      continue;
    }
    const boost::json::object& o = doc->as_object();
    const boost::json::value* type = o.if_contains("pattern_type");
    const boost::json::value* text = o.if_contains("pattern");
    if (type == nullptr || *type != "stix") {
      skip(id, "pattern_type is not stix");
      continue;
    }
    if (text == nullptr || !text->is_string()) {
      skip(id, "no pattern");
      continue;
    }
    auto valid_from = TimeField(o, "valid_from");
    if (!valid_from) {
      skip(id, "no valid_from");
      continue;
    }
    auto compiled = pattern::Compile(std::string_view(text->get_string()));
    if (!compiled.ok()) {
      skip(id, "pattern: " + compiled.status().message());
      continue;
    }
    IndicatorRef ref{id, *valid_from, TimeField(o, "valid_until"), c.revoked};
    auto number = builder.AddIndicator(ref);
    if (!number.ok()) {
      skip(id, number.status().message());
      continue;
    }
    TESSERA_ASSIGN_OR_RETURN(PatternAtoms atoms, AddPatternAtoms(builder, *number, *compiled));
    ++stats.loaded;
    if (atoms.indexed == 0) {
      ++stats.never_hit;
      stats.skips.push_back({id, "nothing the index serves: " + atoms.first_problem});
    }
    Decision d = Decision::kIndex;
    if (!atoms.complete) {
      d = compiled->IsSingleObservation() ? Decision::kEvent : Decision::kWindow;
      ++stats.evaluated;
      IndicatorConstants constants = IndexedConstants(*compiled);
      evaluated.emplace(*number, Evaluated{std::move(compiled).value(), std::move(constants)});
    }
    if (decisions.size() <= *number) decisions.resize(*number + 1, Decision::kIndex);
    decisions[*number] = d;
    // Numbers are given in order, one per indicator added: the per-number tables append.
    std::string restriction = RestrictionOf(o, s_->keep_extensions);
    auto [r, fresh] = restriction_numbers.try_emplace(std::move(restriction),
                                                      static_cast<uint32_t>(restrictions.size()));
    if (fresh) restrictions.push_back(r->first);
    restriction_of.resize(*number + 1, 0);
    restriction_of[*number] = r->second;
    origin_begin.resize(*number + 1, static_cast<uint32_t>(origins.size()));
    origins.insert(origins.end(), c.origins.begin(), c.origins.end());
    origin_begin.push_back(static_cast<uint32_t>(origins.size()));
  }
  s_->kept.clear();
  if (!allowlist_text.empty()) TESSERA_RETURN_IF_ERROR(builder.AddAllowlist(allowlist_text));
  TESSERA_ASSIGN_OR_RETURN(IndicatorIndex index, std::move(builder).Build());
  auto impl = std::make_unique<HuntIndicators::Impl>(std::move(index));
  impl->decisions = std::move(decisions);
  impl->evaluated = std::move(evaluated);
  impl->stats = std::move(stats);
  impl->restriction_of = std::move(restriction_of);
  impl->restrictions = std::move(restrictions);
  impl->origin_begin = std::move(origin_begin);
  impl->origins = std::move(origins);
  return HuntIndicators(std::move(impl));
}

// ---------------------------------------------------------------------------------------------
// PatternEvaluator

namespace {

// The id of the n-th observation a run makes (window entries and single events).
std::string ObservationId(uint64_t n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "observed-data--00000000-0000-4000-8000-%012llx",
                static_cast<unsigned long long>(n & 0xFFFFFFFFFFFFull));
  return buf;
}

// The number of `o` in `event`: its place in event.observables when it is one of them (what the
// readers and runners pass), else the first observable equal to it.
size_t ObservableNumber(const Event& event, const Observable& o) {
  const std::vector<Observable>& all = event.observables;
  if (!all.empty() && std::less_equal<const Observable*>()(all.data(), &o) &&
      std::less<const Observable*>()(&o, all.data() + all.size())) {
    return static_cast<size_t>(&o - all.data());
  }
  for (size_t i = 0; i < all.size(); ++i) {
    const Observable& x = all[i];
    if (x.kind == o.kind && x.role == o.role && x.field == o.field && x.value == o.value &&
        x.object_path == o.object_path) {
      return i;
    }
  }
  return all.size();
}

}  // namespace

// The event whose hits are being collected.
struct PatternEvaluator::Pending {
  bool active = false;
  std::string source;
  uint64_t line = 0;
  std::optional<EventScos> scos;  // built at the first hit that needs them
  std::vector<ReportedHit> hits;  // one per indicator, in the order of their first index hit
  // Evaluated indicators of this event, in first-hit order, with their SCOs (scos.objects with the
  // indexed comparisons they hit made true).
  std::vector<std::pair<uint32_t, boost::json::object>> candidates;
};

struct PatternEvaluator::Window {
  struct Entry {
    EventPlace place;
    stix::Object observation;
  };
  std::vector<Entry> entries;  // oldest first
};

PatternEvaluator::PatternEvaluator(const HuntIndicators& indicators)
    : PatternEvaluator(indicators, Options{}) {}

PatternEvaluator::PatternEvaluator(const HuntIndicators& indicators, Options options)
    : indicators_(indicators), options_(options), pending_(std::make_unique<Pending>()) {
  if (options_.max_window == 0) options_.max_window = 1;
}

PatternEvaluator::~PatternEvaluator() = default;

void PatternEvaluator::OnHit(std::string_view source, const Event& event,
                             const Observable& observable, const Hit& hit, Timestamp default_time,
                             const ReportCallback& report) {
  Pending& p = *pending_;
  if (p.active && (p.line != event.line || p.source != source)) Flush(report);
  if (!p.active) {
    p.active = true;
    p.source = std::string(source);
    p.line = event.line;
  }
  const Decision decision = indicators_.decision(hit.indicator);
  auto reported = std::find_if(p.hits.begin(), p.hits.end(),
                               [&](const ReportedHit& r) { return r.indicator == hit.indicator; });
  if (reported == p.hits.end()) {
    ReportedHit& r = p.hits.emplace_back();
    r.place = EventPlace{p.source, event.line, event.time.value_or(default_time)};
    r.has_time = event.time.has_value();
    r.event_type = std::string(event.event_type);
    r.indicator = hit.indicator;
    r.decision = decision;
    reported = std::prev(p.hits.end());
  }
  reported->matches.push_back(HitMatch{std::string(observable.field), observable.kind,
                                       std::string(observable.object_path),
                                       std::string(observable.value), hit});
  if (decision == Decision::kIndex) return;

  const pattern::Pattern* pattern = indicators_.pattern(hit.indicator);
  if (pattern == nullptr) return;
  if (!p.scos) p.scos = BuildEventScos(event);
  auto it = std::find_if(p.candidates.begin(), p.candidates.end(),
                         [&](const auto& c) { return c.first == hit.indicator; });
  if (it == p.candidates.end()) {
    p.candidates.emplace_back(hit.indicator, p.scos->objects);
    it = std::prev(p.candidates.end());
  }
  const size_t number = ObservableNumber(event, observable);
  if (number < event.observables.size()) {
    ApplyIndexMatch(it->second, *p.scos, number, observable, hit, *pattern,
                    indicators_.constants(hit.indicator));
  }
}

void PatternEvaluator::EndInput(const ReportCallback& report) { Flush(report); }

void PatternEvaluator::CountError(uint32_t indicator, const EventPlace& place,
                                  const pattern::EvaluationError& error) {
  std::vector<EvaluatorStats::IndicatorErrors>& all = stats_.errors;
  auto it = std::lower_bound(all.begin(), all.end(), indicator,
                             [](const auto& e, uint32_t i) { return e.indicator < i; });
  if (it == all.end() || it->indicator != indicator) {
    EvaluatorStats::IndicatorErrors e;
    e.indicator = indicator;
    e.indicator_id = indicators_.index().Indicator(indicator).id;
    e.first_place = place;
    e.first = error.property + ": " + error.reason;
    it = all.insert(it, std::move(e));
  }
  ++it->evaluations;
}

void PatternEvaluator::Flush(const ReportCallback& report) {
  Pending& p = *pending_;
  if (!p.active) return;
  // The verdict per evaluated indicator of this event, and the events of a window match.
  std::vector<std::pair<uint32_t, std::vector<EventPlace>>> matched;
  const Timestamp time = p.hits.empty() ? Timestamp{} : p.hits.front().place.time;
  for (auto& [indicator, objects] : p.candidates) {
    const pattern::Pattern* pattern = indicators_.pattern(indicator);
    ++stats_.candidates;
    if (indicators_.decision(indicator) == Decision::kEvent) {
      pattern::Observation o;
      o.id = ObservationId(next_observation_++);
      o.first_observed = o.last_observed = time;
      for (const auto& kv : objects) {
        o.objects.emplace_back(std::string(kv.key()), &kv.value().as_object());
      }
      std::vector<pattern::EvaluationError> errors;
      if (pattern->MatchesOne(o, &errors)) {
        matched.emplace_back(indicator, std::vector<EventPlace>{});
      }
      if (!errors.empty())
        CountError(indicator, EventPlace{p.source, p.line, time}, errors.front());
      continue;
    }
    // kWindow
    if (windows_.size() <= indicator) windows_.resize(indicator + 1);
    if (!windows_[indicator]) windows_[indicator] = std::make_unique<Window>();
    Window& w = *windows_[indicator];
    if (w.entries.size() >= options_.max_window) {
      w.entries.erase(w.entries.begin());
      ++stats_.dropped;
    }
    boost::json::object od;
    od["type"] = "observed-data";
    od["id"] = ObservationId(next_observation_++);
    od["first_observed"] = FormatTimestamp(time, TimePrecision::kNanos);
    od["last_observed"] = od["first_observed"];
    od["number_observed"] = 1;
    od["objects"] = std::move(objects);
    stix::Object obj;
    obj.type = "observed-data";
    obj.id = std::string(od["id"].as_string());
    obj.json = boost::json::serialize(od);
    w.entries.push_back({EventPlace{p.source, p.line, time}, std::move(obj)});
    std::vector<stix::Object> set;
    set.reserve(w.entries.size());
    for (const Window::Entry& e : w.entries) set.push_back(e.observation);
    auto observations = pattern::ObservationSet::FromObjects(set);
    if (!observations.ok()) continue;  // cannot happen: the entries are built above
    pattern::MatchResult result = pattern->Match(*observations);
    stats_.truncated += result.truncated;
    if (!result.errors.empty()) {
      CountError(indicator, EventPlace{p.source, p.line, time}, result.errors.front());
    }
    if (!result.matched) continue;
    std::vector<EventPlace> places;
    for (const Window::Entry& e : w.entries) {
      if (std::find(result.observed_data_ids.begin(), result.observed_data_ids.end(),
                    e.observation.id) != result.observed_data_ids.end()) {
        places.push_back(e.place);
      }
    }
    w.entries.clear();
    matched.emplace_back(indicator, std::move(places));
  }
  stats_.matches += matched.size();
  for (ReportedHit& r : p.hits) {
    if (r.decision != Decision::kIndex) {
      auto m = std::find_if(matched.begin(), matched.end(),
                            [&](const auto& x) { return x.first == r.indicator; });
      if (m == matched.end()) continue;
      r.observations = m->second;
    }
    report(r);
  }
  p.active = false;
  p.scos.reset();
  p.hits.clear();
  p.candidates.clear();
}

}  // namespace tessera::hunt
