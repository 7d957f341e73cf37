#pragma once
// The only way from a reader to stored object rows (DESIGN.md: "a view bound to a principal is
// the only way to rows"). An ObjectView is bound to one principal: the collections it sees are
// those policy lets it see (access.h CanSee), the rows it lists are those its organization is
// granted (ScopeFor), and what it may not see comes back as not found, never as forbidden.
// TAXII's GET endpoints and `tessera export --as` read through a member's view; the operator's
// view (the CLI on the database file: export by default, hunting from the store) sees every row.
//
// A view holds references: the store and the principal must outlive it. It keeps no state of its
// own beyond them, so it is as cheap to make per request as a pointer pair; thread-safe as the
// store is.

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "policy/principal.h"
#include "store/directory.h"
#include "store/store.h"

namespace tessera::policy {

class ObjectView {
 public:
  // The view of `principal`.
  ObjectView(store::Store& store, const Principal& principal)
      : store_(&store), principal_(&principal) {}
  // The operator's view: every collection and every row, no access rules (the operator holds the
  // database file anyway).
  static ObjectView Operator(store::Store& store) { return ObjectView(store); }

  bool is_operator() const { return principal_ == nullptr; }
  // The store the view reads (for its directory: names of organizations, collections).
  store::Store& store() const { return *store_; }
  // The principal the view is bound to; nullptr for the operator's view.
  const Principal* principal() const { return principal_; }

  // Whether the view may list the rows of `c` (the operator: always; a member: CanRead).
  bool CanList(const store::CollectionInfo& c) const;
  // The grant keys the view holds in `c` (unrestricted for the operator). What a listing of `c`
  // through this view is filtered by; callers keep it only to key what they cache.
  store::ReaderScope ScopeIn(const store::CollectionInfo& c) const;

  // The collection `ref` names as the view sees it: its id, or its alias (store::CollectionsNamed:
  // in `api_root`, or in any API root when empty), among the collections the principal may see
  // (CanSee). kNotFound when there is none it may see, with the same message whether the name is
  // unused or names a collection it may not see; kInvalidArgument when an alias names several it
  // may see (in different API roots); the directory's errors otherwise.
  Result<store::CollectionInfo> Collection(const std::string& ref,
                                           const std::string& api_root = {}) const;
  // The collections of every API root whose rows the view may list (CanList), by API root name,
  // then as the directory orders them.
  Result<std::vector<store::CollectionInfo>> ListableCollections() const;

  // The rows of `c` the view may read that match `q`, as Store::ListCollection / ScanCollection
  // give them. The view sets q.collection and q.scope (whatever they held); the other fields are
  // the caller's. kNotFound when the view may not list `c` (CanList); the store's errors
  // otherwise (kInvalidArgument when `q` breaks a limit).
  Result<store::ObjectPage> List(const store::CollectionInfo& c, store::CollectionQuery& q) const;
  Result<bool> Scan(const store::CollectionInfo& c, store::CollectionQuery& q,
                    const std::function<void(const store::RowView&)>& each) const;

  // The rows filed in the search index under any of `keys` (Store::FindByKeys) that the view may
  // read, in every collection it may list (`in`, ListableCollections with the view's scope in
  // each; the caller passes it so that a search of many values reads the directory once), newest
  // first, at most `limit`. A row the view may not read is absent exactly as a row nobody
  // stored. The store's errors.
  // `filter` is applied with the view's scope (KeyQuery::filter).
  Result<store::KeyPage> Find(std::vector<std::string> keys,
                              const std::vector<store::CollectionInfo>& in, size_t limit,
                              const store::RowFilter& filter = {}) const;

  // The rows of the full-text search `q` (Store::FindByText) that the view may read, in every
  // collection of `in` it may list: the view sets q.in (whatever it held), the rest is the
  // caller's. A row the view may not read is absent exactly as a row nobody stored, and counts
  // nowhere (not in `more`, not in a page's position). The store's errors.
  Result<store::TextPage> FindText(store::TextSearch q,
                                   const std::vector<store::CollectionInfo>& in) const;

 private:
  explicit ObjectView(store::Store& store) : store_(&store), principal_(nullptr) {}
  Status Bind(const store::CollectionInfo& c, store::CollectionQuery& q) const;

  store::Store* store_;
  const Principal* principal_;  // nullptr: the operator
};

// A member of the hub as a reader, for `tessera export --as NAME`: "user:NAME" is the user (its
// organization's grants, its role), "org:NAME" the organization (read-only role), and a bare NAME
// whichever of the two exists. kNotFound when none does; kInvalidArgument when a bare NAME names
// both a user and an organization (say which). The directory's errors otherwise.
Result<Principal> ReaderNamed(store::Directory& directory, const std::string& name);

}  // namespace tessera::policy
