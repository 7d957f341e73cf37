#include "pattern/indicator.h"

#include <boost/json.hpp>

#include "common/json.h"
#include "pattern/pattern.h"

namespace tessera::pattern {

std::vector<stix::Problem> CheckIndicatorPattern(const stix::Object& object, bool strict) {
  std::vector<stix::Problem> problems;
  if (object.type != "indicator") return problems;
  auto doc = ParseJson(object.json);
  if (!doc.ok() || !doc->is_object()) return problems;
  const boost::json::object& o = doc->get_object();
  const boost::json::value* type = o.if_contains("pattern_type");
  const boost::json::value* text = o.if_contains("pattern");
  if (type == nullptr || !type->is_string() || type->get_string() != "stix" || text == nullptr ||
      !text->is_string()) {
    return problems;
  }
  auto add = [&](stix::Severity severity, std::string_view rule, std::string message) {
    problems.push_back(
        stix::Problem{severity, object.id, "$.pattern", std::string(rule), std::move(message)});
  };
  auto compiled = Compile(std::string_view(text->get_string()));
  if (!compiled.ok()) {
    add(stix::Severity::kError, kPatternSyntaxRule, compiled.status().message());
    return problems;
  }
  for (PatternWarning& w : compiled->NeverMatchingConstants()) {
    add(strict ? stix::Severity::kError : stix::Severity::kWarning, kPatternNeverMatchesRule,
        "position " + std::to_string(w.position) + ": " + std::move(w.message));
  }
  return problems;
}

}  // namespace tessera::pattern
