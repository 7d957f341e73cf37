#include "http/health.h"

#include <spdlog/spdlog.h>

#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace tessera::http {

namespace {

// The last reason logged, so that a poller every second does not repeat it in the log.
struct LastReason {
  std::mutex mu;
  std::string reason;  // empty while healthy
};

}  // namespace

Status AddHealthRoute(Router& router, std::function<Status()> check) {
  RouteOptions options;
  options.name = "health";
  auto last = std::make_shared<LastReason>();
  return router.Add(
      Method::kGet, "/healthz",
      [check = std::move(check), last](const Request&) {
        Status st = check ? check() : Status::Ok();
        {
          std::lock_guard<std::mutex> lock(last->mu);
          const std::string reason =
              st.ok() || !st.message().empty() ? st.message() : "(no reason given)";
          if (!st.ok() && reason != last->reason) {
            spdlog::error("health check failed: {}", reason);
            last->reason = reason;
          } else if (st.ok() && !last->reason.empty()) {
            spdlog::info("health check passes again");
            last->reason.clear();
          }
        }
        if (!st.ok()) {
          return Response::Make(HttpStatus::service_unavailable, "application/json",
                                R"({"status":"unavailable"})");
        }
        return Response::Make(HttpStatus::ok, "application/json", R"({"status":"ok"})");
      },
      std::move(options));
}

}  // namespace tessera::http
