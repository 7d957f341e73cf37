#pragma once
// Who may write what, beyond collection access (access.h) and placement (Placer): the rules that
// keep one member from rewriting, forging or shadowing what another shared. ingest applies them
// to every object of every write (TAXII POST, `tessera import`, hunt's sightings), in this
// order, after validation and placement; the first one that refuses gives the object's
// per-object failure message. docs/hub.md ("Who may write what") says them for users.
//
// Each rule is a pure function (no I/O): ingest reads what it needs from the directory and the
// store (store::Store::ReadHoldings) and passes it in. Each returns Ok, or a refusal
// (kPermissionDenied: the writer may not; kInvalidArgument: the object conflicts with what is
// stored) whose message starts with the object's id and says why and what to do instead.
//
// "Acts for others" below is RoleMayActForOthers (the sync and admin roles; the operator, the
// CLI on the database file, is an admin).

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "policy/principal.h"
#include "stix/object.h"
#include "store/directory.h"
#include "store/store.h"

namespace tessera::policy {

// Whether two JSON texts hold the same JSON value (property order and white space aside). Texts
// that are byte-equal are equal without parsing; a text that is not JSON equals nothing.
bool SameJson(std::string_view a, std::string_view b);

// Whether `object` is one of the standard TLP marking-definitions (TLP 1.0 and 2.0, stix/tlp.h)
// by its id, which the hub holds built in.
bool IsBuiltInMarking(const stix::Object& object);
// The standard TLP marking-definitions are built into the hub and never taken from members,
// whoever writes: a marking-definition with one of their ids is refused (kPermissionDenied)
// unless it is the standard object itself (SameJson); ingest then reports it a success and
// stores nothing (the hub has it). Ok for every other object.
Status CheckBuiltInMarking(const stix::Object& object);

// The identity objects of the hub's organizations (members and the hub's own) are written by
// the hub alone: an identity whose id is `organization`'s identity_id (nullptr: no organization
// has that id) is refused (kPermissionDenied) unless the writer is the operator (user_id 0) or
// the object is the organization's identity exactly as the hub holds it (SameJson with
// identity_json). Sync and admin users are refused too: the hub's own directory
// (`tessera org`, the admin API) is where an organization's identity changes.
Status CheckOrganizationIdentity(const Principal& writer, const stix::Object& object,
                                 const store::Organization* organization);

// A sighting names only its writer's organization as where it was sighted: every
// where_sighted_refs entry must be the writer's org_identity, unless the writer acts for others.
// kPermissionDenied naming the first other entry; kInvalidArgument when a sighting's JSON
// cannot be read. Ok for every other type (parses the JSON of sightings only).
Status CheckWhereSighted(const Principal& writer, const stix::Object& object);

// The organization that owns object `first`'s id: the member organization of the
// created_by_ref of the first stored version (`author_org`, 0 when it has none or names no
// member), else the organization that first contributed the id (`first.provider_org`).
int64_t OwnerOf(const store::StoredObject& first, int64_t author_org);

// Only the owner of an object (OwnerOf) adds versions of it: a writer whose organization is not
// `owner_org` is refused (kPermissionDenied) a version of a versioned object that is not stored
// yet, unless it acts for others. (Other producers make a new object and relate it with a
// `derived-from` relationship, STIX 2.1 §3.6.) Re-sharing a stored version unchanged is not
// adding one: CheckStoredVersion judges it. `version_stored`: whether the object's (id, version)
// is stored anywhere (Holding::first_of_version). Unversioned objects (most SCOs) have no owner:
// Ok.
Status CheckVersionOwner(const Principal& writer, const stix::Object& object, int64_t owner_org,
                         bool version_stored);

// An object version is one content: a versioned object whose (id, version) is stored
// (`first_of_version`, any collection and provider) with other content is refused
// (kInvalidArgument; a change needs a new `modified`). For an unversioned object only the row
// the write would land on (`kept`) counts, so that the answer never depends on what other
// organizations hold.
// A status describes what was stored: when the write would land on a stored row (`kept`, the
// row the store keeps instead of adding one) that another organization provided, or whose
// grants differ from `placement`'s, the object is refused (kInvalidArgument): this copy would
// not be stored, nor readable as shared. `kept` of the writer's organization with the same
// grants: Ok (the write changes nothing and its note stays true). (The store keeps each
// organization's share of an object version on its own (schema 4), so a `kept` the store reads is
// always the writer's; another organization's `kept` is still refused, not trusted.)
Status CheckStoredVersion(const stix::Object& object, const store::Placement& placement,
                          const store::StoredObject* first_of_version,
                          const store::StoredObject* kept);

}  // namespace tessera::policy
