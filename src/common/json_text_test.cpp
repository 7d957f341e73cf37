#include "common/json_text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tessera::json_text {
namespace {

TEST(JsonText, FindsElementsAsWritten) {
  std::vector<std::string> got;
  const std::string text =
      R"( [ {"a": 1e999999, "s": "x\"]}\\"} , 123456789012345678901234567890,"q",[[]] , null ] )";
  ASSERT_TRUE(ForEachElement(text, [&](std::string_view e) { got.emplace_back(e); }).ok());
  EXPECT_EQ(got,
            (std::vector<std::string>{R"({"a": 1e999999, "s": "x\"]}\\"})",
                                      "123456789012345678901234567890", R"("q")", "[[]]", "null"}));
  got.clear();
  EXPECT_TRUE(ForEachElement("[]", [&](std::string_view e) { got.emplace_back(e); }).ok());
  EXPECT_TRUE(got.empty());
}

TEST(JsonText, FindsMembersWithRawKeys) {
  std::vector<std::pair<std::string, std::string>> got;
  const std::string text = R"({"type":"bundle", "obj\u0065cts" : [ {} ] ,"n":-1.5E+3})";
  ASSERT_TRUE(ForEachMember(text, [&](std::string_view k, std::string_view v) {
                got.emplace_back(k, v);
              }).ok());
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].first, R"(obj\u0065cts)");
  EXPECT_TRUE(KeyEquals(got[1].first, "objects"));
  // Keys compare as decoded: an escape is never the plain text it is written with.
  EXPECT_TRUE(KeyEquals("pattern", "pattern"));
  EXPECT_FALSE(KeyEquals("patter", "pattern"));
  EXPECT_FALSE(KeyEquals("patterns", "pattern"));
  EXPECT_TRUE(KeyEquals(R"(a\\b)", R"(a\b)"));
  EXPECT_FALSE(KeyEquals(R"(a\nb)", R"(a\nb)"));
  EXPECT_TRUE(KeyEquals(R"(a\nb)", "a\nb"));
  EXPECT_FALSE(KeyEquals(R"(a\u0062)", "ac"));
  EXPECT_EQ(got[1].second, "[ {} ]");
  EXPECT_EQ(got[2].second, "-1.5E+3");
  EXPECT_EQ(*Unescape(R"(a\u00e9\ud83d\ude00\n)"), "a\xc3\xa9\xf0\x9f\x98\x80\n");
  EXPECT_FALSE(Unescape(R"(\ud83d)").ok());
}

TEST(JsonText, RefusesWhatIsNotWellDelimited) {
  auto none = [](std::string_view) {};
  for (const char* bad : {"", "{", "[", "[1,]", "[1 2]", "[{]", "[{\"a\":1]", "[\"abc]", "[}",
                          "[1,,2]", "{\"a\" 1}"}) {
    EXPECT_FALSE(ForEachElement(bad, none).ok()) << bad;
  }
  EXPECT_FALSE(ForEachMember(R"({"a":1,})", [](std::string_view, std::string_view) {}).ok());
  EXPECT_FALSE(ForEachMember(R"({1:2})", [](std::string_view, std::string_view) {}).ok());
  // Depth is bounded.
  EXPECT_TRUE(ValueAt(std::string(2000, '[') + std::string(2000, ']'), 0).empty());
  EXPECT_EQ(ValueAt("[[1]]", 0, 2), "[[1]]");
  EXPECT_TRUE(ValueAt("[[1]]", 0, 1).empty());
}

// A value cut by the end of a window is told apart from a malformed one: the reader of a file
// reads more for the first and stops at the second.
TEST(JsonText, TellsAValueCutShortFromAMalformedOne) {
  struct Case {
    const char* text;
    Extent::Kind kind;
    size_t end;
  };
  const Case cases[] = {
      {R"({"a":[1,{"b":"}"}]} ,)", Extent::kComplete, 19},
      {R"("x\\"y)", Extent::kComplete, 5},
      {"true,", Extent::kComplete, 4},
      {"-12.5e3]", Extent::kComplete, 7},
      {"-12.5", Extent::kCut, 0},  // "-12.55" may follow
      {"nul", Extent::kCut, 0},
      {R"({"a":"b)", Extent::kCut, 0},
      {R"({"a":"b")", Extent::kCut, 0},
      {R"([{"a":1},)", Extent::kCut, 0},
      {"", Extent::kCut, 0},
      {R"({"a":1])", Extent::kMalformed, 0},
      {"]", Extent::kMalformed, 0},
      {" 1", Extent::kMalformed, 0},
      {",", Extent::kMalformed, 0},
  };
  for (const Case& c : cases) {
    const Extent e = ScanValue(c.text, 0);
    EXPECT_EQ(e.kind, c.kind) << c.text;
    if (c.kind == Extent::kComplete) {
      EXPECT_EQ(e.end, c.end) << c.text;
    }
  }
  EXPECT_EQ(ScanValue("[[1]]", 0, 1).kind, Extent::kMalformed);
  EXPECT_EQ(ScanValue("[[1", 0, 2).kind, Extent::kCut);
  EXPECT_EQ(ScanValue("x [1] y", 2).end, 5u);
}

}  // namespace
}  // namespace tessera::json_text
