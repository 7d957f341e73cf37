// Evaluating a compiled pattern against observed-data (STIX 2.1 §9).
//
// Comparison level: an observation expression `[...]` is decided on one observed-data. Each
// comparison names an object type and holds on an SCO of that type in the observed-data; the
// comparisons of one type joined by AND must hold on the same SCO, comparisons of different types
// on any SCOs of the same observed-data. A path with `[*]` or through a `_refs` list holds when any
// element satisfies it; `_ref` / `_refs` values are followed to the SCO they name within the same
// observed-data (its object_refs, or the keys of the older embedded `objects` map). A comparison
// whose property is absent, or whose value has a type the constant cannot be compared with, is
// false, and so is its NOT form (NOT inverts only a comparison that could be made).
//
// Observation level: every match is a set of observed-data with a time span from the earliest
// first_observed to the latest last_observed among them.
//   A AND B         a match of A and a match of B (the same observed-data may serve both)
//   A OR B          a match of either
//   A FOLLOWEDBY B  a match of A whose span ends no later than the span of a match of B starts
//   WITHIN n SECONDS  matches whose span is at most n seconds
//   START s STOP e    matches whose first_observed >= s and last_observed < e (all of them)
//   REPEATS n TIMES   n matches on pairwise distinct observed-data; an observed-data with
//                     number_observed k counts as k observations (a compound match counts as the
//                     smallest number_observed among its observed-data)
// Strings are compared after Unicode NFC normalization, code point by code point (UTF-8 byte
// order). Numbers compare by value (integers exactly). Timestamps compare by instant; a timestamp
// constant compares with a string property holding a STIX timestamp. Binary and hex constants
// compare bytes: with the base64-decoded value of a `*_bin` property, the hex-decoded value of a
// `*_hex` property, and the UTF-8 bytes of any other string.

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

enum class Truth { kFalse, kTrue, kNone };  // kNone: the comparison could not be made

struct EvalState {
  const Program& program;
  size_t regex_limit_hits = 0;
  bool truncated = false;
};

template <typename T>
int Order(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// The property's bytes when compared with a binary / hex constant.
bool PropertyBytes(std::string_view value, std::string_view key, std::string* out) {
  if (EndsWith(key, "_hex")) return DecodeHex(value, out);
  if (EndsWith(key, "_bin")) return DecodeBase64(value, out);
  out->assign(value);
  return true;
}

int CompareStrings(std::string_view value, const std::string& constant) {
  if (IsAscii(value)) return Order(value, std::string_view(constant));
  const std::string normalized = Nfc(value);
  return Order(std::string_view(normalized), std::string_view(constant));
}

// Orders `v` against `c`, or nullopt when they cannot be compared.
std::optional<int> CompareValue(const json::value& v, std::string_view key, const Constant& c) {
  switch (c.kind) {
    case ConstantKind::kString:
      if (!v.is_string()) return std::nullopt;
      return CompareStrings(v.get_string(), c.value);
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
      Timestamp t;
      if (!v.is_string() || !ParseStixTimestamp(v.get_string(), &t)) return std::nullopt;
      return Order(t, c.time);
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
      const std::optional<int> o = CompareValue(v, key, a.constants.front());
      if (!o) return Truth::kNone;
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
      Truth result = Truth::kNone;
      for (const Constant& c : a.constants) {
        const std::optional<int> o = CompareValue(v, key, c);
        if (!o) continue;
        if (*o == 0) return Truth::kTrue;
        result = Truth::kFalse;
      }
      return a.constants.empty() ? Truth::kFalse : result;
    }
    case Op::kLike:
      if (!v.is_string()) return Truth::kNone;
      return FromBool(LikeMatch(Nfc(v.get_string()), a.constants.front().value));
    case Op::kMatches: {
      if (!v.is_string()) return Truth::kNone;
      const std::string_view s = v.get_string();
      Regex::Outcome outcome;
      if (EndsWith(key, "_bin") || EndsWith(key, "_hex")) {
        std::string bytes;
        if (!PropertyBytes(s, key, &bytes)) return Truth::kNone;
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
      if (!v.is_string()) return Truth::kNone;
      const auto net = ip::ParseNetwork(v.get_string());
      if (!net) return Truth::kNone;
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

struct Hit {
  std::vector<uint32_t> observations;  // sorted, distinct
  Timestamp first, last;
  int64_t count = 1;  // how many observations it stands for (REPEATS)
};

Hit Combine(const Hit& a, const Hit& b) {
  Hit h;
  std::set_union(a.observations.begin(), a.observations.end(), b.observations.begin(),
                 b.observations.end(), std::back_inserter(h.observations));
  h.first = std::min(a.first, b.first);
  h.last = std::max(a.last, b.last);
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

double SpanSeconds(const Hit& h) {
  return static_cast<double>(h.last.seconds - h.first.seconds) +
         static_cast<double>(h.last.nanos - h.first.nanos) / 1e9;
}

// Time constraints that qualifiers above a node impose on every match below it: a START/STOP
// window that all observations must lie in, and a WITHIN span that any part of a match must also
// fit in. Pushing them down keeps the per-node bound (Limits::max_matches_per_node) from being
// spent on matches that a qualifier would drop anyway.
struct Window {
  bool bounded = false;
  Timestamp lo, hi;  // first_observed >= lo, last_observed < hi
  double max_span = std::numeric_limits<double>::infinity();

  bool Admits(Timestamp first, Timestamp last) const {
    if (bounded && (first < lo || !(last < hi))) return false;
    return max_span == std::numeric_limits<double>::infinity() ||
           static_cast<double>(last.seconds - first.seconds) +
                   static_cast<double>(last.nanos - first.nanos) / 1e9 <=
               max_span;
  }
  bool Admits(const Hit& h) const { return Admits(h.first, h.last); }
};

double Diff(Timestamp a, Timestamp b) {  // a - b in seconds
  return static_cast<double>(a.seconds - b.seconds) + static_cast<double>(a.nanos - b.nanos) / 1e9;
}

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
          if (!window.Admits(o.first_observed, o.last_observed) || !Holds(node, o, state_)) {
            continue;
          }
          if (!push(Hit{{static_cast<uint32_t>(i)},
                        o.first_observed,
                        o.last_observed,
                        o.number_observed})) {
            break;
          }
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
          // span, a partner cannot start more than `span` seconds away from `a`'s start.
          auto it = ordered ? std::partition_point(rhs.begin(), rhs.end(),
                                                   [&](const Hit& b) { return b.first < a.last; })
                            : std::partition_point(rhs.begin(), rhs.end(), [&](const Hit& b) {
                                return Diff(b.first, a.first) < -span;
                              });
          for (; it != rhs.end(); ++it) {
            if (Diff(it->first, a.first) > span) break;
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
          if (SpanSeconds(h) <= node.within_seconds) out.push_back(std::move(h));
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
  EvalState state{program};
  Matcher matcher(set, state);
  const std::vector<Hit> hits = matcher.Eval(*program.root, Window{});
  MatchResult result;
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
  return result;
}

bool EvaluateOne(const Program& program, const Observation& observation) {
  if (program.root->kind != ProgramNode::Kind::kObservation) return false;
  EvalState state{program};
  return Holds(*program.root, observation, state);
}

}  // namespace tessera::pattern
