#pragma once
// What `tessera init` sets up in a store, so that a fresh hub is usable at once: the API root
// "api", the hub's own organization, the default collection (every organization reads and writes
// it, default TLP amber), the user `admin` (role admin, in the hub organization) and its first
// API token. Safe to repeat: what exists is kept, and no second admin token is made unless asked.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "policy/tokens.h"
#include "store/schema_upgrade.h"
#include "store/store.h"

namespace tessera::admin {

constexpr std::string_view kDefaultHubOrgName = "Tessera hub";
constexpr std::string_view kAdminUserName = "admin";
constexpr std::string_view kDefaultApiRoot = "api";

struct HubInitOptions {
  std::string org_name = std::string(kDefaultHubOrgName);  // used when the hub has no org yet
  bool new_admin_token = false;  // issue an admin token even when the admin already has one
};

struct HubInitResult {
  store::Organization hub_org;
  bool org_created = false;
  store::CollectionInfo default_collection;
  bool collection_created = false;
  store::User admin;
  bool admin_created = false;
  // The admin token issued now (shown once), when one was: the admin user was created now, has no
  // token at all, or new_admin_token was set.
  std::optional<policy::IssuedToken> admin_token;
  // Things the operator should know (e.g. "--org ignored: the hub organization is 'X'", or that
  // the search index of an upgraded store needs `tessera search reindex`).
  std::vector<std::string> notes;
};

// Brings `store`'s directory to the state above. Each step is durable when it returns; a failed
// step returns its Status and leaves the earlier steps done (running it again completes it).
// kAlreadyExists when a user named "admin" exists without the admin role.
Result<HubInitResult> InitHub(store::Store& store, const HubInitOptions& options);

// One line for the operator, on what opening the store did to its schema: "schema 5 -> 9: applied
// migrations 6, 7, 8, 9" after an upgrade, "schema 9: created" for a new store, "schema 9: up to
// date" when nothing was migrated.
std::string DescribeSchemaUpgrade(const store::SchemaUpgrade& schema);

// The numbers of the migrations applied (schema.from + 1 .. schema.to); empty when none.
std::vector<int64_t> AppliedMigrations(const store::SchemaUpgrade& schema);

}  // namespace tessera::admin
