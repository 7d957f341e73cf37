#pragma once
// Media types (RFC 9110 §8.3.1) and Accept-header negotiation (RFC 9110 §12.5.1).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace tessera::http {

// "type/subtype;name=value;...". Type, subtype and parameter names are lowercased; parameter
// values are unquoted and keep their case (compare them as the media type defines).
struct MediaType {
  std::string type;
  std::string subtype;
  std::vector<std::pair<std::string, std::string>> params;

  // The value of parameter `name` (lowercase), or nullptr.
  const std::string* Param(std::string_view name) const;
};

// One element of an Accept header: a media range with its weight. The "q" parameter and anything
// after it (accept-ext) are not in `range.params`.
struct MediaRange {
  MediaType range;  // type or subtype may be "*"
  double q = 1.0;   // 0..1
};

// Limits on untrusted header values.
constexpr size_t kMaxMediaTypeParams = 16;
constexpr size_t kMaxAcceptRanges = 64;

// Parses a Content-Type style value. kInvalidArgument when it is not "token/token" with
// well-formed ";name=value" parameters, or has more than kMaxMediaTypeParams parameters.
Result<MediaType> ParseMediaType(std::string_view text);

// Parses an Accept header value into its ranges, in order. Malformed elements are dropped (as
// RFC 9110 lets a recipient do) and so are elements after the first kMaxAcceptRanges.
std::vector<MediaRange> ParseAccept(std::string_view text);

// The weight the Accept header `accept` gives to media type `offered` (which has no wildcards):
// the q of the most specific range that matches it (type/subtype with all of the range's
// parameters present with equal values, then type/subtype with no parameters, then type/*, then
// */*), or 0 when none matches. An empty or absent header accepts everything (1.0). Parameter
// values are compared case-sensitively.
double AcceptWeight(std::string_view accept, const MediaType& offered);

}  // namespace tessera::http
