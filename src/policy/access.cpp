#include "policy/access.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "common/json.h"
#include "common/text.h"
#include "stix/types.h"

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

// An identity's identifier in canonical form (stix::IsValidIdentifier: lower case).
bool IsIdentityId(std::string_view s) {
  std::string_view type;
  return stix::IsValidIdentifier(s, &type) && type == "identity";
}

constexpr size_t kMaxCachedMarkings = 10'000;  // marking look-ups remembered per request

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

std::vector<store::GrantKey> ReaderKeys(const Principal& p, const store::CollectionInfo& c) {
  std::vector<store::GrantKey> keys;
  keys.reserve(p.groups.size() + 2);
  if (p.org_id > 0) keys.push_back(store::GrantKey::Org(p.org_id));
  for (int64_t g : p.groups) keys.push_back(store::GrantKey::Group(g));
  if (CanRead(p, c)) keys.push_back(store::GrantKey::CollectionReaders());
  return keys;
}

store::ReaderScope ScopeFor(const Principal& p, const store::CollectionInfo& c) {
  store::ReaderScope scope;
  scope.keys = ReaderKeys(p, c);
  return scope;
}

std::vector<store::GrantKey> ReadersFor(int64_t provider_org, stix::TlpLevel tlp,
                                        const Audience& audience,
                                        const store::CollectionInfo& collection) {
  using store::GrantKey;
  std::vector<GrantKey> keys;
  auto add = [&keys](GrantKey k) {
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  };
  auto add_recipients = [&] {
    for (int64_t org : audience.recipients) add(GrantKey::Org(org));
  };
  switch (tlp) {
    case stix::TlpLevel::kClear:
      add(GrantKey::CollectionReaders());
      break;
    case stix::TlpLevel::kGreen:
    case stix::TlpLevel::kAmber:
    case stix::TlpLevel::kAmberStrict:
      if (!audience.recipients.empty()) {
        add_recipients();
      } else if (audience.group) {
        add(GrantKey::Group(*audience.group));
      } else if (collection.audience_group) {
        add(GrantKey::Group(*collection.audience_group));
      } else {
        add(GrantKey::CollectionReaders());
      }
      break;
    case stix::TlpLevel::kRed:
      add_recipients();  // none: the provider alone
      break;
  }
  add(GrantKey::Org(provider_org));
  return keys;
}

Result<RequestAudience> ParseAudienceHeaders(std::string_view recipients_header,
                                             std::string_view sharing_group_header) {
  RequestAudience out;
  std::string_view rest = recipients_header;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view item = Trim(rest.substr(0, comma), kBlanks);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.empty()) continue;
    if (!IsIdentityId(item)) {
      return InvalidArgument("X-Tessera-Recipients: '" + std::string(item.substr(0, 100)) +
                             (stix::IsIdentifierInOtherCase(item)
                                  ? "' has upper-case letters: identity ids are taken in their "
                                    "canonical lower-case form only"
                                  : "' is not an identity id"));
    }
    if (out.recipients.size() == kMaxRecipients) {
      return InvalidArgument("X-Tessera-Recipients names more than " +
                             std::to_string(kMaxRecipients) + " organizations");
    }
    out.recipients.emplace_back(item);
  }
  const std::string_view group = Trim(sharing_group_header, kBlanks);
  if (group.size() > store::kMaxNameBytes) {
    return InvalidArgument("X-Tessera-Sharing-Group is too long");
  }
  out.sharing_group = std::string(group);
  return out;
}

Placer::Placer(store::Store& store, const Principal& principal,
               const store::CollectionInfo& collection, RequestAudience from_headers)
    : store_(store),
      directory_(store.directory()),
      principal_(principal),
      collection_(collection),
      headers_(std::move(from_headers)),
      default_tlp_(collection.default_tlp) {}

void Placer::Expect(const stix::Object& o) {
  if (o.type != "marking-definition") return;
  std::optional<stix::MarkingClass> cls;
  if (o.handling) {
    cls = o.handling->defines;
  } else if (auto read = stix::ReadHandling(o.json); read.ok()) {
    cls = read->defines;
  }
  if (!cls) return;
  for (auto& [id, held] : markings_) {
    if (id != o.id) continue;
    // Two versions in one request: a TLP-like one wins (fails closed).
    if (!held || *cls == stix::MarkingClass::kTlpLike) held = cls;
    return;
  }
  if (markings_.size() < kMaxCachedMarkings) markings_.emplace_back(o.id, cls);
}

