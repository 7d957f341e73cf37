#include "common/time.h"

#include <gtest/gtest.h>

#include <string_view>
#include <utility>

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

TEST(Timestamp, FormatsEachPrecisionAndYearsBeyondFourDigits) {
  auto t = ParseTimestamp("2024-02-29T07:08:09.123456789Z").value();
  EXPECT_EQ(FormatTimestamp(t, TimePrecision::kSeconds), "2024-02-29T07:08:09Z");
  EXPECT_EQ(FormatTimestamp(t, TimePrecision::kMillis), "2024-02-29T07:08:09.123Z");
  EXPECT_EQ(FormatTimestamp(t, TimePrecision::kMicros), "2024-02-29T07:08:09.123456Z");
  EXPECT_EQ(FormatTimestamp(t, TimePrecision::kNanos), "2024-02-29T07:08:09.123456789Z");
  EXPECT_EQ(FormatTimestamp(t, TimePrecision::kShortest), "2024-02-29T07:08:09.123456789Z");
  auto zero = ParseTimestamp("1970-01-01T00:00:00Z").value();
  EXPECT_EQ(FormatTimestamp(zero, TimePrecision::kNanos), "1970-01-01T00:00:00.000000000Z");
  auto last = ParseTimestamp("9999-12-31T23:59:59.999999999Z").value();
  EXPECT_EQ(FormatTimestamp(last, TimePrecision::kNanos), "9999-12-31T23:59:59.999999999Z");
  // One second later is beyond RFC 3339 (four-digit years); the year is written whole.
  Timestamp next{last.seconds + 1, 0};
  EXPECT_EQ(FormatTimestamp(next, TimePrecision::kSeconds), "10000-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(Timestamp{-1, 0}, TimePrecision::kSeconds), "1969-12-31T23:59:59Z");
}

TEST(FormatVersionTest, AtLeastMillisecondsMoreOnlyWhenNeededAndLossless) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"2016-11-02T12:34:34Z", "2016-11-02T12:34:34.000Z"},
      {"2016-11-02T12:34:34.1Z", "2016-11-02T12:34:34.100Z"},
      {"2016-11-02T12:34:34.123Z", "2016-11-02T12:34:34.123Z"},
      {"2016-11-02T12:34:34.123000Z", "2016-11-02T12:34:34.123Z"},
      {"2016-11-02T12:34:34.1234Z", "2016-11-02T12:34:34.123400Z"},
      {"2016-11-02T12:34:34.123456Z", "2016-11-02T12:34:34.123456Z"},
      {"2016-11-02T12:34:34.123456700Z", "2016-11-02T12:34:34.123456700Z"},
      {"2016-11-02T12:34:34.000000001Z", "2016-11-02T12:34:34.000000001Z"},
  };
  for (const auto& [in, out] : cases) {
    auto ts = ParseTimestamp(in);
    ASSERT_TRUE(ts.ok()) << in;
    EXPECT_EQ(FormatVersion(*ts), out) << in;
    auto back = ParseTimestamp(FormatVersion(*ts));
    ASSERT_TRUE(back.ok()) << in;
    EXPECT_EQ(*back, *ts) << in;
  }
}

}  // namespace
}  // namespace tessera
