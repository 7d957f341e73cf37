#include "hunt/indicator_index.h"

#include <gtest/gtest.h>

namespace tessera::hunt {
namespace {

Timestamp T(const char* text) { return ParseTimestamp(text).value(); }

std::string Id(int n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "indicator--00000000-0000-4000-8000-%012d", n);
  return buf;
}

class IndexTest : public ::testing::Test {
 protected:
  uint32_t Ind(int n, const char* from = "2020-01-01T00:00:00Z", const char* until = nullptr,
               bool revoked = false) {
    IndicatorRef ref{Id(n), T(from), until ? std::optional<Timestamp>(T(until)) : std::nullopt,
                     revoked};
    return builder_.AddIndicator(ref).value();
  }
  void Build() { index_.emplace(std::move(builder_).Build().value()); }
  std::vector<std::string> Find(ObservableKind kind, std::string_view value,
                                AddressRole role = AddressRole::kAny,
                                const char* at = "2024-06-01T00:00:00Z") {
    Observable o;
    o.kind = kind;
    o.role = role;
    o.value = value;
    hits_.clear();
    last_ = index_->Lookup(o, T(at), scratch_, hits_);
    std::vector<std::string> ids;
    for (const Hit& h : hits_) ids.push_back(index_->Indicator(h.indicator).id.substr(35));
    return ids;
  }

