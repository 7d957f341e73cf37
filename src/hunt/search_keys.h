#pragma once
// The keys of the hub's search index (issue 16): what an object is filed under, and what a value
// someone searches for is looked up by. They use the hunt index's classes and canonical forms
// (CanonicalizeAtom, normalize.h), so that the hub finds a value whichever way it was written, as
// a hunt would match it.
//
// A key is text, "<class>:<canonical value>":
//   ip:<FormatIpPrefix>        an address is its /32 or /128; a CIDR range its network
//   domain:<A-label name>      NormalizeDomain
//   url:<canonical URL>        NormalizeUrl
//   email:<canonical address>  NormalizeEmail
//   hash:<lower-case hex>      MD5, SHA-1, SHA-256, SHA-512 by their digest (any case, ':'
//                              separators); the values of other algorithms in lower case
//   other:<value>              any other value, canonical where NormalizeOtherValue has a rule
//   ref:<STIX id>              an object this one refers to (observed-data object_refs,
//                              sighting_of_ref and observed_data_refs, relationship source_ref
//                              and target_ref): what finds the objects related to a hit
// The key forms are stored: changing one needs a reindex (`tessera search reindex`).
//
// Pure functions; thread-safe.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "stix/object.h"

namespace tessera::hunt {

// The most keys one object is filed under; an object with more (an indicator whose IN lists
// thousands of values) is filed under the first ones, in the order its JSON gives them.
inline constexpr size_t kMaxSearchKeysPerObject = 4096;
// The longest value one may search for (bytes).
inline constexpr size_t kMaxSearchValueBytes = 8192;

// The keys `object` is filed under, sorted, each once:
//   - an indicator whose pattern_type is "stix": each comparison of its pattern the hunt index
//     serves (hunt::VisitPatternAtoms: `=`, IN, ISSUBSET on addresses, not negated), by its
//     class: `[ipv4-addr:value = '10.0.0.0/8']` is ip:10.0.0.0/8;
//   - a cyber-observable (an object without `created`): its `value`, `name`, `key`, `path` and
//     `number` as the hunt index files `<type>:<property>`, and each of its `hashes`;
//   - an observed-data: the objects it embeds (the deprecated `objects`) as cyber-observables,
//     and a ref: key for each of its object_refs;
//   - a sighting: ref: keys for sighting_of_ref and observed_data_refs; a relationship: for
//     source_ref and target_ref.
// A value its class refuses (an address that does not parse) is left out. An object whose JSON
// is not an object has no keys. At most kMaxSearchKeysPerObject.
std::vector<std::string> ObjectSearchKeys(const stix::Object& object);

// The keys that find the objects naming `value`, each once: every class `value` parses as
// (an IP address or CIDR range: its own network and every network that contains it; a domain
// name: it and each parent domain of two labels or more, "a.evil.example" also finds
// "evil.example"; a URL, when it has a scheme or a path; an e-mail address; a hash digest),
// and always other:<value> (and the canonical forms NormalizeOtherValue gives of it as a MAC
// address or a registry key). White space around `value` is ignored. kInvalidArgument when it is
// empty or longer than kMaxSearchValueBytes.
Result<std::vector<std::string>> ValueSearchKeys(std::string_view value);

// The key that finds the objects referring to `id` (a ref: key).
std::string RefSearchKey(std::string_view id);

}  // namespace tessera::hunt
