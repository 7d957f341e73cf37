#include "http/media_type.h"

#include <gtest/gtest.h>

namespace tessera::http {
namespace {

MediaType Taxii() { return *ParseMediaType("application/taxii+json;version=2.1"); }

TEST(ParseMediaTypeTest, LowercasesNamesAndUnquotesValues) {
  auto mt = ParseMediaType("Application/TAXII+JSON ; Version=\"2.1\"");
  ASSERT_TRUE(mt.ok()) << mt.status().ToString();
  EXPECT_EQ(mt->type, "application");
  EXPECT_EQ(mt->subtype, "taxii+json");
  ASSERT_NE(mt->Param("version"), nullptr);
  EXPECT_EQ(*mt->Param("version"), "2.1");
  EXPECT_EQ(mt->Param("charset"), nullptr);
}

TEST(ParseMediaTypeTest, RejectsMalformedTypes) {
  for (const char* bad : {"", "application", "application/", "/json", "a/b;c", "a/b;=x",
                          "a/b;c=\"x", "*/*", "text/*", "a b/c"}) {
    EXPECT_FALSE(ParseMediaType(bad).ok()) << bad;
  }
}

TEST(ParseAcceptTest, ReadsRangesWithWeightsAndDropsMalformedOnes) {
  auto ranges = ParseAccept("text/html, application/*;q=0.5, bogus, */*;q=0.1;ext=1");
  ASSERT_EQ(ranges.size(), 3u);
  EXPECT_EQ(ranges[0].range.subtype, "html");
  EXPECT_DOUBLE_EQ(ranges[0].q, 1.0);
  EXPECT_EQ(ranges[1].range.subtype, "*");
  EXPECT_DOUBLE_EQ(ranges[1].q, 0.5);
  EXPECT_DOUBLE_EQ(ranges[2].q, 0.1);
  EXPECT_TRUE(ranges[2].range.params.empty());  // ext comes after q: not a range parameter
  EXPECT_TRUE(ParseAccept("a/b;q=2").empty());
  EXPECT_TRUE(ParseAccept("a/b;q=0.12345").empty());
}

TEST(ParseAcceptTest, KeepsCommasInsideQuotedStrings) {
  auto ranges = ParseAccept("a/b;x=\"1,2\", c/d");
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(*ranges[0].range.Param("x"), "1,2");
}

TEST(ParseAcceptTest, BoundsTheNumberOfRanges) {
  std::string many;
  for (size_t i = 0; i < kMaxAcceptRanges + 10; ++i) many += "a/b,";
  EXPECT_EQ(ParseAccept(many).size(), kMaxAcceptRanges);
}

TEST(AcceptWeightTest, MatchesTheTaxiiMediaType) {
  const MediaType taxii = Taxii();
  EXPECT_DOUBLE_EQ(AcceptWeight("", taxii), 1.0);
  EXPECT_DOUBLE_EQ(AcceptWeight("application/taxii+json;version=2.1", taxii), 1.0);
  EXPECT_DOUBLE_EQ(AcceptWeight("application/taxii+json", taxii), 1.0);
  EXPECT_DOUBLE_EQ(AcceptWeight("*/*", taxii), 1.0);
  EXPECT_DOUBLE_EQ(AcceptWeight("application/*;q=0.3", taxii), 0.3);
  EXPECT_DOUBLE_EQ(AcceptWeight("application/json", taxii), 0.0);
  EXPECT_DOUBLE_EQ(AcceptWeight("application/taxii+json;version=2.0", taxii), 0.0);
  EXPECT_DOUBLE_EQ(AcceptWeight("text/html, application/stix+json;version=2.1", taxii), 0.0);
}

TEST(AcceptWeightTest, TheMostSpecificRangeDecides) {
  const MediaType taxii = Taxii();
  // Explicitly refused, even though */* would take anything.
  EXPECT_DOUBLE_EQ(AcceptWeight("application/taxii+json;version=2.1;q=0, */*", taxii), 0.0);
  EXPECT_DOUBLE_EQ(AcceptWeight("*/*;q=0, application/taxii+json;q=0.7", taxii), 0.7);
  EXPECT_DOUBLE_EQ(
      AcceptWeight("application/taxii+json;q=0.2, application/taxii+json;version=2.1", taxii), 1.0);
}

}  // namespace
}  // namespace tessera::http
