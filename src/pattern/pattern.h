#pragma once
// STIX 2.1 patterning (STIX 2.1 §9): compile a pattern once, list its atomic comparisons, evaluate
// it against observed-data.
//
//   auto p = pattern::Compile("[ipv4-addr:value ISSUBSET '198.51.100.0/24']");
//   if (!p.ok()) -> p.status().message() is "position 12: reason"
//   auto obs = pattern::ObservationSet::FromObjects(document.objects);
//   pattern::MatchResult r = p->Match(*obs);   // r.matched, r.observed_data_ids
//
// A compiled Pattern is immutable; Match and Comparisons are const and thread-safe.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "pattern/observation.h"

namespace tessera::pattern {

// Explicit bounds on untrusted patterns. A pattern over a bound is rejected with kLimitExceeded.
struct Limits {
  size_t max_length = 64 * 1024;   // bytes of pattern text
  size_t max_depth = 64;           // nesting of parentheses / brackets, both levels together
  size_t max_comparisons = 4096;   // comparison expressions (propTests) in the whole pattern
  size_t max_regex_length = 4096;  // bytes of one MATCHES regex after unescaping
  // PCRE2 match bounds for one MATCHES test; a test that hits them counts as "no match" and is
  // reported in MatchResult::regex_limit_hits.
  uint32_t regex_match_limit = 1'000'000;
  uint32_t regex_depth_limit = 10'000;
  // Evaluation bounds: partial matches kept per observation expression node, and bindings kept per
  // comparison expression node. Past them extra candidates are dropped (MatchResult::truncated).
  size_t max_matches_per_node = 10'000;
  size_t max_bindings = 10'000;
};

enum class Op {
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kIn,
  kLike,
  kMatches,
  kIsSubset,
  kIsSuperset,
  kExists,
};
// "=", "!=", "<", ..., "IN", "LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET", "EXISTS".
std::string_view OpName(Op op);

enum class ConstantKind { kString, kInt, kFloat, kBool, kBinary, kHex, kTimestamp };

// One constant as written and as evaluated.
struct Constant {
  ConstantKind kind = ConstantKind::kString;
  std::string text;   // as written in the pattern: 'a\'b', 42, b'AQI=', t'...'
  std::string value;  // kString: unescaped, exactly as written; kBinary/kHex: decoded bytes
  int64_t int_value = 0;
  double float_value = 0;
  bool bool_value = false;
  Timestamp time;
};

// One step after the object type: a property key, a list index, or `[*]`.
struct PathStep {
  enum class Kind { kKey, kIndex, kAnyIndex };
  Kind kind = Kind::kKey;
  std::string key;  // kKey: the property name (unquoted)
  int64_t index = 0;
};

struct ObjectPath {
  std::string object_type;
  std::vector<PathStep> steps;  // at least one: the first property
  // "file:hashes.'SHA-256'", "network-traffic:dst_ref.value", "file:sections[*].entropy".
  std::string ToString() const;
  // The same without the object type: "hashes.'SHA-256'", "dst_ref.value" (what the hunt index
  // keys on). Keys that are not plain identifiers, or are keywords, are quoted.
  std::string PropertyPath() const;
};

// One comparison of the pattern: `type:path [NOT] op constant(s)`, as the hunt index serves it.
struct AtomicComparison {
  ObjectPath path;
  Op op = Op::kEqual;
  bool negated = false;
  std::vector<Constant> constants;  // one; IN: the set (may be empty); EXISTS: none
  // IN: the set mixes constants of different types (integers and floats are one type, b'...'
  // and h'...' one), which STIX 2.1 §9.6.1 forbids: evaluating it on a value is an error
  // (EvaluationError). The pattern still compiles, as the standard's validator accepts it.
  bool mixed_types = false;
  // True when this comparison alone decides the pattern: the pattern is a single `[...]` without
  // qualifiers whose comparison expression is this one comparison or an OR of comparisons. The
  // hunt index can then serve the pattern from it alone.
  bool sufficient = false;
  // "file:hashes.'SHA-256' = 'aec0...'", "ipv4-addr:value NOT IN ('1.2.3.4', '5.6.7.8')".
  std::string ToString() const;
};

// An observed-data on which a comparison cannot be evaluated, as the STIX 2.1 reference evaluator
// reports it: a string value compared with a t'...' constant that is not a STIX (RFC 3339, UTC)
// timestamp, or an IN set whose constants have different types (§9.6.1 wants them homogeneous;
// integers and floats count as one type, b'...' and h'...' as one). The comparison then holds
// neither as written nor under NOT.
struct EvaluationError {
  std::string observed_data_id;
  std::string property;  // the comparison's object path: "file:ctime"
  std::string reason;    // "compared with a timestamp: 'yesterday' is not an RFC 3339 ..."
};

struct MatchResult {
  bool matched = false;
  // The observed-data that satisfy the pattern (the union over every way it matched), in the
  // order of the ObservationSet.
  std::vector<std::string> observed_data_ids;
  size_t regex_limit_hits = 0;  // MATCHES tests stopped by the regex bounds (counted false)
  bool truncated = false;       // an evaluation bound dropped candidates (see Limits)
  // Evaluation errors: how many comparisons failed with one, and the first (at most 16) distinct
  // ones. A caller that wants the reference's answer treats any error as a failed evaluation.
  size_t error_count = 0;
  std::vector<EvaluationError> errors;
};

// A comparison of a valid pattern that no valid STIX object can satisfy: its constant is not a
// value its object path can hold. A warning, not an error: the pattern is valid syntax (the
// shared validity cases, tests/data/conformance, decide that), it just never matches.
struct PatternWarning {
  size_t position = 0;  // byte offset of the comparison in the pattern text
  // "'999.0.113.5' can never match ipv4-addr:value, which is an IPv4 address or CIDR block"
  std::string message;
};

struct ProgramNode;  // the compiled form (pattern/program.h)

class Pattern {
 public:
  Pattern(Pattern&&) noexcept;
  Pattern& operator=(Pattern&&) noexcept;
  ~Pattern();

