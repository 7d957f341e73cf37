#pragma once
// Small text helpers every component shares (one copy each).

#include <string_view>

namespace tessera {

// ASCII white space: space, tab, CR, LF, form feed, vertical tab.
inline constexpr std::string_view kWhiteSpace = " \t\r\n\f\v";
// Blanks as HTTP (RFC 9110 OWS) and most line formats mean them: space and tab.
inline constexpr std::string_view kBlanks = " \t";

// `s` without its leading and trailing characters among `chars`. The result points into `s`;
// no allocation.
constexpr std::string_view Trim(std::string_view s, std::string_view chars = kWhiteSpace) {
  const size_t first = s.find_first_not_of(chars);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(chars) - first + 1);
}

}  // namespace tessera
