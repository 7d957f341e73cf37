#pragma once
// The words of an object that full-text search indexes (docs/search.md, "Full text"): the STIX
// properties that describe an object in words, `name`, `description`, `labels` and `aliases`,
// on any type that has them (an SCO's `value` is found by value search, not here). The STIX
// reader reads them from the object it has parsed (Object::text), so that no write path parses
// an object twice; ReadFullText reads them from an object's JSON text (objects built in code,
// rows read back from the store).

#include <cstdint>
#include <string>
#include <string_view>

namespace tessera::stix {

// The four fields back to back in one buffer (one allocation per object that has any). A field
// is its property's string, a list's strings joined by '\n'; empty when the property is absent,
// not a string (a list: holds no string) or empty. Strings are unescaped (UTF-8 as written).
class FullText {
 public:
  std::string_view name() const { return Field(0); }
  std::string_view description() const { return Field(1); }
  std::string_view labels() const { return Field(2); }
  std::string_view aliases() const { return Field(3); }
  // No field holds any text: the object is not indexed.
  bool empty() const { return text_.empty(); }

  // Building, in field order: Append the text of field `field` (0..3, never going back), then
  // the next field; a list's strings are appended one by one to the same field.
  void Append(int field, std::string_view text);

 private:
  std::string_view Field(int i) const {
    const uint32_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(text_).substr(begin, ends_[i] - begin);
  }

  std::string text_;
  uint32_t ends_[4] = {0, 0, 0, 0};  // where each field ends in text_
};

// The full text of `object_json`, one JSON object (the reader's rules aside: a property that is
// not of its STIX type is simply not text). Empty when the text is not a JSON object. Parses the
// text (simdjson); thread-safe.
FullText ReadFullText(std::string_view object_json);

}  // namespace tessera::stix
