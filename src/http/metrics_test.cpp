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

TEST(Metrics, RouteNamesAreDeclaredWordsAndBounded) {
  Metrics m;
  EXPECT_TRUE(m.DeclareRoutes({"taxii_objects", "admin", "taxii_objects"}).ok());
  EXPECT_TRUE(m.DeclareRoutes({"admin"}).ok());  // already declared: skipped
  for (const char* bad : {"", "other", "Taxii", "a-b", "a b", "/taxii2/"}) {
    EXPECT_EQ(m.DeclareRoutes({bad}).code(), ErrorCode::kInvalidArgument) << bad;
  }
  std::vector<std::string> many;
  for (size_t i = 0; i < kMaxRoutes; ++i) many.push_back("r" + std::to_string(i));
  EXPECT_EQ(m.DeclareRoutes(many).code(), ErrorCode::kLimitExceeded);
  // An undeclared name (or a path, whatever a client sent) counts as "other".
  m.ObserveRequest("GET", "/a/b/c/", 404, microseconds(10));
  m.ObserveRequest("GET", "r1", 200, microseconds(10));
  const std::string text = m.Render();
  EXPECT_EQ(
      Sample(text, "tessera_http_requests_total{route=\"other\",method=\"GET\",code=\"404\"}"), 1);
  EXPECT_EQ(
      Sample(text, "tessera_http_requests_total{route=\"other\",method=\"GET\",code=\"200\"}"), 1);
}

// The route names the TAXII server and the admin API declare.
Metrics& Declared(Metrics& m) {
  EXPECT_TRUE(m.DeclareRoutes({"taxii_discovery", "taxii_collections", "taxii_objects",
                               "taxii_manifest", "admin"})
                  .ok());
  return m;
}

TEST(Metrics, CountsRequestsByRouteMethodAndCode) {
  Metrics m;
  Declared(m);
  m.ObserveRequest("GET", "taxii_objects", 200, microseconds(300));
  m.ObserveRequest("GET", "taxii_objects", 200, microseconds(700));
  m.ObserveRequest("POST", "taxii_objects", 202, milliseconds(30));
  m.RecordImport(1, 0, 0);
  m.ObserveRequest("GET", "taxii_discovery", 401, microseconds(100));
  m.ObserveRequest("PROPFIND", "other", 405, microseconds(100));
  m.ObserveRequest("-", "other", 400, microseconds(100));
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
  Declared(m);
  m.ObserveRequest("GET", "taxii_collections", 200, microseconds(400));  // <= 0.0005
  m.ObserveRequest("GET", "taxii_collections", 200, microseconds(500));  // <= 0.0005 (inclusive)
  m.ObserveRequest("GET", "taxii_collections", 200, microseconds(900));  // <= 0.001
  m.ObserveRequest("GET", "taxii_collections", 200, milliseconds(20));   // <= 0.025
  m.ObserveRequest("GET", "taxii_collections", 200, std::chrono::seconds(60));  // +Inf only
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
  EXPECT_EQ(Sample(m.Render(), "tessera_import_requests_total"), 2);
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
  Declared(m);
  m.ObserveRequest("GET", "taxii_discovery", 200, microseconds(10));
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
  Declared(m);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m] {
      for (int i = 0; i < 10000; ++i) {
        m.ObserveRequest("GET", "taxii_objects", 200, microseconds(100));
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
