#include "taxii/envelope.h"

#include <gtest/gtest.h>

namespace tessera::taxii {
namespace {

constexpr std::string_view kIndicator =
    R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","pattern":"[ file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' ]","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z"})";
// Breaks a rule: no pattern.
constexpr std::string_view kBadIndicator =
    R"({"type":"indicator","spec_version":"2.1","id":"indicator--11111111-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z"})";

TEST(Envelope, ReadsObjectsInOrderAndJudgesEachAlone) {
  const std::string body = "{\"more\":false,\"objects\":[" + std::string(kIndicator) + "," +
                           std::string(kBadIndicator) + "," + std::string(kIndicator) + "]}";
  auto env = ParseEnvelope(body);
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  ASSERT_EQ(env->size(), 3u);
  EXPECT_EQ((*env)[0].object.id, "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  EXPECT_EQ((*env)[0].object.type, "indicator");
  ASSERT_TRUE((*env)[0].object.modified);
  EXPECT_EQ((*env)[0].error, "");
  EXPECT_EQ((*env)[0].object.json, kIndicator);
  EXPECT_EQ((*env)[1].object.id, "indicator--11111111-17d4-4cbf-938f-98ee46b3cd3f");
  EXPECT_NE((*env)[1].error.find("pattern"), std::string::npos) << (*env)[1].error;
  EXPECT_EQ((*env)[2].error, "");
}

TEST(Envelope, KeepsCustomContentAndPropertyOrder) {
  const std::string obj =
      R"({"type":"x-acme-widget","id":"x-acme-widget--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","spec_version":"2.1","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","x_zeta":1,"x_alpha":{"beta":[1,2]}})";
  auto env = ParseEnvelope("{ \"objects\" : [ " + obj + " ] }");
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  ASSERT_EQ(env->size(), 1u);
  EXPECT_EQ((*env)[0].error, "");
  EXPECT_EQ((*env)[0].object.json, obj);
}

TEST(Envelope, EmptyListIsNothingToAdd) {
  auto env = ParseEnvelope(R"({"objects":[]})");
  ASSERT_TRUE(env.ok());
  EXPECT_TRUE(env->empty());
}

TEST(Envelope, RefusesWhatIsNotAnEnvelope) {
  for (std::string_view body :
       {"", "not json", "[]", "42", R"({"more":false})", R"({"objects":{}})", R"({"objects":[1]})",
        R"({"objects":[{"type":"indicator"},"x"]})",
        R"({"type":"bundle","id":"bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"})",
        R"({"objects":[]} trailing)"}) {
    auto env = ParseEnvelope(body);
    EXPECT_FALSE(env.ok()) << body;
    if (!env.ok()) {
      EXPECT_EQ(env.status().code(), ErrorCode::kInvalidArgument) << body;
    }
  }
  auto bundle = ParseEnvelope(
      R"({"type":"bundle","id":"bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","objects":[]})");
  ASSERT_FALSE(bundle.ok());
  EXPECT_NE(bundle.status().message().find("bundle"), std::string::npos);
}

TEST(Envelope, Limits) {
  EnvelopeLimits limits;
  limits.max_objects = 2;
  const std::string three = "{\"objects\":[" + std::string(kIndicator) + "," +
                            std::string(kIndicator) + "," + std::string(kIndicator) + "]}";
  auto env = ParseEnvelope(three, limits);
  ASSERT_FALSE(env.ok());
  EXPECT_EQ(env.status().code(), ErrorCode::kLimitExceeded);

  limits = {};
  limits.max_depth = 8;
  std::string deep =
      R"({"objects":[{"type":"x-a","id":"x-a--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","p":)";
  for (int i = 0; i < 20; ++i) deep += "[";
  for (int i = 0; i < 20; ++i) deep += "]";
  deep += "}]}";
  env = ParseEnvelope(deep, limits);
  ASSERT_FALSE(env.ok());
  EXPECT_EQ(env.status().code(), ErrorCode::kLimitExceeded);

  limits = {};
  limits.max_bytes = 100;
  env = ParseEnvelope(three, limits);
  ASSERT_FALSE(env.ok());
  EXPECT_EQ(env.status().code(), ErrorCode::kLimitExceeded);
}

TEST(Envelope, ReportsAFewErrorsPerObject) {
  // An object breaking many rules gets a bounded message.
  auto env = ParseEnvelope(
      R"({"objects":[{"type":"indicator","id":"bad","created":"x","modified":"y","valid_from":"z","pattern":1,"pattern_type":2}]})");
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  ASSERT_EQ(env->size(), 1u);
  EXPECT_FALSE((*env)[0].error.empty());
  EXPECT_LT((*env)[0].error.size(), 2000u);
}

}  // namespace
}  // namespace tessera::taxii
