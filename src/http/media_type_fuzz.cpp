// libFuzzer target: any byte string as a Content-Type (ParseMediaType) and as an Accept header
// (ParseAccept, AcceptWeight against the TAXII media type), what every client sends. Parsed
// within the documented limits (parameters, ranges, q in 0..1) or refused with a reason.
// Build with the `fuzz` preset; scripts/test runs it briefly over tests/data/fuzz/media_type_fuzz.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "http/media_type.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "media_type_fuzz: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace http = tessera::http;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto type = http::ParseMediaType(text); type.ok()) {
    Check(!type->type.empty() && !type->subtype.empty(), "an empty type or subtype");
    Check(type->params.size() <= http::kMaxMediaTypeParams, "more than kMaxMediaTypeParams");
  } else {
    Check(!type.status().message().empty(), "a refused media type without a reason");
  }
  const auto ranges = http::ParseAccept(text);
  Check(ranges.size() <= http::kMaxAcceptRanges, "more than kMaxAcceptRanges");
  for (const auto& r : ranges) Check(r.q >= 0.0 && r.q <= 1.0, "q outside 0..1");
  static const http::MediaType taxii = *http::ParseMediaType("application/taxii+json;version=2.1");
  const double w = http::AcceptWeight(text, taxii);
  Check(w >= 0.0 && w <= 1.0, "a weight outside 0..1");
  return 0;
}
