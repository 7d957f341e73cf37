#include "stix/writer.h"

#include "common/json.h"
#include "common/uuid.h"
#include "stix/sco_id.h"
#include "stix/types.h"

namespace tessera::stix {
namespace {

// The first `max` error problems as one message.
std::string DescribeErrors(const std::vector<Problem>& problems, size_t max = 10) {
  std::string out;
  size_t n = 0;
  for (const Problem& p : problems) {
    if (p.severity != Severity::kError) continue;
    if (n == max) {
      out += "; ...";
      break;
    }
    if (n++ > 0) out += "; ";
    out += p.path + ": " + p.message + " [" + p.rule + "]";
  }
  return out;
}

Result<Object> ReadOne(const std::string& json) {
  auto doc = ReadDocument(json);
  if (!doc.ok()) return doc.status();
  if (doc->objects.size() != 1) return Internal("expected exactly one object from the builder");
  if (!doc->ok()) return InvalidArgument(DescribeErrors(doc->problems));
  return std::move(doc->objects.front());
}

boost::json::array StringArray(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

}  // namespace

std::vector<Problem> ValidateJson(std::string_view json, const ReadOptions& options) {
  std::vector<Problem> problems;
  auto doc = ReadDocument(json, options);
  if (!doc.ok()) {
    problems.push_back(Problem{Severity::kError, "", "$", "not-an-object", doc.status().message()});
    return problems;
  }
  problems = std::move(doc->problems);
  if (doc->objects.size() != 1) {
    problems.push_back(
        Problem{Severity::kError, "", "$", "not-an-object", "expected exactly one STIX object"});
  }
  return problems;
}

Result<Object> BuildObject(boost::json::object properties, std::optional<Timestamp> now) {
  const auto* type_v = properties.if_contains("type");
  if (type_v == nullptr || !type_v->is_string()) {
    return InvalidArgument("a new object needs a string 'type'");
  }
  const std::string type(type_v->get_string());
  const TypeFamily family = FamilyOf(type);
  if (family == TypeFamily::kBundle) return InvalidArgument("use SerializeBundle for bundles");
  const bool sco = family == TypeFamily::kSco ||
                   (family == TypeFamily::kCustom && !properties.contains("created"));
  if (!properties.contains("spec_version")) properties["spec_version"] = "2.1";
  if (!sco) {
    const std::string ts = FormatTimestamp(now.value_or(Timestamp::Now()), TimePrecision::kMillis);
    if (!properties.contains("created")) properties["created"] = ts;
    if (type != "marking-definition" && !properties.contains("modified")) {
      properties["modified"] = properties["created"];
    }
  }
  if (!properties.contains("id")) {
    std::string id;
    if (sco) {
      auto det = DeterministicScoId(properties);
      id = det.ok() ? *det : type + "--" + Uuid::V4().ToString();
    } else {
      id = type + "--" + Uuid::V4().ToString();
    }
    properties["id"] = id;
  }
  return ReadOne(boost::json::serialize(properties));
}

Result<Object> BuildSighting(const SightingSpec& spec, std::optional<Timestamp> now) {
  boost::json::object o;
  o["type"] = "sighting";
  o["spec_version"] = "2.1";
  o["id"] = "sighting--" + Uuid::V4().ToString();
  const std::string ts = FormatTimestamp(now.value_or(Timestamp::Now()), TimePrecision::kMillis);
  o["created"] = ts;
  o["modified"] = ts;
  if (!spec.created_by_ref.empty()) o["created_by_ref"] = spec.created_by_ref;
  if (!spec.description.empty()) o["description"] = spec.description;
  if (spec.first_seen)
    o["first_seen"] = FormatTimestamp(*spec.first_seen, TimePrecision::kShortest);
  if (spec.last_seen) o["last_seen"] = FormatTimestamp(*spec.last_seen, TimePrecision::kShortest);
  if (spec.count) o["count"] = *spec.count;
  o["sighting_of_ref"] = spec.sighting_of_ref;
  if (!spec.observed_data_refs.empty()) {
    o["observed_data_refs"] = StringArray(spec.observed_data_refs);
  }
  if (!spec.where_sighted_refs.empty()) {
    o["where_sighted_refs"] = StringArray(spec.where_sighted_refs);
  }
  if (!spec.object_marking_refs.empty()) {
    o["object_marking_refs"] = StringArray(spec.object_marking_refs);
  }
  return ReadOne(boost::json::serialize(o));
}

Result<boost::json::object> ToJson(const Object& object) {
  auto v = ParseJson(object.json);
  if (!v.ok()) return Corrupt("object " + object.id + ": " + v.status().message());
  if (!v->is_object()) return Corrupt("object " + object.id + " is not a JSON object");
  return std::move(v->get_object());
}

Result<Object> NewVersion(const Object& current, const boost::json::object& changes,
                          std::optional<Timestamp> modified_at) {
  const TypeFamily family = FamilyOf(current.type);
  if (family == TypeFamily::kSco || current.type == "marking-definition" || !current.modified) {
    return InvalidArgument("objects of type '" + current.type + "' cannot be versioned");
  }
  if (current.revoked) {
    return InvalidArgument("object " + current.id + " is revoked; it cannot get new versions");
  }
  for (std::string_view fixed : {"id", "type", "created", "modified"}) {
    if (changes.contains(fixed)) {
      return InvalidArgument("a new version cannot change '" + std::string(fixed) + "'");
    }
  }
  TESSERA_ASSIGN_OR_RETURN(boost::json::object props, ToJson(current));
  for (const auto& kv : changes) {
    if (kv.value().is_null()) {
      props.erase(kv.key());
    } else {
      props[kv.key()] = kv.value();
    }
  }
  // The new `modified` must be later than the current one, at millisecond precision.
  Timestamp modified = modified_at.value_or(Timestamp::Now());
  const Timestamp floor = Timestamp::FromMicros((current.modified->ToMicros() / 1000 + 1) * 1000);
  if (modified < floor) {
    if (modified_at) {
      return InvalidArgument("the new 'modified' must be later than " +
                             FormatTimestamp(*current.modified, TimePrecision::kShortest));
    }
    modified = floor;
  }
  props["modified"] = FormatTimestamp(modified, TimePrecision::kMillis);
  return ReadOne(boost::json::serialize(props));
}

Result<Object> Revoke(const Object& current, std::optional<Timestamp> modified_at) {
  boost::json::object changes;
  changes["revoked"] = true;
  return NewVersion(current, changes, modified_at);
}

bool IsNewerVersion(const Object& candidate, const Object& current) {
  if (candidate.id != current.id) return false;
  if (!candidate.modified || !current.modified) return false;
  return *candidate.modified > *current.modified;
}

std::string SerializeBundle(std::span<const Object> objects) {
  std::string out = R"({"type":"bundle","id":"bundle--)" + Uuid::V4().ToString() + R"(")";
  if (!objects.empty()) {
    out += R"(,"objects":[)";
    for (size_t i = 0; i < objects.size(); ++i) {
      if (i > 0) out += ',';
      out += objects[i].json;
    }
    out += ']';
  }
  out += '}';
  return out;
}

}  // namespace tessera::stix
