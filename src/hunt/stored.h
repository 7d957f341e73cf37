#pragma once
// Hunting the hub's store: its indicators in, the sightings back where they belong.
//
//   HuntIndicatorsBuilder builder;
//   TESSERA_ASSIGN_OR_RETURN(StoredIndicators stored, StoredIndicators::Load(store, builder));
//   TESSERA_ASSIGN_OR_RETURN(HuntIndicators indicators, std::move(builder).Build());
//   ... hunt; SightingCollector::Add(hit, id, indicators.restriction(n), indicators.origins(n))
//   TESSERA_ASSIGN_OR_RETURN(auto outcome, stored.StoreSightings(store, operator, sightings,
//                                                               objects, reveals));
//
// A sighting reveals what it sights (the indicator's id, and through its observed-data and SCOs
// the values of its pattern), so it is stored exactly as restricted as the indicator row it
// sights: in the same collection, for the same readers (one copy per collection that holds the
// hunted version of the indicator), never by the placement rules of a new object, which would
// make a sighting of another organization's TLP:RED indicator the hub's own and readable by the
// collection. An SCO observed for several indicators of one collection is readable there only
// by who reads all of them (policy::ReadersOfBoth).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "hunt/hunter.h"
#include "hunt/sightings.h"
#include "ingest/ingest.h"
#include "stix/object.h"
#include "store/store.h"

namespace tessera::hunt {

class StoredIndicators {
 public:
  // Offers the newest version of every indicator of every collection of `store` to `builder`
  // (builder.KeepExtension: the hub's audience extension), each with the placement of its row as
  // its origin (HuntIndicators::origins). An indicator version stored in several collections is
  // offered once per collection. The store's errors.
  static Result<StoredIndicators> Load(store::Store& store, HuntIndicatorsBuilder& builder);

  // The placement of the row an origin names.
  const store::Placement& placement(uint32_t origin) const { return placements_.at(origin); }
  size_t rows() const { return rows_; }

  // Stores `objects` (SightingCollector::Build, with its `reveals`) where the indicators they
  // reveal are: for each collection that holds every indicator it reveals, a copy readable by
  // who reads all of them there, provided by the writer's organization (0: the operator). It is
  // not stored in a collection that lacks one of them (its content, e.g. the union of their
  // markings, would tell of it), nor where no reader reads them all. An object that reveals
  // nothing (the sighter identity) goes into each collection that receives
  // sightings, for who reads one of them there. Through the single write path (ingest::Ingest
  // with these placements given) as `writer`, the operator for the hub's organization
  // (ingest::OperatorPrincipal): what it stores is one transaction, and an object the write rules
  // refuse, or whose readers would be no one, is listed in the report's failures. The store's
  // errors.
  Result<ingest::Outcome> StoreSightings(store::Store& store, const policy::Principal& writer,
                                         const SightingCollector& sightings,
                                         std::span<const stix::Object> objects,
                                         std::span<const std::vector<std::string>> reveals) const;

 private:
  std::vector<store::Placement> placements_;  // by origin
  size_t rows_ = 0;
};

// The setting that holds a hub's secret namespace of sighting ids.
inline constexpr std::string_view kSettingSightingIdNamespace = "sighting_id_namespace";

// The hub's secret namespace of sighting ids (SightingOptions::id_namespace): a random UUID made
// the first time a hunt asks for it and kept in the directory's settings, the same for every
// later hunt (so a hunt run twice stores the same sightings once). The directory's errors;
// kCorrupt when the setting holds something else than a UUID.
Result<Uuid> HubSightingNamespace(store::Directory& directory);

}  // namespace tessera::hunt
