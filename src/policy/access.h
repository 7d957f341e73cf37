#pragma once
// The access rules of the hub: the ONLY place they live (DESIGN.md). Who may see, read and write
// a collection (CanSee, CanRead, CanWrite); who may delete which object versions from it
// (CanDelete, CanDeleteVersion); which grant keys a reader holds there (ReaderKeys, ScopeFor);
// where an object being written goes and who may read it there (TLP 2.0, audience, recipients,
// sharing groups, impersonation, markings the hub does not know: ReadersFor, Placer); and how much
// of the hub's member organizations a principal sees in the directory (OrganizationViewFor).
//
// The model (docs/hub.md says it for users). Each stored object version carries a grant list
// ("readers"), computed here when it is written:
//   org:N    organization N may read it;
//   group:N  the members of sharing group N may read it (membership is checked at read time);
//   coll     every organization that can read the collection may read it.
// The store shows a reader a version when one of its keys (ReaderKeys) is in the version's
// grants. The TLP of an object is the most restrictive TLP marking in object_marking_refs and
// granular_markings (TLP 1.0 maps to its 2.0 equivalent, WHITE to CLEAR); without one, the
// collection's default_tlp. A marking that is not a standard TLP definition counts as RED when
// the hub does not hold its marking-definition or that definition claims to be TLP
// (stix::MarkingClass::kTlpLike); held statement-like markings do not count.
// Its audience is the named recipients if any, else the named sharing group, else the
// collection's audience group, else the collection's readers. Then:
//   CLEAR                          -> coll
//   GREEN, AMBER, AMBER+STRICT     -> the audience
//   RED                            -> the named recipients only; none: the provider alone
// and the providing organization is always granted.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "policy/principal.h"
#include "stix/handling.h"
#include "stix/object.h"
#include "stix/tlp.h"
#include "store/access_words.h"
#include "store/directory.h"
#include "store/store.h"

namespace tessera::policy {

// The Tessera STIX extension by which a producer names an object's audience (recipients:
// member organizations' identity ids; sharing_group: a group's name). Defined, read and
// validated by the STIX reader (stix/handling.h).
inline constexpr std::string_view kTesseraExtensionId = stix::kTesseraExtensionId;

// Bounds on what a producer may name for one object.
constexpr size_t kMaxRecipients = stix::kMaxRecipients;

// ---- collections ----

// Whether the principal's organization may read the collection's objects (TAXII can_read):
// the collection's readers are all organizations, or list the organization or a group it is in.
bool CanRead(const Principal& p, const store::CollectionInfo& c);
// Whether it may add objects (TAXII can_write): a role that writes, and the organization is among
// the collection's writers (as for readers).
bool CanWrite(const Principal& p, const store::CollectionInfo& c);
// Whether the collection exists for the principal at all: it can read or write it, or is an
// admin. A collection it cannot see is answered as absent (404), one it sees but may not read or
// write as forbidden (403).
bool CanSee(const Principal& p, const store::CollectionInfo& c);

// Whether the principal may delete object versions from the collection at all (TAXII DELETE
// object): it must both read and write the collection (CanRead and CanWrite), so a read-only
// role never deletes, and an admin whose organization is not among the collection's readers and
// writers does not either. Which versions it may then delete: CanDeleteVersion.
bool CanDelete(const Principal& p, const store::CollectionInfo& c);
// Whether the principal may delete one version of an object in the collection, one that the
// organization `provider_org` provided (store::StoredObject::provider_org): CanDelete, and the
// version is its own organization's, or the principal is an admin (who deletes any
// organization's). The versions considered are only those the principal sees there (ScopeFor):
// one it may not see does not exist for it (TAXII answers 404, not 403).
bool CanDeleteVersion(const Principal& p, const store::CollectionInfo& c, int64_t provider_org);

// The grant keys of the principal in the collection: its own organization, each of its groups,
// and the collection's readers when it can read the collection (in that order).
std::vector<store::GrantKey> ReaderKeys(const Principal& p, const store::CollectionInfo& c);
// The scope for store::CollectionQuery (never unrestricted).
store::ReaderScope ScopeFor(const Principal& p, const store::CollectionInfo& c);

// ---- writing ----

// An object's audience, resolved to ids.
struct Audience {
  std::vector<int64_t> recipients;  // organization ids named explicitly
  std::optional<int64_t> group;     // a sharing group named (ignored when recipients are given)
};

// The grant list of an object with `tlp` provided by `provider_org` into `collection` for
// `audience` (each key once, the provider's organization last). Pure: no I/O.
std::vector<store::GrantKey> ReadersFor(int64_t provider_org, stix::TlpLevel tlp,
                                        const Audience& audience,
                                        const store::CollectionInfo& collection);

// A grant list no wider than either of `a` and `b` (two grant lists of one collection): for an
// object that reveals two others it may be read only by who reads both. The collection's readers
// (GrantKey::CollectionReaders) stand for every reader of the collection, so with that key on one
// side the other side is the answer; otherwise the keys both hold, in `a`'s order (a group and an
// organization in it do not meet: membership changes). Empty when nothing is left. Pure.
std::vector<store::GrantKey> ReadersOfBoth(const std::vector<store::GrantKey>& a,
                                           const std::vector<store::GrantKey>& b);
// A grant list that grants what `a` or `b` grants (the keys of `a`, then those of `b` not in `a`,
// each once). Pure.
std::vector<store::GrantKey> ReadersOfEither(const std::vector<store::GrantKey>& a,
                                             const std::vector<store::GrantKey>& b);

// The audience a request names in its headers (TAXII POST), before resolution.
struct RequestAudience {
  std::vector<std::string> recipients;  // identity ids
  std::string sharing_group;            // "" when none
};
// Parses `X-Tessera-Recipients: identity--a, identity--b` and `X-Tessera-Sharing-Group: name`
// (either may be empty). kInvalidArgument when a recipient is not an identity id or there are
// more than kMaxRecipients.
Result<RequestAudience> ParseAudienceHeaders(std::string_view recipients_header,
                                             std::string_view sharing_group_header);

// Where one object goes, or why it may not.
struct PlacedObject {
  store::Placement placement;
  // A note for the status resource's per-object message; "" when there is nothing to say (e.g.
  // "TLP:RED without named recipients: visible to the providing organization only").
  std::string note;
};

// Places the objects of one write request by one principal into one collection. Reads each
// object's markings, author and named audience from what the STIX reader read
// (stix::Object::handling; objects built in code are read with stix::ReadHandling). Caches the
// directory and marking look-ups of the request. Not thread-safe (one per request); `store`,
// `principal` and `collection` must outlive it.
class Placer {
 public:
  Placer(store::Store& store, const Principal& principal, const store::CollectionInfo& collection,
         RequestAudience from_headers = {});

