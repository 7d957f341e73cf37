// Evaluating a compiled pattern against observed-data (STIX 2.1 §9), with the rules the
// reference evaluator applies (tests/data/pattern/eval-rules.json holds a case for each).
//
// Comparison level (§9.6): an observation expression `[...]` is decided on one observed-data.
// Each comparison names an object type and holds on an SCO of that type in the observed-data; the
// comparisons of one type joined by AND must hold on the same SCO, comparisons of different types
// on any SCOs of the same observed-data. A path with `[*]` or through a `_refs` list holds when
// any element satisfies it; `_ref` / `_refs` values are followed to the SCO they name within the
// same observed-data (its object_refs, or the keys of the older embedded `objects` map).
//   - A comparison whose property is absent is false, and so is its NOT form (§9.6).
//   - A value of a type the constant cannot be compared with, JSON null included, is unequal to
//     it: `=`, the ordering operators, IN, LIKE, MATCHES, ISSUBSET/ISSUPERSET are false, `!=` is
//     true, and NOT inverts either (§9.6.1).
//   - Numbers compare by value (integers exactly); booleans only with booleans.
//   - Strings: `=`, `!=`, IN and ordering compare code points exactly, without normalization
//     (§9.6.2; UTF-8 byte order is code point order); LIKE and MATCHES normalize the value and the
//     pattern to NFC.
//   - Binary (§9.6.3-9.6.4): a `*_bin` property holds base64, a `*_hex` property hex; both are
//     compared as bytes. b'...' and h'...' constants are bytes (with any other string property,
//     its UTF-8 bytes); a string constant is one byte per code point when all are below U+0100,
//     and otherwise cannot be compared (so only `!=` holds).
//   - Timestamps: a t'...' constant compares with a string holding a STIX timestamp by instant.
//   - Errors, reported as the reference reports them (MatchResult::errors) and holding neither
//     as written nor under NOT: a string compared with a t'...' constant that is not a STIX
//     timestamp; an IN set mixing constants of different types (checked when a value is there).
//
// Observation level: every match is a set of observed-data; the sides of AND and FOLLOWEDBY, and
// the repetitions of REPEATS, bind different observed-data (§9.5.2).
//   A AND B         a match of A and a match of B on different observed-data
//   A OR B          a match of either
//   A FOLLOWEDBY B  a match of A whose latest last_observed is no later than the earliest
//                   first_observed of a match of B, on different observed-data
//   WITHIN n SECONDS  matches for which one window of n seconds overlaps (touching counts) the
//                   [first_observed, last_observed] interval of every observed-data: the latest
//                   first_observed is at most n seconds after the earliest last_observed
//   START s STOP e    matches whose first_observed >= s and last_observed < e (all of them)
//   REPEATS n TIMES   n matches on pairwise distinct observed-data; an observed-data with
//                     number_observed k counts as k observations (a compound match counts as the
//                     smallest number_observed among its observed-data)

#include <algorithm>
#include <limits>
#include <optional>

#include "common/base64.h"
#include "pattern/program.h"

