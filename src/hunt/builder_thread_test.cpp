// The hunt's indicators loaded as `tessera hunt --intel` loads them: the STIX reader on the
// caller's thread hands each indicator to HuntIndicatorsBuilder, whose own thread turns it into
// index entries (HuntIndicatorsBuilder::Options::own_thread). Labelled `tsan`: ThreadSanitizer
// runs this binary too (scripts/test), so a race between Offer and the builder's thread fails it,
// or between the two threads that build large index tables (ValueTables::Build).

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "hunt/hunter.h"
#include "hunt/indicator_index.h"
#include "hunt/session.h"

namespace tessera::hunt {
namespace {

constexpr size_t kIndicators = 6000;

std::string IndicatorId(size_t n) {
  char id[64];
  std::snprintf(id, sizeof id, "indicator--b0000000-0000-4000-8000-%012zu", n);
  return id;
}

// What indicator `n` looks for, as an observable of a log: an IPv4 address, a domain or a
// SHA-256 digest, in turn; `replaced` is the value of its newer version.
struct Value {
  ObservableKind kind;
  std::string text;
  std::string pattern;
};

Value ValueOf(size_t n, bool replaced = false) {
  char text[80];
  switch (n % 3) {
    case 0:
      std::snprintf(text, sizeof text, "10.%zu.%zu.%d", n / 256, n % 256, replaced ? 2 : 1);
      return {ObservableKind::kIpAddress, text, std::string("[ipv4-addr:value = '") + text + "']"};
    case 1:
      std::snprintf(text, sizeof text, "%s-%zu.example", replaced ? "new" : "host", n);
      return {ObservableKind::kDomainName, text,
              std::string("[domain-name:value = '") + text + "']"};
    default:
      std::snprintf(text, sizeof text, "%056zx%08x", n, replaced ? 2u : 1u);
      return {ObservableKind::kHash, text, std::string("[file:hashes.'SHA-256' = '") + text + "']"};
  }
}

std::string IndicatorJson(size_t n, const std::string& modified, const std::string& pattern) {
  return R"({"type":"indicator","spec_version":"2.1","id":")" + IndicatorId(n) +
         R"(","created":"2024-01-01T00:00:00.000Z","modified":")" + modified + R"(","pattern":")" +
         pattern + R"(","pattern_type":"stix","valid_from":"2020-01-01T00:00:00Z"})";
}

// A bundle of kIndicators indicators; every tenth also has a newer version with another value,
// offered before the older one for half of them (the newest wins whatever the order).
std::string IntelFile() {
  const std::string path = ::testing::TempDir() + "builder_thread_test.json";
  std::ofstream out(path, std::ios::trunc);
  out << R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[)";
  for (size_t n = 0; n < kIndicators; ++n) {
    const std::string older = IndicatorJson(n, "2024-01-01T00:00:00.000Z", ValueOf(n).pattern);
    if (n % 10 != 0) {
      out << (n == 0 ? "" : ",") << older;
      continue;
    }
    const std::string newer =
        IndicatorJson(n, "2024-02-01T00:00:00.000Z", ValueOf(n, true).pattern);
    out << (n == 0 ? "" : ",") << (n % 20 == 0 ? newer + "," + older : older + "," + newer);
  }
  out << "]}";
  return path;
}

// The ids of the indicators the index finds for `value`.
std::vector<std::string> Find(const HuntIndicators& indicators, const Value& value) {
  Observable o;
  o.kind = value.kind;
  o.value = value.text;
  LookupScratch scratch;
  std::vector<Hit> hits;
  (void)indicators.index().Lookup(o, ParseTimestamp("2024-06-01T00:00:00Z").value(), scratch, hits);
  std::vector<std::string> ids;
  for (const Hit& h : hits) ids.push_back(indicators.index().Indicator(h.indicator).id);
  return ids;
}

