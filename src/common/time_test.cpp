#include "common/time.h"

#include <gtest/gtest.h>

namespace tessera {
namespace {

TEST(Timestamp, ParsesStixForms) {
  auto t = ParseTimestamp("2016-01-20T12:31:12.123Z");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->seconds, 1453293072);
  EXPECT_EQ(t->nanos, 123'000'000);
  auto whole = ParseTimestamp("1970-01-01T00:00:00Z");
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(*whole, Timestamp{});
  auto nanos = ParseTimestamp("2000-02-29T23:59:59.123456789Z");
  ASSERT_TRUE(nanos.ok());
  EXPECT_EQ(nanos->nanos, 123456789);
}

TEST(Timestamp, RejectsWhatStixForbids) {
  for (const char* bad :
       {"2016-01-20T12:31:12", "2016-01-20T12:31:12+00:00", "2016-01-20 12:31:12Z",
        "2016-13-20T12:31:12Z", "2015-02-29T00:00:00Z", "2016-01-20T24:00:00Z",
        "2016-01-20T12:31:12.Z", "2016-01-20T12:31:12.1234567891Z", "2016-01-20t12:31:12z",
        "2016-1-20T12:31:12Z", "", "2016-01-20T12:31:12.123Zjunk"}) {
    EXPECT_FALSE(ParseTimestamp(bad).ok()) << bad;
  }
}

TEST(Timestamp, OrdersAndRoundTrips) {
  auto a = ParseTimestamp("2016-01-20T12:31:12.123Z").value();
  auto b = ParseTimestamp("2016-01-20T12:31:12.1231Z").value();
  EXPECT_LT(a, b);
  EXPECT_EQ(FormatTimestamp(a), "2016-01-20T12:31:12.123Z");
  EXPECT_EQ(FormatTimestamp(b, TimePrecision::kShortest), "2016-01-20T12:31:12.123100Z");
  EXPECT_EQ(FormatTimestamp(a, TimePrecision::kSeconds), "2016-01-20T12:31:12Z");
  auto early = ParseTimestamp("0001-01-01T00:00:00Z").value();
  EXPECT_EQ(FormatTimestamp(early, TimePrecision::kShortest), "0001-01-01T00:00:00Z");
  EXPECT_EQ(Timestamp::FromMicros(a.ToMicros()), a);
}

}  // namespace
}  // namespace tessera