namespace tessera::pattern {
namespace {

namespace json = boost::json;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool IsRefName(std::string_view key) { return EndsWith(key, "_ref") || EndsWith(key, "_refs"); }

// kNone: the comparison could not be decided (a regex bound), kError: it is an error the
// reference evaluator reports (recorded in EvalState::errors); both are false, and so are their
// NOT forms.
enum class Truth { kFalse, kTrue, kNone, kError };

struct EvalState {
  explicit EvalState(const Program& p) : program(p) {}
  const Program& program;
  size_t regex_limit_hits = 0;
  bool truncated = false;
  std::vector<EvaluationError>* errors = nullptr;  // where errors go; nullptr: not collected
  size_t error_count = 0;
  std::string error;  // the reason of the last kError, for the caller that knows the place
};

constexpr size_t kMaxReportedErrors = 16;

template <typename T>
int Order(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

bool IsBinaryName(std::string_view key) { return EndsWith(key, "_hex") || EndsWith(key, "_bin"); }

// The property's bytes when compared as binary data (STIX 2.1 §9.6.4: a `*_hex` property holds
// hex, a `*_bin` property base64; any other string is taken as its UTF-8 bytes).
bool PropertyBytes(std::string_view value, std::string_view key, std::string* out) {
  if (EndsWith(key, "_hex")) return DecodeHex(value, out);
  if (EndsWith(key, "_bin")) return DecodeBase64(value, out);
  out->assign(value);
  return true;
}

// A string constant as binary data (STIX 2.1 §9.6.4): one byte per code point, possible only when
// every code point is below U+0100.
bool StringAsBytes(std::string_view text, std::string* out) {
  out->clear();
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out->push_back(static_cast<char>(c));
      ++i;
    } else if ((c == 0xC2 || c == 0xC3) && i + 1 < text.size()) {
      // U+0080..U+00FF are the two-byte sequences C2 80..C3 BF (the constant is valid UTF-8).
      out->push_back(static_cast<char>(((c & 0x03) << 6) | (text[i + 1] & 0x3F)));
      i += 2;
    } else {
      return false;
    }
  }
  return true;
}

// Orders `v` against `c`: the order, or nullopt when their types cannot be compared (STIX 2.1
// §9.6.1). A string value that must be read as a timestamp and is not one is an error: nullopt
// with `*error` set.
std::optional<int> CompareValue(const json::value& v, std::string_view key, const Constant& c,
                                std::string* error) {
  switch (c.kind) {
    case ConstantKind::kString: {
      if (!v.is_string()) return std::nullopt;
      const std::string_view s = v.get_string();
      if (!IsBinaryName(key)) {
        // §9.6.2: code points compared exactly, without normalization (UTF-8 byte order is code
        // point order).
        return Order(s, std::string_view(c.value));
      }
      std::string bytes, constant;
      if (!PropertyBytes(s, key, &bytes) || !StringAsBytes(c.value, &constant)) {
        return std::nullopt;
      }
      return Order(std::string_view(bytes), std::string_view(constant));
    }
    case ConstantKind::kInt:
      if (v.is_int64()) return Order(v.get_int64(), c.int_value);
      if (v.is_uint64()) return c.int_value < 0 ? 1 : Order(v.get_uint64(), uint64_t(c.int_value));
      if (v.is_double()) return Order(v.get_double(), c.float_value);
      return std::nullopt;
    case ConstantKind::kFloat:
      if (v.is_int64()) return Order(static_cast<double>(v.get_int64()), c.float_value);
      if (v.is_uint64()) return Order(static_cast<double>(v.get_uint64()), c.float_value);
      if (v.is_double()) return Order(v.get_double(), c.float_value);
      return std::nullopt;
    case ConstantKind::kBool:
      if (!v.is_bool()) return std::nullopt;
      return Order(v.get_bool(), c.bool_value);
    case ConstantKind::kTimestamp: {
      if (!v.is_string()) return std::nullopt;
      auto t = ParseTimestamp(v.get_string());
      if (!t.ok()) {
        *error = "compared with a timestamp: " + t.status().message();
        return std::nullopt;
      }
      return Order(*t, c.time);
    }
    case ConstantKind::kBinary:
    case ConstantKind::kHex: {
      std::string bytes;
      if (!v.is_string() || !PropertyBytes(v.get_string(), key, &bytes)) return std::nullopt;
      return Order(std::string_view(bytes), std::string_view(c.value));
    }
  }
  return std::nullopt;
}

Truth FromBool(bool b) { return b ? Truth::kTrue : Truth::kFalse; }

Truth Apply(const CompiledComparison& cmp, const json::value& v, std::string_view key,
            EvalState& state) {
  const AtomicComparison& a = cmp.atom;
  switch (a.op) {
    case Op::kEqual:
    case Op::kNotEqual:
    case Op::kLess:
    case Op::kLessEqual:
    case Op::kGreater:
    case Op::kGreaterEqual: {
      std::string error;
      const std::optional<int> o = CompareValue(v, key, a.constants.front(), &error);
      if (!error.empty()) {
        state.error = std::move(error);
        return Truth::kError;
      }
      // Values of types the constant cannot be compared with are unequal (§9.6.1, §9.6.4).
      if (!o) return FromBool(a.op == Op::kNotEqual);
      switch (a.op) {
        case Op::kEqual:
          return FromBool(*o == 0);
        case Op::kNotEqual:
          return FromBool(*o != 0);
        case Op::kLess:
          return FromBool(*o < 0);
        case Op::kLessEqual:
          return FromBool(*o <= 0);
        case Op::kGreater:
          return FromBool(*o > 0);
        default:
          return FromBool(*o >= 0);
      }
    }
    case Op::kIn: {
      if (a.mixed_types) {
        state.error = "the IN set mixes constants of different types";
        return Truth::kError;
      }
      for (const Constant& c : a.constants) {
        std::string error;
        const std::optional<int> o = CompareValue(v, key, c, &error);
        if (!error.empty()) {
          state.error = std::move(error);
          return Truth::kError;
        }
        if (o && *o == 0) return Truth::kTrue;
      }
      return Truth::kFalse;
    }
    case Op::kLike:
      if (!v.is_string()) return Truth::kFalse;
      return FromBool(LikeMatch(Nfc(v.get_string()), cmp.like));
    case Op::kMatches: {
      if (!v.is_string()) return Truth::kFalse;
      const std::string_view s = v.get_string();
      Regex::Outcome outcome;
      if (IsBinaryName(key)) {
        std::string bytes;
        if (!PropertyBytes(s, key, &bytes)) return Truth::kFalse;
        outcome = cmp.regex->MatchBytes(bytes);
      } else {
        outcome = IsAscii(s) ? cmp.regex->MatchText(s) : cmp.regex->MatchText(Nfc(s));
      }
      if (outcome == Regex::Outcome::kLimit) {
        ++state.regex_limit_hits;
        return Truth::kNone;
      }
      return FromBool(outcome == Regex::Outcome::kMatch);
    }
    case Op::kIsSubset:
    case Op::kIsSuperset: {
      if (!v.is_string()) return Truth::kFalse;
      const auto net = ip::ParseNetwork(v.get_string());
      if (!net) return Truth::kFalse;
      return FromBool(a.op == Op::kIsSubset ? ip::Contains(cmp.net, *net)
                                            : ip::Contains(*net, cmp.net));
    }
    case Op::kExists:
      return Truth::kTrue;
  }
  return Truth::kNone;
}

// Calls `f(value, key)` for every value that `steps[i..]` reach from `v` (reached through the
// property `key`), stopping early when `f` returns true. Returns whether it was stopped.
template <typename F>
bool Walk(const json::value* v, std::string_view key, const std::vector<PathStep>& steps, size_t i,
          const Observation& obs, F& f) {
  if (v == nullptr) return false;
  if (i == steps.size()) return f(*v, key);
  const PathStep& step = steps[i];
  switch (step.kind) {
    case PathStep::Kind::kKey: {
      const json::object* o = v->if_object();
      if (o == nullptr && v->is_string() && IsRefName(key)) o = obs.Resolve(v->get_string());
      if (o == nullptr) return false;
      return Walk(o->if_contains(step.key), step.key, steps, i + 1, obs, f);
    }
    case PathStep::Kind::kIndex: {
      const json::array* a = v->if_array();
      if (a == nullptr || step.index < 0 || static_cast<uint64_t>(step.index) >= a->size()) {
        return false;
      }
      return Walk(&(*a)[static_cast<size_t>(step.index)], key, steps, i + 1, obs, f);
    }
    case PathStep::Kind::kAnyIndex: {
      const json::array* a = v->if_array();
      if (a == nullptr) return false;
      for (const json::value& e : *a) {
        if (Walk(&e, key, steps, i + 1, obs, f)) return true;
      }
      return false;
    }
  }
  return false;
}

void RecordError(const CompiledComparison& cmp, const Observation& obs, EvalState& state) {
  ++state.error_count;
  if (state.errors == nullptr || state.errors->size() >= kMaxReportedErrors) return;
  const std::string property = cmp.atom.path.ToString();
  for (const EvaluationError& e : *state.errors) {
    if (e.observed_data_id == obs.id && e.property == property && e.reason == state.error) return;
  }
  state.errors->push_back(EvaluationError{obs.id, property, state.error});
}

bool TestOnObject(const CompiledComparison& cmp, const json::object& sco, const Observation& obs,
                  EvalState& state) {
  const std::vector<PathStep>& steps = cmp.atom.path.steps;
  const std::string& first = steps.front().key;
  const json::value* start = sco.if_contains(first);
  if (cmp.atom.op == Op::kExists) {
    auto any = [](const json::value&, std::string_view) { return true; };
    return Walk(start, first, steps, 1, obs, any) != cmp.atom.negated;
  }
  const bool negated = cmp.atom.negated;
  auto test = [&](const json::value& v, std::string_view key) {
    const Truth t = Apply(cmp, v, key, state);
    if (t == Truth::kError) RecordError(cmp, obs, state);
    return negated ? t == Truth::kFalse : t == Truth::kTrue;
  };
  return Walk(start, first, steps, 1, obs, test);
}

bool IsType(const json::object& sco, std::string_view type) {
  const json::value* t = sco.if_contains("type");
  return t != nullptr && t->is_string() && t->get_string() == type;
}

// The comparison expression over one SCO (single-type expressions).
bool HoldsOnObject(const CompNode& node, const json::object& sco, const Observation& obs,
                   EvalState& state) {
  switch (node.kind) {
    case CompNode::Kind::kLeaf:
      return TestOnObject(state.program.comparisons[node.leaf], sco, obs, state);
    case CompNode::Kind::kAnd:
      return HoldsOnObject(*node.lhs, sco, obs, state) && HoldsOnObject(*node.rhs, sco, obs, state);
    case CompNode::Kind::kOr:
      return HoldsOnObject(*node.lhs, sco, obs, state) || HoldsOnObject(*node.rhs, sco, obs, state);
  }
  return false;
}

// Multi-type expressions: a binding assigns an SCO (index in obs.objects) to each object type.
using Binding = std::vector<int32_t>;  // per type index; -1 = unbound

std::vector<Binding> Bindings(const CompNode& node, const ProgramNode& observation,
                              const Observation& obs, EvalState& state) {
  const size_t types = observation.object_types.size();
  std::vector<Binding> out;
  switch (node.kind) {
    case CompNode::Kind::kLeaf: {
      const CompiledComparison& cmp = state.program.comparisons[node.leaf];
      const auto& names = observation.object_types;
      const size_t k = static_cast<size_t>(
          std::find(names.begin(), names.end(), cmp.atom.path.object_type) - names.begin());
      for (size_t i = 0; i < obs.objects.size(); ++i) {
        const json::object& sco = *obs.objects[i].second;
        if (!IsType(sco, cmp.atom.path.object_type) || !TestOnObject(cmp, sco, obs, state)) {
          continue;
        }
        Binding b(types, -1);
        b[k] = static_cast<int32_t>(i);
        out.push_back(std::move(b));
      }
      return out;
    }
    case CompNode::Kind::kOr: {
      out = Bindings(*node.lhs, observation, obs, state);
      std::vector<Binding> rhs = Bindings(*node.rhs, observation, obs, state);
      for (Binding& b : rhs) {
        if (out.size() >= state.program.limits.max_bindings) {
          state.truncated = true;
          break;
        }
        out.push_back(std::move(b));
      }
      return out;
    }
    case CompNode::Kind::kAnd: {
      const std::vector<Binding> lhs = Bindings(*node.lhs, observation, obs, state);
      if (lhs.empty()) return out;
      const std::vector<Binding> rhs = Bindings(*node.rhs, observation, obs, state);
      for (const Binding& a : lhs) {
        for (const Binding& b : rhs) {
          Binding m(types, -1);
          bool ok = true;
          for (size_t k = 0; k < types && ok; ++k) {
            if (a[k] >= 0 && b[k] >= 0 && a[k] != b[k]) ok = false;
            m[k] = a[k] >= 0 ? a[k] : b[k];
          }
          if (!ok) continue;
          if (out.size() >= state.program.limits.max_bindings) {
            state.truncated = true;
            return out;
          }
          out.push_back(std::move(m));
        }
      }
      return out;
    }
  }
  return out;
}

bool Holds(const ProgramNode& node, const Observation& obs, EvalState& state) {
  if (node.object_types.size() == 1) {
    const std::string& type = node.object_types.front();
    for (const auto& entry : obs.objects) {
      if (IsType(*entry.second, type) &&
          HoldsOnObject(*node.comparison, *entry.second, obs, state)) {
        return true;
      }
    }
    return false;
  }
  return !Bindings(*node.comparison, node, obs, state).empty();
}

// One way of matching: the observed-data bound, and the times WITHIN and START/STOP look at.
struct Hit {
  std::vector<uint32_t> observations;     // sorted, distinct
  Timestamp first, last;                  // the earliest first_observed, the latest last_observed
  Timestamp latest_first, earliest_last;  // the latest first_observed, the earliest last_observed
  int64_t count = 1;                      // how many observations it stands for (REPEATS)
};

Hit Combine(const Hit& a, const Hit& b) {
  Hit h;
  std::set_union(a.observations.begin(), a.observations.end(), b.observations.begin(),
                 b.observations.end(), std::back_inserter(h.observations));
  h.first = std::min(a.first, b.first);
  h.last = std::max(a.last, b.last);
  h.latest_first = std::max(a.latest_first, b.latest_first);
  h.earliest_last = std::min(a.earliest_last, b.earliest_last);
  h.count = std::min(a.count, b.count);
  return h;
}

bool Disjoint(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) return false;
    if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return true;
}

