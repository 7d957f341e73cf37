#include "http/message.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace tessera::http {
namespace {

TEST(RequestTest, SplitsTargetIntoPathAndQuery) {
  Request r = Request::Make(Method::kGet, "/api/collections/?limit=10&next=abc");
  EXPECT_EQ(r.method(), Method::kGet);
  EXPECT_EQ(r.method_name(), "GET");
  EXPECT_EQ(r.path(), "/api/collections/");
  EXPECT_EQ(r.query(), "limit=10&next=abc");

  Request no_query = Request::Make(Method::kGet, "/taxii2/");
  EXPECT_EQ(no_query.path(), "/taxii2/");
  EXPECT_EQ(no_query.query(), "");
}

TEST(RequestTest, HeadersAreCaseInsensitive) {
  Request r = Request::Make(Method::kPost, "/x", {{"Accept", "application/taxii+json"}}, "body");
  EXPECT_EQ(r.Header("accept"), "application/taxii+json");
  EXPECT_EQ(r.Header("ACCEPT"), "application/taxii+json");
  EXPECT_TRUE(r.HasHeader("Accept"));
  EXPECT_FALSE(r.HasHeader("Authorization"));
  EXPECT_EQ(r.Header("Authorization"), "");
  EXPECT_EQ(r.body(), "body");
}

TEST(RequestTest, CookieFindsTheNamedPairInEveryCookieField) {
  struct Case {
    std::vector<std::pair<std::string, std::string>> headers;
    std::string name;
    std::string expected;
  };
  const Case cases[] = {
      {{{"Cookie", "a=1; tessera_session=tss_x; b=2"}}, "tessera_session", "tss_x"},
      {{{"Cookie", "a=1"}, {"Cookie", "s=\"quoted\""}}, "s", "quoted"},
      {{{"Cookie", "xs=1; s=2"}}, "s", "2"},  // a name is whole, not a suffix
      {{{"Cookie", "s=first; s=second"}}, "s", "first"},
      {{{"Cookie", "s"}}, "s", ""},  // no '=': no value
      {{{"Accept", "s=1"}}, "s", ""},
      {{}, "s", ""},
  };
  for (const Case& c : cases) {
    Request r = Request::Make(Method::kGet, "/", c.headers);
    EXPECT_EQ(r.Cookie(c.name), c.expected) << c.name;
  }
}

TEST(RequestTest, OnlyGetHeadAndOptionsLeaveStateAlone) {
  EXPECT_FALSE(ChangesState(Method::kGet));
  EXPECT_FALSE(ChangesState(Method::kHead));
  EXPECT_FALSE(ChangesState(Method::kOptions));
  for (Method m : {Method::kPost, Method::kPut, Method::kPatch, Method::kDelete, Method::kOther}) {
    EXPECT_TRUE(ChangesState(m)) << MethodName(m);
  }
}

TEST(PercentDecodeTest, DecodesEscapesAndRejectsMalformedOnes) {
  EXPECT_EQ(*PercentDecode("a%20b%2Fc", false), "a b/c");
  EXPECT_EQ(*PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(*PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("%4", false).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(PercentDecode("%", false).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(PercentDecode("%zz", false).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(PercentDecode("a%00b", false).status().code(), ErrorCode::kInvalidArgument);
}

TEST(ParseQueryTest, DecodesPairsInOrder) {
  auto q = ParseQuery(
      "match%5Btype%5D=indicator,malware&added_after=2024-01-01T00:00:00Z&flag&&"
      "limit=5&x=a+b");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_EQ(q->size(), 5u);
  EXPECT_EQ((*q)[0].first, "match[type]");
  EXPECT_EQ((*q)[0].second, "indicator,malware");
  EXPECT_EQ((*q)[1].second, "2024-01-01T00:00:00Z");
  EXPECT_EQ((*q)[2].first, "flag");
  EXPECT_EQ((*q)[2].second, "");
  EXPECT_EQ((*q)[3].second, "5");
  EXPECT_EQ((*q)[4].second, "a b");
  EXPECT_TRUE(ParseQuery("")->empty());
}

TEST(ParseQueryTest, EnforcesLimitsAndSyntax) {
  std::string many;
  for (size_t i = 0; i <= kMaxQueryParams; ++i) many += "a=1&";
  EXPECT_EQ(ParseQuery(many).status().code(), ErrorCode::kLimitExceeded);
  EXPECT_EQ(ParseQuery("a=%G0").status().code(), ErrorCode::kInvalidArgument);
}

TEST(ResponseTest, FindsExtraHeaders) {
  Response r = Response::Make(HttpStatus::ok, "text/plain", "ok");
  r.headers.emplace_back("X-Thing", "1");
  EXPECT_EQ(r.Header("x-thing"), "1");
  EXPECT_EQ(r.Header("y"), "");
}

}  // namespace
}  // namespace tessera::http
