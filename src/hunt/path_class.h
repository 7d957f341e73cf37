#pragma once
// How the hunt classifies a STIX object path (`type:path` of a pattern comparison): which kind of
// value the indicator index keys it by. One rule for the index (indicator_index.cpp), which
// decides where an indicator's constant is filed, and for the pattern glue (event_observation.cpp),
// which must file the same constant the same way to recognize what the index matched. Internal to
// the hunt component; not a public interface. Pure functions, thread-safe.

#include <string>
#include <string_view>

#include "hunt/normalize.h"

namespace tessera::hunt::internal {

enum class PathClass {
  kIp,             // ipv4-addr:value, ipv6-addr:value
  kIpSource,       // network-traffic:src_ref.value
  kIpDestination,  // network-traffic:dst_ref.value
  kDomain,         // domain-name:value
  kUrl,            // url:value
  kEmail,          // email-addr:value; email-message from/sender/to/cc/bcc address values
  kHash,           // <any type>:hashes.<a known algorithm>
  kOther,          // everything else: compared as an exact value of that type:path
};

// Writes `path` without its single quotes to `out`: "hashes.'SHA-256'" -> "hashes.SHA-256", the
// form ClassifyPath and the index's type:path keys take. Reuses `out`'s storage.
inline void UnquotePath(std::string_view path, std::string& out) {
  out.clear();
  for (char c : path) {
    if (c != '\'') out.push_back(c);
  }
}

// The class of the object path `type`:`path` (`path` unquoted, see UnquotePath). When it returns
// kHash, `*algorithm` is the digest's algorithm; otherwise `*algorithm` is left as it was.
inline PathClass ClassifyPath(std::string_view type, std::string_view path,
                              HashAlgorithm* algorithm) {
  if (path == "value") {
    if (type == "ipv4-addr" || type == "ipv6-addr") return PathClass::kIp;
    if (type == "domain-name") return PathClass::kDomain;
    if (type == "url") return PathClass::kUrl;
    if (type == "email-addr") return PathClass::kEmail;
  }
  if (type == "network-traffic") {
    if (path == "src_ref.value") return PathClass::kIpSource;
    if (path == "dst_ref.value") return PathClass::kIpDestination;
  }
  if (type == "email-message" &&
      (path == "from_ref.value" || path == "sender_ref.value" || path == "to_refs[*].value" ||
       path == "cc_refs[*].value" || path == "bcc_refs[*].value")) {
    return PathClass::kEmail;
  }
  if (path.substr(0, 7) == "hashes.") {
    if (auto a = HashAlgorithmFromName(path.substr(7))) {
      *algorithm = *a;
      return PathClass::kHash;
    }
  }
  return PathClass::kOther;
}

}  // namespace tessera::hunt::internal
