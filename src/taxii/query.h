#pragma once
// The URL parameters of the TAXII 2.1 object endpoints (§3.4 and each endpoint's "URL
// Parameters"): added_after, limit, next, match[id], match[type], match[version] and
// match[spec_version], parsed with the standard's semantics and Tessera's explicit limits.
//
//  - match[<field>] takes a comma-separated list; the values of one field are alternatives (OR),
//    different fields must all hold (AND). A field given several times adds its values to the
//    same list (match[type]=a&match[type]=b means a or b).
//  - match[version] values are "first", "last", "all" or a STIX timestamp; they combine (a
//    version is returned when any value selects it). Without match[version] the latest version
//    of each object is returned ("last"), except on the versions endpoint, which lists all, and
//    on DELETE, which deletes the object: all its versions.
//  - limit is a positive integer; above kMaxPageSize the page holds kMaxPageSize objects (TAXII
//    lets the server return fewer than asked). Without it a page holds kDefaultPageSize.
//  - next is the token a previous page returned, kept as given: only the service can open it
//    (policy/page_token.h: it is sealed with the hub's key and bound to the reader and the query).
//  - Parameters the endpoint does not define, and parameters TAXII does not define, are ignored
//    (TAXII 2.1 §3.4 lets a server ignore filters it does not support) and play no part in the
//    answer: the service keys its page cache on the parsed filter, not on the URL. A defined
//    parameter with a malformed value, or added_after / limit / next given twice, is an error
//    (kInvalidArgument, answered 400).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/time.h"

namespace tessera::taxii {

constexpr size_t kDefaultPageSize = 100;
constexpr size_t kMaxPageSize = 1000;
// At most this many values in all of one match[...] field's lists together.
constexpr size_t kMaxMatchValues = 100;
// A `next` longer than this is refused at once (the tokens this server issues are shorter).
constexpr size_t kMaxPageTokenChars = 128;

// The endpoints that take object filters; each accepts a different subset of the parameters.
enum class ObjectEndpoint {
  kObjects,       // GET .../objects/ : all parameters
  kManifest,      // GET .../manifest/ : all parameters
  kObject,        // GET .../objects/{id}/ : added_after, limit, next, match[version|spec_version]
  kVersions,      // GET .../objects/{id}/versions/ : added_after, limit, next,
                  //                                   match[spec_version]
  kDeleteObject,  // DELETE .../objects/{id}/ : match[version], match[spec_version]
};

// Which versions of each object are selected. Several may be set; a version is selected when any
// of them selects it. `all` selects every version.
struct VersionSelector {
  bool first = false;
  bool last = false;
  bool all = false;
  std::vector<Timestamp> exact;  // versions equal to one of these

  // True when nothing was asked for (the endpoint's default applies).
  bool empty() const { return !first && !last && !all && exact.empty(); }
};

struct ObjectFilter {
  std::optional<Timestamp> added_after;
  size_t limit = kDefaultPageSize;         // 1..kMaxPageSize
  std::optional<std::string> next;         // `next` as given (at most kMaxPageTokenChars)
  std::vector<std::string> ids;            // empty: any
  std::vector<std::string> types;          // empty: any
  std::vector<std::string> spec_versions;  // empty: any
  VersionSelector versions;  // never empty after parsing: the endpoint's default is filled in
};

// OK when `id` (an {object-id} in a URL, a match[id] value) is a STIX identifier in its
// canonical form (stix::IsValidIdentifier: lower case); kInvalidArgument naming `where` and the
// reason otherwise. Stored identifiers are all canonical, so an identifier in another case is
// refused rather than answered "not found".
Status CheckObjectId(std::string_view id, std::string_view where);

// Parses decoded query parameters (http::ParseQuery) for `endpoint`. match[id] values must pass
// CheckObjectId. kInvalidArgument, with a
// message naming the parameter, for a malformed value; kLimitExceeded for more than
// kMaxMatchValues values in one match field.
Result<ObjectFilter> ParseObjectFilter(
    const std::vector<std::pair<std::string, std::string>>& params, ObjectEndpoint endpoint);

}  // namespace tessera::taxii
