#pragma once
// What patterns are evaluated against: observed-data objects and the SCOs they carry, in both STIX
// 2.1 forms (object_refs naming SCOs elsewhere in the input, and the older embedded `objects` map).

#include <boost/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "stix/object.h"

namespace tessera::pattern {

// One observed-data. The object pointers are borrowed: they stay valid as long as whoever built
// the Observation keeps the JSON alive (ObservationSet owns it for the observations it holds).
struct Observation {
  std::string id;
  Timestamp first_observed;
  Timestamp last_observed;
  int64_t number_observed = 1;
  // The SCOs, each with the name that `_ref` / `_refs` properties of the others use for it: its id
  // (STIX 2.1 object_refs) or its key in the embedded `objects` map (the older form).
  std::vector<std::pair<std::string, const boost::json::object*>> objects;

  // The SCO named `ref` in this observation, or nullptr.
  const boost::json::object* Resolve(std::string_view ref) const;
};

// Observed-data read from STIX input, evaluated together. Owns the JSON its observations point
// into. Movable, not copyable; read-only use is thread-safe.
class ObservationSet {
 public:
  ObservationSet() = default;
  ObservationSet(ObservationSet&&) noexcept = default;
  ObservationSet& operator=(ObservationSet&&) noexcept = default;

  // Collects every observed-data of `objects` (any other object is available to object_refs).
  // kInvalidArgument naming the object and the reason when an observed-data lacks a usable
  // first_observed / last_observed / number_observed, names an object_refs entry that is not in
  // `objects`, or carries neither object_refs nor objects.
  static Result<ObservationSet> FromObjects(const std::vector<stix::Object>& objects);

  const std::vector<Observation>& observations() const { return observations_; }

 private:
  std::vector<std::unique_ptr<boost::json::value>> json_;
  std::vector<Observation> observations_;
};

}  // namespace tessera::pattern