  // Notes `object`, one of the request's valid objects, when it is a marking-definition, so
  // that objects marked with it count it as held even when the definition comes later in the
  // request than what it marks. Call for each object of the request before placing any; a
  // request that comes in batches (ingest::Session) calls it for each batch before placing
  // that batch, and a definition then counts for the objects placed after it is noted. At most
  // 10,000 marking ids are remembered (noted or looked up); beyond that a new definition is
  // not noted, and what it marks is placed as TLP:RED (fails closed).
  void Expect(const stix::Object& object);

  // The placement of `object`, or why it is refused:
  //   kInvalidArgument: a recipient is not the identity of a member organization, or the object
  //     breaks a STIX rule (only for an object built in code: one the reader read was checked);
  //   kPermissionDenied: the named sharing group does not exist or the writer's organization is
  //     not a member of it (the two read the same: groups are visible to their members only),
  //     or (role neither sync nor admin) the object's created_by_ref is the identity of another
  //     member organization;
  // The operator (user_id 0) may name any group and cite any author.
  //   kUnavailable / kIo: the directory or the store could not be read.
  // The message says which and why, for the status resource. An object marked with a marking
  // the hub does not hold (in any collection, or earlier in Expect) or with a TLP-like marking
  // that is not a standard definition is placed as TLP:RED, and the note says so. Does not
  // check CanWrite (callers answer 403 for the whole request first).
  Result<PlacedObject> Place(const stix::Object& object);

 private:
  Result<int64_t> OrgOfIdentity(const std::string& identity_id);
  Result<int64_t> GroupNamed(const std::string& name);
  // What the marking-definition `id` held by the hub is; nullopt when the hub holds none.
  Result<std::optional<stix::MarkingClass>> HeldMarking(const std::string& id);

  store::Store& store_;
  store::Directory& directory_;
  const Principal& principal_;
  const store::CollectionInfo& collection_;
  RequestAudience headers_;
  stix::TlpLevel default_tlp_;
  std::vector<std::pair<std::string, int64_t>> orgs_;    // identity id -> org id (0: none)
  std::vector<std::pair<std::string, int64_t>> groups_;  // group name -> id (0: none)
  std::vector<std::pair<std::string, std::optional<stix::MarkingClass>>> markings_;  // id -> held
};

// One object placed by a fresh Placer (for a single object; use Placer for a request).
Result<PlacedObject> PlaceObject(store::Store& store, const Principal& principal,
                                 const store::CollectionInfo& collection,
                                 const stix::Object& object,
                                 const RequestAudience& from_headers = {});

// The member organizations that a grant list `readers` of `collection` reaches (a preview of who
// would read an object placed there, for the sharing form), split by what `p` may be told:
//   org:N  organization N;
//   group:N  the members of group N now;
//   coll  the collection's readers: every organization when they are all, the organizations
//     listed, and the members of the groups listed.
// An organization is `shown` to a principal whose OrganizationViewFor is kFull (admins); to any
// other when it reaches it by an org:N key (itself, a recipient it named), by the collection's
// reader list naming it or all, or through a group its own organization is a member of. One it
// reaches only through a group its organization is not in is counted in `others`, not named: a
// group's members are told only to its members (and admins), so the preview tells no more of a
// group than the directory does. `shown` is sorted by name. The directory's errors (a group or an
// organization deleted meanwhile is skipped).
struct AudienceOrganizations {
  std::vector<store::Organization> shown;
  size_t others = 0;
};
Result<AudienceOrganizations> OrganizationsReading(store::Directory& directory, const Principal& p,
                                                   const store::CollectionInfo& collection,
                                                   const std::vector<store::GrantKey>& readers);

// ---- the directory ----

// How much of a member organization of the hub a principal may see (the admin API's
// GET /api/v1/orgs and /api/v1/orgs/{id}). Every authenticated user, whatever its role, sees
// every organization's address, what a producer needs to name it as a recipient: in a sharing
// community the member list is known to the members. Only admins see the rest of what the
// directory holds of it. (Adding organizations stays admin-only; sharing groups are not covered
// here: a group is visible to its members and admins only.)
enum class OrganizationView {
  kAddress,  // its numeric id, name, STIX identity id and identity object; nothing else
  kFull,     // everything the directory holds of it (store::Organization)
};
// kFull for an admin, kAddress for every other role. Pure.
OrganizationView OrganizationViewFor(const Principal& p);

}  // namespace tessera::policy
