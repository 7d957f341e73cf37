#pragma once
// The value semantics of STIX patterning (internal to src/pattern): Unicode normalization, SQL
// LIKE, binary constants, timestamps, bounded PCRE2 regexes.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/time.h"

struct pcre2_real_code_8;
struct pcre2_real_match_context_8;

namespace tessera::pattern {

// True when `text` is well-formed UTF-8; otherwise false and *bad_offset is the first bad byte.
bool IsValidUtf8(std::string_view text, size_t* bad_offset);

// `text` in Unicode Normalization Form C. ASCII text is returned unchanged without work; invalid
// UTF-8 is returned unchanged.
std::string Nfc(std::string_view text);
bool IsAscii(std::string_view text);

// SQL LIKE over code points: `%` matches any run (also empty), `_` exactly one code point, every
// other character itself; case-sensitive; no escape character (STIX defines none). O(n*m) time.
bool LikeMatch(std::string_view text, std::string_view pattern);

// Hex digits, even count, either case; false on anything else.
bool DecodeHex(std::string_view text, std::string* out);

// The STIX timestamp form as the pattern grammar defines it (YYYY-MM-DDTHH:MM:SS[.f+]Z, months
// 01-12, days 01-31, hours 00-23, minutes 00-59, seconds 00-60). A day past the month's end rolls
// into the next month, as the grammar accepts it. False on any other form.
bool ParseStixTimestamp(std::string_view text, Timestamp* out);

// A PCRE2 regex compiled twice: for UTF-8 text and for raw bytes (binary properties), each match
// bounded by the match and depth limits. Immutable after Create; Match* are thread-safe.
class Regex {
 public:
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // kInvalidArgument "offset N in the regex: reason" when PCRE2 rejects `pattern` as UTF-8 text.
  static Result<std::unique_ptr<Regex>> Create(std::string_view pattern, uint32_t match_limit,
                                               uint32_t depth_limit);

  enum class Outcome { kNoMatch, kMatch, kLimit };
  Outcome MatchText(std::string_view text) const;
  Outcome MatchBytes(std::string_view bytes) const;  // kNoMatch when no byte form compiled

 private:
  Regex() = default;
  Outcome Run(pcre2_real_code_8* code, std::string_view subject) const;
  pcre2_real_code_8* text_ = nullptr;
  pcre2_real_code_8* bytes_ = nullptr;
  pcre2_real_match_context_8* context_ = nullptr;
};

}  // namespace tessera::pattern
