// libFuzzer target: any byte string as a field-map file (ParseFieldMap, the TOML a user gives
// `tessera hunt --field-map`); a map that loads then reads a fixed JSON log line. Loaded or
// refused with the line and reason, never a crash.
// Build with the `fuzz` preset; scripts/test runs it briefly over tests/data/fuzz/field_map_fuzz.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "hunt/field_map.h"
#include "hunt/log_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace hunt = tessera::hunt;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto map = hunt::ParseFieldMap(text);
  if (!map.ok()) {
    if (map.status().message().empty()) {
      std::fprintf(stderr, "field_map_fuzz: a refused map without a reason\n");
      std::abort();
    }
    return 0;
  }
  // Read in place (LogReader::ForChunks, as the parallel runner reads): the sequential reader
  // zeroes a 1 MiB buffer for every input, which would make this target many times slower.
  static const std::string kLine =
      R"({"ts":"2024-01-01T00:00:00Z","src":{"ip":"198.51.100.7","port":53},"a.b":"x.example",)"
      R"("url":"http://x.example/p?q=1","hash":"d41d8cd98f00b204e9800998ecf8427e","n":[1,"2"]})"
      "\n" +
      std::string(hunt::kLinePadding, '\0');
  auto reader = hunt::LogReader::ForChunks(hunt::LogFormat::kJson, &*map);
  if (!reader.ok()) std::abort();
  (*reader)->Reset(std::string_view(kLine.data(), kLine.size() - hunt::kLinePadding));
  hunt::Event event;
  while (true) {
    auto more = (*reader)->Next(event);
    if (!more.ok()) std::abort();
    if (!*more) break;
  }
  return 0;
}
