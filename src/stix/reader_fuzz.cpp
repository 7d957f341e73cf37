// libFuzzer target: any byte string through the STIX reader (ReadDocument and ReadStream), as a
// file given to `tessera validate` / `import` or a TAXII envelope's objects would reach it.
// Checks that both readers agree on what they read, and that every problem says what and where.
// Build with the `fuzz` preset; scripts/test runs it briefly over tests/data/fuzz/stix_reader_fuzz.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>

#include "stix/reader.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "stix_reader_fuzz: %s\n", what);
    std::abort();
  }
}

void CheckProblem(const tessera::stix::Problem& p) {
  Check(!p.rule.empty(), "a problem without a rule");
  Check(!p.message.empty(), "a problem without a message");
}

class CountingSink : public tessera::stix::ReadSink {
 public:
  void OnObject(tessera::stix::Object&&,
                std::span<const tessera::stix::Problem> problems) override {
    ++objects;
    for (const auto& p : problems) CheckProblem(p);
  }
  void OnProblem(tessera::stix::Problem&& p) override { CheckProblem(p); }
  size_t objects = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  tessera::stix::ReadOptions options;
  options.max_bytes = 1u << 20;
  options.strict = size > 0 && data[0] == ' ';  // both modes, chosen by the input
  auto doc = tessera::stix::ReadDocument(text, options);
  CountingSink sink;
  auto streamed = tessera::stix::ReadStream(text, options, sink);
  Check(doc.ok() == streamed.ok(), "ReadDocument and ReadStream disagree on the input");
  if (!doc.ok()) return 0;
  Check(doc->invalid_objects <= doc->objects.size() + doc->problems.size(),
        "more invalid objects than objects and problems");
  for (const auto& p : doc->problems) CheckProblem(p);
  Check(streamed->objects == doc->objects.size(), "ReadStream read a different number of objects");
  return 0;
}
