// Data-driven tests of pattern evaluation in hunting (hunt/hunter.h PatternEvaluator): each case
// of tests/data/hunt/patterns/cases.json loads its indicator patterns, hunts its logs (Zeek, or
// the `format` a log names) in order and compares the exact list of reported hits (one per event
// and indicator, with the fields the index matched), with how each was decided and, for window
// matches, the events of the match.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "common/file.h"
#include "common/json.h"
#include "hunt/hunter.h"
#include "hunt/log_reader.h"
#include "stix/object.h"

namespace tessera::hunt {
namespace {

namespace json = boost::json;

std::string DataDir() {
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  return std::string(src ? src : TESSERA_SOURCE_DIR_DEFAULT) + "/tests/data/hunt/patterns/";
}

const json::array& Cases() {
  static json::value* cases = [] {
    auto text = ReadInput(DataDir() + "cases.json");
    EXPECT_TRUE(text.ok()) << text.status().ToString();
    auto v = ParseJson(text.ok() ? *text : "{}");
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return new json::value(v.ok() ? *v : json::value());
  }();
  static const json::array empty;
  if (!cases->is_object() || !cases->as_object().contains("cases")) return empty;
  return cases->at("cases").as_array();
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  for (const json::value& c : Cases()) names.emplace_back(c.at("name").as_string());
  return names;
}

const json::object& CaseNamed(const std::string& name) {
  for (const json::value& c : Cases()) {
    if (c.at("name").as_string() == name) return c.as_object();
  }
  static const json::object none;
  return none;
}

std::string IndicatorId(size_t n) {
  char id[64];
  std::snprintf(id, sizeof id, "indicator--c0000000-0000-4000-8000-%012zu", n);
  return id;
}

stix::Object Indicator(size_t n, const std::string& pattern) {
  json::object o;
  o["type"] = "indicator";
  o["spec_version"] = "2.1";
  o["id"] = IndicatorId(n);
  o["created"] = "2024-01-01T00:00:00.000Z";
  o["modified"] = "2024-01-01T00:00:00.000Z";
  o["pattern"] = pattern;
  o["pattern_type"] = "stix";
  o["valid_from"] = "2020-01-01T00:00:00Z";
  stix::Object object;
  object.type = "indicator";
  object.id = IndicatorId(n);
  object.modified = ParseTimestamp("2024-01-01T00:00:00.000Z").value();
  object.json = json::serialize(o);
  return object;
}

// [log, line, [fields], indicator number, decided_by, (observations)] as one comparable string.
std::string Row(const std::string& log, uint64_t line, const std::vector<std::string>& fields,
                size_t indicator, std::string_view decided_by,
                const std::vector<std::string>& observations) {
  std::string row = log + ":" + std::to_string(line) + " {";
  for (size_t i = 0; i < fields.size(); ++i) row += (i ? " " : "") + fields[i];
  row += "} #" + std::to_string(indicator) + " " + std::string(decided_by);
  if (!observations.empty()) {
    row += " [";
    for (size_t i = 0; i < observations.size(); ++i) row += (i ? " " : "") + observations[i];
    row += "]";
  }
  return row;
}

class HuntPatternTest : public ::testing::TestWithParam<std::string> {};

TEST_P(HuntPatternTest, ReportsExactlyTheExpectedHits) {
  const json::object& c = CaseNamed(GetParam());
  ASSERT_FALSE(c.empty()) << GetParam();
  SCOPED_TRACE(std::string(c.at("about").as_string()));

  HuntIndicatorsBuilder builder;
  const json::array& patterns = c.at("patterns").as_array();
  for (size_t i = 0; i < patterns.size(); ++i) {
    builder.Offer(Indicator(i + 1, std::string(patterns[i].as_string())));
  }
  auto built = std::move(builder).Build();
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  ASSERT_EQ(built->stats().loaded, patterns.size())
      << (built->stats().skips.empty() ? "" : built->stats().skips[0].reason);
  // Indicator numbers follow ids, which follow the order of the patterns here.
  auto number_of = [&](uint32_t indicator) {
    const std::string id = built->index().Indicator(indicator).id;
    for (size_t n = 1; n <= patterns.size(); ++n) {
      if (IndicatorId(n) == id) return n;
    }
    return size_t{0};
  };

  PatternEvaluator evaluator(*built);
  std::vector<std::string> got;
  const ReportCallback report = [&](const ReportedHit& h) {
    std::vector<std::string> observations;
    for (const EventPlace& p : h.observations) {
      observations.push_back(p.source + ":" + std::to_string(p.line));
    }
    std::vector<std::string> fields;
    for (const HitMatch& m : h.matches) fields.push_back(m.field);
    got.push_back(Row(h.place.source, h.place.line, fields, number_of(h.indicator),
                      DecisionName(h.decision), observations));
  };
  const Timestamp default_time = ParseTimestamp("2024-05-01T12:00:00Z").value();
  for (const json::value& log : c.at("logs").as_array()) {
    const std::string name(log.at("name").as_string());
    std::string text;
    for (const json::value& line : log.at("lines").as_array()) {
      text += json::serialize(line) + "\n";
    }
    const json::value* format_name = log.as_object().if_contains("format");
    const std::optional<LogFormat> format =
        format_name ? LogFormatFromName(format_name->as_string()) : LogFormat::kZeek;
    ASSERT_TRUE(format.has_value()) << name;
    auto reader = LogReader::FromString(text, *format);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    auto stats = HuntLog(**reader, built->index(), default_time,
                         [&](const Event& e, const Observable& o, const Hit& h) {
                           evaluator.OnHit(name, e, o, h, default_time, report);
                         });
    ASSERT_TRUE(stats.ok()) << stats.status().ToString();
    EXPECT_EQ(stats->reader.malformed, 0u) << name;
    evaluator.EndInput(report);
  }

  std::vector<std::string> want;
  for (const json::value& e : c.at("expect").as_array()) {
    const json::array& a = e.as_array();
    std::vector<std::string> observations;
    if (a.size() > 5) {
      for (const json::value& o : a[5].as_array()) observations.emplace_back(o.as_string());
    }
    std::vector<std::string> fields;
    for (const json::value& f : a[2].as_array()) fields.emplace_back(f.as_string());
    want.push_back(Row(std::string(a[0].as_string()), a[1].to_number<uint64_t>(), fields,
                       a[3].to_number<size_t>(), a[4].as_string(), observations));
  }
  EXPECT_EQ(got, want);
}

// `n` Zeek conn.log lines, one a second, each a connection to 198.51.100.77.
std::string ConnLinesTo77(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) {
    text += R"({"ts":)" + std::to_string(1714557600 + i) +
            R"(,"uid":"C","id.orig_h":"10.0.0.5","id.resp_h":"198.51.100.77"})" + "\n";
  }
  return text;
}

// Hunts `text` (Zeek) as conn.log through `evaluator`, events without a time at the epoch.
void HuntConnLog(const HuntIndicators& built, const std::string& text, PatternEvaluator& evaluator,
                 const ReportCallback& report) {
  auto reader = LogReader::FromString(text, LogFormat::kZeek);
  ASSERT_TRUE(reader.ok());
  const Timestamp t{};
  auto stats =
      HuntLog(**reader, built.index(), t, [&](const Event& e, const Observable& o, const Hit& h) {
        evaluator.OnHit("conn.log", e, o, h, t, report);
      });
  ASSERT_TRUE(stats.ok());
  evaluator.EndInput(report);
}

// The window bound: with room for two observations, REPEATS 3 TIMES can never complete; the
// oldest observation is pushed out for each new one, and counted.
TEST(HuntPatternWindow, FullWindowPushesOutTheOldest) {
  HuntIndicatorsBuilder builder;
  builder.Offer(Indicator(1, "[ipv4-addr:value = '198.51.100.77'] REPEATS 3 TIMES"));
  auto built = std::move(builder).Build();
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  ASSERT_EQ(built->decision(0), Decision::kWindow);
  const std::string text = ConnLinesTo77(5);
  auto run = [&](size_t max_window, uint64_t* dropped) {
    PatternEvaluator evaluator(*built, PatternEvaluator::Options{max_window});
    size_t hits = 0;
    const ReportCallback report = [&](const ReportedHit&) { ++hits; };
    HuntConnLog(*built, text, evaluator, report);
    EXPECT_EQ(evaluator.stats().candidates, 5u);
    *dropped = evaluator.stats().dropped;
    return hits;
  };
  uint64_t dropped = 0;
  EXPECT_EQ(run(2, &dropped), 0u);
  EXPECT_EQ(dropped, 3u);
  EXPECT_EQ(run(3, &dropped), 1u);  // the third event completes; the window starts over
  EXPECT_EQ(dropped, 0u);
}

// Evaluation errors (pattern::EvaluationError) are counted per indicator, with the first one and
// where it was met; the evaluation is no match and the hunt goes on with the other indicators.
TEST(HuntPatternErrors, AreCountedPerIndicatorAndTheHuntGoesOn) {
  HuntIndicatorsBuilder builder;
  builder.Offer(Indicator(1, "[ipv4-addr:value IN ('198.51.100.77', 5)]"));
  builder.Offer(Indicator(2, "[ipv4-addr:value = '198.51.100.77']"));
  builder.Offer(Indicator(
      3, "[ipv4-addr:value = '198.51.100.77' AND ipv4-addr:value > t'2020-01-01T00:00:00Z']"));
  auto built = std::move(builder).Build();
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  ASSERT_EQ(built->stats().loaded, 3u);
  // The mixed set is indexed for pre-selection but left to the evaluator, as Pattern::Match would.
  EXPECT_EQ(built->decision(0), Decision::kEvent);
  EXPECT_EQ(built->decision(1), Decision::kIndex);
  EXPECT_EQ(built->decision(2), Decision::kEvent);
  PatternEvaluator evaluator(*built);
  std::vector<std::string> hits;
  const ReportCallback report = [&](const ReportedHit& h) {
    hits.push_back(built->index().Indicator(h.indicator).id);
  };
  HuntConnLog(*built, ConnLinesTo77(3), evaluator, report);
  EXPECT_EQ(hits, std::vector<std::string>(3, IndicatorId(2)));
  const auto& errors = evaluator.stats().errors;
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].indicator_id, IndicatorId(1));
  EXPECT_EQ(errors[0].evaluations, 3u);
  EXPECT_EQ(errors[0].first_place.source, "conn.log");
  EXPECT_EQ(errors[0].first_place.line, 1u);
  EXPECT_EQ(errors[0].first, "ipv4-addr:value: the IN set mixes constants of different types");
  EXPECT_EQ(errors[1].indicator_id, IndicatorId(3));
  EXPECT_EQ(errors[1].evaluations, 3u);
  EXPECT_NE(errors[1].first.find("ipv4-addr:value: compared with a timestamp: '198.51.100.77'"),
            std::string::npos)
      << errors[1].first;
}