Result<std::optional<stix::MarkingClass>> Placer::HeldMarking(const std::string& id) {
  for (const auto& [known, held] : markings_) {
    if (known == id) return held;
  }
  std::optional<stix::MarkingClass> held;
  auto versions = store_.GetVersions(id);
  if (!versions.ok() && versions.status().code() != ErrorCode::kNotFound) {
    return versions.status();
  }
  if (versions.ok()) {
    for (const store::StoredObject& v : *versions) {
      if (v.type != "marking-definition") continue;
      auto read = stix::ReadHandling(v.json);
      // A stored definition that no longer reads (or any version of it claiming TLP) fails
      // closed: whatever it marks is TLP:RED.
      const stix::MarkingClass cls =
          read.ok() && read->defines ? *read->defines : stix::MarkingClass::kTlpLike;
      if (!held || cls == stix::MarkingClass::kTlpLike) held = cls;
    }
  }
  if (markings_.size() < kMaxCachedMarkings) markings_.emplace_back(id, held);
  return held;
}

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
  // The one reading of the object's markings, author and audience: the reader's (objects built
  // in code are read here the same way).
  stix::Handling read;
  if (!object.handling) {
    auto handling = stix::ReadHandling(object.json);
    if (!handling.ok()) return InvalidArgument(object.id + ": " + handling.status().message());
    read = std::move(handling).value();
  }
  const stix::Handling& h = object.handling ? *object.handling : read;

  const RequestAudience* named = &headers_;
  RequestAudience from_extension;
  if (h.names_audience) {
    from_extension.recipients = h.recipients;
    from_extension.sharing_group = h.sharing_group;
    named = &from_extension;
  }
  for (const std::string& r : named->recipients) {
    // The reader refuses a malformed extension; an object built in code is checked here.
    if (!IsIdentityId(r)) {
      return InvalidArgument(object.id + ": recipient '" + r.substr(0, 100) +
                             "' is not an identity id");
    }
  }
  // Only a writer that may not speak for other members has its created_by_ref checked.
  const bool check_author = principal_.user_id != 0 && !RoleMayActForOthers(principal_.role);
  const std::string& author = h.created_by_ref;

  if (check_author && !author.empty() && author != principal_.org_identity) {
    TESSERA_ASSIGN_OR_RETURN(int64_t org, OrgOfIdentity(author));
    if (org != 0 && org != principal_.org_id) {
      return PermissionDenied(object.id + ": created_by_ref " + author +
                              " is another member organization; only the sync and admin roles "
                              "may post on its behalf");
    }
  }

  Audience audience;
  for (const std::string& identity : named->recipients) {
    TESSERA_ASSIGN_OR_RETURN(int64_t org, OrgOfIdentity(identity));
    if (org == 0) {
      return InvalidArgument(object.id + ": recipient " + identity +
                             " is not a member organization of this hub");
    }
    if (!Contains(audience.recipients, org)) audience.recipients.push_back(org);
  }
  if (!named->sharing_group.empty()) {
    TESSERA_ASSIGN_OR_RETURN(int64_t group, GroupNamed(named->sharing_group));
    // An unknown group and a group the writer is not in read the same: a group is visible to its
    // members only.
    if (group == 0 || (principal_.user_id != 0 && !Contains(principal_.groups, group))) {
      return PermissionDenied(object.id + ": sharing group '" + named->sharing_group +
                              "' does not exist or your organization is not a member");
    }
    audience.group = group;
  }

  // Markings other than the standard TLP definitions: one the hub does not hold, or one that
  // claims to be TLP without being a standard definition, cannot be honoured as meant, so the
  // object is as restricted as the strictest level (never the collection's default).
  std::optional<stix::TlpLevel> tlp = h.tlp;
  std::string marking_note;
  for (const std::string& id : h.other_markings) {
    TESSERA_ASSIGN_OR_RETURN(std::optional<stix::MarkingClass> held, HeldMarking(id));
    if (held && *held != stix::MarkingClass::kTlpLike) continue;
    tlp = stix::TlpLevel::kRed;
    if (marking_note.empty()) {
      marking_note = held ? id + " is a TLP marking that is not a standard TLP definition"
                          : id + " is a marking this hub does not hold";
      marking_note += ": placed as TLP:RED";
    }
  }
  const stix::TlpLevel level = tlp.value_or(default_tlp_);
  PlacedObject out;
  out.placement.collection = collection_.id;
  out.placement.provider_org = principal_.org_id;
  out.placement.readers = ReadersFor(principal_.org_id, level, audience, collection_);
  out.note = std::move(marking_note);
  if (level == stix::TlpLevel::kRed && audience.recipients.empty()) {
    if (!out.note.empty()) out.note += "; ";
    out.note += kRedWithoutRecipients;
  }
  return out;
}

