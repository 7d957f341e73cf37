#include "policy/operator.h"

#include <charconv>

#include "common/time.h"

namespace tessera::policy {

Result<Principal> OperatorPrincipal(store::Directory& directory, const std::string& org_name) {
  Principal p;
  p.user = "operator";
  p.role = Role::kAdmin;
  std::optional<store::Organization> org;
  if (!org_name.empty()) {
    TESSERA_ASSIGN_OR_RETURN(org, directory.FindOrganization(org_name));
  } else {
    auto hub = directory.GetSetting(store::kSettingHubOrg);
    if (!hub.ok() && hub.status().code() != ErrorCode::kNotFound) return hub.status();
    if (hub.ok()) {
      int64_t id = 0;
      const auto [end, ec] = std::from_chars(hub->data(), hub->data() + hub->size(), id);
      if (ec != std::errc() || end != hub->data() + hub->size() || id <= 0) {
        return Corrupt("setting " + std::string(store::kSettingHubOrg) + " is not an id: " + *hub);
      }
      TESSERA_ASSIGN_OR_RETURN(org, directory.GetOrganization(id));
    }
  }
  if (org) {
    p.org_id = org->id;
    p.org_identity = org->identity_id;
    TESSERA_ASSIGN_OR_RETURN(p.groups, directory.GroupsOf(org->id));
  }
  return p;
}

Result<store::CollectionInfo> ResolveCollection(store::Directory& directory,
                                                const std::string& id) {
  if (!id.empty()) return directory.GetCollection(id);
  TESSERA_ASSIGN_OR_RETURN(std::string def, directory.GetSetting(store::kSettingDefaultCollection));
  return directory.GetCollection(def);
}

store::StatusEntry EntryFor(const stix::Object& object, std::string message) {
  const auto v = object.Version();
  return store::StatusEntry{object.id, v ? FormatVersion(*v) : std::string(), std::move(message)};
}

Result<ImportOutcome> ImportAs(store::Store& store, const Principal& principal,
                               const store::CollectionInfo& collection,
                               std::span<const stix::Object> objects,
                               const RequestAudience& from_headers, bool all_or_nothing) {
  Placer placer(store, principal, collection, from_headers);
  for (const stix::Object& o : objects) placer.Expect(o);
  ImportOutcome out;
  std::vector<store::Placement> placements;
  placements.reserve(objects.size());
  // Only refused objects need a copy: the common case stores the caller's span as it is.
  std::vector<stix::Object> accepted;
  bool any_refused = false;
  for (size_t i = 0; i < objects.size(); ++i) {
    auto placed = placer.Place(objects[i]);
    if (!placed.ok()) {
      const ErrorCode code = placed.status().code();
      if (code != ErrorCode::kInvalidArgument && code != ErrorCode::kPermissionDenied) {
        return placed.status();  // the directory failed: nothing is decided
      }
      if (!any_refused) {
        accepted.assign(objects.begin(), objects.begin() + static_cast<ptrdiff_t>(i));
        any_refused = true;
      }
      out.failures.push_back(EntryFor(objects[i], placed.status().message()));
      continue;
    }
    if (any_refused) accepted.push_back(objects[i]);
    out.successes.push_back(EntryFor(objects[i], std::move(placed->note)));
    placements.push_back(std::move(placed->placement));
  }
  if (any_refused && all_or_nothing) {
    out.successes.clear();
    return out;
  }
  const std::span<const stix::Object> to_store =
      any_refused ? std::span<const stix::Object>(accepted) : objects;
  if (to_store.empty()) return out;
  TESSERA_ASSIGN_OR_RETURN(out.summary, store.Import(to_store, placements));
  return out;
}

}  // namespace tessera::policy