  IndicatorIndexBuilder builder_;
  std::optional<IndicatorIndex> index_;
  LookupScratch scratch_;
  std::vector<Hit> hits_;
  LookupResult last_;
};

using V = std::vector<std::string>;

// Nested ranges: each range that holds the address hits, longest first, for as long as its
// indicator is active (STIX ISSUBSET holds for each of them).
TEST_F(IndexTest, EveryRangeThatHoldsTheAddressHits) {
  uint32_t wide = Ind(1);
  uint32_t narrow = Ind(2, "2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z");
  uint32_t widest = Ind(3);
  ASSERT_TRUE(
      builder_.AddAtomic(wide, "ipv4-addr", "value", "198.51.100.0/24", AtomicOp::kIsSubset).ok());
  ASSERT_TRUE(builder_.AddAtomic(narrow, "ipv4-addr", "value", "198.51.100.128/25").ok());
  ASSERT_TRUE(
      builder_.AddAtomic(widest, "ipv4-addr", "value", "198.51.0.0/16", AtomicOp::kIsSubset).ok());
  Build();
  EXPECT_EQ(
      Find(ObservableKind::kIpAddress, "198.51.100.200", AddressRole::kAny, "2024-01-15T00:00:00Z"),
      (V{"000000000002", "000000000001", "000000000003"}));
  ASSERT_EQ(hits_.size(), 3u);
  EXPECT_EQ(FormatIpPrefix(hits_[0].prefix), "198.51.100.128/25");
  EXPECT_EQ(FormatIpPrefix(hits_[1].prefix), "198.51.100.0/24");
  EXPECT_EQ(FormatIpPrefix(hits_[2].prefix), "198.51.0.0/16");
  // The narrow range's indicator has expired: the others still hit.
  EXPECT_EQ(Find(ObservableKind::kIpAddress, "198.51.100.200"),
            (V{"000000000001", "000000000003"}));
  EXPECT_EQ(Find(ObservableKind::kIpAddress, "198.51.101.1"), V{"000000000003"});
  EXPECT_EQ(Find(ObservableKind::kIpAddress, "198.52.0.1"), V{});
}

TEST_F(IndexTest, RolesAndSharedValues) {
  uint32_t a = Ind(1), b = Ind(2), c = Ind(3);
  ASSERT_TRUE(builder_.AddAtomic(a, "network-traffic", "dst_ref.value", "203.0.113.5").ok());
  ASSERT_TRUE(builder_.AddAtomic(b, "ipv4-addr", "value", "203.0.113.5").ok());
  ASSERT_TRUE(builder_.AddAtomic(c, "ipv4-addr", "value", "203.0.113.5").ok());
  Build();
  EXPECT_EQ(Find(ObservableKind::kIpAddress, "203.0.113.5", AddressRole::kSource),
            (V{"000000000002", "000000000003"}));
  EXPECT_EQ(Find(ObservableKind::kIpAddress, "203.0.113.5", AddressRole::kDestination),
            (V{"000000000002", "000000000003", "000000000001"}));
}

TEST_F(IndexTest, RejectsWhatCannotBeIndexed) {
  uint32_t a = Ind(1);
  EXPECT_FALSE(builder_.AddAtomic(a, "ipv4-addr", "value", "300.1.1.1").ok());
  EXPECT_FALSE(builder_.AddAtomic(a, "file", "hashes.'SHA-256'", "abcd").ok());
  EXPECT_FALSE(
      builder_.AddAtomic(a, "domain-name", "value", "evil.example", AtomicOp::kIsSubset).ok());
  EXPECT_FALSE(builder_.AddAtomic(7, "domain-name", "value", "evil.example").ok());
  EXPECT_FALSE(
      builder_.AddIndicator({"malware--00000000-0000-4000-8000-000000000001", {}, {}, false}).ok());
  EXPECT_FALSE(builder_.AddAllowlistEntry("not a value").ok());
  EXPECT_FALSE(builder_.AddAllowlist("# comment\n10.0.0.0/8\n\nbad entry here\n").ok());
}

TEST_F(IndexTest, AddDeduplicatesIndicatorsById) {
  AtomicIndicator x{"domain-name",
                    "value",
                    "a.example",
                    AtomicOp::kEqual,
                    {Id(9), T("2020-01-01T00:00:00Z"), {}, false}};
  ASSERT_TRUE(builder_.Add(x).ok());
  x.value = "b.example";
  ASSERT_TRUE(builder_.Add(x).ok());
  Build();
  EXPECT_EQ(index_->counts().indicators, 1u);
  EXPECT_EQ(index_->counts().domains, 2u);
  EXPECT_EQ(Find(ObservableKind::kDomainName, "x.b.example"), V{"000000000009"});
  EXPECT_EQ(hits_[0].matched, "b.example");
}

TEST_F(IndexTest, CompactPerIndicator) {
  // 20,000 indicators of one domain each: the built index stays well under 100 bytes each.
  for (int i = 0; i < 20000; ++i) {
    uint32_t n = Ind(i);
    ASSERT_TRUE(
        builder_.AddAtomic(n, "domain-name", "value", "host" + std::to_string(i) + ".example.net")
            .ok());
  }
  Build();
  EXPECT_LT(index_->MemoryBytes() / 20000, 100u);
  EXPECT_EQ(Find(ObservableKind::kDomainName, "www.host1234.example.net"), V{"000000001234"});
}

// Renumber: indicators registered as they come get their final numbers at the end; a dropped
// one's values hit nothing and are not counted.
TEST_F(IndexTest, RenumberMovesAndDropsIndicators) {
  const uint32_t a = Ind(1), b = Ind(2), c = Ind(3);
  ASSERT_TRUE(builder_.AddAtomic(a, "domain-name", "value", "a.example").ok());
  ASSERT_TRUE(builder_.AddAtomic(b, "ipv4-addr", "value", "198.51.100.0/24").ok());
  ASSERT_TRUE(builder_.AddAtomic(b, "url", "value", "http://b.example/x").ok());
  ASSERT_TRUE(builder_.AddAtomic(c, "file", "hashes.MD5", std::string(32, 'c')).ok());
  // Not a numbering: too short, a number twice, a number past the kept count.
  const uint32_t drop = IndicatorIndexBuilder::kDropped;
  EXPECT_FALSE(builder_.Renumber({1, 0}).ok());
  EXPECT_FALSE(builder_.Renumber({0, 0, drop}).ok());
  EXPECT_FALSE(builder_.Renumber({2, 0, drop}).ok());
  ASSERT_TRUE(builder_.Renumber({1, drop, 0}).ok());
  Build();
  EXPECT_EQ(index_->counts().indicators, 2u);
  EXPECT_EQ(index_->counts().addresses, 0u);
  EXPECT_EQ(index_->counts().urls, 0u);
  EXPECT_EQ(index_->counts().domains, 1u);
  EXPECT_EQ(index_->counts().hashes, 1u);
  EXPECT_EQ(index_->Indicator(0).id, Id(3));
  EXPECT_EQ(index_->Indicator(1).id, Id(1));
  EXPECT_EQ(Find(ObservableKind::kDomainName, "www.a.example"),
            std::vector<std::string>{"000000000001"});
  ASSERT_EQ(hits_.size(), 1u);
  EXPECT_EQ(hits_[0].indicator, 1u);
  EXPECT_EQ(Find(ObservableKind::kHash, std::string(32, 'c')),
            std::vector<std::string>{"000000000003"});
  EXPECT_TRUE(Find(ObservableKind::kIpAddress, "198.51.100.7").empty());
  EXPECT_TRUE(Find(ObservableKind::kUrl, "http://b.example/x").empty());
}

}  // namespace
}  // namespace tessera::hunt
