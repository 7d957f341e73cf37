#include "common/json.h"

#include <gtest/gtest.h>

namespace tessera {
namespace {

TEST(Json, ParsesAndComparesIgnoringKeyOrder) {
  auto a = ParseJson(R"({"a":1,"b":[true,null]})");
  auto b = ParseJson(R"({"b":[true,null],"a":1})");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
}

TEST(Json, RejectsMalformedAndTrailingData) {
  EXPECT_EQ(ParseJson("{").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseJson("{} {}").status().code(), ErrorCode::kInvalidArgument);
}

TEST(Json, EnforcesDepthAndSizeLimits) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  EXPECT_EQ(ParseJson(deep, {.max_depth = 64}).status().code(), ErrorCode::kLimitExceeded);
  EXPECT_TRUE(ParseJson(deep, {.max_depth = 128}).ok());
  EXPECT_EQ(ParseJson("[1,2,3]", {.max_depth = 64, .max_bytes = 4}).status().code(),
            ErrorCode::kLimitExceeded);
}

TEST(PrettyJson, IndentsAndEndsWithNewline) {
  EXPECT_EQ(PrettyJson(boost::json::parse(R"({"a":[1,{"b":null}],"c":{}})")),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"c\": {}\n}\n");
  EXPECT_EQ(PrettyJson(boost::json::array()), "[]\n");
}

}  // namespace
}  // namespace tessera
