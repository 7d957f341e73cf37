// libFuzzer target: any byte string as the body of a TAXII "Add Objects" request
// (ParseEnvelope), what any writer of the hub can send. Accepted or refused, never a crash; an
// accepted envelope holds at most max_objects objects, each either valid (within max_object_bytes)
// or with its reason.
// Build with the `fuzz` preset; scripts/test runs it briefly over
// tests/data/fuzz/taxii_envelope_fuzz.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "taxii/envelope.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  tessera::taxii::EnvelopeLimits limits;
  limits.max_bytes = 1u << 20;
  limits.max_objects = 64;
  limits.max_object_bytes = 1024;  // within the 4096 bytes scripts/test lets an input have
  auto envelope = tessera::taxii::ParseEnvelope(body, limits);
  if (!envelope.ok()) {
    if (envelope.status().message().empty()) {
      std::fprintf(stderr, "a refused envelope without a reason\n");
      std::abort();
    }
    return 0;
  }
  if (envelope->size() > limits.max_objects) {
    std::fprintf(stderr, "more objects than max_objects accepted\n");
    std::abort();
  }
  for (const auto& item : *envelope) {
    if (item.error.empty() && item.object.json.size() > limits.max_object_bytes) {
      std::fprintf(stderr, "an object longer than max_object_bytes accepted as valid\n");
      std::abort();
    }
  }
  return 0;
}