double Diff(Timestamp a, Timestamp b) {  // a - b in seconds
  return static_cast<double>(a.seconds - b.seconds) + static_cast<double>(a.nanos - b.nanos) / 1e9;
}

// The shortest window that overlaps the [first_observed, last_observed] interval of every
// observation of `h`, touching counts: the latest start minus the earliest end, 0 or less when the
// intervals share an instant. WITHIN d SECONDS holds when it is at most d.
double WithinSeconds(const Hit& h) { return Diff(h.latest_first, h.earliest_last); }

// Time constraints that qualifiers above a node impose on every match below it: a START/STOP
// window that all observations must lie in, and a WITHIN window that any part of a match must
// also fit in. Pushing them down keeps the per-node bound (Limits::max_matches_per_node) from
// being spent on matches that a qualifier would drop anyway.
struct Window {
  bool bounded = false;
  Timestamp lo, hi;  // first_observed >= lo, last_observed < hi
  double max_span = std::numeric_limits<double>::infinity();

  bool Admits(const Hit& h) const {
    if (bounded && (h.first < lo || !(h.last < hi))) return false;
    return WithinSeconds(h) <= max_span;
  }
};

class Matcher {
 public:
  Matcher(const ObservationSet& set, EvalState& state) : set_(set), state_(state) {}

