#include "http/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace tessera::http {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

// The value of the sample line that starts with `series ` in `text`, or -1 when it is absent.
double Sample(const std::string& text, const std::string& series) {
  size_t pos = 0;
  while ((pos = text.find(series + " ", pos)) != std::string::npos) {
    if (pos == 0 || text[pos - 1] == '\n') {
      const size_t start = pos + series.size() + 1;
      return std::stod(text.substr(start, text.find('\n', start) - start));
    }
    pos += series.size();
  }
  return -1;
}

TEST(RouteClass, FromThePathShape) {
  EXPECT_EQ(RouteClass("/taxii2/"), "taxii_discovery");
  EXPECT_EQ(RouteClass("/api/"), "taxii_api_root");
  EXPECT_EQ(RouteClass("/trustgroup1/"), "taxii_api_root");
  EXPECT_EQ(RouteClass("/api/status/2d086da7-4bdc-4f91-900e-d77486753710/"), "taxii_status");
  EXPECT_EQ(RouteClass("/api/collections/"), "taxii_collections");
  EXPECT_EQ(RouteClass("/api/collections/c1/"), "taxii_collection");
  EXPECT_EQ(RouteClass("/api/collections/c1/objects/?limit=5&match[type]=indicator"),
            "taxii_objects");
  EXPECT_EQ(RouteClass("/api/collections/c1/manifest/"), "taxii_manifest");
  EXPECT_EQ(RouteClass("/api/collections/c1/objects/indicator--1/"), "taxii_object");
  EXPECT_EQ(RouteClass("/api/collections/c1/objects/indicator--1/versions/"), "taxii_versions");
  EXPECT_EQ(RouteClass("/api/v1/orgs"), "admin");
  EXPECT_EQ(RouteClass("/api/v1/users/7/tokens"), "admin");
  EXPECT_EQ(RouteClass("/healthz"), "health");
  EXPECT_EQ(RouteClass("/metrics"), "metrics");
}

TEST(RouteClass, AnythingElseIsOther) {
  for (const char* t :
       {"", "-", "*", "/", "//", "/a//b/", "/taxii2/x/", "/api/collections/c/x/", "/api/foo/",
        "/a/b/c/d/e/f/g/h/", "/api/collections/c/objects/o/x/", "http://example/"}) {
    EXPECT_EQ(RouteClass(t), "other") << t;
  }
}

TEST(Metrics, CountsRequestsByRouteMethodAndCode) {
  Metrics m;
  m.ObserveRequest("GET", "/api/collections/c/objects/", 200, microseconds(300));
  m.ObserveRequest("GET", "/api/collections/c/objects/?limit=1", 200, microseconds(700));
  m.ObserveRequest("POST", "/api/collections/c/objects/", 202, milliseconds(30));
  m.ObserveRequest("GET", "/taxii2/", 401, microseconds(100));
  m.ObserveRequest("PROPFIND", "/x/y", 405, microseconds(100));
  m.ObserveRequest("-", "-", 400, microseconds(100));
  const std::string text = m.Render();
  EXPECT_EQ(Sample(text,
                   "tessera_http_requests_total{route=\"taxii_objects\",method=\"GET\","
                   "code=\"200\"}"),
            2);
  EXPECT_EQ(Sample(text,
                   "tessera_http_requests_total{route=\"taxii_objects\",method=\"POST\","
                   "code=\"202\"}"),
            1);
  EXPECT_EQ(Sample(text,
                   "tessera_http_requests_total{route=\"taxii_discovery\",method=\"GET\","
                   "code=\"401\"}"),
            1);
  EXPECT_EQ(
      Sample(text, "tessera_http_requests_total{route=\"other\",method=\"OTHER\",code=\"405\"}"),
      1);
  EXPECT_EQ(
      Sample(text, "tessera_http_requests_total{route=\"other\",method=\"OTHER\",code=\"400\"}"),
      1);
  EXPECT_EQ(Sample(text, "tessera_auth_failures_total"), 1);
  EXPECT_EQ(Sample(text, "tessera_import_requests_total"), 1);
  EXPECT_EQ(m.requests_total(), 6u);
  EXPECT_EQ(m.auth_failures_total(), 1u);
  // Series never counted are left out.
  EXPECT_EQ(text.find("route=\"taxii_manifest\""), std::string::npos);
}

