// Parallel reads from the store: pages of a collection as TAXII serves them (ListCollection with
// a reader scope, last version), from 1 and more threads at once, while nothing else runs.
//
//   store_read_bench [--objects N] [--threads T] [--seconds S] [--data DIR]
//
// Stores N indicators (half readable by the reader's organization, half by the collection), then
// each thread pages through the collection 100 objects at a time for S seconds. Checks every page
// (100 objects, ascending seq, all visible to the reader), so a fast wrong answer cannot pass.

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "common/uuid.h"
#include "store/store.h"

namespace {

using tessera::store::CollectionQuery;
using tessera::store::GrantKey;
using tessera::store::Placement;
using tessera::store::Store;

tessera::stix::Object Indicator(int i) {
  tessera::stix::Object o;
  o.type = "indicator";
  o.id = "indicator--" + tessera::Uuid::V4().ToString();
  o.spec_version = "2.1";
  o.created = o.modified = tessera::Timestamp{1'700'000'000 + i, 0};
  o.json = R"({"type":"indicator","spec_version":"2.1","id":")" + o.id +
           R"(","created":"2023-11-14T22:13:20.000Z","modified":"2023-11-14T22:13:20.000Z",)"
           R"("pattern":"[ipv4-addr:value = '198.51.100.)" +
           std::to_string(i % 250) +
           R"(']","pattern_type":"stix","valid_from":"2023-11-14T22:13:20Z"})";
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Benchmark parallel collection reads from the SQLite store"};
  int objects = 100'000;
  int max_threads = 2;
  double seconds = 3;
  std::string data = "store-read-bench-data";
  app.add_option("--objects", objects, "Indicators to store")->capture_default_str();
  app.add_option("--threads", max_threads, "Run with 1..T reader threads")->capture_default_str();
  app.add_option("--seconds", seconds, "Seconds per run")->capture_default_str();
  app.add_option("--data", data, "Store directory to create (must not exist)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (std::filesystem::exists(data)) {
    fmt::print(stderr, "{} exists: give a fresh --data directory\n", data);
    return 2;
  }
  auto opened = tessera::store::OpenStore(data, tessera::store::OpenMode::kCreateIfMissing);
  if (!opened.ok()) {
    fmt::print(stderr, "{}\n", opened.status().ToString());
    return 2;
  }
  Store& store = **opened;
  const std::string coll = *store.directory().GetSetting(tessera::store::kSettingDefaultCollection);
  std::vector<tessera::stix::Object> batch;
  std::vector<Placement> placements;
  for (int i = 0; i < objects; ++i) {
    batch.push_back(Indicator(i));
    placements.push_back(
        Placement{coll,
                  7,
                  i % 2 ? std::vector<GrantKey>{GrantKey::Org(7)}
                        : std::vector<GrantKey>{GrantKey::CollectionReaders(), GrantKey::Org(3)},
                  {}});
  }
  if (auto r = store.Import(batch, placements); !r.ok() || r->added != batch.size()) {
    fmt::print(stderr, "import failed\n");
    return 1;
  }

  for (int threads = 1; threads <= max_threads; ++threads) {
    std::atomic<bool> stop{false}, wrong{false};
    std::atomic<long> pages{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&] {
        CollectionQuery q;
        q.collection = coll;
        q.scope.keys = {GrantKey::Org(7), GrantKey::CollectionReaders()};
        q.limit = 100;
        while (!stop) {
          auto page = store.ListCollection(q);
          if (!page.ok() || (page->objects.size() != 100 && page->more)) {
            wrong = true;
            return;
          }
          for (size_t i = 1; i < page->objects.size(); ++i) {
            if (page->objects[i].seq <= page->objects[i - 1].seq) wrong = true;
          }
          ++pages;
          q.after_seq = page->more ? page->objects.back().seq : 0;
        }
      });
    }
    const auto start = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& th : pool) th.join();
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (wrong) {
      fmt::print(stderr, "wrong page\n");
      return 1;
    }
    fmt::print("{} thread(s): {:.0f} pages of 100 objects/s\n", threads,
               static_cast<double>(pages) / s);
  }
  return 0;
}
