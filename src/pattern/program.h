#pragma once
// The compiled form of a pattern (internal to src/pattern): the parse tree with every constant
// decoded, normalized and pre-compiled (regexes, CIDR networks), so that evaluation never looks at
// the pattern text again.

#include <memory>
#include <string>
#include <vector>

#include "common/ip.h"
#include "pattern/pattern.h"
#include "pattern/values.h"

namespace tessera::pattern {

struct CompiledComparison {
  AtomicComparison atom;
  size_t position = 0;           // byte offset of the comparison in the pattern text
  std::unique_ptr<Regex> regex;  // kMatches, compiled from the NFC form of the regex
  std::string like;              // kLike: the pattern in NFC
  ip::Network net;               // kIsSubset / kIsSuperset
};

// A comparison expression: AND / OR of comparisons.
struct CompNode {
  enum class Kind { kLeaf, kAnd, kOr };
  Kind kind = Kind::kLeaf;
  size_t leaf = 0;  // kLeaf: index into Program::comparisons
  std::unique_ptr<CompNode> lhs, rhs;
};

struct ProgramNode {
  enum class Kind { kObservation, kAnd, kOr, kFollowedBy, kWithin, kRepeats, kStartStop };
  Kind kind = Kind::kObservation;
  size_t position = 0;
  std::unique_ptr<ProgramNode> lhs, rhs;  // binary: both; qualifier: lhs
  // kObservation
  std::unique_ptr<CompNode> comparison;
  std::vector<std::string> object_types;  // distinct types its comparisons name
  // qualifiers
  double within_seconds = 0;
  int64_t repeats = 0;
  Timestamp start, stop;
};

struct Program {
  std::string text;
  Limits limits;
  std::vector<CompiledComparison> comparisons;
  std::vector<AtomicComparison> atoms;  // copies of comparisons[i].atom, for Comparisons()
  std::unique_ptr<ProgramNode> root;
};

// Evaluation (evaluate.cpp); see Pattern::Match and Pattern::MatchesOne.
MatchResult Evaluate(const Program& program, const ObservationSet& set);
bool EvaluateOne(const Program& program, const Observation& observation,
                 std::vector<EvaluationError>* errors);

// Parses `text` into a Program (parser.cpp).
Result<std::unique_ptr<Program>> ParseProgram(std::string_view text, const Limits& limits);

}  // namespace tessera::pattern