TEST(Metrics, LatencyHistogramIsCumulativeAndConsistent) {
  Metrics m;
  m.ObserveRequest("GET", "/api/collections/", 200, microseconds(400));  // <= 0.0005
  m.ObserveRequest("GET", "/api/collections/", 200, microseconds(500));  // <= 0.0005 (inclusive)
  m.ObserveRequest("GET", "/api/collections/", 200, microseconds(900));  // <= 0.001
  m.ObserveRequest("GET", "/api/collections/", 200, milliseconds(20));   // <= 0.025
  m.ObserveRequest("GET", "/api/collections/", 200, std::chrono::seconds(60));  // +Inf only
  const std::string text = m.Render();
  const std::string b = "tessera_http_request_duration_seconds_bucket{route=\"taxii_collections\",";
  EXPECT_EQ(Sample(text, b + "le=\"0.0005\"}"), 2);
  EXPECT_EQ(Sample(text, b + "le=\"0.001\"}"), 3);
  EXPECT_EQ(Sample(text, b + "le=\"0.01\"}"), 3);
  EXPECT_EQ(Sample(text, b + "le=\"0.025\"}"), 4);
  EXPECT_EQ(Sample(text, b + "le=\"10\"}"), 4);
  EXPECT_EQ(Sample(text, b + "le=\"+Inf\"}"), 5);
  EXPECT_EQ(
      Sample(text, "tessera_http_request_duration_seconds_count{route=\"taxii_collections\"}"), 5);
  EXPECT_NEAR(
      Sample(text, "tessera_http_request_duration_seconds_sum{route=\"taxii_collections\"}"),
      60.0218, 1e-6);
}

TEST(Metrics, ImportsAndGauges) {
  Metrics m;
  // No write path reported yet: no imported-objects series (rather than zeros).
  EXPECT_EQ(m.Render().find("tessera_imported_objects_total"), std::string::npos);
  m.RecordImport(10, 2, 1);
  m.RecordImport(5, 0, 0);
  ASSERT_TRUE(m.AddGauge("tessera_objects_stored", "Object versions stored.", [] {
                 return Result<double>(1234.0);
               }).ok());
  ASSERT_TRUE(m.AddGauge("tessera_broken", "Fails.", [] {
                 return Result<double>(Unavailable("store busy"));
               }).ok());
  EXPECT_FALSE(
      m.AddGauge("tessera_objects_stored", "again", [] { return Result<double>(1); }).ok());
  EXPECT_FALSE(m.AddGauge("9bad", "bad name", [] { return Result<double>(1); }).ok());
  EXPECT_FALSE(m.AddGauge("bad-name", "bad name", [] { return Result<double>(1); }).ok());
  EXPECT_FALSE(m.AddGauge("no_function", "x", nullptr).ok());
  const std::string text = m.Render();
  EXPECT_EQ(Sample(text, "tessera_imported_objects_total{result=\"added\"}"), 15);
  EXPECT_EQ(Sample(text, "tessera_imported_objects_total{result=\"already_present\"}"), 2);
  EXPECT_EQ(Sample(text, "tessera_imported_objects_total{result=\"failed\"}"), 1);
  EXPECT_EQ(Sample(text, "tessera_objects_stored"), 1234);
  EXPECT_NE(text.find("# TYPE tessera_objects_stored gauge\n"), std::string::npos);
  // A gauge that cannot be computed is left out of the scrape, not reported as 0.
  EXPECT_EQ(text.find("tessera_broken"), std::string::npos);
  EXPECT_GT(Sample(text, "process_start_time_seconds"), 1.7e9);
}

TEST(Metrics, GaugeCountIsBounded) {
  Metrics m;
  for (size_t i = 0; i < kMaxGauges; ++i) {
    ASSERT_TRUE(m.AddGauge("g" + std::to_string(i), "", [] { return Result<double>(0); }).ok());
  }
  Status st = m.AddGauge("one_more", "", [] { return Result<double>(0); });
  EXPECT_EQ(st.code(), ErrorCode::kLimitExceeded);
}

TEST(Metrics, EveryLineIsACommentOrASample) {
  Metrics m;
  m.ObserveRequest("GET", "/taxii2/", 200, microseconds(10));
  const std::string text = m.Render();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) continue;
    const size_t space = line.rfind(' ');
    ASSERT_NE(space, std::string::npos) << line;
    EXPECT_NO_THROW((void)std::stod(line.substr(space + 1))) << line;
  }
}

TEST(Metrics, ConcurrentCountingLosesNothing) {
  Metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m] {
      for (int i = 0; i < 10000; ++i) {
        m.ObserveRequest("GET", "/api/collections/c/objects/", 200, microseconds(100));
      }
    });
  }
  std::thread scraper([&m] {
    for (int i = 0; i < 20; ++i) (void)m.Render();
  });
  for (auto& t : threads) t.join();
  scraper.join();
  EXPECT_EQ(m.requests_total(), 40000u);
  EXPECT_EQ(
      Sample(m.Render(), "tessera_http_request_duration_seconds_count{route=\"taxii_objects\"}"),
      40000);
}

}  // namespace
}  // namespace tessera::http
