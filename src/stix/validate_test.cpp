// Runs the cases of tests/data/stix/rules.json: each object must produce exactly the listed
// errors and warnings (rule and JSON path), no more, no fewer.

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <string>
#include <tuple>

#include "common/file.h"
#include "common/json.h"
#include "stix/reader.h"
#include "stix/types.h"

namespace tessera::stix {
namespace {

using Key = std::tuple<std::string, std::string, std::string>;  // severity, rule, path

std::string SourceDir() {
  const char* dir = std::getenv("TESSERA_SOURCE_DIR");
  return dir != nullptr ? dir : ".";
}

TEST(Validate, RuleCases) {
  auto text = ReadInput(SourceDir() + "/tests/data/stix/rules.json");
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  auto data = ParseJson(*text);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  const auto& cases = data->at("cases").as_array();
  ASSERT_GT(cases.size(), 90u);
  for (const auto& c : cases) {
    const std::string name(c.at("name").as_string());
    SCOPED_TRACE(name);
    const auto& obj = c.at("object").as_object();
    // "text", when given, is read instead of "object" (which then says what it means): for
    // input a JSON value cannot hold, such as duplicate keys.
    const auto* raw = c.as_object().if_contains("text");
    auto doc =
        ReadDocument(raw != nullptr ? std::string(raw->as_string()) : boost::json::serialize(obj));
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    ASSERT_EQ(doc->objects.size(), 1u);
    std::set<Key> expected, actual;
    for (const auto& e : c.at("errors").as_array()) {
      expected.emplace("error", e.at("rule").as_string(), e.at("path").as_string());
    }
    for (const auto& w : c.at("warnings").as_array()) {
      expected.emplace("warning", w.at("rule").as_string(), w.at("path").as_string());
    }
    std::string listing;
    for (const Problem& p : doc->problems) {
      actual.emplace(std::string(SeverityName(p.severity)), p.rule, p.path);
      listing += std::string(SeverityName(p.severity)) + " " + p.rule + " " + p.path + ": " +
                 p.message + "\n";
      if (const auto* id = obj.if_contains("id")) {
        EXPECT_EQ(p.object_id, std::string(id->as_string()));
      }
      EXPECT_FALSE(p.message.empty());
    }
    EXPECT_EQ(actual, expected) << listing;
    EXPECT_EQ(doc->ok(), c.at("errors").as_array().empty());
  }
}

TEST(Validate, StrictTurnsWarningsIntoErrors) {
  const std::string obj =
      R"({"type":"identity","spec_version":"2.1","id":"identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",)"
      R"("created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","name":"A",)"
      R"("identity_class":"company"})";
  auto lax = ReadDocument(obj);
  ASSERT_TRUE(lax.ok());
  EXPECT_TRUE(lax->ok());
  ASSERT_EQ(lax->problems.size(), 1u);
  EXPECT_EQ(lax->problems[0].severity, Severity::kWarning);
  auto strict = ReadDocument(obj, ReadOptions{.strict = true});
  ASSERT_TRUE(strict.ok());
  EXPECT_FALSE(strict->ok());
  EXPECT_EQ(strict->problems[0].severity, Severity::kError);
}

TEST(Validate, MissingPropertyMessageNamesTheProperty) {
  auto doc = ReadDocument(
      R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",)"
      R"("modified":"2016-04-06T20:03:48.000Z","pattern":"[x:y = 1]","pattern_type":"stix",)"
      R"("valid_from":"2016-01-01T00:00:00Z"})");
  ASSERT_TRUE(doc.ok());
  ASSERT_EQ(doc->problems.size(), 1u);
  EXPECT_EQ(doc->problems[0].object_id, "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  EXPECT_EQ(doc->problems[0].path, "$.created");
  EXPECT_NE(doc->problems[0].message.find("'created'"), std::string::npos);
}

TEST(Validate, BundleInsideBundleIsRejected) {
  auto doc = ReadDocument(
      R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[)"
      R"({"type":"bundle","id":"bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}]})");
  ASSERT_TRUE(doc.ok());
  EXPECT_FALSE(doc->ok());
}

std::string IndicatorWith(const std::string& extra) {
  return R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",)"
         R"("created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z",)"
         R"("pattern":"[x:y = 1]","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z",)" +
         extra + "}";
}

TEST(Validate, SelectorResolutionIsBounded) {
  // 100,000 labels and 20,000 selectors to the last one: quadratic without a bound.
  std::string labels = R"("labels":[)";
  for (int i = 0; i < 100000; ++i) labels += i == 0 ? "\"a\"" : ",\"a\"";
  labels += "]";
  std::string selectors =
      R"("granular_markings":[{"marking_ref":"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da","selectors":[)";
  for (int i = 0; i < 20000; ++i)
    selectors += i == 0 ? "\"labels.[99999]\"" : ",\"labels.[99999]\"";
  selectors += "]}]";
  auto doc = ReadDocument(IndicatorWith(labels + "," + selectors));
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_FALSE(doc->ok());
  ASSERT_EQ(doc->problems.size(), 1u);
  EXPECT_EQ(doc->problems[0].rule, "limit-exceeded");
}

TEST(Validate, ProblemsPerObjectAreBounded) {
  std::string bad;
  for (int i = 0; i < 3000; ++i)
    bad += (i ? "," : "") + std::string("\"_p") + std::to_string(i) + "\":1";
  auto doc = ReadDocument(IndicatorWith(bad));
  ASSERT_TRUE(doc.ok());
  EXPECT_FALSE(doc->ok());
  ASSERT_EQ(doc->problems.size(), 1001u);
  EXPECT_EQ(doc->problems.back().rule, "too-many-problems");
}

}  // namespace
}  // namespace tessera::stix

namespace tessera::stix {
namespace {

// What `tessera export --type indicatr` suggests: the STIX 2.1 type a typo is close to.
TEST(StixTypes, ClosestTypeSuggestsTheOneATypoMeant) {
  EXPECT_EQ(ClosestStixType("indicatr"), "indicator");
  EXPECT_EQ(ClosestStixType("Indicator"), "indicator") << "case is ignored";
  EXPECT_EQ(ClosestStixType("ipv4addr"), "ipv4-addr");
  EXPECT_EQ(ClosestStixType("relationshp"), "relationship");
  EXPECT_EQ(ClosestStixType("x-acme-widget"), "") << "a custom type far from every STIX one";
  EXPECT_EQ(ClosestStixType(""), "");
  EXPECT_EQ(ClosestStixType(std::string(1000, 'a')), "");
}

}  // namespace
}  // namespace tessera::stix
