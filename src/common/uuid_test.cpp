#include "common/uuid.h"

#include <gtest/gtest.h>

namespace tessera {
namespace {

TEST(Uuid, V5MatchesRfc4122Reference) {
  // RFC 4122 Appendix C DNS namespace; "python.org" is the example in Python's uuid docs.
  const Uuid dns = Uuid::Parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8").value();
  EXPECT_EQ(Uuid::V5(dns, "python.org").ToString(), "886313e1-3b8a-5372-9b90-0c9aee199e5d");
}

TEST(Uuid, V4IsRandomVersion4) {
  const Uuid a = Uuid::V4(), b = Uuid::V4();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.version(), 4);
  EXPECT_TRUE(a.IsRfc4122Variant());
}

TEST(Uuid, ParsesAndRejects) {
  auto u = Uuid::Parse("8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->ToString(), "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  EXPECT_FALSE(Uuid::Parse("8e2e2d2b17d44cbf938f98ee46b3cd3f").ok());
  EXPECT_FALSE(Uuid::Parse("8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3g").ok());
  EXPECT_FALSE(Uuid::Parse("").ok());
}

}  // namespace
}  // namespace tessera
