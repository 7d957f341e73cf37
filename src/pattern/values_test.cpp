#include <gtest/gtest.h>

#include "pattern/values.h"

namespace tessera::pattern {
namespace {

TEST(PatternValues, LikeIsSqlLikeOverCodePoints) {
  EXPECT_TRUE(LikeMatch("name.exe", "name%"));
  EXPECT_TRUE(LikeMatch("name", "name%"));
  EXPECT_TRUE(LikeMatch("abc", "a_c"));
  EXPECT_FALSE(LikeMatch("ac", "a_c"));
  EXPECT_TRUE(
      LikeMatch("a\xC3\xA9"
                "c",
                "a_c"));  // _ is one code point, not one byte
  EXPECT_TRUE(LikeMatch("xxayyb", "%a%b"));
  EXPECT_FALSE(LikeMatch("ABC", "abc"));  // case-sensitive
  EXPECT_TRUE(LikeMatch("", "%"));
  EXPECT_FALSE(LikeMatch("", "_"));
  EXPECT_TRUE(LikeMatch("a.b", "a.b"));  // '.' is literal
}

TEST(PatternValues, BinaryDecoding) {
  std::string out;
  ASSERT_TRUE(DecodeHex("FFd8", &out));
  EXPECT_EQ(out, "\xff\xd8");
  EXPECT_FALSE(DecodeHex("fg", &out));
}

TEST(PatternValues, TimestampsFollowThePatternGrammar) {
  Timestamp t;
  ASSERT_TRUE(ParseStixTimestamp("1970-01-02T00:00:01.5Z", &t));
  EXPECT_EQ(t.seconds, 86401);
  EXPECT_EQ(t.nanos, 500000000);
  ASSERT_TRUE(ParseStixTimestamp("2024-02-30T00:00:00Z", &t));  // the grammar allows day 30
  Timestamp march;
  ASSERT_TRUE(ParseStixTimestamp("2024-03-01T00:00:00Z", &march));
  EXPECT_EQ(t, march);
  EXPECT_FALSE(ParseStixTimestamp("2024-01-15T12:30:45", &t));
  EXPECT_FALSE(ParseStixTimestamp("2024-01-15T24:00:00Z", &t));
  EXPECT_FALSE(ParseStixTimestamp("2024-01-15T12:30:45.Z", &t));
}

TEST(PatternValues, NfcNormalizes) {
  EXPECT_EQ(Nfc("e\xCC\x81"), "\xC3\xA9");
  EXPECT_EQ(Nfc("plain"), "plain");
}

TEST(PatternValues, RegexIsBounded) {
  auto re = Regex::Create("^(a+)+$", 10'000, 1'000);
  ASSERT_TRUE(re.ok());
  EXPECT_EQ((*re)->MatchText(std::string(40, 'a') + "b"), Regex::Outcome::kLimit);
  EXPECT_EQ((*re)->MatchText("aaa"), Regex::Outcome::kMatch);
  auto bytes = Regex::Create("\\xd4\\xc3", 10'000, 1'000);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ((*bytes)->MatchBytes("\x01\xd4\xc3"), Regex::Outcome::kMatch);
  EXPECT_FALSE(Regex::Create("(", 1, 1).ok());
}

}  // namespace
}  // namespace tessera::pattern
