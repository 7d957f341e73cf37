#include "policy/access.h"

#include <simdjson.h>
#include <algorithm>
#include <boost/json.hpp>

#include "common/json.h"

namespace tessera::policy {
namespace {

bool Contains(const std::vector<int64_t>& v, int64_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Whether `p` is covered by `g`: all organizations, its own, or one of its groups.
bool Granted(const Principal& p, const store::Grants& g) {
  if (g.all) return true;
  if (p.org_id > 0 && Contains(g.orgs, p.org_id)) return true;
  return std::any_of(p.groups.begin(), p.groups.end(),
                     [&g](int64_t id) { return Contains(g.groups, id); });
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool LooksLikeIdentityId(std::string_view s) {
  return s.starts_with("identity--") && s.size() <= 100 &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
         });
}

constexpr std::string_view kRedWithoutRecipients =
    "TLP:RED without named recipients: visible to the providing organization only";

}  // namespace

bool CanRead(const Principal& p, const store::CollectionInfo& c) { return Granted(p, c.readers); }

bool CanWrite(const Principal& p, const store::CollectionInfo& c) {
  return RoleCanWrite(p.role) && Granted(p, c.writers);
}

bool CanSee(const Principal& p, const store::CollectionInfo& c) {
  return p.role == Role::kAdmin || Granted(p, c.readers) || Granted(p, c.writers);
}

bool CanDelete(const Principal& p, const store::CollectionInfo& c) {
  return CanRead(p, c) && CanWrite(p, c);
}

bool CanDeleteVersion(const Principal& p, const store::CollectionInfo& c, int64_t provider_org) {
  return CanDelete(p, c) && (p.role == Role::kAdmin || provider_org == p.org_id);
}

std::vector<std::string> ReaderKeys(const Principal& p, const store::CollectionInfo& c) {
  std::vector<std::string> keys;
  keys.reserve(p.groups.size() + 2);
  if (p.org_id > 0) keys.push_back("org:" + std::to_string(p.org_id));
  for (int64_t g : p.groups) keys.push_back("group:" + std::to_string(g));
  if (CanRead(p, c)) keys.push_back("coll");
  return keys;
}

store::ReaderScope ScopeFor(const Principal& p, const store::CollectionInfo& c) {
  store::ReaderScope scope;
  scope.keys = ReaderKeys(p, c);
  return scope;
}

std::string_view TlpName(stix::TlpLevel level) {
  switch (level) {
    case stix::TlpLevel::kClear:
      return "clear";
    case stix::TlpLevel::kGreen:
      return "green";
    case stix::TlpLevel::kAmber:
      return "amber";
    case stix::TlpLevel::kAmberStrict:
      return "amber+strict";
    case stix::TlpLevel::kRed:
      return "red";
  }
  return "red";  // unreachable: every enumerator is handled above
}

std::optional<stix::TlpLevel> ParseTlpName(std::string_view name) {
  for (auto level : {stix::TlpLevel::kClear, stix::TlpLevel::kGreen, stix::TlpLevel::kAmber,
                     stix::TlpLevel::kAmberStrict, stix::TlpLevel::kRed}) {
    if (TlpName(level) == name) return level;
  }
  return std::nullopt;
}

namespace {

std::optional<stix::TlpLevel> TlpOf(const boost::json::object& o) {
  const auto* refs = o.if_contains("object_marking_refs");
  if (refs == nullptr || !refs->is_array()) return std::nullopt;
  std::optional<stix::TlpLevel> most;
  for (const auto& ref : refs->get_array()) {
    if (!ref.is_string()) continue;
    const stix::TlpMarking* m = stix::FindTlpMarking(std::string_view(ref.get_string()));
    if (m != nullptr && (!most || m->level > *most)) most = m->level;
  }
  return most;
}

// What placing an object needs from it when it names no audience itself: the most restrictive
// TLP among its object_marking_refs and its created_by_ref. Read with simdjson: this is the
// import hot path. kInvalidArgument when `json` is not a JSON object.
struct MarkingAndAuthor {
  std::optional<stix::TlpLevel> tlp;
  std::string author;  // "" when absent
};
Result<MarkingAndAuthor> ReadMarkingAndAuthor(std::string_view json) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object o;
  if (parser.parse(json.data(), json.size()).get_object().get(o) != simdjson::SUCCESS) {
    return InvalidArgument("the object is not a JSON object");
  }
  MarkingAndAuthor out;
  simdjson::dom::array refs;
  if (o["object_marking_refs"].get_array().get(refs) == simdjson::SUCCESS) {
    for (simdjson::dom::element ref : refs) {
      std::string_view id;
      if (ref.get_string().get(id) != simdjson::SUCCESS) continue;
      const stix::TlpMarking* m = stix::FindTlpMarking(id);
      if (m != nullptr && (!out.tlp || m->level > *out.tlp)) out.tlp = m->level;
    }
  }
  std::string_view author;
  if (o["created_by_ref"].get_string().get(author) == simdjson::SUCCESS) out.author = author;
  return out;
}

}  // namespace

