#include "http/health.h"

#include <boost/json.hpp>
#include <utility>

namespace tessera::http {

Status AddHealthRoute(Router& router, std::function<Status()> check) {
  RouteOptions options;
  options.name = "health";
  return router.Add(
      Method::kGet, "/healthz",
      [check = std::move(check)](const Request&) {
        if (check) {
          if (Status st = check(); !st.ok()) {
            boost::json::object body;
            body["status"] = "unavailable";
            body["reason"] = st.message();
            return Response::Make(HttpStatus::service_unavailable, "application/json",
                                  boost::json::serialize(body));
          }
        }
        return Response::Make(HttpStatus::ok, "application/json", R"({"status":"ok"})");
      },
      std::move(options));
}

}  // namespace tessera::http
