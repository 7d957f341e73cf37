#pragma once
// The directory of the hub, kept in the store's file: organizations (each with its STIX
// identity), users, API tokens (hashes only), sharing groups and their member organizations, API
// roots, collections with their readers and writers, and settings. It stores and checks shape
// and references; the rules of who may do what live in src/policy.
//
// Every method returns a Result/Status: kInvalidArgument for a malformed value (empty or
// over-long name, ...), kAlreadyExists for a taken unique name/id or for an entry a deletion
// finds still in use (InUse, below: the message says by what), kNotFound for a missing row or
// a reference to one, kUnavailable / kIo / kCorrupt for storage failures. Roles and TLP levels are
// typed (store/access_words.h); a stored one the hub does not know reads as kCorrupt.
// Writes are durable when they return. Thread-safe (reads run on the store's read pool).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "store/access_words.h"

namespace tessera::store {

// Limits on directory values (they come from admins, but through the network).
constexpr size_t kMaxNameBytes = 256;          // names, titles, aliases, labels, setting keys
constexpr size_t kMaxDescriptionBytes = 4096;  // descriptions
constexpr size_t kMaxSettingBytes = 65536;     // setting values
constexpr size_t kMaxGrantsPerList = 10'000;   // orgs + groups in one readers/writers list

// Setting keys the hub uses.
inline constexpr std::string_view kSettingHubOrg = "hub_org";  // the hub's own org id (decimal)
inline constexpr std::string_view kSettingDefaultCollection = "default_collection";
// Present (value "stale") while the search index does not file every stored row: a store
// upgraded from before the index, until Store::RebuildSearchIndex.
inline constexpr std::string_view kSettingSearchIndex = "search_index";

// A deletion refused because something still depends on the entry (the message says what, and
// what to do first). kAlreadyExists, so that callers answer it as every conflict with the
// directory's state: HTTP 409, CLI exit 1. Only the Delete* methods return it for that reason.
inline Status InUse(std::string message) { return AlreadyExists(std::move(message)); }
inline bool IsInUse(const Status& st) { return st.code() == ErrorCode::kAlreadyExists; }

struct Organization {
  int64_t id = 0;  // > 0
  std::string name;
  std::string identity_id;    // "identity--<uuid4>"
  std::string identity_json;  // the STIX identity (identity_class "organization"), minified
  Timestamp created;
  bool disabled = false;  // its users' tokens do not authenticate
};

struct User {
  int64_t id = 0;
  std::string name;
  int64_t org_id = 0;
  Role role = Role::kReadOnly;
  bool disabled = false;
  Timestamp created;
};

struct TokenRecord {
  std::string id;  // the public part of the token: 16 lowercase hex characters
  int64_t user_id = 0;
  std::string hash;  // crypto_pwhash_str of the whole token (never the token)
  Timestamp created;
  std::optional<Timestamp> expires;  // nullopt: never
  bool revoked = false;
  std::string label;
  // When it last authenticated a request, to the minute at best (RecordTokenUse is called at most
  // once a minute per token); nullopt: never, or not since the store recorded uses.
  std::optional<Timestamp> last_used;
};

// What authenticating a token needs, read in one go: the token row, its user, the user's
// organization and the sharing groups that organization belongs to.
struct TokenOwner {
  TokenRecord token;
  User user;
  Organization org;
  std::vector<int64_t> groups;  // ascending
};

struct SharingGroup {
  int64_t id = 0;
  std::string name;
  std::string description;
  std::vector<int64_t> members;  // organization ids, ascending
  Timestamp created;
};

struct ApiRoot {
  std::string name;  // the URL path segment, e.g. "api": [A-Za-z0-9._~-]{1,64}
  std::string title;
  std::string description;
  int64_t max_content_length = 100 << 20;  // bytes, > 0
};

// Who may read or write a collection: every organization, or the listed organizations and the
// members of the listed groups.
struct Grants {
  bool all = false;
  std::vector<int64_t> orgs;    // ascending
  std::vector<int64_t> groups;  // ascending
};

struct CollectionInfo {
  std::string id;  // uuid4 (lowercase); CreateCollection makes one when empty
  std::string api_root;
  std::string title;
  std::string description;
  std::string alias;  // "" when none; unique within its API root
  // The marking of its objects that carry no TLP marking; AMBER when not set (fail-closed).
  stix::TlpLevel default_tlp = stix::TlpLevel::kAmber;
  Grants readers;
  Grants writers;
  std::optional<int64_t> audience_group;  // default audience of its objects; nullopt: readers
  Timestamp created;
};

class Directory {
 public:
  virtual ~Directory() = default;

