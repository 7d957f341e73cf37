#pragma once
// Where values are in a JSON text, found without interpreting them: so that a value (a STIX
// object in a bundle, a TAXII envelope or a JSON list) can be kept exactly as it was written,
// byte for byte, numbers and escapes included, instead of being re-serialized from a DOM.
//
// These functions scan structure only (brackets, strings, commas, colons); they do not validate
// what they skip (numbers, literals, escapes, UTF-8): callers parse what they keep with a real
// parser. They are bounds-checked on any input, never recurse, take time linear in the text and
// allocate nothing. Thread-safe.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tessera::json_text {

// The text of the value that starts at `text[pos]` (after whitespace): a string with its quotes,
// an object or array with its brackets, or a literal or number token. Empty when `pos` holds no
// value, or the value is unterminated, unbalanced or nested deeper than `max_depth`.
std::string_view ValueAt(std::string_view text, size_t pos, size_t max_depth = 1024);

// How far the value that starts exactly at `text[pos]` reaches, in a text that may be only the
// first part of a longer input (a window into a file being read): kComplete with `end` one past
// its last byte; kCut when the text ends before the value does (a string, object or array not yet
// closed, or a literal or number token that reaches the end of the text, which more input could
// extend); kMalformed when `pos` holds no value, brackets do not match, or the value is nested
// deeper than `max_depth`. Whitespace at `pos` is not skipped (kMalformed).
struct Extent {
  enum Kind { kComplete, kCut, kMalformed };
  Kind kind = kMalformed;
  size_t end = 0;  // kComplete only
};
Extent ScanValue(std::string_view text, size_t pos, size_t max_depth = 1024);

// Calls `each(element)` with the text of every element of the JSON array `array` (which may
// have whitespace around it), in order. kInvalidArgument when `array` is not an array of
// well-delimited values.
Status ForEachElement(std::string_view array,
                      const std::function<void(std::string_view element)>& each,
                      size_t max_depth = 1024);

// Calls `each(key, value)` for every member of the JSON object `object`, in order: `key` as
// written between its quotes (escapes not decoded: see Unescape), `value` the value's text.
// kInvalidArgument when `object` is not an object of well-delimited members.
Status ForEachMember(std::string_view object,
                     const std::function<void(std::string_view key, std::string_view value)>& each,
                     size_t max_depth = 1024);

// The string `raw` (as written between quotes in JSON) with its escapes decoded. kInvalidArgument
// when an escape is malformed.
Result<std::string> Unescape(std::string_view raw);

// Whether `raw` (as written) decodes to `plain`; allocates only when `raw` has escapes.
bool KeyEquals(std::string_view raw, std::string_view plain);

}  // namespace tessera::json_text