  std::vector<Hit> Eval(const ProgramNode& node, const Window& window) {
    const size_t cap = state_.program.limits.max_matches_per_node;
    std::vector<Hit> out;
    auto push = [&](Hit h) {
      if (out.size() >= cap) {
        state_.truncated = true;
        return false;
      }
      out.push_back(std::move(h));
      return true;
    };
    switch (node.kind) {
      case ProgramNode::Kind::kObservation: {
        const auto& all = set_.observations();
        for (size_t i = 0; i < all.size(); ++i) {
          const Observation& o = all[i];
          Hit h{{static_cast<uint32_t>(i)}, o.first_observed, o.last_observed,
                o.first_observed,           o.last_observed,  o.number_observed};
          if (!window.Admits(h) || !Holds(node, o, state_)) continue;
          if (!push(std::move(h))) break;
        }
        return out;
      }
      case ProgramNode::Kind::kOr: {
        out = Eval(*node.lhs, window);
        for (Hit& h : Eval(*node.rhs, window)) {
          if (!push(std::move(h))) break;
        }
        return out;
      }
      case ProgramNode::Kind::kAnd:
      case ProgramNode::Kind::kFollowedBy: {
        const std::vector<Hit> lhs = Eval(*node.lhs, window);
        if (lhs.empty()) return out;
        std::vector<Hit> rhs = Eval(*node.rhs, window);
        std::sort(rhs.begin(), rhs.end(),
                  [](const Hit& a, const Hit& b) { return a.first < b.first; });
        const bool ordered = node.kind == ProgramNode::Kind::kFollowedBy;
        const double span = window.max_span;
        for (const Hit& a : lhs) {
          // FOLLOWEDBY: the right match starts no earlier than the left one ends. Under a WITHIN
          // window, a partner that starts more than `span` seconds after `a`'s earliest end
          // cannot share a window with it.
          auto it = ordered ? std::partition_point(rhs.begin(), rhs.end(),
                                                   [&](const Hit& b) { return b.first < a.last; })
                            : rhs.begin();
          for (; it != rhs.end(); ++it) {
            if (Diff(it->first, a.earliest_last) > span) break;
            // §9.5.2: the two sides bind different observations.
            if (!Disjoint(a.observations, it->observations)) continue;
            Hit c = Combine(a, *it);
            if (!window.Admits(c)) continue;
            if (!push(std::move(c))) return out;
          }
        }
        return out;
      }
      case ProgramNode::Kind::kWithin: {
        Window inner = window;
        inner.max_span = std::min(inner.max_span, node.within_seconds);
        for (Hit& h : Eval(*node.lhs, inner)) {
          if (WithinSeconds(h) <= node.within_seconds) out.push_back(std::move(h));
        }
        return out;
      }
      case ProgramNode::Kind::kStartStop: {
        Window inner = window;
        inner.lo = inner.bounded ? std::max(inner.lo, node.start) : node.start;
        inner.hi = inner.bounded ? std::min(inner.hi, node.stop) : node.stop;
        inner.bounded = true;
        for (Hit& h : Eval(*node.lhs, inner)) {
          if (node.start <= h.first && h.last < node.stop) out.push_back(std::move(h));
        }
        return out;
      }
      case ProgramNode::Kind::kRepeats:
        return Repeats(Eval(*node.lhs, window), node.repeats);
    }
    return out;
  }

