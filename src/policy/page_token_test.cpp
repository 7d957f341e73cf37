#include "policy/page_token.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <set>

namespace tessera::policy {
namespace {

PageTokenKey TestKey(uint8_t fill) {
  PageTokenKey key;
  key.fill(fill);
  return key;
}

TEST(PageToken, RoundTripsUnderItsBinding) {
  ASSERT_GE(sodium_init(), 0);
  const PageTokenSealer sealer(TestKey(1));
  for (PageCursor c : {PageCursor{0, 1}, PageCursor{99, 100}, PageCursor{1, 1LL << 40},
                       PageCursor{(1LL << 62) - 1, (1LL << 62)}}) {
    const std::string token = sealer.Seal(c, "reader 7 query x");
    EXPECT_EQ(token.size(), 76u);
    EXPECT_EQ(
        token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos)
        << token;
    auto back = sealer.Open(token, "reader 7 query x");
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, c);
  }
}

// #15.5: a token minted for one reader or query is refused for another, and one made with
// another key (a forgery) is refused.
TEST(PageToken, RefusesAnotherBindingAndAnotherKey) {
  ASSERT_GE(sodium_init(), 0);
  const PageTokenSealer sealer(TestKey(1));
  const std::string token = sealer.Seal({5, 10}, "org:7|coll-a|type=indicator");
  EXPECT_TRUE(sealer.Open(token, "org:7|coll-a|type=indicator").ok());
  for (std::string_view other : {"org:8|coll-a|type=indicator", "org:7|coll-b|type=indicator",
                                 "org:7|coll-a|type=malware", ""}) {
    auto opened = sealer.Open(token, other);
    ASSERT_FALSE(opened.ok()) << other;
    EXPECT_EQ(opened.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(opened.status().message().find("next"), std::string::npos);
  }
  const PageTokenSealer forger(TestKey(2));
  EXPECT_FALSE(sealer.Open(forger.Seal({5, 10}, "b"), "b").ok());
}

TEST(PageToken, RejectsGarbageAndEveryChangedCharacter) {
  ASSERT_GE(sodium_init(), 0);
  const PageTokenSealer sealer(TestKey(3));
  const std::string good = sealer.Seal({5, 10}, "b");
  EXPECT_FALSE(sealer.Open("", "b").ok());
  EXPECT_FALSE(sealer.Open("abc", "b").ok());
  EXPECT_FALSE(sealer.Open(good.substr(0, good.size() - 1), "b").ok());
  EXPECT_FALSE(sealer.Open(good + "A", "b").ok());
  std::string bad_char = good;
  bad_char[3] = '=';
  EXPECT_FALSE(sealer.Open(bad_char, "b").ok());
  for (size_t i = 0; i < good.size(); ++i) {
    std::string changed = good;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(sealer.Open(changed, "b").ok()) << "position " << i;
  }
  // The old plain form (base64 of two seqs and a check) is not a token.
  EXPECT_FALSE(sealer.Open("AQAAAAAAAAACAAAAAAAAAAOJ9dbf", "b").ok());
}

// #15.5: the token does not show the store-wide seqs it carries: each token is fresh (a nonce
// never used before), and its bytes do not hold them. Nor does the nonce count the tokens the
// server sealed: consecutive nonces share no 8-byte run.
TEST(PageToken, ContentTellsNothing) {
  ASSERT_GE(sodium_init(), 0);
  const PageTokenSealer sealer(TestKey(4));
  const PageCursor c{0x0102030405, 0x0a0b0c0d0e};
  std::set<std::string> seen;
  std::string previous_nonce;
  for (int i = 0; i < 50; ++i) {
    const std::string token = sealer.Seal(c, "b");
    EXPECT_TRUE(seen.insert(token).second) << "two tokens alike";
    std::string raw(57, '\0');
    size_t len = 0;
    ASSERT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(),
                                token.data(), token.size(), nullptr, &len, nullptr,
                                sodium_base64_VARIANT_URLSAFE_NO_PADDING),
              0);
    const std::string nonce = raw.substr(1, 24);
    for (size_t at = 0; !previous_nonce.empty() && at + 8 <= nonce.size(); at += 8) {
      EXPECT_NE(nonce.substr(at, 8), previous_nonce.substr(at, 8)) << "nonce bytes " << at;
    }
    previous_nonce = nonce;
    for (uint64_t seq : {uint64_t(c.after_seq), uint64_t(c.up_to_seq)}) {
      std::string be(8, '\0');
      for (int b = 0; b < 8; ++b) be[7 - b] = static_cast<char>((seq >> (8 * b)) & 0xff);
      EXPECT_EQ(raw.find(be.substr(3)), std::string::npos) << "a seq in clear in " << token;
    }
  }
}

}  // namespace
}  // namespace tessera::policy
