#include "http/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tessera::http {
namespace {

constexpr std::array<std::string_view, 8> kMethodNames = {"GET",    "HEAD",  "POST",    "PUT",
                                                          "DELETE", "PATCH", "OPTIONS", "OTHER"};

size_t MethodIndex(std::string_view method) {
  for (size_t i = 0; i + 1 < kMethodNames.size(); ++i) {
    if (kMethodNames[i] == method) return i;
  }
  return kMethodNames.size() - 1;
}

bool IsMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    const bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

// A HELP text escaped as the format requires (backslash and newline).
std::string EscapeHelp(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// A sample value: integers without a fraction, others with enough digits, +Inf/-Inf/NaN spelled
// as Prometheus spells them.
std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.9g", v);
  }
  return buf;
}

void Header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += EscapeHelp(help);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

Metrics::Metrics() : requests_(kClasses * kMethods * kCodes), start_time_seconds_(NowSeconds()) {}

Status Metrics::DeclareRoutes(const std::vector<std::string>& names) {
  std::lock_guard lock(declare_mu_);
  const size_t declared = declared_.load(std::memory_order_relaxed);
  std::vector<std::string> fresh;
  for (const std::string& name : names) {
    if (name.empty() || name == "other" ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
      return InvalidArgument("route name '" + name + "' is not [a-z0-9_]+ (or is 'other')");
    }
    if (RouteIndex(name) != kMaxRoutes ||
        std::find(fresh.begin(), fresh.end(), name) != fresh.end()) {
      continue;
    }
    fresh.push_back(name);
  }
  if (declared + fresh.size() > kMaxRoutes) {
    return LimitExceeded("at most " + std::to_string(kMaxRoutes) + " route names");
  }
  for (size_t i = 0; i < fresh.size(); ++i) routes_[declared + i] = std::move(fresh[i]);
  declared_.store(declared + fresh.size(), std::memory_order_release);
  return Status::Ok();
}

size_t Metrics::RouteIndex(std::string_view route) const {
  const size_t declared = declared_.load(std::memory_order_acquire);
  for (size_t i = 0; i < declared; ++i) {
    if (routes_[i] == route) return i;
  }
  return kMaxRoutes;
}

std::string_view Metrics::RouteName(size_t index) const {
  return index < kMaxRoutes ? std::string_view(routes_[index]) : std::string_view("other");
}

