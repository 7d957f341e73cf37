#include "common/duration.h"

#include <gtest/gtest.h>

namespace tessera {
namespace {

using std::chrono::seconds;

TEST(ParseDuration, SingleUnits) {
  EXPECT_EQ(*ParseDuration("90d"), seconds(90 * 86400));
  EXPECT_EQ(*ParseDuration("12h"), seconds(12 * 3600));
  EXPECT_EQ(*ParseDuration("30m"), seconds(30 * 60));
  EXPECT_EQ(*ParseDuration("45s"), seconds(45));
  EXPECT_EQ(*ParseDuration("2w"), seconds(14 * 86400));
}

TEST(ParseDuration, SeveralUnitsInDecreasingOrder) {
  EXPECT_EQ(*ParseDuration("1d12h"), seconds(86400 + 12 * 3600));
  EXPECT_EQ(*ParseDuration("1w2d3h4m5s"), seconds(7 * 86400 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5));
  EXPECT_EQ(*ParseDuration("0d1h"), seconds(3600));
}

TEST(ParseDuration, RejectsMalformedText) {
  for (const char* bad : {"", "d", "90", "90x", "-1d", "+1d", " 1d", "1d ", "1 d", "1.5h", "12h1d",
                          "1d1d", "0s", "0d0h", "1D", "1dh"}) {
    auto r = ParseDuration(bad);
    EXPECT_FALSE(r.ok()) << "'" << bad << "' was accepted";
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << bad;
    }
  }
}

TEST(ParseDuration, MessageSaysWhy) {
  auto r = ParseDuration("12h1d");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("out of order"), std::string::npos) << r.status().message();
  r = ParseDuration("3y");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown unit 'y'"), std::string::npos)
      << r.status().message();
}

TEST(ParseDuration, BoundedWithoutOverflow) {
  EXPECT_TRUE(ParseDuration("36600d").ok());  // exactly 100 years of 366 days
  EXPECT_FALSE(ParseDuration("36601d").ok());
  EXPECT_FALSE(ParseDuration("99999999999999999999999999s").ok());
  EXPECT_FALSE(ParseDuration("5000w36600d").ok());
  EXPECT_FALSE(ParseDuration(std::string(100, '1') + "s").ok());
}

TEST(FormatDuration, RoundTrips) {
  EXPECT_EQ(FormatDuration(seconds(0)), "0s");
  EXPECT_EQ(FormatDuration(seconds(129600)), "1d12h");
  EXPECT_EQ(FormatDuration(seconds(90 * 86400)), "12w6d");
  for (const char* text : {"90d", "12h", "1w2d3h4m5s", "59s", "2w"}) {
    auto d = ParseDuration(text);
    ASSERT_TRUE(d.ok()) << text;
    EXPECT_EQ(*ParseDuration(FormatDuration(*d)), *d) << text;
  }
}

}  // namespace
}  // namespace tessera