  // The pattern text it was compiled from.
  const std::string& text() const;

  // Every comparison expression, in pattern order.
  const std::vector<AtomicComparison>& Comparisons() const;
  // The byte offset in the pattern text of each comparison, parallel to Comparisons() (what an
  // editor underlines).
  std::vector<size_t> ComparisonPositions() const;

  // True when the pattern is one observation expression `[...]` without qualifiers, so that it can
  // be decided on one observed-data alone (MatchesOne).
  bool IsSingleObservation() const;

  // Evaluates the pattern against every observed-data of `set` (STIX 2.1 §9.5-9.7; see
  // evaluate.cpp for the timing rules). Thread-safe; `set` is only read.
  MatchResult Match(const ObservationSet& set) const;

  // Whether the comparison expression of a single-observation pattern holds on `observation`.
  // Only meaningful when IsSingleObservation(); otherwise false. Allocation-free for patterns
  // over one object type. Thread-safe.
  bool MatchesOne(const Observation& observation) const;
  // The same, appending to `errors` (when not null) the evaluation errors met on the way (see
  // EvaluationError); a comparison with an error does not hold. Allocates only for errors.
  bool MatchesOne(const Observation& observation, std::vector<EvaluationError>* errors) const;

  // The comparisons whose constant can never match their object path, in pattern order: a string
  // constant of =, !=, IN, ISSUBSET or ISSUPERSET on `ipv4-addr:value`, `ipv6-addr:value` or
  // `mac-addr:value` that is not such a value (stix::BadAddressValue: an IPv4 octet over 255, an
  // IPv4 prefix over 32, an IPv6 network on ipv4-addr, a MAC address that is not one). A hash
  // of the wrong length for its algorithm is not here: Compile refuses it (the shared validity
  // cases make it an error). Paths through a reference (`network-traffic:dst_ref.value`) are
  // not judged: the reference may name objects of several types. Empty when there is none.
  // Allocates only for a warning. Thread-safe.
  std::vector<PatternWarning> NeverMatchingConstants() const;

  // Internal: the compiled program (program.h).
  const ProgramNode& program() const;

 private:
  friend Result<Pattern> Compile(std::string_view, const Limits&);
  struct Impl;
  explicit Pattern(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Parses and checks `text` (the whole STIX 2.1 pattern grammar plus the standard's semantic rules:
// hash lengths, duplicate qualifiers, CIDR and regex constants, ...). On failure the Status is
// kInvalidArgument (or kLimitExceeded) and its message is "position N: reason", N the 0-based byte
// offset in `text` where the problem is. Thread-safe.
Result<Pattern> Compile(std::string_view text, const Limits& limits = {});

// The comparisons of `text` when it is a single observation expression `[...]` without qualifiers
// whose comparisons are joined by OR only, each an object path compared, without NOT, by `=`
// with a string, `IN` with a set of strings, or `ISSUBSET` with a string (an IP address or CIDR
// network): the form of most indicators of a feed, which the hunt index serves alone. Read with
// the same lexer, grammar rules and checks as Compile, without building the compiled form, so
// that it costs a fraction of Compile. When it returns comparisons, Compile(text, limits)
// succeeds and its Comparisons() are equal to them (every one `sufficient`). std::nullopt for
// any other form and for a text Compile refuses (Compile tells why): it never accepts what
// Compile refuses. Thread-safe.
std::optional<std::vector<AtomicComparison>> SimpleComparisons(std::string_view text,
                                                               const Limits& limits = {});

// Splits a Compile error message "position N: reason" into N and reason; false if it has no
// position.
bool SplitErrorPosition(const std::string& message, size_t* position, std::string* reason);

}  // namespace tessera::pattern
