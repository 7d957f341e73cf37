#include "hunt/session.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "common/file.h"
#include "stix/reader.h"
#include "store/directory.h"
#include "store/test_util.h"

namespace tessera::hunt {
namespace {

namespace fs = std::filesystem;

std::string Data(const std::string& name) {
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  return std::string(src ? src : ".") + "/tests/data/hunt/" + name;
}

// Records what a session tells, in order.
class RecordingSink : public SessionSink {
 public:
  std::vector<std::string> calls;
  std::vector<std::string> hits;  // HitJson
  size_t loaded = 0;
  Status logs_done = Status::Ok();

  void OnIndicators(const IndicatorsLoaded& l) override {
    calls.push_back("indicators");
    loaded = l.indicators.stats().loaded;
  }
  void OnHit(const ReportedHit& hit, std::string_view indicator_id) override {
    if (calls.empty() || calls.back() != "hit") calls.push_back("hit");
    hits.push_back(HitJson(hit, indicator_id));
  }
  void OnProgress(const HuntProgress&) override {}
  void OnInputDone(const InputSummary& s, uint64_t n) override {
    calls.push_back("done " + fs::path(s.path).filename().string() + " " + std::to_string(n) +
                    (s.status.ok() ? "" : " failed"));
  }
  Status OnLogsDone(const EvaluatorStats&) override {
    calls.push_back("logs done");
    return logs_done;
  }
  void OnSightingsWritten(const SightingsWritten& w) override {
    calls.push_back("written " + std::to_string(w.sightings));
  }
  void OnSightingsStored(const SightingsStored&) override { calls.push_back("stored"); }
};

SessionOptions IntelOptions() {
  SessionOptions o;
  o.intel = Data("indicators_bundle.json");
  o.logs = {Data("zeek_dns.log")};
  o.default_time = *ParseTimestamp("2024-05-01T00:00:00Z");
  o.threads = 2;
  return o;
}

TEST(HuntSession, TellsTheSinkInOrder) {
  RecordingSink sink;
  SessionOptions o = IntelOptions();
  o.logs.push_back(Data("missing.log"));
  const fs::path out =
      fs::temp_directory_path() / ("tessera-session-" + std::to_string(::getpid()) + ".json");
  o.sightings = out.string();
  auto r = RunSession(o, sink);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->hits, 2u);  // one per (event, indicator): the query and answer of line 1 are one
  EXPECT_EQ(r->failed_inputs, 1u);
  EXPECT_EQ(sink.loaded, 4u);
  EXPECT_EQ(sink.calls,
            (std::vector<std::string>{"indicators", "hit", "done zeek_dns.log 2",
                                      "done missing.log 0 failed", "logs done", "written 2"}));
  ASSERT_EQ(sink.hits.size(), 2u);
  const auto first = boost::json::parse(sink.hits[0]).as_object();
  EXPECT_EQ(first.at("log").as_string(), Data("zeek_dns.log"));
  EXPECT_TRUE(first.contains("indicator"));
  EXPECT_TRUE(first.contains("decided_by"));
  auto bundle = ReadInput(out.string());
  ASSERT_TRUE(bundle.ok());
  EXPECT_NE(bundle->find("\"type\":\"sighting\""), std::string::npos);
  fs::remove(out);
}

TEST(HuntSession, AnErrorOfTheSinkStopsBeforeTheSightings) {
  RecordingSink sink;
  sink.logs_done = IoError("cannot write the hits");
  SessionOptions o = IntelOptions();
  o.sightings = (fs::temp_directory_path() / "tessera-session-never.json").string();
  auto r = RunSession(o, sink);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "cannot write the hits");
  EXPECT_EQ(sink.calls.back(), "logs done");
  EXPECT_FALSE(fs::exists(o.sightings));
}

TEST(HuntSession, RefusesOptionsThatBreakItsRules) {
  RecordingSink sink;
  SessionOptions none = IntelOptions();
  none.intel.clear();
  EXPECT_EQ(RunSession(none, sink).status().code(), ErrorCode::kInvalidArgument);
  SessionOptions two_sighters = IntelOptions();
  two_sighters.sighter_identity = "identity--5d3b3c38-7a38-4bd4-9c2c-e3b0c2e4b7a1";
  two_sighters.sighter_name = "sensor";
  EXPECT_EQ(RunSession(two_sighters, sink).status().code(), ErrorCode::kInvalidArgument);
  SessionOptions json_without_map = IntelOptions();
  json_without_map.format = LogFormat::kJson;
  EXPECT_EQ(RunSession(json_without_map, sink).status().code(), ErrorCode::kInvalidArgument);
  SessionOptions bad_intel = IntelOptions();
  bad_intel.intel = Data("no-such-file.json");
  auto r = RunSession(bad_intel, sink);
  EXPECT_EQ(r.status().code(), ErrorCode::kIo);
  EXPECT_NE(r.status().message().find("no-such-file.json"), std::string::npos);
  EXPECT_TRUE(sink.calls.empty()) << "nothing is told before the indicators are loaded";
}

// With a store and no sighter named, the sightings name the hub's identity; a store that cannot
// say who the hub is (its hub_org setting is no organization id) fails them instead of naming the
// host (it did so silently).
TEST(HuntSession, AStoreThatCannotNameTheHubFailsTheSightings) {
  store::testing::TempDir dir;
  auto store = store::testing::OpenOrDie(dir.data());
  ASSERT_NE(store, nullptr);
  auto text = ReadInput(Data("indicators_bundle.json"));
  ASSERT_TRUE(text.ok()) << text.status().message();
  auto doc = stix::ReadDocument(*text);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  auto coll = store->directory().GetSetting(store::kSettingDefaultCollection);
  ASSERT_TRUE(coll.ok()) << coll.status().ToString();
  const std::vector<store::Placement> placements(
      doc->objects.size(), store::Placement{*coll, 0, store::testing::Keys("coll"), {}});
  ASSERT_TRUE(store->Import(doc->objects, placements).ok());

  SessionOptions o;
  o.store = store.get();
  o.store_sightings = false;  // the file alone: no write to the store is needed to see it
  o.logs = {Data("zeek_dns.log")};
  o.default_time = *ParseTimestamp("2024-05-01T00:00:00Z");
  const fs::path out = fs::path(dir.data()).parent_path() / "sightings.json";
  o.sightings = out.string();
  RecordingSink sink;
  auto r = RunSession(o, sink);  // no hub organization recorded: the host is the sighter
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->hits, 2u);
  EXPECT_EQ(sink.calls.back(), "written 2");

  ASSERT_TRUE(store->directory().PutSetting(store::kSettingHubOrg, "not-an-id").ok());
  RecordingSink failing;
  r = RunSession(o, failing);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(r.status().message().find("sightings: "), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find(store::kSettingHubOrg), std::string::npos);
  EXPECT_EQ(failing.calls.back(), "logs done") << "the hunt ran; no sightings were written";
}

}  // namespace
}  // namespace tessera::hunt
