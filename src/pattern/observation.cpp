#include "pattern/observation.h"

#include <unordered_map>

#include "common/json.h"

namespace tessera::pattern {

namespace json = boost::json;

const json::object* Observation::Resolve(std::string_view ref) const {
  for (const auto& [name, object] : objects) {
    if (name == ref) return object;
  }
  return nullptr;
}

namespace {

Result<Timestamp> TimeProperty(const json::object& o, std::string_view name, std::string_view id) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || !v->is_string()) {
    return InvalidArgument(std::string(id) + ": observed-data has no " + std::string(name));
  }
  auto ts = ParseTimestamp(v->get_string());
  if (!ts.ok()) {
    return InvalidArgument(std::string(id) + ": " + std::string(name) + ": " +
                           ts.status().message());
  }
  return *ts;
}

}  // namespace

Result<ObservationSet> ObservationSet::FromObjects(const std::vector<stix::Object>& objects) {
  ObservationSet set;
  std::unordered_map<std::string_view, const json::object*> by_id;
  std::vector<const json::object*> observed;
  set.json_.reserve(objects.size());
  for (const stix::Object& object : objects) {
    auto parsed = ParseJson(object.json);
    if (!parsed.ok()) return parsed.status();
    auto value = std::make_unique<json::value>(std::move(parsed).value());
    if (!value->is_object()) return InvalidArgument(object.id + ": not a JSON object");
    const json::object& o = value->get_object();
    if (!object.id.empty()) by_id.emplace(object.id, &o);
    if (object.type == "observed-data") observed.push_back(&o);
    set.json_.push_back(std::move(value));
  }
  for (const json::object* od : observed) {
    Observation obs;
    const json::value* id = od->if_contains("id");
    obs.id = id != nullptr && id->is_string() ? std::string(id->get_string()) : "";
    TESSERA_ASSIGN_OR_RETURN(obs.first_observed, TimeProperty(*od, "first_observed", obs.id));
    TESSERA_ASSIGN_OR_RETURN(obs.last_observed, TimeProperty(*od, "last_observed", obs.id));
    if (obs.last_observed < obs.first_observed) {
      return InvalidArgument(obs.id + ": last_observed is earlier than first_observed");
    }
    const json::value* n = od->if_contains("number_observed");
    if (n == nullptr || !(n->is_int64() || n->is_uint64())) {
      return InvalidArgument(obs.id + ": observed-data has no integer number_observed");
    }
    obs.number_observed = n->is_int64() ? n->get_int64() : 0;
    if (obs.number_observed < 1 || obs.number_observed > 999'999'999) {
      return InvalidArgument(obs.id + ": number_observed must be 1..999999999");
    }
    const json::value* refs = od->if_contains("object_refs");
    const json::value* embedded = od->if_contains("objects");
    if (refs != nullptr) {
      if (!refs->is_array()) return InvalidArgument(obs.id + ": object_refs is not a list");
      for (const json::value& r : refs->get_array()) {
        if (!r.is_string()) return InvalidArgument(obs.id + ": object_refs holds a non-string");
        auto it = by_id.find(std::string_view(r.get_string()));
        if (it == by_id.end()) {
          return InvalidArgument(obs.id + ": object_refs names " + std::string(r.get_string()) +
                                 ", which is not in the input");
        }
        obs.objects.emplace_back(std::string(r.get_string()), it->second);
      }
    } else if (embedded != nullptr) {
      if (!embedded->is_object()) return InvalidArgument(obs.id + ": objects is not a map");
      for (const auto& kv : embedded->get_object()) {
        if (!kv.value().is_object()) {
          return InvalidArgument(obs.id + ": objects." + std::string(kv.key()) +
                                 " is not an object");
        }
        obs.objects.emplace_back(std::string(kv.key()), &kv.value().get_object());
      }
    } else {
      return InvalidArgument(obs.id + ": observed-data has neither object_refs nor objects");
    }
    set.observations_.push_back(std::move(obs));
  }
  return set;
}

}  // namespace tessera::pattern
