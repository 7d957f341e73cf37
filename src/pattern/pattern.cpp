#include "pattern/pattern.h"

#include <cstdlib>

#include "pattern/program.h"
#include "stix/types.h"

namespace tessera::pattern {

std::string_view OpName(Op op) {
  switch (op) {
    case Op::kEqual:
      return "=";
    case Op::kNotEqual:
      return "!=";
    case Op::kLess:
      return "<";
    case Op::kLessEqual:
      return "<=";
    case Op::kGreater:
      return ">";
    case Op::kGreaterEqual:
      return ">=";
    case Op::kIn:
      return "IN";
    case Op::kLike:
      return "LIKE";
    case Op::kMatches:
      return "MATCHES";
    case Op::kIsSubset:
      return "ISSUBSET";
    case Op::kIsSuperset:
      return "ISSUPERSET";
    case Op::kExists:
      return "EXISTS";
  }
  return "?";
}

namespace {

// Whether `key` can be written unquoted: an identifier that is not a keyword of the grammar.
bool IsPlainName(std::string_view key) {
  static constexpr std::string_view kReserved[] = {
      "AND",      "OR",      "NOT",   "FOLLOWEDBY", "LIKE",  "MATCHES", "ISSUPERSET",
      "ISSUBSET", "EXISTS",  "LAST",  "IN",         "START", "STOP",    "SECONDS",
      "WITHIN",   "REPEATS", "TIMES", "true",       "false"};
  if (key.empty()) return false;
  for (std::string_view r : kReserved) {
    if (key == r) return false;
  }
  for (size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

void AppendQuoted(std::string_view s, std::string* out) {
  out->push_back('\'');
  for (char c : s) {
    if (c == '\'' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('\'');
}

void AppendKey(std::string_view key, std::string* out) {
  if (IsPlainName(key)) {
    out->append(key);
  } else {
    AppendQuoted(key, out);
  }
}

}  // namespace

std::string ObjectPath::ToString() const { return object_type + ":" + PropertyPath(); }

std::string ObjectPath::PropertyPath() const {
  std::string out;
  for (size_t i = 0; i < steps.size(); ++i) {
    const PathStep& s = steps[i];
    switch (s.kind) {
      case PathStep::Kind::kKey:
        if (i > 0) out.push_back('.');
        AppendKey(s.key, &out);
        break;
      case PathStep::Kind::kIndex:
        out += "[" + std::to_string(s.index) + "]";
        break;
      case PathStep::Kind::kAnyIndex:
        out += "[*]";
        break;
    }
  }
  return out;
}

std::string AtomicComparison::ToString() const {
  std::string out;
  if (op == Op::kExists) {
    out = negated ? "NOT EXISTS " : "EXISTS ";
    return out + path.ToString();
  }
  out = path.ToString();
  out += negated ? " NOT " : " ";
  out += OpName(op);
  out.push_back(' ');
  if (op == Op::kIn) {
    out.push_back('(');
    for (size_t i = 0; i < constants.size(); ++i) {
      if (i > 0) out += ", ";
      out += constants[i].text;
    }
    out.push_back(')');
  } else if (!constants.empty()) {
    out += constants.front().text;
  }
  return out;
}

struct Pattern::Impl {
  std::unique_ptr<Program> program;
};

Pattern::Pattern(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Pattern::Pattern(Pattern&&) noexcept = default;
Pattern& Pattern::operator=(Pattern&&) noexcept = default;
Pattern::~Pattern() = default;

const std::string& Pattern::text() const { return impl_->program->text; }
const std::vector<AtomicComparison>& Pattern::Comparisons() const { return impl_->program->atoms; }
std::vector<size_t> Pattern::ComparisonPositions() const {
  std::vector<size_t> out;
  out.reserve(impl_->program->comparisons.size());
  for (const CompiledComparison& c : impl_->program->comparisons) out.push_back(c.position);
  return out;
}
bool Pattern::IsSingleObservation() const {
  return impl_->program->root->kind == ProgramNode::Kind::kObservation;
}
MatchResult Pattern::Match(const ObservationSet& set) const {
  return Evaluate(*impl_->program, set);
}
bool Pattern::MatchesOne(const Observation& observation) const {
  return EvaluateOne(*impl_->program, observation, nullptr);
}
bool Pattern::MatchesOne(const Observation& observation,
                         std::vector<EvaluationError>* errors) const {
  return EvaluateOne(*impl_->program, observation, errors);
}
const ProgramNode& Pattern::program() const { return *impl_->program->root; }

std::vector<PatternWarning> Pattern::NeverMatchingConstants() const {
  std::vector<PatternWarning> out;
  for (const CompiledComparison& c : impl_->program->comparisons) {
    const AtomicComparison& a = c.atom;
    if (a.op != Op::kEqual && a.op != Op::kNotEqual && a.op != Op::kIn && a.op != Op::kIsSubset &&
        a.op != Op::kIsSuperset) {
      continue;
    }
    if (a.path.steps.size() != 1 || a.path.steps[0].kind != PathStep::Kind::kKey ||
        a.path.steps[0].key != "value") {
      continue;
    }
    for (const Constant& k : a.constants) {
      if (k.kind != ConstantKind::kString) continue;
      const std::string_view form = stix::BadAddressValue(a.path.object_type, k.value);
      if (form.empty()) continue;
      out.push_back({c.position, k.text + " can never match " + a.path.ToString() + ", which is " +
                                     std::string(form)});
    }
  }
  return out;
}

namespace {

// Marks the comparisons that decide a single-observation pattern alone: the leaves of a top-level
// OR (or the single leaf).
void MarkSufficient(const CompNode& node, Program* program) {
  if (node.kind == CompNode::Kind::kLeaf) {
    program->comparisons[node.leaf].atom.sufficient = true;
  } else if (node.kind == CompNode::Kind::kOr) {
    MarkSufficient(*node.lhs, program);
    MarkSufficient(*node.rhs, program);
  }
}

bool OnlyOrs(const CompNode& node) {
  if (node.kind == CompNode::Kind::kLeaf) return true;
  return node.kind == CompNode::Kind::kOr && OnlyOrs(*node.lhs) && OnlyOrs(*node.rhs);
}

}  // namespace

Result<Pattern> Compile(std::string_view text, const Limits& limits) {
  TESSERA_ASSIGN_OR_RETURN(std::unique_ptr<Program> program, ParseProgram(text, limits));
  const ProgramNode& root = *program->root;
  if (root.kind == ProgramNode::Kind::kObservation && OnlyOrs(*root.comparison)) {
    MarkSufficient(*root.comparison, program.get());
  }
  program->atoms.reserve(program->comparisons.size());
  for (const CompiledComparison& c : program->comparisons) program->atoms.push_back(c.atom);
  auto impl = std::make_unique<Pattern::Impl>();
  impl->program = std::move(program);
  return Pattern(std::move(impl));
}

bool SplitErrorPosition(const std::string& message, size_t* position, std::string* reason) {
  constexpr std::string_view kPrefix = "position ";
  if (message.compare(0, kPrefix.size(), kPrefix) != 0) return false;
  char* end = nullptr;
  const unsigned long long p = std::strtoull(message.c_str() + kPrefix.size(), &end, 10);
  if (end == message.c_str() + kPrefix.size() || end[0] != ':' || end[1] != ' ') return false;
  *position = static_cast<size_t>(p);
  *reason = std::string(end + 2);
  return true;
}

}  // namespace tessera::pattern
