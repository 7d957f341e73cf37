#include "http/health.h"

#include <gtest/gtest.h>

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <memory>

namespace tessera::http {
namespace {

Response Call(const Router& router, std::string_view target) {
  Request r = Request::Make(Method::kGet, target);
  return router.Handle(r);
}

// /healthz answers anyone: an unhealthy hub says so and nothing more. The reason (it names the
// data directory and the store's error) goes to the server's log, once while it stays the same.
TEST(HealthTest, ReportsTheCheckAndLogsTheReasonWithoutTellingTheCaller) {
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(16);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("health_test", sink));
  Router router;
  bool healthy = true;
  ASSERT_TRUE(AddHealthRoute(router, [&healthy] {
                return healthy ? Status::Ok() : Unavailable("store is locked");
              }).ok());
  Response ok = Call(router, "/healthz");
  EXPECT_EQ(ok.status, HttpStatus::ok);
  EXPECT_EQ(boost::json::parse(ok.body).as_object().at("status").as_string(), "ok");
  healthy = false;
  Response bad = Call(router, "/healthz");
  EXPECT_EQ(bad.status, HttpStatus::service_unavailable);
  EXPECT_EQ(boost::json::parse(bad.body).as_object(),
            boost::json::parse(R"({"status":"unavailable"})").as_object());
  EXPECT_EQ(Call(router, "/healthz").status, HttpStatus::service_unavailable);
  healthy = true;
  EXPECT_EQ(Call(router, "/healthz").status, HttpStatus::ok);
  std::vector<std::string> logged = sink->last_formatted();
  spdlog::set_default_logger(previous);
  ASSERT_EQ(logged.size(), 2u);
  EXPECT_NE(logged[0].find("health check failed: store is locked"), std::string::npos) << logged[0];
  EXPECT_NE(logged[1].find("health check passes again"), std::string::npos) << logged[1];
}

}  // namespace
}  // namespace tessera::http
