// Parse + validate throughput of stix::ReadDocument on one core.
//
//   stix_parse_bench FILE [--repeat N] [--expect-objects N]
//
// Reads FILE into memory once, then reads and validates it N times (stix::ReadStream: every object
// is built with its minified JSON and handed over, as import does) and reports the median MB/s and
// objects/s. Fails (exit 1) unless every run reads the expected number of objects, all valid, so a
// fast wrong answer cannot pass.

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <vector>

#include <simdjson.h>

#include "common/file.h"
#include "common/json.h"
#include "stix/reader.h"

namespace {

// Checks what the reader hands over: every object has an id and its JSON text.
struct CheckingSink : tessera::stix::ReadSink {
  void OnObject(tessera::stix::Object&& object,
                std::span<const tessera::stix::Problem> problems) override {
    ++objects;
    if (object.id.empty() || object.json.empty()) ++malformed;
    if (first_problem.empty() && !problems.empty()) Note(problems.front());
  }
  void OnProblem(tessera::stix::Problem&& problem) override {
    if (first_problem.empty()) Note(problem);
  }
  void Note(const tessera::stix::Problem& p) {
    first_problem = fmt::format("{}: {}: {}", p.object_id, p.path, p.message);
  }
  size_t objects = 0;
  size_t malformed = 0;
  std::string first_problem;
};

}  // namespace

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
    CheckingSink sink;
    auto summary = tessera::stix::ReadStream(*text, {}, sink);
    const auto stop = std::chrono::steady_clock::now();
    if (!summary.ok()) {
      fmt::print(stderr, "read failed: {}\n", summary.status().ToString());
      return 1;
    }
    if (summary->invalid_objects != 0 || sink.objects != summary->objects || sink.malformed != 0 ||
        (expect != 0 && summary->objects != expect)) {
      fmt::print(stderr, "wrong result: {} objects, {} invalid (expected {} valid)\n",
                 summary->objects, summary->invalid_objects, expect);
      if (!sink.first_problem.empty())
        fmt::print(stderr, "first problem: {}\n", sink.first_problem);
      return 1;
    }
    objects = summary->objects;
    seconds.push_back(std::chrono::duration<double>(stop - start).count());
  }
  std::sort(seconds.begin(), seconds.end());
  const double median = seconds[seconds.size() / 2];
  const double mb = static_cast<double>(text->size()) / 1e6;

  // The reference, in the same run: simdjson alone parsing the same input (the DOM for each
  // JSON text, nothing read out of it), the floor under any validating reader built on it.
  const simdjson::padded_string padded(*text);
  simdjson::dom::parser parser;
  std::vector<double> ref_seconds;
  for (int i = 0; i < repeat; ++i) {
    const auto start = std::chrono::steady_clock::now();
    simdjson::dom::document_stream stream;
    size_t texts = 0;
    if (parser.parse_many(padded, std::max<size_t>(padded.size(), 32)).get(stream) ==
        simdjson::SUCCESS) {
      for (auto doc : stream) texts += doc.error() == simdjson::SUCCESS ? 1 : 0;
    }
    ref_seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (texts == 0) {
      fmt::print(stderr, "reference parse failed\n");
      return 1;
    }
  }
  std::sort(ref_seconds.begin(), ref_seconds.end());
  const double ref_median = ref_seconds[ref_seconds.size() / 2];
  fmt::print(
      "input {:.1f} MB, {} objects; median of {} runs: {:.3f} s = {:.0f} MB/s, {:.0f} objects/s; "
      "reference (simdjson DOM parse only, same input): {:.3f} s = {:.0f} MB/s\n",
      mb, objects, repeat, median, mb / median, static_cast<double>(objects) / median, ref_median,
      mb / ref_median);
  return 0;
}
