#pragma once
// Server metrics in the Prometheus text exposition format (version 0.0.4): requests by route class,
// method and status; request latency histograms by route class; authentication failures; TAXII
// imports; and gauges computed when scraped (objects stored).
//
// The server (server.h, ServerOptions::metrics) reports every answered request; handlers report
// what only they know (RecordImport). Rendering is served at /metrics by the admin API
// (src/api/routes.h), which decides who may read it.
//
// Label values are bounded: a route class is one of a fixed list derived from the path shape (not
// the path itself), methods are folded to GET/HEAD/POST/PUT/DELETE/PATCH/OPTIONS/OTHER and status
// codes to 100..599, so no client can grow the exposition.

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

// What kind of resource a request path names, from its shape: "taxii_discovery" (/taxii2/),
// "taxii_api_root" (/{root}/), "taxii_status", "taxii_collections", "taxii_collection",
// "taxii_objects", "taxii_object", "taxii_versions", "taxii_manifest", "admin" (/api/v1/...),
// "health" (/healthz), "metrics" (/metrics), or "other". `target` may carry a query string.
std::string_view RouteClass(std::string_view target);

// The latency histogram's bucket upper bounds, in seconds (+Inf is implied).
constexpr std::array<double, 14> kLatencyBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                    0.1,    0.25,  0.5,    1,     2.5,  5,     10};

// Limits on gauges (they are registered by code, but a loop registering them must fail loudly).
constexpr size_t kMaxGauges = 64;

// Thread-safe: every method may be called from any thread at any time. Counting a request is a few
// relaxed atomic additions (no lock), so the hot path stays cheap.
class Metrics {
 public:
  Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One answered request: `method` as received ("GET", or "-" when the request line could not be
  // read), `target` the request-target, `status` the HTTP status sent, `latency` from the first
  // byte of the request to the end of the response. A 401 also counts as an authentication
  // failure; a POST to a TAXII objects resource answered 202 counts as an import request.
  void ObserveRequest(std::string_view method, std::string_view target, unsigned status,
                      std::chrono::nanoseconds latency);

  // The objects of one import (a TAXII POST, or another write path): how many were added, how
  // many were stored already, how many were refused (status failures). The
  // tessera_imported_objects_total series appear from the first call on, so that a write path
  // that does not report is not mistaken for one that imported nothing.
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
  static constexpr size_t kClasses = 13;
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

  std::vector<std::atomic<uint64_t>> requests_;  // [class][method][code - 100]
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
