#pragma once
// What the CLI account commands and the admin REST API share: finding directory entries from what
// a person types (a name, an identity id, a number), reading and writing readers/writers lists,
// and the JSON form of each directory entry (the admin API's bodies and `--json` output are the
// same documents, described in docs/openapi.yaml).
//
// Every function is thread-safe when the Directory is (store/directory.h); none keeps a reference
// to its arguments.

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "policy/access.h"
#include "store/directory.h"

namespace tessera::admin {

// The number in `text` when it is a positive decimal integer that fits int64 (at most 18 digits);
// how the CLI and the admin API tell an id from a name.
std::optional<int64_t> PositiveId(std::string_view text);

// Finds an organization by its numeric id when `ref` is one ("7"), by its identity id when `ref`
// has that shape ("identity--<uuid>"), else by exact name. The shape decides, never what
// happens to exist: a name cannot take the place of another account's id (names of those shapes
// are refused: store::Directory). kNotFound naming `ref` when none matches; kInvalidArgument when
// `ref` is empty.
Result<store::Organization> FindOrg(store::Directory& dir, std::string_view ref);
// Finds a user by numeric id when `ref` is one, else by exact name (as FindOrg).
Result<store::User> FindUserRef(store::Directory& dir, std::string_view ref);
// Finds a sharing group by numeric id when `ref` is one, else by exact name (as FindOrg).
Result<store::SharingGroup> FindGroupRef(store::Directory& dir, std::string_view ref);
// Finds a collection by id, else by alias within `api_root` (an empty `api_root` searches every
// API root; kInvalidArgument when the alias is used in several).
Result<store::CollectionInfo> FindCollectionRef(store::Directory& dir, std::string_view ref,
                                                std::string_view api_root = {});

// ---- removing accounts (the rules of docs/admin.md "Renaming, disabling and deleting") ----

// What RemoveUser did: deleted the user (it never wrote), or kept it disabled with its tokens
// revoked because deleting would orphan what it wrote (`reason` says why).
struct UserRemoval {
  bool deleted = false;
  store::User user;                  // as stored afterwards (as it was, when deleted)
  std::vector<std::string> revoked;  // the tokens revoked (kept users only)
  std::string reason;                // why it was kept; "" when deleted
};
// Deletes `user` with its tokens when it never wrote through the hub; otherwise disables it and
// revokes every token of it (nothing it wrote loses its author). The directory's errors.
Result<UserRemoval> RemoveUser(store::Directory& dir, const store::User& user);

// Disables (or enables) organization `org`: its users' tokens stop (or start again) working at
// once. store::InUse (409, exit 1) for disabling the hub's own organization (kSettingHubOrg), whose
// admins would be locked out with it.
// Whether `org` may be disabled: store::InUse for the hub's own organization.
Status CheckMayDisableOrg(store::Directory& dir, const store::Organization& org);
Result<store::Organization> SetOrgDisabled(store::Directory& dir, const store::Organization& org,
                                           bool disabled);

// The most entries a readers/writers text may name.
constexpr size_t kMaxGrantEntries = 1000;

// Reads a readers/writers list as the CLI takes it: "all" (every organization, also the
// default), or comma-separated entries, each an organization (as FindOrg) or "group:NAME" (a
// sharing group, as FindGroupRef); spaces around entries are ignored. "none" is an empty list
// (nobody but admins sees a collection with no readers). kNotFound for an unknown organization or
// group, kInvalidArgument for an empty entry, "all" mixed with entries, or more than
// kMaxGrantEntries entries.
Result<store::Grants> ParseGrants(store::Directory& dir, std::string_view text);

// The inverse of ParseGrants: "all", "none", or "OrgA,OrgB,group:G" with names (ids when a name
// cannot be read).
std::string FormatGrants(store::Directory& dir, const store::Grants& grants);

// Reads a readers/writers list from JSON (the admin API): "all", or an object
// {"all": bool, "orgs": [...], "groups": [...]} whose entries are numeric ids or names (as
// FindOrg / FindGroupRef). kInvalidArgument for another shape, kNotFound for unknown entries.
Result<store::Grants> GrantsFromJson(store::Directory& dir, const boost::json::value& v);

// JSON forms (docs/openapi.yaml). Timestamps are RFC 3339 strings. An organization's JSON has
// "disabled" in the kFull view only.
// An organization as `view` (policy::OrganizationViewFor) lets its reader see it: kAddress is
// id, name, identity_id and identity (the STIX object without its created and modified, which
// tell when the organization joined; null if the stored one cannot be read); kFull adds created
// and the whole identity. OrgJson is kFull (the CLI's operator, whoami's own org).
boost::json::object OrgViewJson(const store::Organization& org, policy::OrganizationView view);
boost::json::object OrgJson(const store::Organization& org);
boost::json::object UserJson(const store::User& user);
// A token's public record: id, user id, label, created, expires (null: never), revoked, a
// status ("active", "revoked" or "expired" at `now`) and last_used (null: never recorded; to the
// minute, see policy::Authenticator::kTokenUseInterval). Never the token or its hash.
boost::json::object TokenJson(const store::TokenRecord& token, Timestamp now);
boost::json::object GroupJson(const store::SharingGroup& group);
// A sharing group as its members see it (whoami): id, name and description; not its members or
// when it was made (GroupJson, admins only).
boost::json::object GroupSummaryJson(const store::SharingGroup& group);
boost::json::object GrantsJson(const store::Grants& grants);
boost::json::object CollectionJson(const store::CollectionInfo& collection);

// "active", "revoked" or "expired" (revoked wins over expired).
std::string_view TokenState(const store::TokenRecord& token, Timestamp now);

}  // namespace tessera::admin
