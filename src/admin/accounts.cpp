#include "admin/accounts.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "common/text.h"

namespace tessera::admin {

std::optional<int64_t> PositiveId(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v <= 0) return std::nullopt;
  return v;
}

namespace {

namespace json = boost::json;

// `first` when it found something or failed for another reason than kNotFound; else `fallback()`.
template <typename T, typename F>
Result<T> OrElse(Result<T> first, F fallback) {
  if (first.ok() || first.status().code() != ErrorCode::kNotFound) return first;
  return fallback();
}

void SortUnique(std::vector<int64_t>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

json::value TimeJson(const Timestamp& t) { return json::string(FormatTimestamp(t)); }

}  // namespace

Result<store::Organization> FindOrg(store::Directory& dir, std::string_view ref) {
  if (ref.empty()) return InvalidArgument("no organization given");
  const std::string text(ref);
  if (auto id = PositiveId(ref)) {
    return OrElse(dir.GetOrganization(*id), [&]() -> Result<store::Organization> {
      return NotFound("no organization numbered " + text + " (see `tessera org list`)");
    });
  }
  if (ref.starts_with("identity--")) {
    return OrElse(dir.FindOrganizationByIdentity(text), [&]() -> Result<store::Organization> {
      return NotFound("no organization with identity '" + text + "'");
    });
  }
  return OrElse(dir.FindOrganization(text), [&]() -> Result<store::Organization> {
    return NotFound("no organization named '" + text + "' (see `tessera org list`)");
  });
}

Result<store::User> FindUserRef(store::Directory& dir, std::string_view ref) {
  if (ref.empty()) return InvalidArgument("no user given");
  const std::string text(ref);
  if (auto id = PositiveId(ref)) {
    return OrElse(dir.GetUser(*id), [&]() -> Result<store::User> {
      return NotFound("no user numbered " + text + " (see `tessera user list`)");
    });
  }
  return OrElse(dir.FindUser(text), [&]() -> Result<store::User> {
    return NotFound("no user named '" + text + "' (see `tessera user list`)");
  });
}

Result<store::SharingGroup> FindGroupRef(store::Directory& dir, std::string_view ref) {
  if (ref.empty()) return InvalidArgument("no sharing group given");
  const std::string text(ref);
  if (auto id = PositiveId(ref)) {
    return OrElse(dir.GetGroup(*id), [&]() -> Result<store::SharingGroup> {
      return NotFound("no sharing group numbered " + text + " (see `tessera group list`)");
    });
  }
  return OrElse(dir.FindGroup(text), [&]() -> Result<store::SharingGroup> {
    return NotFound("no sharing group named '" + text + "' (see `tessera group list`)");
  });
}

Result<store::CollectionInfo> FindCollectionRef(store::Directory& dir, std::string_view ref,
                                                std::string_view api_root) {
  if (ref.empty()) return InvalidArgument("no collection given");
  const std::string text(ref);
  TESSERA_ASSIGN_OR_RETURN(std::vector<store::CollectionInfo> found,
                           store::CollectionsNamed(dir, text, std::string(api_root)));
  if (found.empty()) {
    return NotFound("no collection with id or alias '" + text +
                    "' (see `tessera collection list`)");
  }
  if (found.size() > 1) {
    return InvalidArgument("alias '" + text +
                           "' is used in several API roots; give the collection id");
  }
  return std::move(found.front());
}

Result<UserRemoval> RemoveUser(store::Directory& dir, const store::User& user) {
  UserRemoval out;
  Status deleted = dir.DeleteUser(user.id);
  if (deleted.ok()) {
    out.deleted = true;
    out.user = user;
    return out;
  }
  if (!store::IsInUse(deleted)) return deleted;
  out.reason = deleted.message();
  TESSERA_ASSIGN_OR_RETURN(out.user, dir.SetUserDisabled(user.id, true));
  TESSERA_ASSIGN_OR_RETURN(out.revoked, dir.RevokeUserTokens(user.id));
  return out;
}

Status CheckMayDisableOrg(store::Directory& dir, const store::Organization& org) {
  auto hub = dir.GetSetting(store::kSettingHubOrg);
  if (!hub.ok() && hub.status().code() != ErrorCode::kNotFound) return hub.status();
  if (hub.ok() && *hub == std::to_string(org.id)) {
    return store::InUse("'" + org.name +
                        "' is the hub's own organization; disabling it would lock out the hub's "
                        "admins");
  }
  return Status::Ok();
}

Result<store::Organization> SetOrgDisabled(store::Directory& dir, const store::Organization& org,
                                           bool disabled) {
  if (disabled) TESSERA_RETURN_IF_ERROR(CheckMayDisableOrg(dir, org));
  return dir.SetOrganizationDisabled(org.id, disabled);
}

Result<store::Grants> ParseGrants(store::Directory& dir, std::string_view text) {
  store::Grants grants;
  const std::string_view whole = Trim(text, kBlanks);
  if (whole == "all") {
    grants.all = true;
    return grants;
  }
  if (whole == "none") return grants;
  if (whole.empty()) {
    return InvalidArgument("empty list: write all, none, or ORG,...,group:NAME");
  }
  size_t entries = 0;
  std::string_view rest = whole;
  for (;;) {
    const size_t comma = rest.find(',');
    const std::string_view entry = Trim(rest.substr(0, comma), kBlanks);
    if (++entries > kMaxGrantEntries) {
      return InvalidArgument("more than " + std::to_string(kMaxGrantEntries) + " entries");
    }
    if (entry.empty()) return InvalidArgument("empty entry in '" + std::string(whole) + "'");
    if (entry == "all" || entry == "none") {
      return InvalidArgument("'" + std::string(entry) +
                             "' cannot be combined with other entries in '" + std::string(whole) +
                             "'");
    }
    if (entry.starts_with("group:")) {
      TESSERA_ASSIGN_OR_RETURN(store::SharingGroup g, FindGroupRef(dir, entry.substr(6)));
      grants.groups.push_back(g.id);
    } else {
      TESSERA_ASSIGN_OR_RETURN(store::Organization o, FindOrg(dir, entry));
      grants.orgs.push_back(o.id);
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  SortUnique(grants.orgs);
  SortUnique(grants.groups);
  return grants;
}

std::string FormatGrants(store::Directory& dir, const store::Grants& grants) {
  if (grants.all) return "all";
  if (grants.orgs.empty() && grants.groups.empty()) return "none";
  std::string out;
  for (int64_t id : grants.orgs) {
    if (!out.empty()) out += ',';
    auto org = dir.GetOrganization(id);
    out += org.ok() ? org->name : std::to_string(id);
  }
  for (int64_t id : grants.groups) {
    if (!out.empty()) out += ',';
    auto group = dir.GetGroup(id);
    out += "group:" + (group.ok() ? group->name : std::to_string(id));
  }
  return out;
}

Result<store::Grants> GrantsFromJson(store::Directory& dir, const json::value& v) {
  store::Grants grants;
  if (v.is_string()) {
    if (v.as_string() == "all") {
      grants.all = true;
      return grants;
    }
    return InvalidArgument(
        "a readers/writers list is \"all\" or {\"orgs\": [...], \"groups\": [...]}");
  }
  if (!v.is_object()) {
    return InvalidArgument(
        "a readers/writers list is \"all\" or {\"orgs\": [...], \"groups\": [...]}");
  }
  const json::object& o = v.as_object();
  for (const auto& [key, value] : o) {
    if (key != "all" && key != "orgs" && key != "groups") {
      return InvalidArgument("unknown member '" + std::string(key) +
                             "' in a readers/writers list (all, orgs, groups)");
    }
  }
  if (const json::value* all = o.if_contains("all")) {
    if (!all->is_bool()) return InvalidArgument("'all' must be true or false");
    grants.all = all->as_bool();
  }
  for (const char* key : {"orgs", "groups"}) {
    const json::value* list = o.if_contains(key);
    if (!list) continue;
    if (!list->is_array()) return InvalidArgument(std::string("'") + key + "' must be an array");
    if (list->as_array().size() > kMaxGrantEntries) {
      return InvalidArgument(std::string("'") + key + "' has more than " +
                             std::to_string(kMaxGrantEntries) + " entries");
    }
    const bool orgs = std::string_view(key) == "orgs";
    for (const json::value& e : list->as_array()) {
      std::string ref;
      if (e.is_int64() && e.as_int64() > 0) {
        ref = std::to_string(e.as_int64());
      } else if (e.is_uint64() && e.as_uint64() > 0 && e.as_uint64() < (1ULL << 62)) {
        ref = std::to_string(e.as_uint64());
      } else if (e.is_string()) {
        ref = std::string(e.as_string());
      } else {
        return InvalidArgument(std::string("entries of '") + key + "' are positive ids or names");
      }
      if (orgs) {
        TESSERA_ASSIGN_OR_RETURN(store::Organization org, FindOrg(dir, ref));
        grants.orgs.push_back(org.id);
      } else {
        TESSERA_ASSIGN_OR_RETURN(store::SharingGroup g, FindGroupRef(dir, ref));
        grants.groups.push_back(g.id);
      }
    }
  }
  if (grants.all && (!grants.orgs.empty() || !grants.groups.empty())) {
    return InvalidArgument("'all': true cannot be combined with orgs or groups");
  }
  SortUnique(grants.orgs);
  SortUnique(grants.groups);
  return grants;
}

json::object OrgJson(const store::Organization& org) {
  return OrgViewJson(org, policy::OrganizationView::kFull);
}

json::object OrgViewJson(const store::Organization& org, policy::OrganizationView view) {
  json::object o;
  o["id"] = org.id;
  o["name"] = org.name;
  o["identity_id"] = org.identity_id;
  // The identity is stored by the directory itself; an unreadable one is shown as null.
  boost::system::error_code ec;
  json::value parsed = json::parse(org.identity_json, ec);
  if (!ec && parsed.is_object() && view != policy::OrganizationView::kFull) {
    // When the organization joined is admin-only (#15.24): its identity's timestamps tell it.
    parsed.as_object().erase("created");
    parsed.as_object().erase("modified");
  }
  o["identity"] = ec ? json::value(nullptr) : std::move(parsed);
  if (view != policy::OrganizationView::kFull) return o;  // what follows is admin-only
  o["created"] = TimeJson(org.created);
  o["disabled"] = org.disabled;
  return o;
}

json::object UserJson(const store::User& user) {
  json::object o;
  o["id"] = user.id;
  o["name"] = user.name;
  o["org_id"] = user.org_id;
  o["role"] = store::RoleName(user.role);
  o["disabled"] = user.disabled;
  o["created"] = TimeJson(user.created);
  return o;
}

std::string_view TokenState(const store::TokenRecord& token, Timestamp now) {
  if (token.revoked) return "revoked";
  if (token.expires && *token.expires <= now) return "expired";
  return "active";
}

json::object TokenJson(const store::TokenRecord& token, Timestamp now) {
  json::object o;
  o["id"] = token.id;
  o["user_id"] = token.user_id;
  o["label"] = token.label;
  o["created"] = TimeJson(token.created);
  o["expires"] = token.expires ? TimeJson(*token.expires) : json::value(nullptr);
  o["revoked"] = token.revoked;
  o["status"] = TokenState(token, now);
  o["last_used"] = token.last_used ? TimeJson(*token.last_used) : json::value(nullptr);
  return o;
}

json::object GroupJson(const store::SharingGroup& group) {
  json::object o;
  o["id"] = group.id;
  o["name"] = group.name;
  o["description"] = group.description;
  json::array members;
  for (int64_t m : group.members) members.push_back(m);
  o["members"] = std::move(members);
  o["created"] = TimeJson(group.created);
  return o;
}

json::object GroupSummaryJson(const store::SharingGroup& group) {
  json::object o;
  o["id"] = group.id;
  o["name"] = group.name;
  o["description"] = group.description;
  return o;
}

json::object GrantsJson(const store::Grants& grants) {
  json::object o;
  o["all"] = grants.all;
  json::array orgs, groups;
  for (int64_t id : grants.orgs) orgs.push_back(id);
  for (int64_t id : grants.groups) groups.push_back(id);
  o["orgs"] = std::move(orgs);
  o["groups"] = std::move(groups);
  return o;
}

json::object CollectionJson(const store::CollectionInfo& c) {
  json::object o;
  o["id"] = c.id;
  o["api_root"] = c.api_root;
  o["title"] = c.title;
  o["description"] = c.description;
  o["alias"] = c.alias.empty() ? json::value(nullptr) : json::value(c.alias);
  o["default_tlp"] = store::TlpName(c.default_tlp);
  o["readers"] = GrantsJson(c.readers);
  o["writers"] = GrantsJson(c.writers);
  o["audience_group"] = c.audience_group ? json::value(*c.audience_group) : json::value(nullptr);
  o["created"] = TimeJson(c.created);
  return o;
}

}  // namespace tessera::admin
