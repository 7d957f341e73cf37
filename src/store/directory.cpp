#include "store/directory.h"

namespace tessera::store {

Result<std::vector<CollectionInfo>> CollectionsNamed(Directory& dir, const std::string& ref,
                                                     const std::string& api_root) {
  std::vector<CollectionInfo> out;
  if (ref.empty()) return out;
  auto by_id = dir.GetCollection(ref);
  if (by_id.ok()) {
    if (api_root.empty() || by_id->api_root == api_root) {
      out.push_back(*std::move(by_id));
      return out;
    }
  } else if (by_id.status().code() != ErrorCode::kNotFound &&
             by_id.status().code() != ErrorCode::kInvalidArgument) {
    return by_id.status();
  }
  std::vector<std::string> roots;
  if (!api_root.empty()) {
    roots.push_back(api_root);
  } else {
    TESSERA_ASSIGN_OR_RETURN(std::vector<ApiRoot> all, dir.ListApiRoots());
    for (ApiRoot& r : all) roots.push_back(std::move(r.name));
  }
  for (const std::string& root : roots) {
    auto c = dir.FindCollectionByAlias(root, ref);
    if (c.ok()) {
      out.push_back(*std::move(c));
    } else if (c.status().code() != ErrorCode::kNotFound) {
      return c.status();
    }
  }
  return out;
}

}  // namespace tessera::store
