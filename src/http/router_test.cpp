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

TEST_F(RouterTest, NeverRedirectsToAnotherHost) {
  // "/\evil.example/collections" matches "/{api_root}/collections/" with a trailing '/', but a
  // Location of "/\evil.example/collections/" is read by browsers as https://evil.example/...
  for (const char* target : {"/\\evil.example/collections", "//evil.example/collections",
                             "/\\evil.example", "//evil.example"}) {
    Response r = Get(router_, target);
    EXPECT_EQ(r.status, HttpStatus::not_found) << target;
    EXPECT_TRUE(r.Header("Location").empty()) << target;
  }
  EXPECT_EQ(Get(router_, "/feeds/collections").Header("Location"), "/feeds/collections/");
}

TEST_F(RouterTest, ErrorBodiesAreValidUtf8WhateverThePathHeld) {
  for (const char* target : {"/%ff/x/y/z/", "/%c3%28/x/y/z/", "/%ed%a0%80/x/y/z/",
                             "/%f4%90%80%80/x/y/z/", "/\xff\xfe/x/"}) {
    Response r = Get(router_, target);
    EXPECT_EQ(r.status, HttpStatus::not_found) << target;
    boost::system::error_code ec;
    const boost::json::value body = boost::json::parse(r.body, ec);  // checks UTF-8
    ASSERT_FALSE(ec) << target << ": " << ec.message();
  }
  EXPECT_EQ(JsonText("caf\xc3\xa9 \xff!"), "caf\xc3\xa9 \xef\xbf\xbd!");
  EXPECT_EQ(JsonText("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");  // U+1F600 kept
  EXPECT_EQ(JsonText("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");  // overlong '/'
  EXPECT_EQ(JsonText("\xe2\x82"), "\xef\xbf\xbd\xef\xbf\xbd");  // truncated
}

TEST(RouterOptions, TheMatchCarriesTheRoutesOptions) {
  Router router;
  RouteOptions objects;
  objects.name = "objects";
  objects.blocking = true;
  objects.max_body_bytes = 100;
  ASSERT_TRUE(router.Add(Method::kPost, "/{root}/objects/", Echo("add"), objects).ok());
  RouteOptions listing;
  listing.name = "listing";
  ASSERT_TRUE(router.Add(Method::kGet, "/{root}/objects/", Echo("list"), listing).ok());
  ASSERT_TRUE(router.Add(Method::kGet, "/plain", Echo("plain")).ok());
  EXPECT_EQ(router.RouteNames(), (std::vector<std::string>{"objects", "listing"}));

  Routed post = router.Find(Method::kPost, "POST", "/r/objects/?x=1");
  ASSERT_NE(post.options(), nullptr);
  EXPECT_FALSE(post.answer().has_value());
  EXPECT_EQ(post.name(), "objects");
  EXPECT_TRUE(post.options()->blocking);
  EXPECT_EQ(post.options()->max_body_bytes, 100u);
  EXPECT_EQ(post.params(), (std::vector<std::pair<std::string, std::string>>{{"root", "r"}}));
  Request request = Request::Make(Method::kPost, "/r/objects/?x=1");
  EXPECT_EQ(router.Dispatch(std::move(post), request).body, "add root=r");

  EXPECT_EQ(router.Find(Method::kGet, "GET", "/r/objects/").name(), "listing");
  EXPECT_EQ(router.Find(Method::kGet, "GET", "/plain").name(), kOtherRouteName);
  Routed missing = router.Find(Method::kGet, "GET", "/nowhere/at/all");
  EXPECT_EQ(missing.options(), nullptr);
  EXPECT_EQ(missing.name(), kOtherRouteName);
  ASSERT_TRUE(missing.answer().has_value());
  EXPECT_EQ(missing.answer()->status, HttpStatus::not_found);
  // A path matched with a method it does not take: the router answers, under the route's name.
  Routed wrong = router.Find(Method::kPut, "PUT", "/r/objects/");
  EXPECT_EQ(wrong.options(), nullptr);
  ASSERT_TRUE(wrong.answer().has_value());
  EXPECT_EQ(wrong.answer()->status, HttpStatus::method_not_allowed);
  EXPECT_EQ(wrong.name(), "objects");
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
