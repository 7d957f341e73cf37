#pragma once
// The one judge of an indicator's STIX pattern where indicators enter the hub (issue #11 §3).
// src/stix may not depend on src/pattern, so the STIX reader does not look at patterns; the paths
// that take objects in ask this instead: ingest::Ingest (every write: TAXII POST, `tessera
// import`, hunt's sightings) and `tessera validate`. The same object gets the same problems on
// every path.

#include <string_view>
#include <vector>

#include "stix/object.h"
#include "stix/reader.h"

namespace tessera::pattern {

// The rule names of the problems below (stix::Problem::rule).
inline constexpr std::string_view kPatternSyntaxRule = "pattern-syntax";
inline constexpr std::string_view kPatternNeverMatchesRule = "pattern-never-matches";

// The problems of `object`'s pattern, each on path "$.pattern", naming the object's id:
//   - an error (rule kPatternSyntaxRule) when the object is an indicator whose `pattern_type` is
//     "stix" and whose string `pattern` does not compile (pattern::Compile with the default
//     Limits); the message is Compile's, "position N: reason" (N the 0-based byte offset in the
//     pattern) or the limit it breaks;
//   - a warning (rule kPatternNeverMatchesRule) for each comparison of a pattern that compiles
//     whose constant can never match (Pattern::NeverMatchingConstants), "position N: message";
//     an error instead when `strict` (as stix::ReadOptions::strict makes warnings errors).
// Nothing for other objects, for other pattern types, or when `pattern`/`pattern_type` is missing
// or not a string, or `object.json` is not a JSON object: the STIX validation reports those.
// Thread-safe.
std::vector<stix::Problem> CheckIndicatorPattern(const stix::Object& object, bool strict = false);

}  // namespace tessera::pattern
