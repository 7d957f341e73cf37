#include "pattern/indicator.h"

#include <optional>
#include <string>

#include "common/json_text.h"
#include "pattern/pattern.h"

namespace tessera::pattern {

std::vector<stix::Problem> CheckIndicatorPattern(const stix::Object& object, bool strict) {
  std::vector<stix::Problem> problems;
  if (object.type != "indicator") return problems;
  // The two members are found in the object's text without a DOM (every indicator of a POST or an
  // import passes here); the reader has already checked that text.
  std::string_view type_text, pattern_text;
  const Status scanned =
      json_text::ForEachMember(object.json, [&](std::string_view key, std::string_view value) {
        if (json_text::KeyEquals(key, "pattern_type")) {
          type_text = value;
        } else if (json_text::KeyEquals(key, "pattern")) {
          pattern_text = value;
        }
      });
  auto string_of = [](std::string_view value) -> std::optional<std::string> {
    if (value.size() < 2 || value.front() != '"' || value.back() != '"') return std::nullopt;
    auto decoded = json_text::Unescape(value.substr(1, value.size() - 2));
    if (!decoded.ok()) return std::nullopt;
    return std::move(decoded).value();
  };
  if (!scanned.ok()) return problems;
  const auto type = string_of(type_text);
  const auto text = string_of(pattern_text);
  if (!type || *type != "stix" || !text) return problems;
  auto add = [&](stix::Severity severity, std::string_view rule, std::string message) {
    problems.push_back(
        stix::Problem{severity, object.id, "$.pattern", std::string(rule), std::move(message)});
  };
  auto compiled = Compile(*text);
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