  // Organizations. CreateOrganization makes the organization's STIX identity (identity--<uuid4>,
  // identity_class "organization", name) and returns the stored row.
  virtual Result<Organization> CreateOrganization(const std::string& name) = 0;
  virtual Result<Organization> GetOrganization(int64_t id) = 0;
  virtual Result<Organization> FindOrganization(const std::string& name) = 0;
  virtual Result<Organization> FindOrganizationByIdentity(const std::string& identity_id) = 0;
  virtual Result<std::vector<Organization>> ListOrganizations() = 0;  // by id
  // Renames the organization and its identity (whose `modified` moves to now). The identity id,
  // which objects cite, stays.
  virtual Result<Organization> RenameOrganization(int64_t id, const std::string& name) = 0;
  // Disables (or enables again) an organization: while disabled, no token of its users
  // authenticates (policy::Authenticator reads it on every directory change). kNotFound.
  virtual Result<Organization> SetOrganizationDisabled(int64_t id, bool disabled) = 0;
  // Deletes an organization that nothing depends on, with its group memberships and the
  // collection grants naming it. InUse (kAlreadyExists), saying what holds it, when it is the hub's
  // own organization (kSettingHubOrg), has users, provided any object version, or owns a TAXII
  // status (disable it instead); kNotFound. Its id is never handed out again (AUTOINCREMENT), so
  // the object grants that name it (" org:N ") can never reach another organization.
  virtual Status DeleteOrganization(int64_t id) = 0;

  // Users. `org_id` must exist (kNotFound).
  virtual Result<User> CreateUser(const std::string& name, int64_t org_id, Role role) = 0;
  virtual Result<User> GetUser(int64_t id) = 0;
  virtual Result<User> FindUser(const std::string& name) = 0;
  // Every user, or only those of `org_id`; by id.
  virtual Result<std::vector<User>> ListUsers(std::optional<int64_t> org_id) = 0;
  virtual Result<User> SetUserRole(int64_t id, Role role) = 0;
  virtual Result<User> SetUserDisabled(int64_t id, bool disabled) = 0;
  // Renames a user (CreateUser's rules for names). kAlreadyExists, kNotFound, kInvalidArgument.
  virtual Result<User> RenameUser(int64_t id, const std::string& name) = 0;
  // The number of TAXII statuses the user owns: what it wrote through the hub. A user that wrote
  // is kept (disabled) rather than deleted, so that what it did stays attributable.
  virtual Result<int64_t> CountUserWrites(int64_t id) = 0;
  // Deletes a user that never wrote (CountUserWrites 0), with its tokens, in one transaction.
  // InUse (kAlreadyExists) when it wrote; kNotFound.
  virtual Status DeleteUser(int64_t id) = 0;

  // Tokens. `record.id` must be 16 lowercase hex characters and unique, the user must exist.
  virtual Status AddToken(const TokenRecord& record) = 0;
  virtual Result<TokenRecord> GetToken(const std::string& id) = 0;
  virtual Result<std::vector<TokenRecord>> ListTokens(int64_t user_id) = 0;  // by created
  virtual Status RevokeToken(const std::string& id) = 0;                     // revoking twice is ok
  // Revokes every token of `user_id` that is not revoked yet, in one transaction; returns the
  // ids of those it revoked (by created; empty when none). kNotFound when the user does not exist.
  virtual Result<std::vector<std::string>> RevokeUserTokens(int64_t user_id) = 0;
  // Replaces the stored hash of token `id` (policy rewrites a hash of an older form once the token
  // has been verified with it). kNotFound: no such token; kInvalidArgument: an empty hash.
  virtual Status SetTokenHash(const std::string& id, const std::string& hash) = 0;
  // The token with `id`, its user, organization and groups (kNotFound: no such token). Cheap
  // enough for every request: indexed reads on one read connection.
  virtual Result<TokenOwner> LookupToken(const std::string& id) = 0;
  // Records that token `id` authenticated a request at `when` (a later `when` only moves it
  // forward). Not a directory change: Generation() stays. kNotFound: no such token.
  virtual Status RecordTokenUse(const std::string& id, Timestamp when) = 0;

