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

// #15 item 18: objects are kept exactly as posted (numbers and escapes as written, not
// re-serialized), or refused one by one with the path of the number that cannot be read; the
// envelope itself is not refused for a valid JSON number.
TEST(Envelope, KeepsNumbersAsWrittenOrRefusesTheObjectWithThePath) {
  auto with = [](std::string_view id, std::string_view extra) {
    std::string o(kIndicator);
    o.replace(o.find("8e2e2d2b"), 8, id);
    o.pop_back();
    return o + "," + std::string(extra) + "}";
  };
  const std::string exact = with("aaaaaaaa", R"("x_score":1.50E2,"x_note":"caf\u00e9 \/ ok")");
  const std::string huge = with("bbbbbbbb", R"("x_stats":{"n":[1,1e999999]})");
  const std::string wide = with("cccccccc", R"("x_big":123456789012345678901234567890)");
  const std::string many_digits = with("dddddddd", "\"x_long\":" + std::string(400, '7'));
  const std::string body = R"({"objects":[)" + exact + "," + huge + "," + wide + "," + many_digits +
                           "," + std::string(kIndicator) + "]}";
  auto env = ParseEnvelope(body);
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  ASSERT_EQ(env->size(), 5u);
  EXPECT_EQ((*env)[0].error, "");
  EXPECT_EQ((*env)[0].object.json, exact) << "1.50E2 and \\u00e9 stay as written";
  EXPECT_EQ((*env)[1].object.id, "indicator--bbbbbbbb-17d4-4cbf-938f-98ee46b3cd3f");
  EXPECT_NE((*env)[1].error.find("$.x_stats.n[1]"), std::string::npos) << (*env)[1].error;
  EXPECT_NE((*env)[1].error.find("number-range"), std::string::npos) << (*env)[1].error;
  EXPECT_NE((*env)[2].error.find("$.x_big"), std::string::npos) << (*env)[2].error;
  EXPECT_NE((*env)[3].error.find("$.x_long"), std::string::npos) << (*env)[3].error;
  EXPECT_EQ((*env)[4].error, "");
  EXPECT_EQ((*env)[4].object.json, kIndicator);
  // A malformed number is not JSON: the envelope is refused.
  EXPECT_EQ(ParseEnvelope(R"({"objects":[)" + with("eeeeeeee", R"("x":01)") + "]}").status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_FALSE(ParseEnvelope(R"({"objects":[],"objects":[)" + std::string(kIndicator) + "]}").ok());
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
