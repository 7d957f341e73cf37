#pragma once
// STIX 2.1 sightings of a hunt, aggregated per indicator: what `tessera hunt --sightings` writes
// and, with a store, imports.
//
//   SightingCollector sightings;
//   ... for every reported hit: sightings.Add(hit, indicators.index().Indicator(hit.indicator).id);
//   TESSERA_ASSIGN_OR_RETURN(auto objects, sightings.Build({.sighter_name = "soc-sensor-1",
//                                                          .inputs = {"conn.log"}}));
//   std::string bundle = SerializeSightingBundle(objects);
//
// For each indicator that hit, one sighting (§5.2): `count` = the events that hit it (for a
// multi-observation pattern: the completed matches), `first_seen` / `last_seen` = the earliest and
// latest of their times, `sighting_of_ref` = the indicator, `where_sighted_refs` = the sighter's
// identity, `observed_data_refs` = one observed-data per distinct observed value (at most
// SightingCollector's max_observed_data per sighting; further values are counted, not written),
// each referencing the SCO of that value (deterministic SCO ids, stix/sco_id.h) with its own
// first/last_observed and number_observed.
//
// Restriction: a sighting reveals what it sights, so each object carries the restriction of the
// indicators it reveals (HuntIndicators::restriction: their object_marking_refs and the hub's
// audience extension): a sighting and its observed-data that of their indicator; an SCO that of
// its indicators when they agree, else the union of their marking refs and no audience (the most
// restrictive TLP applies; without named recipients a RED object stays with its provider). Where
// a store keeps them is the caller's to decide from Build's `reveals`.
//
// Determinism: every id is a UUIDv5 of what the object stands for (indicator id, sighter, input
// names, value) in SightingOptions::id_namespace, `created` / `modified` are the time of the latest
// hit (the sighter identity made from a name: 1970-01-01T00:00:00.000Z, so that it is the same
// object in every run), and the objects come in a fixed order, so the same hits give byte-identical
// output.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "common/uuid.h"
#include "hunt/hunter.h"
#include "stix/object.h"

namespace tessera::hunt {

struct SightingOptions {
  // "identity--<uuid>" of the sighter. When empty an identity object is created (and returned)
  // from `sighter_name`: identity--UUIDv5(name), identity_class "system".
  std::string sighter_id;
  std::string sighter_name;
  std::vector<std::string> inputs;  // the names of the hunted inputs, in order (they key the ids)
  // The namespace of the ids of the sightings, their observed-data and a sighter identity made
  // from a name. Unset: a fixed public one, so that the same hits give the same ids anywhere.
  // A hub's sightings use its secret one (HubSightingNamespace, hunt/stored.h): ids nobody can
  // compute before the hub writes them, so no member can take one first. SCO ids are STIX's.
  std::optional<Uuid> id_namespace;
};

// Collects reported hits. Not thread-safe; feed it in input order (the reporting order).
class SightingCollector {
 public:
  // `max_observed_data`: observed-data written per sighting, at least 1.
  explicit SightingCollector(size_t max_observed_data = 100)
      : max_values_(max_observed_data == 0 ? 1 : max_observed_data) {}

  // One reported hit (one event) of the indicator whose STIX id is `indicator_id`, whose
  // restriction is `restriction` (HuntIndicators::restriction: "" or a JSON object of properties
  // to copy onto the objects that reveal it) and whose origins are `origins`
  // (HuntIndicators::origins); the first hit's are kept. The event counts once for the sighting,
  // and once for each distinct value among its matches; hits of one event given again (the
  // same log and line) count once.
  void Add(const ReportedHit& hit, std::string_view indicator_id, std::string_view restriction = {},
           std::span<const uint32_t> origins = {});

  // The origins given with the hits of `indicator_id`; empty when none (or no such hit).
  std::span<const uint32_t> origins(std::string_view indicator_id) const;

  // The number of indicators sighted.
  size_t size() const { return indicators_.size(); }

  // The STIX objects, validated (stix::BuildObject), in this order: the sighter identity (when
  // created), the SCOs (by id), then per indicator (by id) its observed-data and its sighting.
  // kInvalidArgument when `options` names no sighter (neither id nor name) or an id that is not
  // "identity--<uuid>"; kInternal if an object breaks a STIX rule (a bug). When `reveals` is
  // given it receives, for each returned object in the same order, the ids of the indicators it
  // reveals, ascending: one for a sighting and its observed-data, every indicator whose
  // observed-data references it for an SCO, none for the sighter identity.
  Result<std::vector<stix::Object>> Build(
      const SightingOptions& options,
      std::vector<std::vector<std::string>>* reveals = nullptr) const;

 private:
  struct Seen {
    std::optional<Timestamp> first, last;
    uint64_t count = 0;
    std::string last_source;  // the last event counted, so that hits of one event count once
    uint64_t last_line = 0;
    void Count(const EventPlace& place);
  };
  struct Value {
    std::string sco_json;  // the SCO, id included (minified)
    Seen seen;
  };
  struct PerIndicator {
    Seen seen;
    std::string restriction;
    std::vector<uint32_t> origins;
    std::map<std::string, Value> values;  // by SCO id
  };
  std::map<std::string, PerIndicator, std::less<>> indicators_;
  size_t max_values_;
};

// A bundle (§8) of `objects` (JSON text verbatim) whose id is a UUIDv5 of their ids, ending with a
// newline.
std::string SerializeSightingBundle(std::span<const stix::Object> objects);

}  // namespace tessera::hunt
