#pragma once
// The words of access the store keeps and policy decides with: grant keys (who may read a stored
// object version, and which keys a reader holds), roles (what a user may do) and the TLP levels a
// collection's default may name. Each has one printer and one parser, here; how the SQLite
// backend encodes them is its own business. The rules that use them live in src/policy.

#include <compare>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stix/tlp.h"

namespace tessera::store {

// ---- grant keys ----

enum class GrantKind : uint8_t {
  kCollectionReaders,  // every organization that can read the object's collection
  kOrg,                // one organization (id: its directory id; 0 is the operator)
  kGroup,              // the members of one sharing group (membership is checked at read time)
};

// One key of a stored version's grant list (Placement::readers), or one key a reader holds
// (ReaderScope::keys). A reader sees a version when one of its keys is in the version's list.
struct GrantKey {
  GrantKind kind = GrantKind::kCollectionReaders;
  int64_t id = 0;  // kOrg, kGroup: 0..kMaxGrantId; kCollectionReaders: 0

  static constexpr GrantKey CollectionReaders() { return GrantKey{}; }
  static constexpr GrantKey Org(int64_t org) { return GrantKey{GrantKind::kOrg, org}; }
  static constexpr GrantKey Group(int64_t group) { return GrantKey{GrantKind::kGroup, group}; }

  friend bool operator==(const GrantKey&, const GrantKey&) = default;
  // By kind, then id: an order only so that keys and grant lists can key a std::map or be sorted;
  // it says nothing about who may read more.
  friend auto operator<=>(const GrantKey&, const GrantKey&) = default;
};

// The largest id a grant key may carry (18 decimal digits).
constexpr int64_t kMaxGrantId = 999'999'999'999'999'999;

// Whether `key` is well formed: kCollectionReaders with id 0, or an org/group id in
// 0..kMaxGrantId.
bool IsValidGrantKey(const GrantKey& key);

// "coll", "org:7", "group:3" (for messages, logs, tests and cache keys). Appends to `out`.
void AppendGrantKey(const GrantKey& key, std::string& out);
std::string FormatGrantKey(const GrantKey& key);
// The inverse of FormatGrantKey; nullopt for any other text (also for ids over kMaxGrantId).
std::optional<GrantKey> ParseGrantKey(std::string_view text);

// Prints FormatGrantKey (test failure messages).
std::ostream& operator<<(std::ostream& os, const GrantKey& key);

// ---- roles ----

// What a user may do. Reading is always relative to the user's organization: no role, not even
// admin, sees an object version its organization is not granted. (policy holds the rules: what
// each role may do is decided there.)
enum class Role {
  kAdmin,     // everything, including the admin API (other organizations' users, collections)
  kOrgAdmin,  // manages the users and tokens of its own organization; reads and writes
  kAnalyst,   // reads and writes
  kReadOnly,  // reads
  kSync,      // reads and writes, and may post objects created by other member organizations
};

// "admin", "org-admin", "analyst", "read-only", "sync".
std::string_view RoleName(Role role);
// The role with that name; nullopt for any other text.
std::optional<Role> ParseRole(std::string_view name);
// Every role, in the order above (for --help texts and error messages).
const std::vector<Role>& AllRoles();

// ---- TLP levels (a collection's default) ----

// "clear", "green", "amber", "amber+strict", "red".
std::string_view TlpName(stix::TlpLevel level);
// The level with that name; nullopt for any other text.
std::optional<stix::TlpLevel> ParseTlpName(std::string_view name);
// Every level, least restrictive first.
const std::vector<stix::TlpLevel>& AllTlpLevels();

}  // namespace tessera::store
