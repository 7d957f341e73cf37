#pragma once
// Server metrics in the Prometheus text exposition format (version 0.0.4): requests by route,
// method and status; request latency histograms by route; authentication failures; imports; and
// gauges computed when scraped (objects stored).
//
// The server (server.h, ServerOptions::metrics) reports every answered request; handlers report
// what only they know (RecordImport). Rendering is served at /metrics by the admin API
// (src/api/routes.h), which decides who may read it.
//
// Label values are bounded: a route is the name of the route the request matched (RouteOptions::
// name in router.h, words from code, declared before requests are counted; at most kMaxRoutes)
// or "other", never the path; methods are folded to GET/HEAD/POST/PUT/DELETE/PATCH/OPTIONS/OTHER
// and status codes to 100..599, so no client can grow the exposition.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tessera::http {

// The latency histogram's bucket upper bounds, in seconds (+Inf is implied).
constexpr std::array<double, 14> kLatencyBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                    0.1,    0.25,  0.5,    1,     2.5,  5,     10};

// Limits on gauges and route names (they are registered by code, but a loop registering them
// must fail loudly).
constexpr size_t kMaxGauges = 64;
constexpr size_t kMaxRoutes = 32;

// Thread-safe: every method may be called from any thread at any time. Counting a request is a few
// relaxed atomic additions (no lock), so the hot path stays cheap.
class Metrics {
 public:
  Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Declares route names (the server declares its router's, Router::RouteNames): requests are
  // counted under a declared name, else under "other". Names already declared are skipped.
  // kInvalidArgument for a name that is not [a-z0-9_]+ or is "other", kLimitExceeded beyond
  // kMaxRoutes names (none of `names` is declared then).
  Status DeclareRoutes(const std::vector<std::string>& names);

  // One answered request: `method` as received ("GET", or "-" when the request line could not be
  // read), `route` the name of the route it matched ("other" when none did), `status` the HTTP
  // status sent, `latency` from the first byte of the request to the end of the response. A 401
  // also counts as an authentication failure.
  void ObserveRequest(std::string_view method, std::string_view route, unsigned status,
                      std::chrono::nanoseconds latency);

  // One import request that stored its objects (a TAXII POST answered 202, or another write
  // path): how many objects were added, how many were stored already, how many were refused
  // (status failures). The tessera_imported_objects_total series appear from the first call on,
  // so that a write path that does not report is not mistaken for one that imported nothing.
  void RecordImport(uint64_t added, uint64_t already_present, uint64_t failed);

  // Registers a gauge computed at each scrape (e.g. objects stored). `name` must be a Prometheus
  // metric name ([a-zA-Z_:][a-zA-Z0-9_:]*) not used yet; `value` must be thread-safe; when it
  // fails, the gauge is left out of that scrape. kInvalidArgument for a bad or repeated name,
  // kLimitExceeded beyond kMaxGauges.
  Status AddGauge(std::string name, std::string help, std::function<Result<double>()> value);

  // The whole exposition, text format 0.0.4 (Content-Type kMetricsContentType). Series that were
  // never incremented are left out, except the totals that are always present.
  std::string Render() const;

  // Totals, for tests and logs.
  uint64_t requests_total() const;
  uint64_t auth_failures_total() const;

 private:
  static constexpr size_t kClasses = kMaxRoutes + 1;  // the declared names, then "other"
  static constexpr size_t kMethods = 8;
  static constexpr size_t kCodes = 500;  // 100..599
  static constexpr size_t kBuckets = kLatencyBuckets.size() + 1;

  struct Histogram {
    std::array<std::atomic<uint64_t>, kBuckets> buckets{};  // non-cumulative counts
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum_nanos{0};
  };
  struct Gauge {
    std::string name;
    std::string help;
    std::function<Result<double>()> value;
  };

  // The index of `route` among the declared names, or kMaxRoutes ("other").
  size_t RouteIndex(std::string_view route) const;
  std::string_view RouteName(size_t index) const;

  // Declared route names: routes_[0, declared_) are set once, before declared_ covers them, and
  // never change after (so reading them needs no lock).
  std::array<std::string, kMaxRoutes> routes_;
  std::atomic<size_t> declared_{0};
  std::mutex declare_mu_;  // serializes DeclareRoutes

  std::vector<std::atomic<uint64_t>> requests_;  // [route][method][code - 100]
  std::array<Histogram, kClasses> latency_;
  std::atomic<uint64_t> auth_failures_{0};
  std::atomic<uint64_t> import_requests_{0};
  std::atomic<uint64_t> objects_added_{0};
  std::atomic<uint64_t> objects_already_present_{0};
  std::atomic<uint64_t> objects_failed_{0};
  std::atomic<bool> imports_recorded_{false};
  const double start_time_seconds_;

  mutable std::mutex gauges_mu_;
  std::vector<Gauge> gauges_;  // GUARDED_BY(gauges_mu_)
};

// Content-Type of Metrics::Render().
constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace tessera::http