std::optional<stix::TlpLevel> ObjectTlp(std::string_view object_json) {
  if (object_json.find("object_marking_refs") == std::string_view::npos) return std::nullopt;
  auto read = ReadMarkingAndAuthor(object_json);
  return read.ok() ? read->tlp : std::nullopt;
}

std::string ReadersFor(int64_t provider_org, stix::TlpLevel tlp, const Audience& audience,
                       const store::CollectionInfo& collection) {
  std::vector<std::string> keys;
  auto add = [&keys](std::string k) {
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(std::move(k));
  };
  auto add_recipients = [&] {
    for (int64_t org : audience.recipients) add("org:" + std::to_string(org));
  };
  switch (tlp) {
    case stix::TlpLevel::kClear:
      add("coll");
      break;
    case stix::TlpLevel::kGreen:
    case stix::TlpLevel::kAmber:
    case stix::TlpLevel::kAmberStrict:
      if (!audience.recipients.empty()) {
        add_recipients();
      } else if (audience.group) {
        add("group:" + std::to_string(*audience.group));
      } else if (collection.audience_group) {
        add("group:" + std::to_string(*collection.audience_group));
      } else {
        add("coll");
      }
      break;
    case stix::TlpLevel::kRed:
      add_recipients();  // none: the provider alone
      break;
  }
  add("org:" + std::to_string(provider_org));
  std::string out = " ";
  for (const std::string& k : keys) out += k + " ";
  return out;
}

Result<RequestAudience> ParseAudienceHeaders(std::string_view recipients_header,
                                             std::string_view sharing_group_header) {
  RequestAudience out;
  std::string_view rest = recipients_header;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view item = TrimSpaces(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.empty()) continue;
    if (!LooksLikeIdentityId(item)) {
      return InvalidArgument("X-Tessera-Recipients: '" + std::string(item.substr(0, 100)) +
                             "' is not an identity id");
    }
    if (out.recipients.size() == kMaxRecipients) {
      return InvalidArgument("X-Tessera-Recipients names more than " +
                             std::to_string(kMaxRecipients) + " organizations");
    }
    out.recipients.emplace_back(item);
  }
  const std::string_view group = TrimSpaces(sharing_group_header);
  if (group.size() > store::kMaxNameBytes) {
    return InvalidArgument("X-Tessera-Sharing-Group is too long");
  }
  out.sharing_group = std::string(group);
  return out;
}

Placer::Placer(store::Directory& directory, const Principal& principal,
               const store::CollectionInfo& collection, RequestAudience from_headers)
    : directory_(directory),
      principal_(principal),
      collection_(collection),
      headers_(std::move(from_headers)),
      default_tlp_(ParseTlpName(collection.default_tlp)) {}

