#include "hunt/stored.h"

#include <map>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "policy/access.h"

namespace tessera::hunt {
namespace {

constexpr size_t kPageSize = 10'000;

}  // namespace

Result<StoredIndicators> StoredIndicators::Load(store::Store& store,
                                                HuntIndicatorsBuilder& builder) {
  builder.KeepExtension(std::string(policy::kTesseraExtensionId));
  StoredIndicators out;
  // Placements are few (collections x grant lists): each gets one origin number.
  std::map<std::tuple<std::string, int64_t, std::vector<store::GrantKey>>, uint32_t> numbers;
  TESSERA_ASSIGN_OR_RETURN(const int64_t last_seq, store.LastSeq());
  TESSERA_ASSIGN_OR_RETURN(std::vector<store::ApiRoot> roots, store.directory().ListApiRoots());
  for (const store::ApiRoot& root : roots) {
    TESSERA_ASSIGN_OR_RETURN(std::vector<store::CollectionInfo> collections,
                             store.directory().ListCollections(root.name));
    for (const store::CollectionInfo& collection : collections) {
      store::ObjectQuery query;
      query.collection = collection.id;
      query.types = {"indicator"};
      query.versions = store::Versions::kLatest;
      query.limit = kPageSize;
      query.up_to_seq = last_seq;
      while (true) {
        TESSERA_ASSIGN_OR_RETURN(store::ObjectPage page, store.ListObjects(query));
        for (store::StoredObject& row : page.objects) {
          query.after_seq = row.seq;
          auto [it, fresh] =
              numbers.try_emplace(std::make_tuple(row.collection, row.provider_org, row.readers),
                                  static_cast<uint32_t>(out.placements_.size()));
          if (fresh) {
            out.placements_.push_back(store::Placement{
                std::move(row.collection), row.provider_org, std::move(row.readers), {}});
          }
          stix::Object o;
          o.type = std::move(row.type);
          o.id = std::move(row.id);
          o.modified = row.version;
          o.revoked = row.revoked;
          o.json = std::move(row.json);
          builder.Offer(std::move(o), it->second);
          ++out.rows_;
        }
        if (!page.more) break;
      }
    }
  }
  return out;
}

Result<ingest::Outcome> StoredIndicators::StoreSightings(
    store::Store& store, const policy::Principal& writer, const SightingCollector& sightings,
    std::span<const stix::Object> objects,
    std::span<const std::vector<std::string>> reveals) const {
  if (objects.size() != reveals.size()) {
    return InvalidArgument("sightings: " + std::to_string(objects.size()) + " objects but " +
                           std::to_string(reveals.size()) + " lists of what they reveal");
  }
  const int64_t writer_org = writer.org_id;
  std::vector<stix::Object> to_store;
  std::vector<store::Placement> placements;
  std::vector<store::StatusEntry> failures;
  std::map<std::string, std::vector<store::GrantKey>>
      sighting_readers;            // by collection: who reads a sighting
  std::vector<size_t> identities;  // objects that reveal nothing
  for (size_t i = 0; i < objects.size(); ++i) {
    if (reveals[i].empty()) {
      identities.push_back(i);
      continue;
    }
    // Per collection: who reads every indicator the object reveals there, and how many of
    // those indicators are there.
    std::map<std::string, std::vector<store::GrantKey>> readers;  // by collection
    std::map<std::string, size_t> present;                        // by collection
    for (const std::string& indicator : reveals[i]) {
      std::set<std::string> in;  // the collections holding this indicator
      for (uint32_t origin : sightings.origins(indicator)) {
        const store::Placement& p = placements_.at(origin);
        auto [it, fresh] = readers.try_emplace(p.collection, p.readers);
        if (!fresh) it->second = policy::ReadersOfBoth(it->second, p.readers);
        if (in.insert(p.collection).second) ++present[p.collection];
      }
    }
    if (readers.empty()) {
      failures.push_back(ingest::EntryFor(
          objects[i], objects[i].id + ": the indicator it reveals is not in the store"));
    }
    for (auto& [collection, list] : readers) {
      // The object's content (its markings, its refs) tells of every indicator it reveals: a
      // copy goes only where all of them are, or it would tell readers of this collection of
      // an indicator held elsewhere.
      if (present[collection] != reveals[i].size()) {
        failures.push_back(ingest::EntryFor(
            objects[i], objects[i].id + ": not stored in collection " + collection +
                            ": it also reveals indicators held in other collections"));
        continue;
      }
      // Nobody reads all the indicators it reveals: it is not stored (not even for the hub's
      // organization, whose users may not read what they are not granted).
      if (list.empty()) {
        failures.push_back(ingest::EntryFor(
            objects[i], objects[i].id + ": not stored in collection " + collection +
                            ": no reader may read every indicator it reveals"));
        continue;
      }
      auto [seen, fresh] = sighting_readers.try_emplace(collection, list);
      if (!fresh) seen->second = policy::ReadersOfEither(seen->second, list);
      to_store.push_back(objects[i]);
      placements.push_back(store::Placement{collection, writer_org, std::move(list), {}});
    }
  }
  // The sighter identity (made from a name) beside the sightings that name it, for their readers.
  for (size_t i : identities) {
    for (const auto& [collection, list] : sighting_readers) {
      to_store.push_back(objects[i]);
      placements.push_back(store::Placement{collection, writer_org, list, {}});
    }
  }
  ingest::Options options;
  options.placements = std::move(placements);
  TESSERA_ASSIGN_OR_RETURN(
      ingest::Outcome out,
      ingest::Ingest(store, writer, store::CollectionInfo{}, to_store, {}, std::move(options)));
  // Those that reveal an indicator nobody else may read come first: they were never offered.
  out.report.failures.insert(out.report.failures.begin(), failures.begin(), failures.end());
  out.report.total_count += static_cast<int64_t>(failures.size());
  out.report.failure_count = static_cast<int64_t>(out.report.failures.size());
  return out;
}

Result<Uuid> HubSightingNamespace(store::Directory& directory) {
  TESSERA_ASSIGN_OR_RETURN(std::string stored, directory.InitSetting(kSettingSightingIdNamespace,
                                                                     Uuid::V4().ToString()));
  auto ns = Uuid::Parse(stored);
  if (!ns.ok()) {
    return Corrupt("the hub's sighting id namespace (setting " +
                   std::string(kSettingSightingIdNamespace) + ") is not a UUID: " + stored);
  }
  return *ns;
}

}  // namespace tessera::hunt