 private:
  // For each match in time order, the tightest run of later, pairwise distinct matches that
  // together reach `n` observations. Bounded work: at most kBudget disjointness checks in all.
  std::vector<Hit> Repeats(std::vector<Hit> hits, int64_t n) {
    constexpr size_t kBudget = 2'000'000;
    std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
      return a.first < b.first || (a.first == b.first && a.last < b.last);
    });
    std::vector<Hit> out;
    size_t work = 0;
    for (size_t s = 0; s < hits.size(); ++s) {
      Hit acc = hits[s];
      int64_t count = hits[s].count;
      for (size_t j = s + 1; j < hits.size() && count < n; ++j) {
        if (++work > kBudget) {
          state_.truncated = true;
          return out;
        }
        if (!Disjoint(acc.observations, hits[j].observations)) continue;
        count += hits[j].count;
        acc = Combine(acc, hits[j]);
      }
      if (count >= n) {
        acc.count = 1;
        out.push_back(std::move(acc));
      }
    }
    return out;
  }

  const ObservationSet& set_;
  EvalState& state_;
};

}  // namespace

MatchResult Evaluate(const Program& program, const ObservationSet& set) {
  MatchResult result;
  EvalState state(program);
  state.errors = &result.errors;
  Matcher matcher(set, state);
  const std::vector<Hit> hits = matcher.Eval(*program.root, Window{});
  result.matched = !hits.empty();
  std::vector<bool> used(set.observations().size(), false);
  for (const Hit& h : hits) {
    for (uint32_t i : h.observations) used[i] = true;
  }
  for (size_t i = 0; i < used.size(); ++i) {
    if (used[i]) result.observed_data_ids.push_back(set.observations()[i].id);
  }
  result.regex_limit_hits = state.regex_limit_hits;
  result.truncated = state.truncated;
  result.error_count = state.error_count;
  return result;
}

bool EvaluateOne(const Program& program, const Observation& observation,
                 std::vector<EvaluationError>* errors) {
  if (program.root->kind != ProgramNode::Kind::kObservation) return false;
  EvalState state(program);
  state.errors = errors;
  return Holds(*program.root, observation, state);
}

}  // namespace tessera::pattern
