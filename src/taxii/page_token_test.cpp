#include "taxii/page_token.h"

#include <gtest/gtest.h>

namespace tessera::taxii {
namespace {

TEST(PageToken, RoundTrips) {
  for (PageCursor c : {PageCursor{0, 1}, PageCursor{99, 100}, PageCursor{1, 1LL << 40},
                       PageCursor{(1LL << 62) - 1, (1LL << 62)}}) {
    const std::string token = EncodePageToken(c);
    EXPECT_EQ(token.size(), 28u);
    EXPECT_EQ(
        token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos)
        << token;
    auto back = DecodePageToken(token);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, c);
  }
}

TEST(PageToken, RejectsGarbage) {
  const std::string good = EncodePageToken({5, 10});
  EXPECT_FALSE(DecodePageToken("").ok());
  EXPECT_FALSE(DecodePageToken("abc").ok());
  EXPECT_FALSE(DecodePageToken(good.substr(0, 27)).ok());
  EXPECT_FALSE(DecodePageToken(good + "A").ok());
  std::string bad_char = good;
  bad_char[3] = '=';
  EXPECT_FALSE(DecodePageToken(bad_char).ok());
  // Every single-character change is caught by the check.
  for (size_t i = 0; i < good.size(); ++i) {
    std::string changed = good;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(DecodePageToken(changed).ok()) << "position " << i;
  }
  auto st = DecodePageToken("not-a-token");
  EXPECT_EQ(st.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(st.status().message().find("next"), std::string::npos);
}

TEST(PageToken, RejectsInconsistentCursors) {
  // Well-formed and checked, but a cursor this server never issues.
  EXPECT_FALSE(DecodePageToken(EncodePageToken({10, 10})).ok());
  EXPECT_FALSE(DecodePageToken(EncodePageToken({11, 10})).ok());
  EXPECT_FALSE(DecodePageToken(EncodePageToken({0, 0})).ok());
  EXPECT_FALSE(DecodePageToken(EncodePageToken({-1, 10})).ok());
}

}  // namespace
}  // namespace tessera::taxii
