#include "http/health.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace tessera::http {
namespace {

Response Call(const Router& router, std::string_view target) {
  Request r = Request::Make(Method::kGet, target);
  return router.Handle(r);
}

TEST(HealthTest, ReportsTheCheck) {
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
  EXPECT_EQ(boost::json::parse(bad.body).as_object().at("reason").as_string(), "store is locked");
}

}  // namespace
}  // namespace tessera::http
