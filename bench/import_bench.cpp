// Durable import throughput into the embedded SQLite store, as `tessera import` does it: read and
// validate the file (stix::ReadDocument), then Store::Import in one transaction, synced.
//
//   import_bench FILE [--data DIR] [--expect-objects N] [--search-keys]
//
// With --search-keys every row is filed in the search index as ingest files it
// (hunt::ObjectSearchKeys, computed with the placements and timed with the import); without,
// the rows are stored with no keys: the two runs give the index's cost (#16).
// The store directory must not exist (a fresh store each run). Fails (exit 1) unless every object
// is valid and the store holds exactly the objects offered afterwards, so a fast wrong answer
// cannot pass.

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>

#include "common/file.h"
#include "hunt/search_keys.h"
#include "stix/reader.h"
#include "store/store.h"

namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Benchmark durable import of STIX objects into the SQLite store"};
  std::string file;
  std::string data = "import-bench-data";
  size_t expect = 0;
  app.add_option("FILE", file, "STIX input (bundle or NDJSON)")->required();
  app.add_option("--data", data, "Store directory to create (must not exist)")
      ->capture_default_str();
  app.add_option("--expect-objects", expect, "Fail unless exactly this many objects are read");
  bool search_keys = false;
  app.add_flag("--search-keys", search_keys,
               "File every row in the search index as ingest does (else no keys)");
  CLI11_PARSE(app, argc, argv);

  if (std::filesystem::exists(data)) {
    fmt::print(stderr, "{} exists: give a fresh --data directory\n", data);
    return 2;
  }
  auto text = tessera::ReadInput(file);
  if (!text.ok()) {
    fmt::print(stderr, "{}\n", text.status().ToString());
    return 2;
  }
  auto store = tessera::store::OpenStore(data, tessera::store::OpenMode::kCreateIfMissing);
  if (!store.ok()) {
    fmt::print(stderr, "{}\n", store.status().ToString());
    return 2;
  }

  const auto start = std::chrono::steady_clock::now();
  auto doc = tessera::stix::ReadDocument(*text);
  if (!doc.ok() || !doc->ok() || (expect != 0 && doc->objects.size() != expect)) {
    fmt::print(
        stderr, "read failed or wrong: {}\n",
        doc.ok() ? fmt::format("{} objects, {} invalid", doc->objects.size(), doc->invalid_objects)
                 : doc.status().ToString());
    return 1;
  }
  const double read_s = SecondsSince(start);
  const auto import_start = std::chrono::steady_clock::now();
  // Every object into the default collection, readable by the collection's readers (the
  // placement is timed with the import).
  auto coll = (*store)->directory().GetSetting(tessera::store::kSettingDefaultCollection);
  if (!coll.ok()) {
    fmt::print(stderr, "{}\n", coll.status().ToString());
    return 2;
  }
  std::vector<tessera::store::Placement> placements(
      doc->objects.size(),
      tessera::store::Placement{*coll, 0, {tessera::store::GrantKey::CollectionReaders()}, {}});
  if (search_keys) {
    for (size_t i = 0; i < placements.size(); ++i) {
      placements[i].search_keys = tessera::hunt::ObjectSearchKeys(doc->objects[i]);
    }
  }
  auto summary = (*store)->Import(doc->objects, placements);
  const double import_s = SecondsSince(import_start);
  const double total_s = SecondsSince(start);
  if (!summary.ok()) {
    fmt::print(stderr, "import failed: {}\n", summary.status().ToString());
    return 1;
  }
  auto count = (*store)->CountObjects();
  const size_t n = doc->objects.size();
  // Generated SCOs may repeat (the same address drawn twice, perhaps resolving elsewhere): those
  // are already present.
  if (!count.ok() || static_cast<size_t>(*count) != summary->added ||
      summary->added + summary->already_present != n) {
    fmt::print(stderr, "wrong result: {} added, {} already present, {} stored, {} offered\n",
               summary->added, summary->already_present, count.ok() ? *count : -1, n);
    return 1;
  }
  fmt::print(
      "{} objects ({:.1f} MB, {} distinct): read + validate {:.2f} s; Store::Import (one "
      "transaction, synced, {}) "
      "{:.2f} s = {:.0f} objects/s; end to end {:.2f} s = {:.0f} objects/s\n",
      n, static_cast<double>(text->size()) / 1e6, summary->added, read_s,
      search_keys ? "search keys filed" : "no search keys", import_s,
      static_cast<double>(n) / import_s, total_s, static_cast<double>(n) / total_s);
  return 0;
}
