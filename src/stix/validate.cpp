#include "stix/validate.h"

#include <string>

#include "common/uuid.h"

namespace tessera::stix {

void ValidateObject(simdjson::dom::object object, std::string_view object_id,
                    const ReadOptions& /*options*/, std::vector<Problem>& problems) {
  auto add = [&](std::string path, std::string rule, std::string message) {
    problems.push_back(Problem{Severity::kError, std::string(object_id), std::move(path),
                               std::move(rule), std::move(message)});
  };
  std::string_view type;
  if (object["type"].get_string().get(type) != simdjson::SUCCESS) {
    add("$.type", "required-property", "required property 'type' is missing or not a string");
    return;
  }
  std::string_view id;
  if (object["id"].get_string().get(id) != simdjson::SUCCESS) {
    add("$.id", "required-property", "required property 'id' is missing or not a string");
    return;
  }
  const size_t sep = id.find("--");
  if (sep == std::string_view::npos || id.substr(0, sep) != type ||
      !Uuid::Parse(id.substr(sep + 2)).ok()) {
    add("$.id", "identifier-format",
        "id must be '" + std::string(type) + "--' followed by an RFC 4122 UUID");
  }
}

}  // namespace tessera::stix