// Issue #11 §3: every indicator the hunt cannot hit is named once, with why, whether it is skipped
// (its pattern does not compile) or loaded with nothing the index serves; the others are not.
TEST(HuntIndicatorsSkips, NamesEachIndicatorThatCannotHitOnce) {
  HuntIndicatorsBuilder builder;
  builder.Offer(Indicator(1, "[ipv4-addr:value = '203.0.113.5']"));
  builder.Offer(Indicator(2, "[ipv4-addr:value = '203.0.113.5'"));
  builder.Offer(Indicator(3, "[ipv4-addr:value = '999.0.113.5']"));
  builder.Offer(Indicator(3, "[ipv4-addr:value = '999.0.113.5']"));  // the same version again
  builder.Offer(Indicator(4, "[file:name LIKE '%.scr']"));
  auto built = std::move(builder).Build();
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  const IndicatorLoadStats& stats = built->stats();
  EXPECT_EQ(stats.skipped, 1u);
  EXPECT_EQ(stats.never_hit, 2u);
  ASSERT_EQ(stats.skips.size(), 3u);
  EXPECT_EQ(stats.skips[0].id, IndicatorId(2));
  EXPECT_EQ(stats.skips[0].reason,
            "pattern: position 32: expected ']' or AND/OR in the comparison expression, found end "
            "of pattern");
  EXPECT_EQ(stats.skips[1].id, IndicatorId(3));
  EXPECT_EQ(stats.skips[1].reason.rfind("nothing the index serves: ipv4-addr:value = "
                                        "'999.0.113.5': ",
                                        0),
            0u)
      << stats.skips[1].reason;
  EXPECT_EQ(stats.skips[2].id, IndicatorId(4));
  EXPECT_EQ(stats.skips[2].reason,
            "nothing the index serves: file:name LIKE '%.scr': LIKE is not indexed");
}

INSTANTIATE_TEST_SUITE_P(Cases, HuntPatternTest, ::testing::ValuesIn(CaseNames()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

}  // namespace
}  // namespace tessera::hunt
