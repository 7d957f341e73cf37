// Evaluation cases as data: tests/data/pattern/eval-cases.json. Each case states the pattern, the
// observed-data, and the expected verdict and matching observed-data ids, written from the text
// of STIX 2.1 §9 before the evaluator ran them.
//
// A case gives its input either as "objects" (STIX objects as they would arrive) or as
// "observations", a shorthand expanded to observed-data with an embedded `objects` map:
//   {"id": "od-1", "first": "2020-01-01T00:00:00Z", "last": <default first>, "n": <default 1>,
//    "objects": {"0": {...SCO...}, ...}}

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "common/file.h"
#include "common/json.h"
#include "pattern/pattern.h"

namespace tessera::pattern {
namespace {

namespace json = boost::json;

std::string SourceDir() {
  const char* d = std::getenv("TESSERA_SOURCE_DIR");
  return d != nullptr ? d : ".";
}

std::vector<stix::Object> Objects(const json::object& c) {
  std::vector<stix::Object> out;
  auto add = [&](const json::object& o) {
    stix::Object obj;
    obj.type = std::string(o.at("type").as_string());
    if (const json::value* id = o.if_contains("id")) obj.id = std::string(id->as_string());
    obj.json = json::serialize(o);
    out.push_back(std::move(obj));
  };
  if (const json::value* objects = c.if_contains("objects")) {
    for (const json::value& o : objects->as_array()) add(o.as_object());
  }
  if (const json::value* observations = c.if_contains("observations")) {
    for (const json::value& v : observations->as_array()) {
      const json::object& s = v.as_object();
      json::object od;
      od["type"] = "observed-data";
      od["id"] = s.at("id");
      od["first_observed"] = s.at("first");
      od["last_observed"] = s.contains("last") ? s.at("last") : s.at("first");
      od["number_observed"] = s.contains("n") ? s.at("n") : json::value(1);
      od["objects"] = s.at("objects");
      add(od);
    }
  }
  return out;
}

// Runs one case: Match over all its observed-data and, where the pattern is one observation
// expression and the case one observed-data, MatchesOne (the hunt's fast path) too, which must
// give the same verdict. A case with "error": true expects an evaluation error naming the
// observed-data (and MatchesOne to report it as well).
void RunCase(const json::object& c) {
  const std::string name(c.at("name").as_string());
  const std::string pattern(c.at("pattern").as_string());
  SCOPED_TRACE(name + ": " + pattern);
  auto p = Compile(pattern);
  ASSERT_TRUE(p.ok()) << p.status().message();
  auto set = ObservationSet::FromObjects(Objects(c));
  ASSERT_TRUE(set.ok()) << set.status().message();
  const MatchResult r = p->Match(*set);
  const bool error = c.contains("error") && c.at("error").as_bool();
  if (error) {
    EXPECT_GT(r.error_count, 0u);
    ASSERT_FALSE(r.errors.empty());
    EXPECT_EQ(r.errors.front().observed_data_id, set->observations().front().id);
  } else {
    EXPECT_EQ(r.error_count, 0u) << (r.errors.empty() ? "" : r.errors.front().reason);
    EXPECT_EQ(r.matched, c.at("match").as_bool());
    std::vector<std::string> expected;
    if (const json::value* ids = c.if_contains("ids")) {
      for (const json::value& id : ids->as_array()) expected.emplace_back(id.as_string());
      EXPECT_EQ(r.observed_data_ids, expected);
    }
  }
  EXPECT_FALSE(r.truncated);
  if (p->IsSingleObservation() && set->observations().size() == 1) {
    std::vector<EvaluationError> errors;
    const bool one = p->MatchesOne(set->observations().front(), &errors);
    EXPECT_EQ(one, error ? false : c.at("match").as_bool()) << "MatchesOne disagrees";
    EXPECT_EQ(errors.empty(), !error) << "MatchesOne reports errors differently";
  }
}

json::value ReadCases(const std::string& file) {
  auto text = ReadInput(SourceDir() + "/tests/data/pattern/" + file);
  EXPECT_TRUE(text.ok()) << text.status().message();
  auto cases = ParseJson(text.ok() ? *text : "null");
  EXPECT_TRUE(cases.ok()) << cases.status().message();
  return cases.ok() ? *cases : json::value();
}

TEST(PatternEvaluation, CasesFromTheStandard) {
  const json::value cases = ReadCases("eval-cases.json");
  ASSERT_TRUE(cases.is_array());
  for (const json::value& v : cases.as_array()) RunCase(v.as_object());
  EXPECT_GE(cases.as_array().size(), 60u);
}

// tests/data/pattern/eval-rules.json: the evaluation rules of STIX 2.1 §9 as the reference
// evaluator applies them, one group per rule, each naming its section.
TEST(PatternEvaluation, RulesOfTheStandard) {
  const json::value rules = ReadCases("eval-rules.json");
  ASSERT_TRUE(rules.is_object());
  size_t n = 0;
  for (const json::value& g : rules.at("groups").as_array()) {
    SCOPED_TRACE(std::string(g.at("section").as_string()));
    for (const json::value& v : g.at("cases").as_array()) {
      RunCase(v.as_object());
      ++n;
    }
  }
  EXPECT_GE(n, 50u);
}

TEST(PatternEvaluation, MatchesOneDecidesSingleObservations) {
  auto p = Compile("[ipv4-addr:value ISSUBSET '10.0.0.0/8']");
  ASSERT_TRUE(p.ok());
  json::object sco;
  sco["type"] = "ipv4-addr";
  sco["value"] = "10.1.2.3";
  Observation obs;
  obs.objects.emplace_back("0", &sco);
  EXPECT_TRUE(p->MatchesOne(obs));
  sco["value"] = "11.1.2.3";
  EXPECT_FALSE(p->MatchesOne(obs));
  auto q = Compile("[ipv4-addr:value = '10.1.2.3'] REPEATS 2 TIMES");
  ASSERT_TRUE(q.ok());
  EXPECT_FALSE(q->IsSingleObservation());
  EXPECT_FALSE(q->MatchesOne(obs));
}

TEST(PatternEvaluation, RegexBoundIsReportedNotFatal) {
  auto p = Compile("[file:name MATCHES '^(a+)+$']");
  ASSERT_TRUE(p.ok());
  json::object sco;
  sco["type"] = "file";
  sco["name"] = std::string(5000, 'a') + "b";
  Observation obs;
  obs.objects.emplace_back("0", &sco);
  EXPECT_FALSE(p->MatchesOne(obs));
}

// Qualifier time constraints are applied while matches are gathered, so that the per-node bound
// is not used up by candidates a qualifier drops anyway.
TEST(PatternEvaluation, QualifiersFilterBeforeTheBound) {
  std::vector<stix::Object> objects;
  for (int i = 0; i < 40; ++i) {
    stix::Object o;
    o.type = "observed-data";
    o.id = "od-" + std::to_string(i);
    const std::string ts =
        FormatTimestamp(Timestamp{1'600'000'000 + i * 100, 0}, TimePrecision::kSeconds);
    const std::string sco =
        i % 2 == 0 ? R"({"type":"file","name":"a"})" : R"({"type":"process","name":"b"})";
    o.json = R"({"type":"observed-data","id":")" + o.id + R"(","first_observed":")" + ts +
             R"(","last_observed":")" + ts + R"(","number_observed":1,"objects":{"0":)" + sco +
             "}}";
    objects.push_back(std::move(o));
  }
  auto set = ObservationSet::FromObjects(objects);
  ASSERT_TRUE(set.ok()) << set.status().message();
  Limits limits;
  limits.max_matches_per_node = 5;
  // 20 files; only the last two lie in the window.
  auto p = Compile("[file:name = 'a'] START t'2020-09-13T13:26:40Z' STOP t'2020-09-13T13:31:00Z'",
                   limits);
  ASSERT_TRUE(p.ok()) << p.status().message();
  MatchResult r = p->Match(*set);
  EXPECT_TRUE(r.matched);
  EXPECT_EQ(r.observed_data_ids, (std::vector<std::string>{"od-36", "od-38"}));
  EXPECT_FALSE(r.truncated);
  // 20 x 20 ordered pairs, of which only neighbours (100 s apart) fit WITHIN 150 SECONDS: 20
  // pairs, more than the bound of 5, so the bound is reached but every pair is near in time.
  p = Compile("([file:name = 'a'] FOLLOWEDBY [process:name = 'b']) WITHIN 150 SECONDS", limits);
  ASSERT_TRUE(p.ok());
  r = p->Match(*set);
  EXPECT_TRUE(r.matched);
  EXPECT_EQ(r.observed_data_ids.size(), 10u);  // the first 5 pairs
  EXPECT_TRUE(r.truncated);
  limits.max_matches_per_node = 100;
  p = Compile("([file:name = 'a'] FOLLOWEDBY [process:name = 'b']) WITHIN 150 SECONDS", limits);
  ASSERT_TRUE(p.ok());
  r = p->Match(*set);
  EXPECT_EQ(r.observed_data_ids.size(), 40u);
  EXPECT_FALSE(r.truncated);
}

TEST(PatternEvaluation, ObservedDataNeedsItsTimes) {
  stix::Object od;
  od.type = "observed-data";
  od.id = "observed-data--1";
  od.json = R"({"type":"observed-data","id":"observed-data--1","number_observed":1,)"
            R"("last_observed":"2020-01-01T00:00:00Z","object_refs":[]})";
  auto set = ObservationSet::FromObjects({od});
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.status().message().find("first_observed"), std::string::npos);
  od.json = R"({"type":"observed-data","id":"observed-data--1","number_observed":1,)"
            R"("first_observed":"2020-01-01T00:00:00Z","last_observed":"2020-01-01T00:00:00Z",)"
            R"("object_refs":["file--missing"]})";
  set = ObservationSet::FromObjects({od});
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.status().message().find("file--missing"), std::string::npos);
}

}  // namespace
}  // namespace tessera::pattern
