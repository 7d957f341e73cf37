#include "search/text_query.h"

#include <string>
#include <vector>

namespace tessera::search {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Whether byte `c` may be part of a word as the index tokenizes text (unicode61): ASCII letters
// and digits, and every byte of a non-ASCII character (unicode61 decides those by their Unicode
// category; counting them all here only keeps a term the index may then find no word in).
bool IsWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z');
}

bool HasWords(std::string_view s) {
  for (char c : s) {
    if (IsWordByte(c)) return true;
  }
  return false;
}

// The bytes of the last word of `s` (trailing punctuation aside).
size_t LastWordBytes(std::string_view s) {
  while (!s.empty() && !IsWordByte(s.back())) s.remove_suffix(1);
  size_t n = 0;
  while (n < s.size() && IsWordByte(s[s.size() - 1 - n])) ++n;
  return n;
}

// One thing the user typed: a term (maybe excluded) or the OR operator.
struct Item {
  store::TextTerm term;
  bool excluded = false;
  bool is_or = false;
};

}  // namespace

Result<store::TextQuery> ParseTextQuery(std::string_view text) {
  if (text.size() > kMaxTextQueryBytes) {
    return InvalidArgument("a full-text query is at most " + std::to_string(kMaxTextQueryBytes) +
                           " bytes, not " + std::to_string(text.size()));
  }
  std::vector<Item> items;
  size_t i = 0;
  while (i < text.size()) {
    if (IsSpace(text[i])) {
      ++i;
      continue;
    }
    Item item;
    if (text[i] == '-' && i + 1 < text.size() && !IsSpace(text[i + 1])) {
      item.excluded = true;
      ++i;
    }
    std::string_view words;
    size_t stars = 0;
    if (text[i] == '"') {
      const size_t close = text.find('"', i + 1);
      if (close == std::string_view::npos) {
        return InvalidArgument("the phrase opened by the quote at byte " + std::to_string(i + 1) +
                               " of the full-text query is not closed");
      }
      words = text.substr(i + 1, close - i - 1);
      i = close + 1;
      while (i < text.size() && text[i] == '*') ++i, ++stars;
    } else {
      size_t end = i;
      while (end < text.size() && !IsSpace(text[end])) ++end;
      words = text.substr(i, end - i);
      i = end;
      if (!item.excluded && words == "OR") {
        item.is_or = true;
        items.push_back(std::move(item));
        continue;
      }
      while (stars < words.size() && words[words.size() - 1 - stars] == '*') ++stars;
      words.remove_suffix(stars);
    }
    if (!HasWords(words)) continue;  // punctuation alone: no word to find
    item.term.words = std::string(words);
    item.term.prefix = stars > 0;
    if (item.term.prefix && LastWordBytes(words) < kMinPrefixBytes) {
      return InvalidArgument("a prefix needs at least " + std::to_string(kMinPrefixBytes) +
                             " characters before '*': '" + std::string(words) + "*'");
    }
    items.push_back(std::move(item));
  }

  store::TextQuery q;
  size_t terms = 0;
  bool last_included = false;  // the previous item was a term that is not excluded
  bool join = false;           // the next term joins the last group (an OR came between)
  for (size_t k = 0; k < items.size(); ++k) {
    Item& item = items[k];
    if (item.is_or) {
      const bool next_included =
          k + 1 < items.size() && !items[k + 1].is_or && !items[k + 1].excluded;
      if (last_included && next_included) {
        join = true;
        continue;
      }
      item.term.words = "OR";  // not between two terms: the word
    }
    ++terms;
    if (item.excluded) {
      q.none.push_back(std::move(item.term));
      last_included = false;
    } else if (join) {
      q.all.back().push_back(std::move(item.term));
      join = false;
      last_included = true;
    } else {
      q.all.push_back({std::move(item.term)});
      last_included = true;
    }
  }
  if (terms > kMaxTextTerms) {
    return InvalidArgument("a full-text query has at most " + std::to_string(kMaxTextTerms) +
                           " terms, not " + std::to_string(terms));
  }
  if (terms == 0) return InvalidArgument("a full-text query needs at least one word");
  if (q.all.empty()) {
    return InvalidArgument("a full-text query needs a term that is not excluded with '-'");
  }
  return q;
}

}  // namespace tessera::search
