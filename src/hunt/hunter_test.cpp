// HuntIndicatorsBuilder: what Offer keeps and how Build numbers it (the newest version of each id,
// numbers in id order whatever the input order), and the two ways a pattern reaches the index
// (pattern::SimpleComparisons, or pattern::Compile): both must hunt the same hits.

#include "hunt/hunter.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "common/json.h"
#include "hunt/log_reader.h"

namespace tessera::hunt {
namespace {

namespace json = boost::json;

std::string IndicatorId(size_t n) {
  char id[64];
  std::snprintf(id, sizeof id, "indicator--d0000000-0000-4000-8000-%012zu", n);
  return id;
}

// An indicator as a feed writes it; `markings` "" for none.
stix::Object Indicator(size_t n, const std::string& pattern,
                       const std::string& modified = "2024-01-01T00:00:00.000Z",
                       const std::string& markings = "") {
  json::object o;
  o["type"] = "indicator";
  o["spec_version"] = "2.1";
  o["id"] = IndicatorId(n);
  o["created"] = "2024-01-01T00:00:00.000Z";
  o["modified"] = modified;
  o["pattern"] = pattern;
  o["pattern_type"] = "stix";
  o["valid_from"] = "2020-01-01T00:00:00Z";
  if (!markings.empty()) o["object_marking_refs"] = json::array{json::string(markings)};
  stix::Object object;
  object.type = "indicator";
  object.id = IndicatorId(n);
  object.modified = ParseTimestamp(modified).value();
  object.json = json::serialize(o);
  return object;
}

const std::string kGreen = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";

// Zeek records carrying the values the patterns below name (ts 1714557600: 2024-05-01T10:00Z).
const char* const kLog =
    R"({"ts":1714557600,"uid":"C1","id.orig_h":"10.0.0.5","id.resp_h":"203.0.113.5","id.resp_p":4444}
{"ts":1714557601,"uid":"D1","id.orig_h":"10.0.0.5","id.resp_h":"10.0.0.1","query":"www.evil.example","answers":["198.51.100.23"]}
{"ts":1714557602,"uid":"H1","id.orig_h":"10.0.0.5","id.resp_h":"192.0.2.80","host":"EVIL.example","uri":"/dl/payload.exe"}
{"ts":1714557603,"fuid":"F1","md5":"d41d8cd98f00b204e9800998ecf8427e","sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}
{"ts":1714557604,"uid":"C2","id.orig_h":"2001:db8::9","id.resp_h":"2001:db8::5","id.resp_p":443}
{"ts":1714557605,"uid":"C3","id.orig_h":"10.0.0.5","id.resp_h":"203.0.113.200","id.resp_p":443}
{"ts":1714557606,"uid":"D2","id.orig_h":"10.0.0.5","id.resp_h":"10.0.0.1","query":"x.example","answers":["192.0.2.1"]}
)";

// Every reported hit of `indicators` on kLog, one comparable row each.
std::vector<std::string> Hunt(const HuntIndicators& indicators) {
  std::vector<std::string> rows;
  PatternEvaluator evaluator(indicators);
  const ReportCallback report = [&](const ReportedHit& h) {
    std::string row = std::to_string(h.place.line) + " " +
                      indicators.index().Indicator(h.indicator).id + " " +
                      std::string(DecisionName(h.decision));
    for (const HitMatch& m : h.matches) row += " " + m.field + "=" + m.value;
    for (const EventPlace& p : h.observations) row += " @" + std::to_string(p.line);
    rows.push_back(row);
  };
  auto reader = LogReader::FromString(kLog, LogFormat::kZeek);
  EXPECT_TRUE(reader.ok());
  if (!reader.ok()) return rows;
  const Timestamp t{};
  auto stats = HuntLog(**reader, indicators.index(), t,
                       [&](const Event& e, const Observable& o, const Hit& h) {
                         evaluator.OnHit("zeek", e, o, h, t, report);
                       });
  EXPECT_TRUE(stats.ok());
  EXPECT_EQ(stats->reader.malformed, 0u);
  evaluator.EndInput(report);
  return rows;
}

struct PatternCase {
  std::string pattern;
  bool compiled;  // compiled even when simple patterns are read without Compile
};

// Patterns SimpleComparisons reads (all their values indexed, or not), patterns of other forms,
// and broken ones.
const std::vector<PatternCase>& Patterns() {
  static const std::vector<PatternCase> cases = {
      {"[ipv4-addr:value = '203.0.113.5']", false},
      {"[domain-name:value = 'evil.example']", false},
      {"[ipv4-addr:value ISSUBSET '198.51.100.0/24']", false},
      {"[url:value = 'http://evil.example/dl/payload.exe']", false},
      {"[file:hashes.MD5 = 'D41D8CD98F00B204E9800998ECF8427E']", false},
      {"[file:hashes.'SHA-256' = '" + std::string(64, 'a') + "']", false},
      {"[ipv6-addr:value = '2001:db8::5' OR domain-name:value IN ('x.example', 'evil.example')]",
       false},
      {"[network-traffic:dst_ref.value = '203.0.113.200']", false},
      {"[x-acme-thing:'odd-name' = 'v']", false},
      // Read without Compile, but the index cannot decide them alone: compiled then.
      {"[ipv4-addr:value = '999.0.113.5' OR ipv4-addr:value = '192.0.2.80']", true},
      {"[network-traffic:dst_port = '4444' OR ipv4-addr:value = '203.0.113.5']", true},
      {"[ipv4-addr:value = '999.0.113.5']", true},
      // Other forms.
      {"[ipv4-addr:value = '203.0.113.5' AND network-traffic:dst_port = 4444]", true},
      {"[domain-name:value = 'evil.example'] FOLLOWEDBY [ipv4-addr:value = '192.0.2.80']", true},
      {"[network-traffic:dst_port = 443]", true},
      // Broken: skipped either way.
      {"[ipv4-addr:value = '203.0.113.5'", false},
      {"[file:hashes.MD5 = 'abc']", false},
      {"[file:hashes.'SHA3-256' = 'abc']", false},  // the index would take it; Compile does not
      {"[ipv4-addr:value ISSUBSET 'nowhere']", false},
  };
  return cases;
}

HuntIndicators Load(bool simple_patterns, bool own_thread = true) {
  HuntIndicatorsBuilder::Options options;
  options.simple_patterns = simple_patterns;
  options.own_thread = own_thread;
  HuntIndicatorsBuilder builder(options);
  const std::vector<PatternCase>& cases = Patterns();
  // Offered backwards: numbers follow ids, not the input.
  for (size_t i = cases.size(); i > 0; --i) {
    builder.Offer(
        Indicator(i, cases[i - 1].pattern, "2024-01-01T00:00:00.000Z", i % 2 ? kGreen : ""));
  }
  auto built = std::move(builder).Build();
  EXPECT_TRUE(built.ok()) << built.status().ToString();
  return std::move(built).value();
}

TEST(HuntIndicatorsBuilder, SimplePatternsHuntAsCompiledOnes) {
  const HuntIndicators simple = Load(true);
  const HuntIndicators compiled = Load(false);
  const IndicatorLoadStats& a = simple.stats();
  const IndicatorLoadStats& b = compiled.stats();
  EXPECT_EQ(a.offered, b.offered);
  EXPECT_EQ(a.loaded, b.loaded);
  EXPECT_EQ(a.skipped, b.skipped);
  EXPECT_EQ(a.skipped, 4u);
  EXPECT_EQ(a.evaluated, b.evaluated);
  EXPECT_EQ(a.never_hit, b.never_hit);
  ASSERT_EQ(a.skips.size(), b.skips.size());
  for (size_t i = 0; i < a.skips.size(); ++i) {
    EXPECT_EQ(a.skips[i].id, b.skips[i].id);
    EXPECT_EQ(a.skips[i].reason, b.skips[i].reason);
  }
  // The simple path was taken: only what the index cannot decide alone was compiled.
  size_t must_compile = 0;
  for (const PatternCase& c : Patterns()) must_compile += c.compiled;
  EXPECT_EQ(a.compiled, must_compile);
  EXPECT_EQ(b.compiled, b.loaded);
  ASSERT_EQ(simple.index().counts().indicators, a.loaded);
  EXPECT_EQ(simple.index().counts().atomics(), compiled.index().counts().atomics());
  for (uint32_t n = 0; n < a.loaded; ++n) {
    EXPECT_EQ(simple.index().Indicator(n).id, compiled.index().Indicator(n).id);
    EXPECT_EQ(simple.decision(n), compiled.decision(n)) << n;
    EXPECT_EQ(simple.restriction(n), compiled.restriction(n)) << n;
  }
  const std::vector<std::string> hits = Hunt(simple);
  EXPECT_EQ(hits, Hunt(compiled));
  EXPECT_GE(hits.size(), 12u);
}

// Offer's work on the builder's own thread or in Offer: the same indicators, numbers and hits.
TEST(HuntIndicatorsBuilder, OwnThreadLoadsWhatOfferLoads) {
  const HuntIndicators threaded = Load(true, true);
  const HuntIndicators inline_load = Load(true, false);
  EXPECT_EQ(threaded.stats().offered, inline_load.stats().offered);
  EXPECT_EQ(threaded.stats().loaded, inline_load.stats().loaded);
  EXPECT_EQ(threaded.stats().compiled, inline_load.stats().compiled);
  for (uint32_t n = 0; n < threaded.stats().loaded; ++n)
    EXPECT_EQ(threaded.index().Indicator(n).id, inline_load.index().Indicator(n).id);
  EXPECT_EQ(Hunt(threaded), Hunt(inline_load));
}

// Numbers in id order; the restriction is the markings (and kept extension) of the hunted version.
TEST(HuntIndicatorsBuilder, NumbersFollowIdsAndCarryTheRestriction) {
  const HuntIndicators built = Load(true);
  for (uint32_t n = 0; n + 1 < built.stats().loaded; ++n) {
    EXPECT_LT(built.index().Indicator(n).id, built.index().Indicator(n + 1).id);
  }
  EXPECT_EQ(built.index().Indicator(0).id, IndicatorId(1));
  EXPECT_EQ(built.restriction(0), R"({"object_marking_refs":[")" + kGreen + R"("]})");
  EXPECT_EQ(built.restriction(1), "");
}

// Of several versions of an id the newest is hunted, in any input order, with the origins of
// every offer of that version; an older version's values do not hit, and a newest version that
// cannot be hunted is skipped even when an older one could be.
TEST(HuntIndicatorsBuilder, NewestVersionWinsWhateverTheOrder) {
  const std::string v1 = "2024-01-01T00:00:00.000Z", v2 = "2024-02-01T00:00:00.000Z";
  struct Offered {
    stix::Object object;
    uint32_t origin;
  };
  std::vector<Offered> offers = {
      {Indicator(7, "[ipv4-addr:value = '198.51.100.23']", v1), 5},
      {Indicator(7, "[ipv4-addr:value = '203.0.113.5']", v2, kGreen), 3},
      {Indicator(7, "[ipv4-addr:value = '203.0.113.5']", v2, kGreen), 1},
      {Indicator(7, "[ipv4-addr:value = '203.0.113.5']", v2, kGreen), 3},
      {Indicator(2, "[domain-name:value = 'evil.example']", v1), HuntIndicatorsBuilder::kNoOrigin},
      {Indicator(2, "[domain-name:value = 'evil.example'", v2), 4},
      {Indicator(9, "[ipv4-addr:value = '192.0.2.80']", v2), 2},
  };
  auto load = [&](bool reversed) {
    HuntIndicatorsBuilder builder;
    if (reversed) {
      for (auto it = offers.rbegin(); it != offers.rend(); ++it)
        builder.Offer(stix::Object(it->object), it->origin);
    } else {
      for (const Offered& o : offers) builder.Offer(stix::Object(o.object), o.origin);
    }
    auto built = std::move(builder).Build();
    EXPECT_TRUE(built.ok());
    return std::move(built).value();
  };
  for (bool reversed : {false, true}) {
    SCOPED_TRACE(reversed ? "reversed" : "in order");
    const HuntIndicators built = load(reversed);
    EXPECT_EQ(built.stats().offered, offers.size());
    EXPECT_EQ(built.stats().loaded, 2u);
    ASSERT_EQ(built.stats().skips.size(), 1u);
    EXPECT_EQ(built.stats().skips[0].id, IndicatorId(2));
    EXPECT_EQ(built.index().Indicator(0).id, IndicatorId(7));
    EXPECT_EQ(built.index().Indicator(1).id, IndicatorId(9));
    const std::vector<uint32_t> origins(built.origins(0).begin(), built.origins(0).end());
    EXPECT_EQ(origins, (std::vector<uint32_t>{1, 3}));
    EXPECT_EQ(built.restriction(0), R"({"object_marking_refs":[")" + kGreen + R"("]})");
    const std::vector<std::string> hits = Hunt(built);
    const std::vector<std::string> want = {"1 " + IndicatorId(7) + " index id.resp_h=203.0.113.5",
                                           "3 " + IndicatorId(9) + " index id.resp_h=192.0.2.80"};
    EXPECT_EQ(hits, want);
  }
}

}  // namespace
}  // namespace tessera::hunt
