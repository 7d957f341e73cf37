#pragma once
// Writing as the operator (the CLI working on the database file: `tessera import`, hunt's
// sightings) and the one import path every writer shares: place each object by the rules of
// access.h, then store the placed ones in one transaction.

#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "policy/access.h"
#include "policy/principal.h"
#include "stix/object.h"
#include "store/store.h"

namespace tessera::policy {

// The operator acting for organization `org_name` ("" = the hub's own organization, recorded by
// `tessera init`; a store without one yet gives organization 0, "the operator", which no reader
// holds). user_id 0 and role admin: the operator may name any sharing group and cite any author.
// kNotFound when `org_name` names no organization.
Result<Principal> OperatorPrincipal(store::Directory& directory, const std::string& org_name);

// The collection with `id` ("" = the default collection). kNotFound when there is none.
Result<store::CollectionInfo> ResolveCollection(store::Directory& directory, const std::string& id);

struct ImportOutcome {
  store::ImportSummary summary;  // of the objects stored
  // Per object, in input order: stored (or already present), with a note when there is one
  // (e.g. TLP:RED without recipients) / refused, with the reason.
  std::vector<store::StatusEntry> successes;
  std::vector<store::StatusEntry> failures;
};

// The StatusEntry of an object: its id, its version (FormatVersion in common/time.h; "" when
// unversioned), `message`.
store::StatusEntry EntryFor(const stix::Object& object, std::string message);

// Places every object as `principal` into `collection` (a Placer per call) and stores those that
// may be stored, atomically and durably. A refused object is listed in failures and nothing else
// is affected, unless `all_or_nothing`: then any refusal stores nothing (the failures say why and
// the summary is empty). Does not check CanWrite: callers do. Errors: the store's, or the
// directory's when it cannot be read.
Result<ImportOutcome> ImportAs(store::Store& store, const Principal& principal,
                               const store::CollectionInfo& collection,
                               std::span<const stix::Object> objects,
                               const RequestAudience& from_headers = {},
                               bool all_or_nothing = false);

}  // namespace tessera::policy
