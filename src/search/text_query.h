#pragma once
// The full-text query a user types (`tessera search --text`, `?text=`), read into the store's
// TextQuery (docs/search.md, "Full text"):
//   malware loader        both words (AND)
//   "spear phishing"      a phrase: the words side by side, in this order
//   phish*                a prefix: words starting with "phish" (at least kMinPrefixBytes before *)
//   apt28 OR fancy        either (OR between two terms; a lower-case "or" is a word)
//   -test  -"red team"    none of these (at least one term must not be excluded)
// Terms are separated by white space; anything else is text: a user's NEAR(, col:, ^, AND or a
// quote inside a word is never query syntax (the store quotes every term). ASCII punctuation
// separates words as the index does, so a term of punctuation alone (`*`, `:`, `-`) has no
// words and is left out.
//
// Pure functions; thread-safe.

#include <cstddef>
#include <string_view>

#include "common/status.h"
#include "store/store.h"

namespace tessera::search {

// The longest query (bytes) and the most terms in one (excluded ones and each side of an OR
// count).
inline constexpr size_t kMaxTextQueryBytes = 1024;
inline constexpr size_t kMaxTextTerms = 32;
// The shortest prefix (bytes of word characters before '*'): a shorter one would read much of
// the index.
inline constexpr size_t kMinPrefixBytes = 2;

// The query `text` asks for. kInvalidArgument, saying why, when it has no words (empty, white
// space or punctuation only), is longer than kMaxTextQueryBytes, has more than kMaxTextTerms
// terms, only excluded terms, an unterminated phrase, or a prefix shorter than kMinPrefixBytes.
Result<store::TextQuery> ParseTextQuery(std::string_view text);

}  // namespace tessera::search
