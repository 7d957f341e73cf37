#pragma once
// The glue from log events to the pattern engine: the STIX Cyber-observable Objects an Event
// carries, so that an indicator's whole pattern can be evaluated on the events the index
// pre-selects (pattern::Pattern::MatchesOne / Match).
//
//   EventScos scos = BuildEventScos(event);             // once per pre-selected event
//   IndicatorConstants constants = IndexedConstants(pattern);   // once per indicator, at load
//   boost::json::object objects = scos.objects;          // a copy per candidate indicator
//   ApplyIndexMatch(objects, scos, i, hit, constants);   // for each index hit on observable i
//   pattern::Observation o = ...objects...;              // then MatchesOne(o)
//
// Values are written in their canonical form (normalize.h): addresses in RFC 5952 text, domain
// names lower-case in A-labels, URLs by RFC 3986 §6.2.2, e-mail addresses lower-case, digests in
// lower-case hex. A comparison the index served is made true on the very value it matched
// (ApplyIndexMatch), so that the evaluation agrees with the index's rules (a domain covers its
// subdomains, URL and hash spellings, CIDR `=`); every other comparison is decided by the pattern
// engine on the canonical values. All functions are pure and thread-safe.

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "hunt/indicator_index.h"
#include "hunt/observable.h"
#include "pattern/pattern.h"

namespace tessera::hunt {

// The SCOs of one event, as the embedded `objects` map of a STIX observed-data ("0", "1", ...;
// `_ref` properties name these keys).
struct EventScos {
  boost::json::object objects;
  // By observable number: the key of the SCO its value became, or "" when the value is not valid
  // for its kind (an address that does not parse...) and became no SCO.
  std::vector<std::string> sco_of_observable;
};

// Builds the SCOs of `event`:
//  - an address (kind ip, or a host that is an address; ":port" dropped) becomes an ipv4-addr /
//    ipv6-addr; a source or destination address is also the src_ref / dst_ref of the event's
//    network-traffic;
//  - a domain name (or a host that is a name) a domain-name, a URL a url, an e-mail address an
//    email-addr;
//  - digests go into the `hashes` of the event's file (a second file when an algorithm repeats
//    with another value);
//  - a value tagged `type:path` (kOther) is set at `path` in the event's SCO of `type` (one per
//    type, a second one when the path is already set to another value); network-traffic ports and
//    process ids become integers.
// Equal SCOs are shared. At most one network-traffic per event.
EventScos BuildEventScos(const Event& event);

// One constant of an indexed comparison of a pattern, with the canonical key the index matches it
// by.
struct IndexedConstant {
  size_t comparison = 0;  // index into pattern.Comparisons()
  size_t constant = 0;    // index into that comparison's constants
  IndicatorClass kind = IndicatorClass::kOther;
  std::string key;  // canonical: see HitKey
};
using IndicatorConstants = std::vector<IndexedConstant>;

// The constants of `pattern` that AddPatternAtoms would index (=, IN, ISSUBSET, not negated),
// with their canonical keys. Constants the index would reject are left out.
IndicatorConstants IndexedConstants(const pattern::Pattern& pattern);

// Whether the property `key` (the last key of a path) is typed as an integer in event SCOs when
// its value is all digits (BuildEventScos): ports, process ids, counts.
bool IntegerProperty(std::string_view key);

// Whether an event value at `comparison`'s path can be equal to `constant`, as events type their
// values: an integer constant only on an integer property, a string of digits not on one. A
// value of another type is unequal to the constant (STIX 2.1 §9.6.1), so such a constant is not
// indexed (AddPatternAtoms, IndexedConstants) and the index agrees with the evaluator.
bool EventValueCanEqual(const pattern::AtomicComparison& comparison,
                        const pattern::Constant& constant);

// The canonical key of what `hit` matched, comparable with IndexedConstant::key (and kind).
std::string HitKey(const Hit& hit);

// Makes the comparisons of `pattern` that `hit` (on observable number `observable` of the event
// `scos` was built from) matched true in `objects`, a copy of scos.objects: the value at the
// comparison's path in the observable's SCO becomes the pattern's constant as written, creating
// the network-traffic / email-message / file structure the path needs. Does nothing when the
// observable became no SCO or no constant of `constants` has the hit's key.
void ApplyIndexMatch(boost::json::object& objects, const EventScos& scos, size_t observable,
                     const Observable& o, const Hit& hit, const pattern::Pattern& pattern,
                     const IndicatorConstants& constants);

}  // namespace tessera::hunt
