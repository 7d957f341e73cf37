#include "http/router.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <stdexcept>

namespace tessera::http {
namespace {

Handler Echo(std::string name) {
  return [name](const Request& r) {
    std::string body = name;
    for (const auto& [k, v] : r.path_params()) body += " " + k + "=" + v;
    return Response::Make(HttpStatus::ok, "text/plain", body);
  };
}

Response Get(const Router& router, std::string_view target, Method method = Method::kGet) {
  Request r = Request::Make(method, target);
  return router.Handle(r);
}

boost::json::object JsonBody(const Response& r) { return boost::json::parse(r.body).as_object(); }

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(router_.Add(Method::kGet, "/taxii2/", Echo("discovery")).ok());
    ASSERT_TRUE(router_.Add(Method::kGet, "/{api_root}/", Echo("root")).ok());
    ASSERT_TRUE(router_.Add(Method::kGet, "/{api_root}/collections/", Echo("collections")).ok());
    ASSERT_TRUE(
        router_.Add(Method::kGet, "/{api_root}/collections/{id}/objects/", Echo("objects")).ok());
    ASSERT_TRUE(
        router_.Add(Method::kPost, "/{api_root}/collections/{id}/objects/", Echo("add")).ok());
    ASSERT_TRUE(router_.Add(Method::kGet, "/healthz", Echo("health")).ok());
  }
  Router router_;
};

TEST_F(RouterTest, RoutesByPathAndMethodAndBindsParameters) {
  EXPECT_EQ(Get(router_, "/healthz").body, "health");
  EXPECT_EQ(Get(router_, "/feeds/").body, "root api_root=feeds");
  EXPECT_EQ(Get(router_, "/feeds/collections/").body, "collections api_root=feeds");
  EXPECT_EQ(Get(router_, "/feeds/collections/abc-1/objects/?limit=2").body,
            "objects api_root=feeds id=abc-1");
  EXPECT_EQ(Get(router_, "/feeds/collections/abc-1/objects/", Method::kPost).body,
            "add api_root=feeds id=abc-1");
}

TEST_F(RouterTest, ALiteralBeatsAParameter) {
  EXPECT_EQ(Get(router_, "/taxii2/").body, "discovery");
  // The same literal deeper in a path is just a parameter value.
  EXPECT_EQ(Get(router_, "/taxii2/collections/").body, "collections api_root=taxii2");
}

TEST_F(RouterTest, ParametersArePercentDecodedPerSegment) {
  EXPECT_EQ(Get(router_, "/my%20root/").body, "root api_root=my root");
  EXPECT_EQ(Get(router_, "/a%2Fb/").body, "root api_root=a/b");
}

TEST_F(RouterTest, UnknownPathIs404WithAnErrorBody) {
  for (const char* target : {"/nope/deeper/", "/feeds/collections/x/", "//", "/feeds//"}) {
    Response r = Get(router_, target);
    EXPECT_EQ(r.status, HttpStatus::not_found) << target;
    auto body = JsonBody(r);
    EXPECT_EQ(body.at("title").as_string(), "Not Found");
    EXPECT_EQ(body.at("http_status").as_string(), "404");
    EXPECT_TRUE(body.contains("description"));
  }
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  Response r = Get(router_, "/taxii2/", Method::kDelete);
  EXPECT_EQ(r.status, HttpStatus::method_not_allowed);
  EXPECT_EQ(r.Header("Allow"), "GET, HEAD, OPTIONS");
  EXPECT_EQ(JsonBody(r).at("http_status").as_string(), "405");

  r = Get(router_, "/feeds/collections/c/objects/", Method::kPut);
  EXPECT_EQ(r.status, HttpStatus::method_not_allowed);
  EXPECT_EQ(r.Header("Allow"), "GET, POST, HEAD, OPTIONS");
}

TEST_F(RouterTest, HeadUsesTheGetHandlerAndOptionsListsMethods) {
  EXPECT_EQ(Get(router_, "/healthz", Method::kHead).body, "health");
  Response r = Get(router_, "/feeds/collections/c/objects/", Method::kOptions);
  EXPECT_EQ(r.status, HttpStatus::no_content);
  EXPECT_EQ(r.Header("Allow"), "GET, POST, HEAD, OPTIONS");
}

TEST_F(RouterTest, MissingTrailingSlashRedirects) {
  Response r = Get(router_, "/taxii2?x=1");
  EXPECT_EQ(r.status, HttpStatus::moved_permanently);
  EXPECT_EQ(r.Header("Location"), "/taxii2/?x=1");
  // Not for writes: a POST must not be silently re-sent elsewhere.
  EXPECT_EQ(Get(router_, "/feeds/collections/c/objects", Method::kPost).status,
            HttpStatus::not_found);
}

TEST_F(RouterTest, MalformedTargetsAre400) {
  EXPECT_EQ(Get(router_, "/bad%zz/").status, HttpStatus::bad_request);
  EXPECT_EQ(Get(router_, "http://host/taxii2/").status, HttpStatus::bad_request);
  EXPECT_EQ(Get(router_, "*", Method::kOptions).status, HttpStatus::bad_request);
}

TEST(RouterErrors, AThrowingHandlerIsAnswered500) {
  Router router;
  ASSERT_TRUE(router
                  .Add(Method::kGet, "/boom",
                       [](const Request&) -> Response { throw std::runtime_error("bug"); })
                  .ok());
  Response r = Get(router, "/boom");
  EXPECT_EQ(r.status, HttpStatus::internal_server_error);
  EXPECT_EQ(JsonBody(r).at("http_status").as_string(), "500");
}

TEST(RouterErrors, UsesTheConfiguredErrorRenderer) {
  Router router;
  router.SetErrorRenderer([](HttpStatus s, std::string_view title, std::string_view) {
    return Response::Make(s, "text/plain", std::string(title));
  });
  Response r = Get(router, "/x");
  EXPECT_EQ(r.status, HttpStatus::not_found);
  EXPECT_EQ(r.content_type, "text/plain");
  EXPECT_EQ(r.body, "Not Found");
}

TEST(RouterAdd, RejectsBadPatternsAndDuplicates) {
  Router router;
  auto h = Echo("x");
  EXPECT_EQ(router.Add(Method::kGet, "no-slash", h).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(router.Add(Method::kGet, "/{}/", h).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(router.Add(Method::kGet, "/{a/", h).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(router.Add(Method::kGet, "/a{b}/", h).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(router.Add(Method::kGet, "/{a}/{a}/", h).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(router.Add(Method::kGet, "/x", nullptr).code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(router.Add(Method::kGet, "/{a}/", h).ok());
  EXPECT_EQ(router.Add(Method::kGet, "/{a}/", h).code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(router.Add(Method::kPost, "/{b}/", h).code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(router.Add(Method::kPost, "/{a}/", h).ok());
}

}  // namespace
}  // namespace tessera::http