void Metrics::ObserveRequest(std::string_view method, std::string_view route, unsigned status,
                             std::chrono::nanoseconds latency) {
  const size_t cls = RouteIndex(route);
  const size_t m = MethodIndex(method);
  if (status < 100 || status > 599) status = 599;  // Beast never sends these; keep them counted
  requests_[(cls * kMethods + m) * kCodes + (status - 100)].fetch_add(1, std::memory_order_relaxed);
  const double seconds = std::chrono::duration<double>(latency).count();
  size_t bucket = 0;
  while (bucket < kLatencyBuckets.size() && seconds > kLatencyBuckets[bucket]) ++bucket;
  Histogram& h = latency_[cls];
  h.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  h.count.fetch_add(1, std::memory_order_relaxed);
  h.sum_nanos.fetch_add(static_cast<uint64_t>(std::max<int64_t>(0, latency.count())),
                        std::memory_order_relaxed);
  if (status == 401) auth_failures_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::RecordImport(uint64_t added, uint64_t already_present, uint64_t failed) {
  import_requests_.fetch_add(1, std::memory_order_relaxed);
  objects_added_.fetch_add(added, std::memory_order_relaxed);
  objects_already_present_.fetch_add(already_present, std::memory_order_relaxed);
  objects_failed_.fetch_add(failed, std::memory_order_relaxed);
  imports_recorded_.store(true, std::memory_order_relaxed);
}

Status Metrics::AddGauge(std::string name, std::string help,
                         std::function<Result<double>()> value) {
  if (!IsMetricName(name)) return InvalidArgument("'" + name + "' is not a Prometheus metric name");
  if (!value) return InvalidArgument("gauge '" + name + "' has no value function");
  std::lock_guard lock(gauges_mu_);
  if (gauges_.size() >= kMaxGauges) {
    return LimitExceeded("at most " + std::to_string(kMaxGauges) + " gauges");
  }
  for (const Gauge& g : gauges_) {
    if (g.name == name) return InvalidArgument("gauge '" + name + "' is already registered");
  }
  gauges_.push_back(Gauge{std::move(name), std::move(help), std::move(value)});
  return Status::Ok();
}

uint64_t Metrics::requests_total() const {
  uint64_t total = 0;
  for (const auto& c : requests_) total += c.load(std::memory_order_relaxed);
  return total;
}

uint64_t Metrics::auth_failures_total() const {
  return auth_failures_.load(std::memory_order_relaxed);
}

std::string Metrics::Render() const {
  std::string out;
  out.reserve(8192);

  Header(out, "tessera_http_requests_total", "counter",
         "HTTP requests answered, by route class, method and status code.");
  for (size_t cls = 0; cls < kClasses; ++cls) {
    for (size_t m = 0; m < kMethods; ++m) {
      for (size_t code = 0; code < kCodes; ++code) {
        const uint64_t v =
            requests_[(cls * kMethods + m) * kCodes + code].load(std::memory_order_relaxed);
        if (v == 0) continue;
        out += "tessera_http_requests_total{route=\"";
        out += RouteName(cls);
        out += "\",method=\"";
        out += kMethodNames[m];
        out += "\",code=\"";
        out += std::to_string(code + 100);
        out += "\"} ";
        out += std::to_string(v);
        out += '\n';
      }
    }
  }

  Header(out, "tessera_http_request_duration_seconds", "histogram",
         "Time from the first byte of a request to the end of its response, by route class.");
  for (size_t cls = 0; cls < kClasses; ++cls) {
    const Histogram& h = latency_[cls];
    const uint64_t count = h.count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    uint64_t cumulative = 0;
    for (size_t b = 0; b < kBuckets; ++b) {
      cumulative += h.buckets[b].load(std::memory_order_relaxed);
      out += "tessera_http_request_duration_seconds_bucket{route=\"";
      out += RouteName(cls);
      out += "\",le=\"";
      out += b < kLatencyBuckets.size() ? FormatValue(kLatencyBuckets[b]) : "+Inf";
      out += "\"} ";
      // Counters are read one by one while requests go on: never let +Inf fall below a bucket.
      out += std::to_string(b + 1 == kBuckets ? std::max(cumulative, count) : cumulative);
      out += '\n';
    }
    const double sum = static_cast<double>(h.sum_nanos.load(std::memory_order_relaxed)) / 1e9;
    out += "tessera_http_request_duration_seconds_sum{route=\"";
    out += RouteName(cls);
    out += "\"} " + FormatValue(sum) + "\n";
    out += "tessera_http_request_duration_seconds_count{route=\"";
    out += RouteName(cls);
    out += "\"} " + std::to_string(std::max(cumulative, count)) + "\n";
  }

  Header(out, "tessera_auth_failures_total", "counter",
         "Requests answered 401: no, malformed, unknown, revoked or expired credentials.");
  out += "tessera_auth_failures_total " + std::to_string(auth_failures_total()) + "\n";

  Header(out, "tessera_import_requests_total", "counter",
         "Import requests that stored their objects (TAXII POSTs answered 202).");
  out += "tessera_import_requests_total " +
         std::to_string(import_requests_.load(std::memory_order_relaxed)) + "\n";

  if (imports_recorded_.load(std::memory_order_relaxed)) {
    Header(out, "tessera_imported_objects_total", "counter",
           "Objects offered in imports, by result: added, already_present, failed.");
    out += "tessera_imported_objects_total{result=\"added\"} " +
           std::to_string(objects_added_.load(std::memory_order_relaxed)) + "\n";
    out += "tessera_imported_objects_total{result=\"already_present\"} " +
           std::to_string(objects_already_present_.load(std::memory_order_relaxed)) + "\n";
    out += "tessera_imported_objects_total{result=\"failed\"} " +
           std::to_string(objects_failed_.load(std::memory_order_relaxed)) + "\n";
  }

  Header(out, "process_start_time_seconds", "gauge",
         "Start time of the process since the Unix epoch, in seconds.");
  out += "process_start_time_seconds " + FormatValue(std::floor(start_time_seconds_)) + "\n";

  std::vector<Gauge> gauges;
  {
    std::lock_guard lock(gauges_mu_);
    gauges = gauges_;
  }
  for (const Gauge& g : gauges) {
    Result<double> v = g.value();
    if (!v.ok()) continue;
    Header(out, g.name, "gauge", g.help);
    out += g.name + " " + FormatValue(*v) + "\n";
  }
  return out;
}

}  // namespace tessera::http