Result<int64_t> Placer::OrgOfIdentity(const std::string& identity_id) {
  for (const auto& [id, org] : orgs_) {
    if (id == identity_id) return org;
  }
  auto org = directory_.FindOrganizationByIdentity(identity_id);
  if (!org.ok() && org.status().code() != ErrorCode::kNotFound) return org.status();
  const int64_t found = org.ok() ? org->id : 0;
  if (orgs_.size() < 10'000) orgs_.emplace_back(identity_id, found);
  return found;
}

Result<int64_t> Placer::GroupNamed(const std::string& name) {
  for (const auto& [n, id] : groups_) {
    if (n == name) return id;
  }
  auto group = directory_.FindGroup(name);
  if (!group.ok() && group.status().code() != ErrorCode::kNotFound) return group.status();
  const int64_t found = group.ok() ? group->id : 0;
  if (groups_.size() < 1'000) groups_.emplace_back(name, found);
  return found;
}

Result<PlacedObject> Placer::Place(const stix::Object& object) {
  const std::string_view json = object.json;
  const bool has_markings = json.find("object_marking_refs") != std::string_view::npos;
  const bool has_extension = json.find(kTesseraExtensionId) != std::string_view::npos;
  const bool has_author = json.find("created_by_ref") != std::string_view::npos;

  std::optional<stix::TlpLevel> tlp;
  RequestAudience named = headers_;
  // Only a writer that may not speak for other members has its created_by_ref checked.
  const bool check_author =
      has_author && principal_.user_id != 0 && !RoleMayActForOthers(principal_.role);
  std::string author;
  if (!has_extension) {
    if (has_markings || check_author) {
      auto read = ReadMarkingAndAuthor(json);
      if (!read.ok()) return InvalidArgument(object.id + ": the object is not a JSON object");
      tlp = read->tlp;
      author = std::move(read->author);
    }
  } else {
    auto parsed = ParseJson(json);
    if (!parsed.ok() || !parsed->is_object()) {
      return InvalidArgument(object.id + ": the object is not a JSON object");
    }
    const boost::json::object& o = parsed->get_object();
    tlp = TlpOf(o);
    if (const auto* a = o.if_contains("created_by_ref"); a != nullptr && a->is_string()) {
      author = std::string(a->get_string());
    }
    const auto* exts = o.if_contains("extensions");
    const auto* ext =
        exts && exts->is_object() ? exts->get_object().if_contains(kTesseraExtensionId) : nullptr;
    if (ext != nullptr) {
      if (!ext->is_object()) {
        return InvalidArgument(object.id + ": the Tessera extension must be an object");
      }
      const auto& e = ext->get_object();
      named = RequestAudience{};
      if (const auto* r = e.if_contains("recipients")) {
        if (!r->is_array() || r->get_array().size() > kMaxRecipients) {
          return InvalidArgument(object.id +
                                 ": the Tessera extension's recipients must be a list "
                                 "of at most " +
                                 std::to_string(kMaxRecipients) + " identity ids");
        }
        for (const auto& item : r->get_array()) {
          if (!item.is_string() || !LooksLikeIdentityId(std::string_view(item.get_string()))) {
            return InvalidArgument(object.id +
                                   ": the Tessera extension's recipients must be identity ids");
          }
          named.recipients.emplace_back(item.get_string());
        }
      }
      if (const auto* g = e.if_contains("sharing_group")) {
        if (!g->is_string() || g->get_string().empty() ||
            g->get_string().size() > store::kMaxNameBytes) {
          return InvalidArgument(object.id +
                                 ": the Tessera extension's sharing_group must be a group name");
        }
        named.sharing_group = std::string(g->get_string());
      }
    }
  }

  if (check_author && !author.empty() && author != principal_.org_identity) {
    TESSERA_ASSIGN_OR_RETURN(int64_t org, OrgOfIdentity(author));
    if (org != 0 && org != principal_.org_id) {
      return PermissionDenied(object.id + ": created_by_ref " + author +
                              " is another member organization; only the sync and admin roles "
                              "may post on its behalf");
    }
  }

  Audience audience;
  for (const std::string& identity : named.recipients) {
    TESSERA_ASSIGN_OR_RETURN(int64_t org, OrgOfIdentity(identity));
    if (org == 0) {
      return InvalidArgument(object.id + ": recipient " + identity +
                             " is not a member organization of this hub");
    }
    if (!Contains(audience.recipients, org)) audience.recipients.push_back(org);
  }
  if (!named.sharing_group.empty()) {
    TESSERA_ASSIGN_OR_RETURN(int64_t group, GroupNamed(named.sharing_group));
    // An unknown group and a group the writer is not in read the same: a group is visible to its
    // members only.
    if (group == 0 || (principal_.user_id != 0 && !Contains(principal_.groups, group))) {
      return PermissionDenied(object.id + ": sharing group '" + named.sharing_group +
                              "' does not exist or your organization is not a member");
    }
    audience.group = group;
  }

  // An unknown default (never stored: the directory checks it) fails closed.
  const stix::TlpLevel level = tlp ? *tlp : default_tlp_.value_or(stix::TlpLevel::kRed);
  PlacedObject out;
  out.placement.collection = collection_.id;
  out.placement.provider_org = principal_.org_id;
  out.placement.readers = ReadersFor(principal_.org_id, level, audience, collection_);
  if (level == stix::TlpLevel::kRed && audience.recipients.empty()) {
    out.note = std::string(kRedWithoutRecipients);
  }
  return out;
}

Result<PlacedObject> PlaceObject(store::Directory& directory, const Principal& principal,
                                 const store::CollectionInfo& collection,
                                 const stix::Object& object, const RequestAudience& from_headers) {
  Placer placer(directory, principal, collection, from_headers);
  return placer.Place(object);
}

OrganizationView OrganizationViewFor(const Principal& p) {
  return p.role == Role::kAdmin ? OrganizationView::kFull : OrganizationView::kAddress;
}

}  // namespace tessera::policy