Result<PlacedObject> PlaceObject(store::Store& store, const Principal& principal,
                                 const store::CollectionInfo& collection,
                                 const stix::Object& object, const RequestAudience& from_headers) {
  Placer placer(store, principal, collection, from_headers);
  return placer.Place(object);
}

OrganizationView OrganizationViewFor(const Principal& p) {
  return p.role == Role::kAdmin ? OrganizationView::kFull : OrganizationView::kAddress;
}

Result<AudienceOrganizations> OrganizationsReading(store::Directory& directory, const Principal& p,
                                                   const store::CollectionInfo& collection,
                                                   const std::vector<store::GrantKey>& readers) {
  const bool full = OrganizationViewFor(p) == OrganizationView::kFull;
  std::map<int64_t, bool> reached;  // organization id -> shown
  const auto reach = [&reached](int64_t org, bool shown) {
    bool& s = reached[org];
    s = s || shown;
  };
  const auto members_of = [&](int64_t group) -> Status {
    auto g = directory.GetGroup(group);
    if (!g.ok()) return g.status().code() == ErrorCode::kNotFound ? Status::Ok() : g.status();
    const bool shown = full || Contains(p.groups, group);
    for (int64_t m : g->members) reach(m, shown);
    return Status::Ok();
  };
  TESSERA_ASSIGN_OR_RETURN(std::vector<store::Organization> orgs, directory.ListOrganizations());
  for (const store::GrantKey& key : readers) {
    switch (key.kind) {
      case store::GrantKind::kOrg:
        reach(key.id, true);
        break;
      case store::GrantKind::kGroup:
        TESSERA_RETURN_IF_ERROR(members_of(key.id));
        break;
      case store::GrantKind::kCollectionReaders:
        if (collection.readers.all) {
          for (const store::Organization& o : orgs) reach(o.id, true);
        }
        for (int64_t org : collection.readers.orgs) reach(org, true);
        for (int64_t group : collection.readers.groups) TESSERA_RETURN_IF_ERROR(members_of(group));
        break;
    }
  }
  AudienceOrganizations out;
  for (store::Organization& o : orgs) {
    auto it = reached.find(o.id);
    if (it == reached.end()) continue;
    if (it->second) {
      out.shown.push_back(std::move(o));
    } else {
      ++out.others;
    }
  }
  std::sort(out.shown.begin(), out.shown.end(),
            [](const store::Organization& a, const store::Organization& b) {
              return a.name != b.name ? a.name < b.name : a.id < b.id;
            });
  return out;
}

std::vector<store::GrantKey> ReadersOfEither(const std::vector<store::GrantKey>& a,
                                             const std::vector<store::GrantKey>& b) {
  std::vector<store::GrantKey> keys = a;
  for (const store::GrantKey& k : b) {
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  }
  return keys;
}

std::vector<store::GrantKey> ReadersOfBoth(const std::vector<store::GrantKey>& a,
                                           const std::vector<store::GrantKey>& b) {
  auto has_coll = [](const std::vector<store::GrantKey>& k) {
    return std::find(k.begin(), k.end(), store::GrantKey::CollectionReaders()) != k.end();
  };
  if (has_coll(a)) return b;
  if (has_coll(b)) return a;
  std::vector<store::GrantKey> both;
  for (const store::GrantKey& k : a) {
    if (std::find(b.begin(), b.end(), k) != b.end()) both.push_back(k);
  }
  return both;
}

}  // namespace tessera::policy
