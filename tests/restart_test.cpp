// An acknowledged write is never lost: envelopes are POSTed, the server is killed with SIGKILL
// right after an acknowledgement (202 with a status resource) while another POST is in flight,
// then the server is started again on the same data and everything acknowledged is read back:
// every object of every success, and every status resource. The envelope that was in flight at
// the kill is atomic: all of its objects are there, or none.

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <boost/json.hpp>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "authz_hub.h"

namespace {

namespace json = boost::json;
using tessera::testing::HttpClient;
using tessera::testing::TestHub;

// An envelope of `n` CLEAR indicators with ids derived from (`writer`, `batch`).
json::object Envelope(int writer, int batch, int n, std::vector<std::string>* ids) {
  json::array objects;
  for (int i = 0; i < n; ++i) {
    char id[64];
    std::snprintf(id, sizeof id, "indicator--%08x-0000-4000-8000-%012x", 0x10000000 + writer,
                  batch * 1000 + i);
    ids->push_back(id);
    json::object o;
    o["type"] = "indicator";
    o["spec_version"] = "2.1";
    o["id"] = id;
    o["created"] = "2024-01-01T00:00:00.000Z";
    o["modified"] = "2024-01-01T00:00:00.000Z";
    o["pattern"] = "[ipv4-addr:value = '10." + std::to_string(writer) + "." +
                   std::to_string(batch % 256) + "." + std::to_string(i % 256) + "']";
    o["pattern_type"] = "stix";
    o["valid_from"] = "2024-01-01T00:00:00Z";
    o["object_marking_refs"] =
        json::array{"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"};  // TLP:CLEAR
    objects.push_back(o);
  }
  json::object env;
  env["objects"] = objects;
  return env;
}

struct Acked {
  std::string status_id;
  std::vector<std::string> ids;
};

TEST(RestartTest, EverythingAcknowledgedSurvivesKill9) {
  TestHub hub;
  hub.Init();
  hub.StartServer();
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  std::string objects_url;
  {
    auto admin = hub.Client("admin");
    auto cols = admin->Get("/api/collections/");
    ASSERT_EQ(cols.status, 200) << cols.body;
    objects_url = "/api/collections/" +
                  std::string(cols.Json().at("collections").at(0).at("id").as_string()) +
                  "/objects/";
  }

  // Writer 1 kills the server right after its 4th acknowledgement; writer 2 keeps posting, so a
  // request of its own is usually in flight at that moment.
  constexpr int kAcksBeforeKill = 4;
  constexpr int kPerEnvelope = 50;
  std::vector<Acked> acked[2];
  std::vector<std::string> in_flight[2];
  std::atomic<bool> killed{false};
  auto writer = [&](int w) {
    auto client = hub.Client("admin");
    for (int batch = 0; batch < 1000 && !killed; ++batch) {
      std::vector<std::string> ids;
      const std::string body = json::serialize(Envelope(w, batch, kPerEnvelope, &ids));
      in_flight[w] = ids;
      auto res = client->Post(objects_url, body);
      if (res.status != 202) break;  // the server is gone
      json::value st = res.Json();
      EXPECT_EQ(st.at("status").as_string(), "complete");
      EXPECT_EQ(st.at("success_count").to_number<int64_t>(), kPerEnvelope) << res.body;
      acked[w].push_back({std::string(st.at("id").as_string()), ids});
      in_flight[w].clear();
      if (w == 0 && static_cast<int>(acked[w].size()) == kAcksBeforeKill) {
        kill(hub.server().pid(), SIGKILL);  // right after the acknowledgement
        killed = true;
      }
    }
  };
  std::thread t0(writer, 0), t1(writer, 1);
  t0.join();
  t1.join();
  ASSERT_TRUE(killed);
  EXPECT_EQ(hub.server().Wait(std::chrono::seconds(10)), 128 + SIGKILL);

  hub.StartServer();
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  auto admin = hub.Client("admin");
  // Every stored id, through the manifest (paged at the maximum page size).
  std::set<std::string> stored;
  std::string url = objects_url.substr(0, objects_url.size() - 8) + "manifest/?limit=1000";
  for (int page = 0; page < 1000; ++page) {
    auto r = admin->Get(url);
    ASSERT_EQ(r.status, 200) << r.body;
    json::object body = r.Json().as_object();
    if (body.contains("objects"))
      for (const auto& m : body.at("objects").as_array())
        stored.insert(std::string(m.at("id").as_string()));
    if (!(body.contains("more") && body.at("more").as_bool())) break;
    url = objects_url.substr(0, objects_url.size() - 8) +
          "manifest/?limit=1000&next=" + std::string(body.at("next").as_string());
  }
  size_t acked_objects = 0;
  for (int w = 0; w < 2; ++w) {
    for (const Acked& a : acked[w]) {
      for (const auto& id : a.ids) {
        EXPECT_EQ(stored.count(id), 1u) << "acknowledged object lost: " << id;
        ++acked_objects;
      }
      auto st = admin->Get("/api/status/" + a.status_id + "/");
      EXPECT_EQ(st.status, 200) << "acknowledged status lost: " << a.status_id << " " << st.body;
      if (st.status == 200) {
        EXPECT_EQ(st.Json().at("success_count").to_number<int64_t>(), kPerEnvelope);
      }
    }
    // The envelope in flight at the kill: all or nothing.
    size_t present = 0;
    for (const auto& id : in_flight[w]) present += stored.count(id);
    EXPECT_TRUE(present == 0 || present == in_flight[w].size())
        << present << " of " << in_flight[w].size() << " objects of a torn envelope";
  }
  EXPECT_GE(acked_objects, static_cast<size_t>(kAcksBeforeKill * kPerEnvelope));
  // And a single object reads back whole.
  const std::string one = acked[0].front().ids.front();
  auto r = admin->Get(objects_url + one + "/");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json().at("objects").at(0).at("id").as_string(), one);
  EXPECT_EQ(hub.server().Stop(), 0) << hub.server().output();
}

}  // namespace
