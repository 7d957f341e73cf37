// Reading an object's full text (stix/full_text.h) from the parsed object: one walk over its
// top-level properties, allocating only for the text it keeps.

#include "stix/full_text.h"

#include <array>

#include "stix/validate.h"

namespace tessera::stix {

void FullText::Append(int field, std::string_view text) {
  if (text.empty()) return;
  const uint32_t begin = field == 0 ? 0 : ends_[field - 1];
  if (ends_[field] > begin) text_.push_back('\n');  // the next string of a list
  text_.append(text);
  for (int i = field; i < 4; ++i) ends_[i] = static_cast<uint32_t>(text_.size());
}

void ExtractFullText(simdjson::dom::object object, FullText& out) {
  static constexpr std::array<std::string_view, 4> kFields = {"name", "description", "labels",
                                                              "aliases"};
  std::array<simdjson::dom::element, 4> found;
  std::array<bool, 4> present = {false, false, false, false};
  for (auto field : object) {
    for (size_t i = 0; i < kFields.size(); ++i) {
      if (!present[i] && field.key == kFields[i]) {
        found[i] = field.value;
        present[i] = true;
      }
    }
  }
  for (int i = 0; i < 4; ++i) {
    if (!present[i]) continue;
    std::string_view text;
    if (found[i].get_string().get(text) == simdjson::SUCCESS) {
      out.Append(i, text);
      continue;
    }
    simdjson::dom::array list;
    if (found[i].get_array().get(list) != simdjson::SUCCESS) continue;
    for (simdjson::dom::element e : list) {
      if (e.get_string().get(text) == simdjson::SUCCESS) out.Append(i, text);
    }
  }
}

FullText ReadFullText(std::string_view object_json) {
  thread_local simdjson::dom::parser parser;
  FullText out;
  simdjson::dom::object object;
  if (parser.parse(object_json.data(), object_json.size()).get_object().get(object) ==
      simdjson::SUCCESS) {
    ExtractFullText(object, out);
  }
  return out;
}

}  // namespace tessera::stix