  // Sharing groups.
  virtual Result<SharingGroup> CreateGroup(const std::string& name,
                                           const std::string& description) = 0;
  virtual Result<SharingGroup> GetGroup(int64_t id) = 0;
  virtual Result<SharingGroup> FindGroup(const std::string& name) = 0;
  virtual Result<std::vector<SharingGroup>> ListGroups() = 0;  // by id
  // Adding a member twice is ok; removing a non-member is kNotFound.
  virtual Status AddGroupMember(int64_t group_id, int64_t org_id) = 0;
  virtual Status RemoveGroupMember(int64_t group_id, int64_t org_id) = 0;
  // The groups `org_id` belongs to, ascending.
  virtual Result<std::vector<int64_t>> GroupsOf(int64_t org_id) = 0;
  // Renames a group. kAlreadyExists, kNotFound, kInvalidArgument.
  virtual Result<SharingGroup> RenameGroup(int64_t id, const std::string& name) = 0;
  // Deletes a group nothing's access depends on, with its memberships. InUse (kAlreadyExists),
  // saying what holds it, while a collection names it as its audience group or in its readers or
  // writers, or any stored object version is addressed to it (its readers name " group:N "):
  // deleting it would change who reads those (AUTOINCREMENT ids are never reused, so such an
  // object would become readable by fewer, but its audience would silently be gone). kNotFound.
  virtual Status DeleteGroup(int64_t id) = 0;

  // API roots.
  virtual Status CreateApiRoot(const ApiRoot& root) = 0;
  virtual Result<ApiRoot> GetApiRoot(const std::string& name) = 0;
  virtual Result<std::vector<ApiRoot>> ListApiRoots() = 0;  // by name
  virtual Status UpdateApiRoot(const ApiRoot& root) = 0;    // title, description, max length

  // Collections. The API root, the orgs and groups of the grants and the audience group must
  // exist (kNotFound).
  virtual Result<CollectionInfo> CreateCollection(const CollectionInfo& info) = 0;
  virtual Result<CollectionInfo> GetCollection(const std::string& id) = 0;
  // The collection whose alias is `alias` in `api_root`: one read of the (api_root, alias)
  // index. kNotFound when there is none (an empty alias never names one).
  virtual Result<CollectionInfo> FindCollectionByAlias(const std::string& api_root,
                                                       const std::string& alias) = 0;
  // The collections of one API root, by creation (then id).
  virtual Result<std::vector<CollectionInfo>> ListCollections(const std::string& api_root) = 0;
  // Replaces everything but id, api_root and created.
  virtual Result<CollectionInfo> UpdateCollection(const CollectionInfo& info) = 0;
  // Deletes an empty collection with its grants. InUse (kAlreadyExists) when it holds any object
  // version (delete them first) or is the hub's default collection; kNotFound.
  virtual Status DeleteCollection(const std::string& id) = 0;

  // Settings: small key/value pairs (kSettingHubOrg, ...). GetSetting: kNotFound when unset.
  virtual Result<std::string> GetSetting(std::string_view key) = 0;
  virtual Status PutSetting(std::string_view key, std::string_view value) = 0;
  // Stores `value` under `key` unless the key is set already, atomically across processes (the
  // first writer wins), and returns the value the key holds afterwards: `value` or the earlier
  // one. For values made once per hub, such as secret keys.
  virtual Result<std::string> InitSetting(std::string_view key, std::string_view value) = 0;

  // A number that grows with every committed change to the directory, by this process or any
  // other: what was read at generation g is still current while Generation() returns g. One
  // small indexed read.
  virtual Result<int64_t> Generation() = 0;
};

// The collections `ref` names, as a person or a URL names one: the collection whose id is `ref`
// (when `api_root` is given, only if it is in that API root), else those whose alias is `ref` in
// `api_root`, or in every API root when `api_root` is empty (then by API root name; several when
// API roots share the alias). Empty when none. Only indexed reads: one by id, one by (API root,
// alias) per API root searched. Errors: the directory's (kUnavailable, kIo, kCorrupt). Callers
// decide who may see what they found (policy) and what several matches mean.
Result<std::vector<CollectionInfo>> CollectionsNamed(Directory& dir, const std::string& ref,
                                                     const std::string& api_root = {});

}  // namespace tessera::store
