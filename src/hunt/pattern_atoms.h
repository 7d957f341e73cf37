#pragma once
// The glue between the pattern engine and the indicator index: which comparisons of a compiled
// STIX pattern the index can serve, added to an IndicatorIndexBuilder.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"
#include "hunt/indicator_index.h"
#include "pattern/pattern.h"

namespace tessera::hunt {

struct PatternAtoms {
  size_t comparisons = 0;  // comparison expressions in the pattern
  size_t indexed = 0;      // atomic entries added (an IN adds one per constant)
  size_t skipped = 0;      // comparisons the index cannot serve (see AddPatternAtoms)
  // True when the index alone decides the pattern: every comparison is `sufficient` (a single
  // [...] without qualifiers whose comparisons are ORed) and was indexed. Otherwise the pattern
  // must be evaluated (pattern::Pattern::Match) on the events whose observables hit it.
  bool complete = false;
  std::string first_problem;  // why the first skipped comparison was skipped; empty if none
};

// Adds to `builder`, for indicator number `indicator`, every comparison of `pattern` the index
// serves: `=` and `IN` with string or integer constants, `ISSUBSET` on addresses; not negated.
// Values the index rejects (an address that does not parse...) are skipped and counted, as are
// other operators (!=, <, LIKE, MATCHES...) and constants of other kinds. An IN whose set mixes
// types is indexed but counted as skipped, so that the pattern is evaluated and its error
// reported (pattern::EvaluationError), as Pattern::Match would. Never fails on the
// pattern's content; kInvalidArgument only when `indicator` is not registered in `builder`.
Result<PatternAtoms> AddPatternAtoms(IndicatorIndexBuilder& builder, uint32_t indicator,
                                     const pattern::Pattern& pattern);
// The same from the comparisons alone (pattern::Pattern::Comparisons, or
// pattern::SimpleComparisons of a pattern not compiled): the result is the same for the same
// comparisons.
Result<PatternAtoms> AddPatternAtoms(IndicatorIndexBuilder& builder, uint32_t indicator,
                                     std::span<const pattern::AtomicComparison> comparisons);

// What VisitPatternAtoms hands each indexable constant to: the comparison's object type, its
// path (IndexPath), the constant as text and the operator. An error skips the constant (counted,
// and its message is first_problem when it is the first).
using AtomSink = std::function<Status(std::string_view object_type, std::string_view path,
                                      std::string_view value, AtomicOp op)>;

// The walk AddPatternAtoms makes over `comparisons`, handing each constant it would index to
// `add` instead of a builder: the same choice of comparisons and constants, the same counts.
PatternAtoms VisitPatternAtoms(std::span<const pattern::AtomicComparison> comparisons,
                               const AtomSink& add);

// "hashes.SHA-256", "extensions.http-request-ext.request_header.User-Agent", "to_refs[*].value":
// the path of `path` after its object type, keys unquoted (the index ignores quotes).
std::string IndexPath(const pattern::ObjectPath& path);

}  // namespace tessera::hunt
