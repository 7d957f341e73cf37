#pragma once
// Writing STIX: what Tessera needs to create objects itself (sightings, SCOs with their
// deterministic ids, new versions) and to serialize them. Everything built here is validated
// with the same rules as input (ReadDocument) before it is returned.

#include <boost/json.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "stix/object.h"
#include "stix/reader.h"

namespace tessera::stix {

// Validates one object given as JSON text. Returns the problems (errors and warnings); an empty
// vector means valid. A text that is not one JSON object is a single "not-an-object" problem.
// Thread-safe.
std::vector<Problem> ValidateJson(std::string_view json, const ReadOptions& options = {});

// Completes and validates a new object from `properties`, which must hold a string `type`:
//  - `spec_version` "2.1" is added when absent;
//  - `id`, when absent: the deterministic id for an SCO with ID Contributing Properties,
//    otherwise "<type>--<UUIDv4>";
//  - `created` and `modified` (SDOs, SROs, language-content, extension-definition) or `created`
//    (marking-definition), when absent: `now`, to the millisecond.
// Returns the Object (json minified, properties in insertion order), or kInvalidArgument whose
// message lists the problems (at most 10) when the result breaks a rule of STIX 2.1.
Result<Object> BuildObject(boost::json::object properties,
                           std::optional<Timestamp> now = std::nullopt);

// What a sighting says (§5.2). `sighting_of_ref` is required; lists may be empty.
struct SightingSpec {
  std::string sighting_of_ref;
  std::vector<std::string> observed_data_refs;
  std::vector<std::string> where_sighted_refs;
  std::optional<Timestamp> first_seen;
  std::optional<Timestamp> last_seen;
  std::optional<int64_t> count;
  std::string created_by_ref;  // "" for none
  std::vector<std::string> object_marking_refs;
  std::string description;  // "" for none
};

// A new sighting, validated (see BuildObject).
Result<Object> BuildSighting(const SightingSpec& spec, std::optional<Timestamp> now = std::nullopt);

// The object's JSON as a DOM. kCorrupt when Object::json is not a JSON object.
Result<boost::json::object> ToJson(const Object& object);

// A new version of `current` (§3.6): `changes` are merged over its properties (a null value
// removes a property), `modified` becomes `modified_at` (default: now, but always later than the
// current version). `id`, `type` and `created` cannot change. kInvalidArgument for objects
// that cannot be versioned (SCOs, marking definitions), for a revoked object, or when the new
// version breaks a rule.
Result<Object> NewVersion(const Object& current, const boost::json::object& changes,
                          std::optional<Timestamp> modified_at = std::nullopt);

// The revoked version of `current` (`revoked`: true), see NewVersion.
Result<Object> Revoke(const Object& current, std::optional<Timestamp> modified_at = std::nullopt);

// True when `candidate` is a later version of the same object than `current`: same id, and a
// later `modified` (objects without `modified` have a single version). Pure.
bool IsNewerVersion(const Object& candidate, const Object& current);

// A bundle (§8) holding `objects` verbatim, with a new random id. `objects` must hold valid JSON
// objects (as ReadDocument and the builders above make them).
std::string SerializeBundle(std::span<const Object> objects);

}  // namespace tessera::stix
