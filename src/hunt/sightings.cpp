#include "hunt/sightings.h"

#include <boost/json.hpp>

#include <algorithm>

#include "common/uuid.h"
#include "hunt/event_observation.h"
#include "stix/sco_id.h"
#include "stix/writer.h"

namespace tessera::hunt {

namespace json = boost::json;

namespace {

constexpr int64_t kMaxCount = 999'999'999;  // STIX bound of count and number_observed

// The namespace of every id a hunt makes (other than the SCOs', which STIX defines).
const Uuid& HuntNamespace() {
  static const Uuid ns = Uuid::V5(StixScoNamespace(), "tessera hunt sightings");
  return ns;
}

std::string IdOf(std::string_view type, std::string_view name, const Uuid& ns = HuntNamespace()) {
  return std::string(type) + "--" + Uuid::V5(ns, name).ToString();
}

std::string Stamp(Timestamp t) { return FormatTimestamp(t, TimePrecision::kMillis); }

bool IsRefProperty(std::string_view key) {
  return (key.size() > 4 && key.substr(key.size() - 4) == "_ref") ||
         (key.size() > 5 && key.substr(key.size() - 5) == "_refs");
}

// The SCO of the value `match` observed, with its id, as JSON text; "" when the value makes no
// SCO that stands alone (it needs references, or breaks a rule: a network-traffic with a port
// only).
std::string ValueSco(const HitMatch& match) {
  Event event;
  Observable o;
  o.kind = match.observable_kind;
  o.field = match.field;
  o.value = match.value;
  o.object_path = match.object_path;
  o.hash_algorithm = match.hit.kind == IndicatorClass::kHash
                         ? std::optional<HashAlgorithm>(match.hit.hash_algorithm)
                         : std::nullopt;
  event.observables.push_back(o);
  EventScos scos = BuildEventScos(event);
  const std::string& key = scos.sco_of_observable.front();
  if (key.empty()) return "";
  json::object sco = scos.objects.at(key).as_object();
  for (const auto& kv : sco) {
    if (IsRefProperty(kv.key())) return "";
  }
  std::string type(sco.at("type").as_string());
  json::object out;
  out["type"] = type;
  out["spec_version"] = "2.1";
  auto id = stix::DeterministicScoId(sco);
  // Types without ID Contributing Properties (process...): a UUIDv5 of the whole content.
  out["id"] = id.ok() ? *id : IdOf(type, stix::CanonicalJson(sco));
  for (const auto& kv : sco) {
    if (kv.key() != "type") out[kv.key()] = kv.value();
  }
  auto built = stix::BuildObject(std::move(out));
  if (!built.ok()) return "";
  return std::move(built->json);
}

// Copies the properties of `restriction` (a JSON object text; "" copies nothing) onto `object`.
void Restrict(json::object& object, const std::string& restriction) {
  if (restriction.empty()) return;
  json::value r = json::parse(restriction);
  for (const auto& kv : r.as_object()) object[kv.key()] = kv.value();
}

// The restriction of an object that reveals several indicators: theirs when they agree, else the
// union of their object_marking_refs (no audience extension: none may widen another's).
std::string CombinedRestriction(const std::vector<const std::string*>& restrictions) {
  bool same = true;
  for (const std::string* r : restrictions) same = same && *r == *restrictions.front();
  if (same) return restrictions.empty() ? std::string() : *restrictions.front();
  std::vector<std::string> refs;
  for (const std::string* r : restrictions) {
    if (r->empty()) continue;
    const json::value v = json::parse(*r);
    const json::value* m = v.as_object().if_contains("object_marking_refs");
    if (m == nullptr || !m->is_array()) continue;
    for (const json::value& ref : m->get_array()) {
      if (ref.is_string()) refs.emplace_back(ref.get_string());
    }
  }
  std::sort(refs.begin(), refs.end());
  refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
  if (refs.empty()) return std::string();
  json::array list;
  for (const std::string& ref : refs) list.emplace_back(ref);
  json::object out;
  out["object_marking_refs"] = std::move(list);
  return json::serialize(out);
}

}  // namespace

void SightingCollector::Seen::Count(const EventPlace& place) {
  if (!first || place.time < *first) first = place.time;
  if (!last || place.time > *last) last = place.time;
  if (count > 0 && place.line == last_line && place.source == last_source) return;
  ++count;
  last_source = place.source;
  last_line = place.line;
}

void SightingCollector::Add(const ReportedHit& hit, std::string_view indicator_id,
                            std::string_view restriction, std::span<const uint32_t> origins) {
  auto it = indicators_.find(indicator_id);
  if (it == indicators_.end()) {
    it = indicators_.emplace(std::string(indicator_id), PerIndicator{}).first;
    it->second.restriction = std::string(restriction);
    it->second.origins.assign(origins.begin(), origins.end());
  }
  PerIndicator& p = it->second;
  p.seen.Count(hit.place);
  for (const HitMatch& match : hit.matches) {
    std::string sco = ValueSco(match);
    if (sco.empty()) continue;
    auto parsed = json::parse(sco);
    std::string id(parsed.as_object().at("id").as_string());
    auto v = p.values.find(id);
    if (v == p.values.end()) {
      if (p.values.size() >= max_values_) continue;
      v = p.values.emplace(id, Value{std::move(sco), Seen{}}).first;
    }
    v->second.seen.Count(hit.place);  // two fields of one event with one value count once
  }
}

std::span<const uint32_t> SightingCollector::origins(std::string_view indicator_id) const {
  auto it = indicators_.find(indicator_id);
  if (it == indicators_.end()) return {};
  return it->second.origins;
}

Result<std::vector<stix::Object>> SightingCollector::Build(
    const SightingOptions& options, std::vector<std::vector<std::string>>* reveals) const {
  std::vector<stix::Object> out;
  std::vector<std::vector<std::string>> revealed;  // parallel to out
  std::string sighter = options.sighter_id;
  const Uuid& ns = options.id_namespace ? *options.id_namespace : HuntNamespace();
  const Timestamp epoch{};
  if (sighter.empty()) {
    if (options.sighter_name.empty())
      return InvalidArgument("no sighter: give an identity or a name");
    json::object identity;
    identity["type"] = "identity";
    identity["spec_version"] = "2.1";
    identity["id"] = IdOf("identity", "sighter\n" + options.sighter_name, ns);
    identity["created"] = Stamp(epoch);
    identity["modified"] = Stamp(epoch);
    identity["name"] = options.sighter_name;
    identity["identity_class"] = "system";
    auto built = stix::BuildObject(std::move(identity));
    if (!built.ok()) return Internal("sighter identity: " + built.status().message());
    sighter = built->id;
    out.push_back(std::move(built).value());
    revealed.emplace_back();
  } else {
    constexpr std::string_view kPrefix = "identity--";
    if (sighter.substr(0, kPrefix.size()) != kPrefix ||
        !Uuid::Parse(std::string_view(sighter).substr(kPrefix.size())).ok()) {
      return InvalidArgument("sighter " + sighter + " is not identity--<uuid>");
    }
  }

  // One time for every object of the run: the latest hit.
  std::optional<Timestamp> latest;
  for (const auto& [id, p] : indicators_) {
    if (p.seen.last && (!latest || *p.seen.last > *latest)) latest = p.seen.last;
  }
  const std::string stamp = Stamp(latest.value_or(epoch));

  std::string inputs;
  for (const std::string& name : options.inputs) inputs += "\n" + name;

  // SCOs, each once, by id, restricted as the indicators that observed them.
  struct ScoOf {
    const std::string* text = nullptr;
    std::vector<std::string> indicators;  // ascending (indicators_ is ordered)
    std::vector<const std::string*> restrictions;
  };
  std::map<std::string, ScoOf> scos;
  for (const auto& [id, p] : indicators_) {
    for (const auto& [sco_id, v] : p.values) {
      ScoOf& s = scos[sco_id];
      s.text = &v.sco_json;
      s.indicators.push_back(id);
      s.restrictions.push_back(&p.restriction);
    }
  }
  for (auto& [sco_id, s] : scos) {
    auto parsed = json::parse(*s.text);
    Restrict(parsed.as_object(), CombinedRestriction(s.restrictions));
    auto built = stix::BuildObject(std::move(parsed.as_object()));
    if (!built.ok()) return Internal(sco_id + ": " + built.status().message());
    out.push_back(std::move(built).value());
    revealed.push_back(std::move(s.indicators));
  }

  for (const auto& [indicator_id, p] : indicators_) {
    const std::string sighting_id =
        IdOf("sighting", "sighting\n" + indicator_id + "\n" + sighter + inputs, ns);
    stix::SightingSpec spec;
    for (const auto& [sco_id, v] : p.values) {
      json::object od;
      od["type"] = "observed-data";
      od["spec_version"] = "2.1";
      od["id"] = IdOf("observed-data", sighting_id + "\n" + sco_id, ns);
      od["created_by_ref"] = sighter;
      od["created"] = stamp;
      od["modified"] = stamp;
      od["first_observed"] = FormatTimestamp(*v.seen.first, TimePrecision::kShortest);
      od["last_observed"] = FormatTimestamp(*v.seen.last, TimePrecision::kShortest);
      od["number_observed"] = std::min<int64_t>(static_cast<int64_t>(v.seen.count), kMaxCount);
      od["object_refs"] = json::array{json::string(sco_id)};
      Restrict(od, p.restriction);
      auto built = stix::BuildObject(std::move(od));
      if (!built.ok()) return Internal("observed-data: " + built.status().message());
      spec.observed_data_refs.push_back(built->id);
      out.push_back(std::move(built).value());
      revealed.push_back({indicator_id});
    }
    spec.sighting_of_ref = indicator_id;
    spec.where_sighted_refs = {sighter};
    spec.created_by_ref = sighter;
    spec.first_seen = p.seen.first;
    spec.last_seen = p.seen.last;
    spec.count = std::min<int64_t>(static_cast<int64_t>(p.seen.count), kMaxCount);
    auto made = stix::BuildSighting(spec, latest.value_or(epoch));
    if (!made.ok()) return Internal("sighting: " + made.status().message());
    // BuildSighting draws a random id; the sighting of a run is the same object every time.
    TESSERA_ASSIGN_OR_RETURN(json::object sighting, stix::ToJson(*made));
    sighting["id"] = sighting_id;
    sighting["created"] = stamp;
    sighting["modified"] = stamp;
    Restrict(sighting, p.restriction);
    auto built = stix::BuildObject(std::move(sighting));
    if (!built.ok()) return Internal("sighting: " + built.status().message());
    out.push_back(std::move(built).value());
    revealed.push_back({indicator_id});
  }
  if (reveals != nullptr) *reveals = std::move(revealed);
  return out;
}

std::string SerializeSightingBundle(std::span<const stix::Object> objects) {
  std::string ids;
  for (const stix::Object& o : objects) ids += o.id + "\n";
  std::string out =
      "{\"type\":\"bundle\",\"id\":\"" + IdOf("bundle", "bundle\n" + ids) + "\",\"objects\":[";
  for (size_t i = 0; i < objects.size(); ++i) {
    if (i > 0) out += ",";
    out += objects[i].json;
  }
  out += "]}\n";
  return out;
}

}  // namespace tessera::hunt
