#include "policy/view.h"

#include "policy/access.h"

namespace tessera::policy {

bool ObjectView::CanList(const store::CollectionInfo& c) const {
  return principal_ == nullptr || CanRead(*principal_, c);
}

store::ReaderScope ObjectView::ScopeIn(const store::CollectionInfo& c) const {
  if (principal_ == nullptr) {
    store::ReaderScope all;
    all.unrestricted = true;
    return all;
  }
  return ScopeFor(*principal_, c);
}

Result<store::CollectionInfo> ObjectView::Collection(const std::string& ref,
                                                     const std::string& api_root) const {
  TESSERA_ASSIGN_OR_RETURN(std::vector<store::CollectionInfo> named,
                           store::CollectionsNamed(store_->directory(), ref, api_root));
  if (principal_ != nullptr) {
    std::erase_if(named, [&](const store::CollectionInfo& c) { return !CanSee(*principal_, c); });
  }
  if (named.empty()) {
    return NotFound("there is no collection '" + ref + "'" +
                    (principal_ ? " that " + principal_->user + " can see" : std::string()));
  }
  if (named.size() > 1) {
    return InvalidArgument("alias '" + ref +
                           "' names collections in several API roots; give the collection id");
  }
  return std::move(named.front());
}

Result<std::vector<store::CollectionInfo>> ObjectView::ListableCollections() const {
  TESSERA_ASSIGN_OR_RETURN(std::vector<store::ApiRoot> roots, store_->directory().ListApiRoots());
  std::vector<store::CollectionInfo> out;
  for (const store::ApiRoot& root : roots) {
    TESSERA_ASSIGN_OR_RETURN(std::vector<store::CollectionInfo> collections,
                             store_->directory().ListCollections(root.name));
    for (store::CollectionInfo& c : collections) {
      if (CanList(c)) out.push_back(std::move(c));
    }
  }
  return out;
}

Status ObjectView::Bind(const store::CollectionInfo& c, store::CollectionQuery& q) const {
  if (!CanList(c)) {
    return NotFound("there is no collection '" + c.id + "' that " +
                    (principal_ ? principal_->user : std::string("the operator")) + " can read");
  }
  q.collection = c.id;
  q.scope = ScopeIn(c);
  return Status::Ok();
}

Result<store::ObjectPage> ObjectView::List(const store::CollectionInfo& c,
                                           store::CollectionQuery& q) const {
  TESSERA_RETURN_IF_ERROR(Bind(c, q));
  return store_->ListCollection(q);
}

Result<bool> ObjectView::Scan(const store::CollectionInfo& c, store::CollectionQuery& q,
                              const std::function<void(const store::RowView&)>& each) const {
  TESSERA_RETURN_IF_ERROR(Bind(c, q));
  return store_->ScanCollection(q, each);
}

Result<store::KeyPage> ObjectView::Find(std::vector<std::string> keys,
                                        const std::vector<store::CollectionInfo>& in, size_t limit,
                                        const store::RowFilter& filter) const {
  store::KeyQuery q;
  q.keys = std::move(keys);
  q.limit = limit;
  q.filter = filter;
  for (const store::CollectionInfo& c : in) {
    if (!CanList(c)) continue;
    q.in.push_back({c.id, ScopeIn(c)});
  }
  if (q.in.empty()) return store::KeyPage{};
  return store_->FindByKeys(q);
}

Result<store::TextPage> ObjectView::FindText(store::TextSearch q,
                                             const std::vector<store::CollectionInfo>& in) const {
  q.in.clear();
  for (const store::CollectionInfo& c : in) {
    if (!CanList(c)) continue;
    q.in.push_back({c.id, ScopeIn(c)});
  }
  if (q.in.empty()) return store::TextPage{};
  return store_->FindByText(q);
}

Result<Principal> ReaderNamed(store::Directory& directory, const std::string& name) {
  std::string user_name, org_name;
  if (name.rfind("user:", 0) == 0) {
    user_name = name.substr(5);
  } else if (name.rfind("org:", 0) == 0) {
    org_name = name.substr(4);
  } else {
    user_name = org_name = name;
  }
  std::optional<store::User> user;
  std::optional<store::Organization> org;
  if (!user_name.empty()) {
    auto found = directory.FindUser(user_name);
    if (found.ok()) {
      user = std::move(*found);
    } else if (found.status().code() != ErrorCode::kNotFound &&
               found.status().code() != ErrorCode::kInvalidArgument) {
      return found.status();
    }
  }
  if (!org_name.empty()) {
    auto found = directory.FindOrganization(org_name);
    if (found.ok()) {
      org = std::move(*found);
    } else if (found.status().code() != ErrorCode::kNotFound &&
               found.status().code() != ErrorCode::kInvalidArgument) {
      return found.status();
    }
  }
  if (user && org) {
    return InvalidArgument("'" + name + "' is both a user and an organization; write user:" + name +
                           " or org:" + name);
  }
  Principal p;
  if (user) {
    TESSERA_ASSIGN_OR_RETURN(store::Organization of, directory.GetOrganization(user->org_id));
    p.user_id = user->id;
    p.user = user->name;
    p.role = user->role;
    org = std::move(of);
  } else if (org) {
    p.user = "organization " + org->name;
    p.role = Role::kReadOnly;
  } else {
    return NotFound("there is no user or organization named '" + name + "'");
  }
  p.org_id = org->id;
  p.org_identity = org->identity_id;
  TESSERA_ASSIGN_OR_RETURN(p.groups, directory.GroupsOf(org->id));
  return p;
}

}  // namespace tessera::policy