TEST(HuntIndicatorsBuilderThread, LoadsAFileOfThousandsAsTheIndexAnswers) {
  const std::string path = IntelFile();
  HuntIndicatorsBuilder builder;  // own_thread by default, as `tessera hunt` loads
  std::vector<SkippedIndicator> invalid;
  ASSERT_TRUE(OfferIntelFile(path, builder, invalid).ok());
  EXPECT_TRUE(invalid.empty());
  auto built = std::move(builder).Build();
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  const HuntIndicators& indicators = *built;
  EXPECT_EQ(indicators.stats().offered, kIndicators + kIndicators / 10);
  EXPECT_EQ(indicators.stats().loaded, kIndicators);
  EXPECT_EQ(indicators.stats().skipped, 0u);
  ASSERT_EQ(indicators.index().counts().indicators, kIndicators);
  for (uint32_t n = 0; n < kIndicators; ++n) {
    // Numbered in id order, whatever order the thread took them in.
    ASSERT_EQ(indicators.index().Indicator(n).id, IndicatorId(n));
    const std::vector<std::string> expected{IndicatorId(n)};
    if (n % 10 == 0) {
      EXPECT_EQ(Find(indicators, ValueOf(n, true)), expected) << n;
      EXPECT_TRUE(Find(indicators, ValueOf(n)).empty()) << "an older version hunted: " << n;
    } else {
      EXPECT_EQ(Find(indicators, ValueOf(n)), expected) << n;
    }
  }
  std::remove(path.c_str());
}

// A load given up half way (the file turned out broken, the hunt stopped): the builder's thread
// ends with it, whatever it still had to take.
TEST(HuntIndicatorsBuilderThread, ABuilderDroppedBeforeBuildStopsItsThread) {
  for (int round = 0; round < 20; ++round) {
    HuntIndicatorsBuilder builder;
    for (size_t n = 0; n < 300; ++n) {
      stix::Object o;
      o.type = "indicator";
      o.id = IndicatorId(n);
      o.modified = ParseTimestamp("2024-01-01T00:00:00Z").value();
      o.json = IndicatorJson(n, "2024-01-01T00:00:00.000Z", ValueOf(n).pattern);
      builder.Offer(std::move(o));
    }
  }
}

// Enough entries for the index tables to be built on two threads, with values shared by two
// indicators (postings of more than one) in both halves: domains on the calling thread,
// addresses and hashes on the second, whose postings are appended after the first's.
TEST(IndexTablesOnTwoThreads, FindEverySharedValue) {
  constexpr int kPairs = 30'000;  // 120,000 staged entries
  auto md5 = [](int k) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%032x", k);
    return std::string(buf);
  };
  auto address = [](int k) {
    return "10." + std::to_string(k >> 16) + "." + std::to_string((k >> 8) & 255) + "." +
           std::to_string(k & 255);
  };
  const Timestamp from = ParseTimestamp("2020-01-01T00:00:00Z").value();
  IndicatorIndexBuilder builder;
  for (int i = 0; i < 2 * kPairs; ++i) {
    const uint32_t n =
        builder.AddIndicator({IndicatorId(static_cast<size_t>(i)), from, std::nullopt, false})
            .value();
    const int k = i / 2;
    ASSERT_TRUE(
        builder.AddAtomic(n, "domain-name", "value", "d" + std::to_string(k) + ".example").ok());
    ASSERT_TRUE(builder.AddAtomic(n, "ipv4-addr", "value", address(k)).ok());
    ASSERT_TRUE(builder.AddAtomic(n, "file", "hashes.MD5", md5(k)).ok());
  }
  const IndicatorIndex index = std::move(builder).Build().value();
  LookupScratch scratch;
  std::vector<Hit> hits;
  auto find = [&](ObservableKind kind, const std::string& value) {
    Observable o;
    o.kind = kind;
    o.value = value;
    hits.clear();
    index.Lookup(o, ParseTimestamp("2024-06-01T00:00:00Z").value(), scratch, hits);
    std::vector<std::string> ids;
    for (const Hit& h : hits) ids.push_back(index.Indicator(h.indicator).id);
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  for (int k : {0, 1, 7777, kPairs / 2, kPairs - 1}) {
    const std::vector<std::string> pair{IndicatorId(static_cast<size_t>(2 * k)),
                                        IndicatorId(static_cast<size_t>(2 * k + 1))};
    EXPECT_EQ(find(ObservableKind::kDomainName, "d" + std::to_string(k) + ".example"), pair);
    EXPECT_EQ(find(ObservableKind::kIpAddress, address(k)), pair) << address(k);
    EXPECT_EQ(find(ObservableKind::kHash, md5(k)), pair) << md5(k);
  }
  EXPECT_TRUE(find(ObservableKind::kIpAddress, address(kPairs)).empty());
}

}  // namespace
}  // namespace tessera::hunt
