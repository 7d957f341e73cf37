#include "admin/hub_init.h"

#include <cstdlib>

#include "ingest/ingest.h"
#include "store/access_words.h"

namespace tessera::admin {

Result<HubInitResult> InitHub(store::Store& store, const HubInitOptions& options) {
  store::Directory& dir = store.directory();
  HubInitResult result;

  // The API root (the store's migration makes it; an older or partial store may lack it).
  if (auto root = dir.GetApiRoot(std::string(kDefaultApiRoot)); !root.ok()) {
    if (root.status().code() != ErrorCode::kNotFound) return root.status();
    store::ApiRoot api;
    api.name = std::string(kDefaultApiRoot);
    api.title = "Tessera";
    api.description = "Tessera threat intelligence sharing hub";
    TESSERA_RETURN_IF_ERROR(dir.CreateApiRoot(api));
  }

  // The hub's own organization.
  TESSERA_ASSIGN_OR_RETURN(std::optional<store::Organization> hub_org,
                           ingest::HubOrganization(dir));
  if (hub_org) {
    result.hub_org = std::move(*hub_org);
    if (options.org_name != kDefaultHubOrgName && options.org_name != result.hub_org.name) {
      result.notes.push_back("--org ignored: the hub organization is already '" +
                             result.hub_org.name + "'");
    }
  } else {
    auto existing = dir.FindOrganization(options.org_name);
    if (existing.ok()) {
      result.hub_org = *existing;
    } else if (existing.status().code() == ErrorCode::kNotFound) {
      TESSERA_ASSIGN_OR_RETURN(result.hub_org, dir.CreateOrganization(options.org_name));
      result.org_created = true;
    } else {
      return existing.status();
    }
    TESSERA_RETURN_IF_ERROR(
        dir.PutSetting(store::kSettingHubOrg, std::to_string(result.hub_org.id)));
  }

  // The default collection.
  auto default_id = dir.GetSetting(store::kSettingDefaultCollection);
  std::optional<store::CollectionInfo> collection;
  if (default_id.ok()) {
    auto c = dir.GetCollection(*default_id);
    if (c.ok()) {
      collection = *c;
    } else if (c.status().code() != ErrorCode::kNotFound) {
      return c.status();
    }
  } else if (default_id.status().code() != ErrorCode::kNotFound) {
    return default_id.status();
  }
  if (!collection) {
    store::CollectionInfo info;
    info.api_root = std::string(kDefaultApiRoot);
    info.title = "Default";
    info.description = "Every organization of the hub reads and writes here";
    info.default_tlp = stix::TlpLevel::kAmber;
    info.readers.all = true;
    info.writers.all = true;
    TESSERA_ASSIGN_OR_RETURN(store::CollectionInfo created, dir.CreateCollection(info));
    TESSERA_RETURN_IF_ERROR(dir.PutSetting(store::kSettingDefaultCollection, created.id));
    collection = created;
    result.collection_created = true;
  }
  result.default_collection = *collection;

  // The admin user and its token.
  auto admin = dir.FindUser(std::string(kAdminUserName));
  if (admin.ok()) {
    result.admin = *admin;
    if (admin->role != store::Role::kAdmin) {
      return AlreadyExists("a user named 'admin' exists with the role " +
                           std::string(store::RoleName(admin->role)) +
                           "; give it the admin role or rename it first");
    }
    if (admin->disabled) {
      result.notes.push_back("the user admin is disabled: `tessera user enable admin` enables it");
    }
  } else if (admin.status().code() == ErrorCode::kNotFound) {
    TESSERA_ASSIGN_OR_RETURN(result.admin, dir.CreateUser(std::string(kAdminUserName),
                                                          result.hub_org.id, store::Role::kAdmin));
    result.admin_created = true;
  } else {
    return admin.status();
  }
  // A store upgraded from before the search index (schema 5 and earlier) holds objects the index
  // does not file yet: searches are refused until a reindex.
  TESSERA_ASSIGN_OR_RETURN(store::SearchIndexStats index, store.ReadSearchIndexStats());
  if (!index.complete) {
    result.notes.push_back(
        "the search index does not file the objects stored before it existed: searches are "
        "refused until `tessera search reindex` files them");
  }
  TESSERA_ASSIGN_OR_RETURN(std::vector<store::TokenRecord> tokens, dir.ListTokens(result.admin.id));
  if (result.admin_created || tokens.empty() || options.new_admin_token) {
    TESSERA_ASSIGN_OR_RETURN(
        policy::IssuedToken issued,
        policy::CreateToken(dir, result.admin.id, std::nullopt, "created by tessera init"));
    result.admin_token = std::move(issued);
  }
  return result;
}

std::vector<int64_t> AppliedMigrations(const store::SchemaUpgrade& schema) {
  std::vector<int64_t> applied;
  for (int64_t v = schema.from + 1; v <= schema.to; ++v) applied.push_back(v);
  return applied;
}

std::string DescribeSchemaUpgrade(const store::SchemaUpgrade& schema) {
  const std::string to = std::to_string(schema.to);
  if (!schema.migrated()) return "schema " + to + ": up to date";
  if (schema.from == 0) return "schema " + to + ": created";
  std::string line = "schema " + std::to_string(schema.from) + " -> " + to + ": applied migration";
  const std::vector<int64_t> applied = AppliedMigrations(schema);
  if (applied.size() > 1) line += 's';
  for (size_t i = 0; i < applied.size(); ++i) {
    line += (i == 0 ? " " : ", ") + std::to_string(applied[i]);
  }
  return line;
}

}  // namespace tessera::admin
