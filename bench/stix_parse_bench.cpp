// Parse + validate throughput of stix::ReadDocument on one core.
//
//   stix_parse_bench FILE [--repeat N] [--expect-objects N]
//
// Reads FILE into memory once, then reads and validates it N times and reports the median MB/s and
// objects/s. Fails (exit 1) unless every run reads the expected number of objects, all valid, so a
// fast wrong answer cannot pass.

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <vector>

#include "common/json.h"
#include "stix/reader.h"

int main(int argc, char** argv) {
  CLI::App app{"Benchmark STIX 2.1 parse + validate throughput (one core)"};
  std::string file;
  int repeat = 5;
  size_t expect = 0;
  app.add_option("FILE", file, "STIX input (bundle or NDJSON)")->required();
  app.add_option("--repeat", repeat, "Runs to take the median of")->capture_default_str();
  app.add_option("--expect-objects", expect, "Fail unless exactly this many objects are read");
  CLI11_PARSE(app, argc, argv);

  auto text = tessera::ReadInput(file);
  if (!text.ok()) {
    fmt::print(stderr, "{}\n", text.status().ToString());
    return 2;
  }
  std::vector<double> seconds;
  size_t objects = 0;
  for (int i = 0; i < repeat; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto doc = tessera::stix::ReadDocument(*text);
    const auto stop = std::chrono::steady_clock::now();
    if (!doc.ok()) {
      fmt::print(stderr, "read failed: {}\n", doc.status().ToString());
      return 1;
    }
    if (doc->invalid_objects != 0 || (expect != 0 && doc->objects.size() != expect)) {
      fmt::print(stderr, "wrong result: {} objects, {} invalid (expected {} valid)\n",
                 doc->objects.size(), doc->invalid_objects, expect);
      if (!doc->problems.empty()) {
        const auto& p = doc->problems.front();
        fmt::print(stderr, "first problem: {}: {}: {}\n", p.object_id, p.path, p.message);
      }
      return 1;
    }
    objects = doc->objects.size();
    seconds.push_back(std::chrono::duration<double>(stop - start).count());
  }
  std::sort(seconds.begin(), seconds.end());
  const double median = seconds[seconds.size() / 2];
  const double mb = static_cast<double>(text->size()) / 1e6;
  fmt::print(
      "input {:.1f} MB, {} objects; median of {} runs: {:.3f} s = {:.0f} MB/s, {:.0f} objects/s\n",
      mb, objects, repeat, median, mb / median, static_cast<double>(objects) / median);
  return 0;
}
