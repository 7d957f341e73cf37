#include "taxii/protocol.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace tessera::taxii {

using http::HttpStatus;
using http::Method;
using http::Request;
using http::Response;
using http::Router;
namespace {

Response Call(const Router& router, std::string_view target,
              std::vector<std::pair<std::string, std::string>> headers = {}) {
  Request r = Request::Make(Method::kGet, target, headers);
  return router.Handle(r);
}

TEST(TaxiiTest, AcceptsTaxiiFollowsTheAcceptHeader) {
  auto with = [](std::string accept) {
    return AcceptsTaxii(Request::Make(Method::kGet, "/", {{"Accept", std::move(accept)}}));
  };
  EXPECT_TRUE(AcceptsTaxii(Request::Make(Method::kGet, "/")));
  EXPECT_TRUE(with("application/taxii+json;version=2.1"));
  EXPECT_TRUE(with("application/taxii+json"));
  EXPECT_TRUE(with("*/*"));
  EXPECT_FALSE(with("application/json"));
  EXPECT_FALSE(with("application/taxii+json;version=2.0"));
  EXPECT_FALSE(with("text/html"));
}

TEST(TaxiiTest, ContentTypeForRequestBodies) {
  EXPECT_TRUE(IsTaxiiContentType("application/taxii+json;version=2.1"));
  EXPECT_TRUE(IsTaxiiContentType("application/taxii+json"));
  EXPECT_FALSE(IsTaxiiContentType("application/taxii+json;version=2.0"));
  EXPECT_FALSE(IsTaxiiContentType("application/json"));
  EXPECT_FALSE(IsTaxiiContentType(""));
}

TEST(TaxiiTest, ErrorMessageShape) {
  Response r = TaxiiError(HttpStatus::not_found, "Not Found", "no such collection");
  EXPECT_EQ(r.status, HttpStatus::not_found);
  EXPECT_EQ(r.content_type, "application/taxii+json;version=2.1");
  auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("title").as_string(), "Not Found");
  EXPECT_EQ(body.at("description").as_string(), "no such collection");
  EXPECT_EQ(body.at("http_status").as_string(), "404");
  EXPECT_FALSE(boost::json::parse(TaxiiError(HttpStatus::gone, "Gone", "").body)
                   .as_object()
                   .contains("description"));
}

TEST(TaxiiTest, DiscoveryDocument) {
  Router router;
  DiscoveryInfo info;
  info.title = "Hub";
  info.contact = "soc@example.org";
  ASSERT_TRUE(AddDiscoveryRoute(router, info).ok());

  Response r = Call(router, "/taxii2/", {{"Accept", "application/taxii+json;version=2.1"}});
  EXPECT_EQ(r.status, HttpStatus::ok);
  EXPECT_EQ(r.content_type, "application/taxii+json;version=2.1");
  auto doc = boost::json::parse(r.body).as_object();
  EXPECT_EQ(doc.at("title").as_string(), "Hub");
  EXPECT_EQ(doc.at("contact").as_string(), "soc@example.org");
  EXPECT_FALSE(doc.contains("description"));
  EXPECT_FALSE(doc.contains("default"));
  EXPECT_TRUE(doc.at("api_roots").as_array().empty());

  Response refused = Call(router, "/taxii2/", {{"Accept", "application/json"}});
  EXPECT_EQ(refused.status, HttpStatus::not_acceptable);
  EXPECT_EQ(boost::json::parse(refused.body).as_object().at("http_status").as_string(), "406");

  EXPECT_EQ(AddDiscoveryRoute(router, DiscoveryInfo{}).code(), ErrorCode::kInvalidArgument);
}

TEST(TaxiiTest, DiscoveryListsApiRoots) {
  DiscoveryInfo info;
  info.title = "Hub";
  info.default_api_root = "https://hub.example/feeds/";
  info.api_roots = {"https://hub.example/feeds/", "https://hub.example/trusted/"};
  auto doc = boost::json::parse(DiscoveryJson(info)).as_object();
  EXPECT_EQ(doc.at("default").as_string(), "https://hub.example/feeds/");
  ASSERT_EQ(doc.at("api_roots").as_array().size(), 2u);
}

}  // namespace
}  // namespace tessera::taxii
