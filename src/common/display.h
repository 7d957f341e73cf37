#pragma once
// Text that people read back: names and labels in the directory, table cells, log lines. A name
// must look like what it is, so characters that change how a terminal shows the text around them
// are refused when a name is made (CheckDisplayText) and escaped wherever text of unknown origin
// is printed (EscapeForDisplay).
//
// The characters in question: invalid UTF-8; controls (Unicode Cc: C0, DEL, C1); format
// characters (Unicode Cf: the bidi embeddings, overrides and isolates U+202A-202E and
// U+2066-2069, zero-width space/joiners U+200B-200F, word joiner, soft hyphen, BOM, tag
// characters, ...); and the line and paragraph separators U+2028/U+2029. Look-alike letters
// (Cyrillic 'а' for Latin 'a') are ordinary letters and pass: telling them apart is the reader's
// task, helped by ids shown beside names.

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tessera {

// Whether the code point is one of the characters above (tab and newline included: callers that
// allow them say so).
bool IsHiddenCodePoint(char32_t cp);

// Ok when `text` is valid UTF-8 without any of the characters above; `allow_newlines` lets tab
// and line feed through (descriptions). kInvalidArgument "<what> holds <the character> at byte N"
// otherwise. Pure; O(size).
Status CheckDisplayText(std::string_view what, std::string_view text, bool allow_newlines);

// `text` with each of the characters above written as \u{XXXX} (a byte of invalid UTF-8 as \xNN)
// and each backslash doubled, so that the result prints as one line that shows what is there.
// Text without any of them comes back unchanged. Pure.
std::string EscapeForDisplay(std::string_view text);

}  // namespace tessera
