#include "taxii/page_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace tessera::taxii {
namespace {

http::Response Answer(std::string body) {
  http::Response r = http::Response::Make(http::HttpStatus::ok, "application/taxii+json", body);
  r.headers.emplace_back("X-TAXII-Date-Added-First", "2026-11-28T00:00:00.000Z");
  return r;
}

TEST(PageCacheTest, GivesBackWhatWasPutUnderTheSameKeyOnly) {
  PageCache cache(1 << 20);
  EXPECT_EQ(cache.Find("a"), nullptr);
  cache.Put("a", Answer("first"));
  cache.Put("b", Answer("second"));
  auto a = cache.Find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->body, "first");
  EXPECT_EQ(a->Header("X-TAXII-Date-Added-First"), "2026-11-28T00:00:00.000Z");
  EXPECT_EQ(cache.Find("b")->body, "second");
  EXPECT_EQ(cache.Find("c"), nullptr);
  EXPECT_EQ(cache.entries(), 2u);
}

TEST(PageCacheTest, ReplacingAKeyKeepsOneEntryAndTheNewAnswer) {
  PageCache cache(1 << 20);
  cache.Put("a", Answer("old"));
  auto held = cache.Find("a");
  const size_t bytes = cache.bytes();
  cache.Put("a", Answer("new"));
  EXPECT_EQ(cache.entries(), 1u);
  EXPECT_EQ(cache.bytes(), bytes);
  EXPECT_EQ(cache.Find("a")->body, "new");
  EXPECT_EQ(held->body, "old");  // a caller still holding the old answer keeps it intact
}

TEST(PageCacheTest, StaysWithinItsBoundDroppingTheLeastRecentlyUsed) {
  const std::string body(1000, 'x');
  PageCache cache(16 * 1024);
  for (int i = 0; i < 10; ++i) cache.Put("k" + std::to_string(i), Answer(body));
  ASSERT_NE(cache.Find("k0"), nullptr);  // k0 is now the most recently used
  for (int i = 10; i < 40; ++i) {
    cache.Put("k" + std::to_string(i), Answer(body));
    ASSERT_LE(cache.bytes(), cache.max_bytes());
    ASSERT_NE(cache.Find("k0"), nullptr) << "evicted at " << i;  // used each time: kept
  }
  EXPECT_EQ(cache.Find("k1"), nullptr);   // least recently used: gone
  EXPECT_NE(cache.Find("k39"), nullptr);  // newest: kept
  EXPECT_LT(cache.entries(), 16u);
}

TEST(PageCacheTest, KeepsNothingWhenDisabledOrTheAnswerIsTooLarge) {
  PageCache off(0);
  off.Put("a", Answer("x"));
  EXPECT_EQ(off.Find("a"), nullptr);

  PageCache small(8 * 1024);
  small.Put("big", Answer(std::string(2000, 'x')));  // more than an eighth of the bound
  EXPECT_EQ(small.Find("big"), nullptr);
  EXPECT_EQ(small.bytes(), 0u);
}

}  // namespace
}  // namespace tessera::taxii
