#include "policy/write_rules.h"

#include <boost/json.hpp>
#include <string>

#include "common/json.h"
#include "common/time.h"
#include "stix/tlp.h"

namespace tessera::policy {
namespace {

std::string VersionText(const stix::Object& object) {
  const auto v = object.Version();
  return v ? "version " + FormatVersion(*v) : std::string("the unversioned form");
}

}  // namespace

bool SameJson(std::string_view a, std::string_view b) {
  if (a == b) return true;
  boost::system::error_code ea, eb;
  const boost::json::value va = boost::json::parse(a, ea);
  if (ea) return false;
  const boost::json::value vb = boost::json::parse(b, eb);
  return !eb && va == vb;
}

Status CheckBuiltInMarking(const stix::Object& object) {
  if (object.type != "marking-definition") return Status::Ok();
  const stix::TlpMarking* tlp = stix::FindTlpMarking(object.id);
  if (tlp == nullptr || SameJson(object.json, tlp->json)) return Status::Ok();
  return PermissionDenied(object.id + ": this is the standard " + std::string(tlp->name) +
                          " marking-definition, built into the hub; a copy that differs from "
                          "the standard one is refused (mark objects with its id as it is)");
}

bool IsBuiltInMarking(const stix::Object& object) {
  return object.type == "marking-definition" && stix::FindTlpMarking(object.id) != nullptr;
}

Status CheckOrganizationIdentity(const Principal& writer, const stix::Object& object,
                                 const store::Organization* organization) {
  if (object.type != "identity" || organization == nullptr || writer.user_id == 0) {
    return Status::Ok();
  }
  if (SameJson(object.json, organization->identity_json)) return Status::Ok();
  return PermissionDenied(object.id + ": this is the identity of the hub's organization '" +
                          organization->name +
                          "'; only the hub writes it (its organization record changes it)");
}

Status CheckWhereSighted(const Principal& writer, const stix::Object& object) {
  if (object.type != "sighting" || RoleMayActForOthers(writer.role)) return Status::Ok();
  auto parsed = ParseJson(object.json);
  if (!parsed.ok() || !parsed->is_object()) {
    return InvalidArgument(object.id + ": the object is not a JSON object");
  }
  const boost::json::value* refs = parsed->get_object().if_contains("where_sighted_refs");
  if (refs == nullptr) return Status::Ok();
  if (!refs->is_array()) {
    return InvalidArgument(object.id + ": where_sighted_refs must be a list of identity ids");
  }
  for (const boost::json::value& ref : refs->get_array()) {
    const std::string_view named = ref.is_string() ? std::string_view(ref.get_string()) : "";
    if (named != writer.org_identity) {
      return PermissionDenied(object.id + ": where_sighted_refs names " +
                              std::string(named.substr(0, 100)) +
                              ", not your organization's identity " + writer.org_identity +
                              "; a sighting names only the organization that sighted it");
    }
  }
  return Status::Ok();
}

int64_t OwnerOf(const store::StoredObject& first, int64_t author_org) {
  return author_org != 0 ? author_org : first.provider_org;
}

Status CheckVersionOwner(const Principal& writer, const stix::Object& object, int64_t owner_org,
                         bool version_stored) {
  if (!object.Version() || version_stored || RoleMayActForOthers(writer.role) ||
      writer.org_id == owner_org) {
    return Status::Ok();
  }
  return PermissionDenied(object.id +
                          ": the object was created by another organization; only it adds "
                          "versions of it (make a new object of your own and relate it to this "
                          "one with a 'derived-from' relationship)");
}

Status CheckStoredVersion(const stix::Object& object, const store::Placement& placement,
                          const store::StoredObject* first_of_version,
                          const store::StoredObject* kept) {
  const store::StoredObject* same = object.Version() ? first_of_version : kept;
  if (same != nullptr && !SameJson(object.json, same->json)) {
    return InvalidArgument(object.id + ": " + VersionText(object) +
                           " is already stored with other content; a changed object needs a "
                           "new 'modified' (STIX 2.1 versioning)");
  }
  if (kept != nullptr && kept->provider_org != placement.provider_org) {
    return InvalidArgument(object.id + ": " + VersionText(object) +
                           " is already stored in this collection as another organization's "
                           "share; this copy is not stored (who reads it is unchanged)");
  }
  if (kept != nullptr && kept->readers != placement.readers) {
    return InvalidArgument(object.id + ": " + VersionText(object) +
                           " is already stored in this collection with another audience; this "
                           "copy is not stored and who reads it is unchanged (post a new version "
                           "to change it)");
  }
  return Status::Ok();
}

}  // namespace tessera::policy
