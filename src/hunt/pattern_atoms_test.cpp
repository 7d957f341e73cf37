#include "hunt/pattern_atoms.h"

#include <gtest/gtest.h>

namespace tessera::hunt {
namespace {

struct Built {
  IndicatorIndex index;
  std::vector<PatternAtoms> atoms;
};

// One indicator per pattern, numbered in order.
Built Build(const std::vector<std::string>& patterns) {
  IndicatorIndexBuilder b;
  std::vector<PatternAtoms> atoms;
  int n = 0;
  for (const std::string& text : patterns) {
    auto p = pattern::Compile(text);
    EXPECT_TRUE(p.ok()) << text << ": " << p.status().ToString();
    char id[64];
    std::snprintf(id, sizeof id, "indicator--00000000-0000-4000-8000-%012d", ++n);
    uint32_t ind = b.AddIndicator({id, Timestamp{}, std::nullopt, false}).value();
    auto a = AddPatternAtoms(b, ind, *p);
    EXPECT_TRUE(a.ok());
    atoms.push_back(*a);
  }
  return {std::move(b).Build().value(), atoms};
}

std::vector<uint32_t> Find(const IndicatorIndex& index, ObservableKind kind, std::string_view value,
                           std::string_view object_path = {}) {
  Observable o;
  o.kind = kind;
  o.value = value;
  o.object_path = object_path;
  LookupScratch scratch;
  std::vector<Hit> hits;
  index.Lookup(o, Timestamp{1'700'000'000, 0}, scratch, hits);
  std::vector<uint32_t> out;
  for (const Hit& h : hits) out.push_back(h.indicator);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(PatternAtomsTest, IndexableComparisonsFromCompiledPatterns) {
  Built b = Build({
      "[domain-name:value = 'evil.example']",
      "[ipv4-addr:value ISSUBSET '198.51.100.0/24'] OR [url:value = 'http://evil.example/x']",
      "[file:hashes.'SHA-256' = '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f' "
      "OR "
      "file:hashes.MD5 = '44d88612fea8a8f36de82e1278abb02f']",
      "[network-traffic:dst_port IN (4444, 31337) AND network-traffic:dst_ref.value = "
      "'203.0.113.66']",
      "[domain-name:value LIKE '%.evil.example']",
      "[email-message:from_ref.value = 'ceo@payroll.example'] WITHIN 10 SECONDS",
  });
  const auto& a = b.atoms;
  EXPECT_EQ(a[0].indexed, 1u);
  EXPECT_TRUE(a[0].complete);
  EXPECT_EQ(a[1].indexed, 2u);
  EXPECT_FALSE(a[1].complete);  // two observation expressions: not a single [...]
  EXPECT_EQ(a[2].indexed, 2u);
  EXPECT_TRUE(a[2].complete);
  EXPECT_EQ(a[3].indexed, 3u);  // two ports and an address
  EXPECT_FALSE(a[3].complete);  // AND: the pattern engine decides
  EXPECT_EQ(a[4].indexed, 0u);
  EXPECT_EQ(a[4].skipped, 1u);
  EXPECT_NE(a[4].first_problem.find("LIKE"), std::string::npos) << a[4].first_problem;
  EXPECT_FALSE(a[4].complete);
  EXPECT_EQ(a[5].indexed, 1u);
  EXPECT_FALSE(a[5].complete);  // a qualifier

  using V = std::vector<uint32_t>;
  EXPECT_EQ(Find(b.index, ObservableKind::kDomainName, "a.evil.example"), V{0});
  EXPECT_EQ(Find(b.index, ObservableKind::kIpAddress, "198.51.100.9"), V{1});
  EXPECT_EQ(Find(b.index, ObservableKind::kUrl, "HTTP://EVIL.example:80/x"), V{1});
  EXPECT_EQ(Find(b.index, ObservableKind::kHash, "44D88612FEA8A8F36DE82E1278ABB02F"), V{2});
  EXPECT_EQ(Find(b.index, ObservableKind::kOther, "31337", "network-traffic:dst_port"), V{3});
  EXPECT_EQ(Find(b.index, ObservableKind::kEmailAddress, "CEO@payroll.example"), V{5});
}

// Events carry ports and process ids as integers: a constant of the other type can never equal
// them (STIX 2.1 §9.6.1), so the index leaves it out rather than hit where the evaluator would
// not; an IN mixing types is indexed but left to the evaluator, which reports the error.
TEST(PatternAtomsTest, ConstantsOfAnotherTypeThanTheEventValueAreLeftOut) {
  struct Case {
    std::string pattern;
    size_t indexed;
    bool complete;
  };
  const std::vector<Case> cases = {
      {"[network-traffic:dst_port = '4444']", 0, false},
      {"[network-traffic:dst_port = 4444]", 1, true},
      {"[process:pid IN ('12', 'x')]", 1, false},  // 'x' only: a pid of digits is an integer
      {"[domain-name:value IN ('evil.example', 7)]", 1, false},  // mixed: left to the evaluator
  };
  std::vector<std::string> patterns;
  for (const Case& c : cases) patterns.push_back(c.pattern);
  Built b = Build(patterns);
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].pattern);
    EXPECT_EQ(b.atoms[i].indexed, cases[i].indexed);
    EXPECT_EQ(b.atoms[i].complete, cases[i].complete);
  }
  EXPECT_NE(b.atoms[3].first_problem.find("different types"), std::string::npos)
      << b.atoms[3].first_problem;
}

TEST(PatternAtomsTest, PathsAndUnregisteredIndicators) {
  auto p = pattern::Compile(
      "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = 'EvilBot/1.0' "
      "OR "
      "email-message:to_refs[*].value = 'a@b.example']");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(IndexPath(p->Comparisons()[0].path),
            "extensions.http-request-ext.request_header.User-Agent");
  EXPECT_EQ(IndexPath(p->Comparisons()[1].path), "to_refs[*].value");
  IndicatorIndexBuilder b;
  EXPECT_EQ(AddPatternAtoms(b, 0, *p).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::hunt
