#include "hunt/pattern_atoms.h"

#include "hunt/event_observation.h"

namespace tessera::hunt {

std::string IndexPath(const pattern::ObjectPath& path) {
  std::string out;
  for (const pattern::PathStep& step : path.steps) {
    switch (step.kind) {
      case pattern::PathStep::Kind::kKey:
        if (!out.empty()) out.push_back('.');
        out += step.key;
        break;
      case pattern::PathStep::Kind::kIndex:
        out += "[" + std::to_string(step.index) + "]";
        break;
      case pattern::PathStep::Kind::kAnyIndex:
        out += "[*]";
        break;
    }
  }
  return out;
}

Result<PatternAtoms> AddPatternAtoms(IndicatorIndexBuilder& builder, uint32_t indicator,
                                     const pattern::Pattern& pattern) {
  return AddPatternAtoms(builder, indicator, pattern.Comparisons());
}

Result<PatternAtoms> AddPatternAtoms(IndicatorIndexBuilder& builder, uint32_t indicator,
                                     std::span<const pattern::AtomicComparison> comparisons) {
  if (!builder.HasIndicator(indicator)) return InvalidArgument("indicator number not registered");
  return VisitPatternAtoms(comparisons, [&](std::string_view type, std::string_view path,
                                            std::string_view value, AtomicOp op) {
    return builder.AddAtomic(indicator, type, path, value, op);
  });
}

PatternAtoms VisitPatternAtoms(std::span<const pattern::AtomicComparison> comparisons,
                               const AtomSink& add) {
  PatternAtoms atoms;
  bool all_indexed = true;
  bool all_sufficient = true;
  auto skip = [&](const pattern::AtomicComparison& c, const std::string& why) {
    ++atoms.skipped;
    all_indexed = false;
    if (atoms.first_problem.empty()) atoms.first_problem = c.ToString() + ": " + why;
  };
  for (const pattern::AtomicComparison& c : comparisons) {
    ++atoms.comparisons;
    all_sufficient = all_sufficient && c.sufficient;
    if (c.negated) {
      skip(c, "negated comparisons are not indexed");
      continue;
    }
    AtomicOp op;
    if (c.op == pattern::Op::kEqual || c.op == pattern::Op::kIn) {
      op = AtomicOp::kEqual;
    } else if (c.op == pattern::Op::kIsSubset) {
      op = AtomicOp::kIsSubset;
    } else {
      skip(c, std::string(pattern::OpName(c.op)) + " is not indexed");
      continue;
    }
    if (c.constants.empty()) {
      skip(c, "no constant");
      continue;
    }
    const std::string path = IndexPath(c.path);
    size_t added = 0;
    std::string number;
    for (const pattern::Constant& k : c.constants) {
      std::string_view value;
      if (k.kind == pattern::ConstantKind::kString) {
        value = k.value;
      } else if (k.kind == pattern::ConstantKind::kInt) {
        number = std::to_string(k.int_value);
        value = number;
      } else {
        continue;
      }
      if (!EventValueCanEqual(c, k)) continue;  // never equal: left out, the pattern evaluated
      Status st = add(c.path.object_type, path, value, op);
      if (!st.ok()) {
        if (atoms.first_problem.empty()) atoms.first_problem = c.ToString() + ": " + st.message();
        continue;
      }
      ++added;
    }
    atoms.indexed += added;
    if (c.mixed_types) {
      // The index pre-selects the events; evaluating the pattern on them reports the error.
      skip(c, "a set mixing constants of different types is an error when evaluated");
      continue;
    }
    if (added != c.constants.size()) {
      ++atoms.skipped;
      all_indexed = false;
      if (atoms.first_problem.empty())
        atoms.first_problem = c.ToString() + ": constants of this kind are not indexed";
    }
  }
  atoms.complete = atoms.comparisons > 0 && all_indexed && all_sufficient;
  return atoms;
}

}  // namespace tessera::hunt
