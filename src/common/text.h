#pragma once
// Small text helpers every component shares (one copy each).

#include <string_view>

namespace tessera {

// ASCII white space: space, tab, CR, LF, form feed, vertical tab.
inline constexpr std::string_view kWhiteSpace = " \t\r\n\f\v";
// Blanks as HTTP (RFC 9110 OWS) and most line formats mean them: space and tab.
inline constexpr std::string_view kBlanks = " \t";

// `s` without its leading and trailing characters among `chars`. The result points into `s`;
// no allocation. (A loop over `chars`, not find_first_not_of: that calls memchr once per character
// looked at, and every field of every log line is trimmed.)
constexpr std::string_view Trim(std::string_view s, std::string_view chars = kWhiteSpace) {
  auto among = [chars](char c) {
    for (char t : chars) {
      if (c == t) return true;
    }
    return false;
  };
  size_t begin = 0;
  size_t end = s.size();
  while (begin < end && among(s[begin])) ++begin;
  while (end > begin && among(s[end - 1])) --end;
  return s.substr(begin, end - begin);
}

}  // namespace tessera
