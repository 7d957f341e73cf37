#include "stix/reader.h"

#include <gtest/gtest.h>

namespace tessera::stix {
namespace {

constexpr std::string_view kIndicator =
    R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",)"
    R"("created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z",)"
    R"("pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix",)"
    R"("valid_from":"2016-01-01T00:00:00Z","x_custom":{"keep":[1,2]}})";

TEST(Reader, ReadsABundleAndKeepsCustomProperties) {
  const std::string bundle =
      R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[)" +
      std::string(kIndicator) + "]}";
  auto doc = ReadDocument(bundle);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  ASSERT_EQ(doc->objects.size(), 1u);
  const Object& o = doc->objects[0];
  EXPECT_EQ(o.type, "indicator");
  EXPECT_EQ(o.id, "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  ASSERT_TRUE(o.Version().has_value());
  EXPECT_EQ(FormatTimestamp(*o.Version()), "2016-04-06T20:03:48.000Z");
  EXPECT_EQ(o.json, kIndicator);
}

TEST(Reader, ReadsNdjsonAndArrays) {
  const std::string nd = std::string(kIndicator) + "\n" + std::string(kIndicator) + "\n";
  auto doc = ReadDocument(nd);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->objects.size(), 2u);
  auto arr = ReadDocument("[" + std::string(kIndicator) + "]");
  ASSERT_TRUE(arr.ok());
  EXPECT_EQ(arr->objects.size(), 1u);
}

TEST(Reader, SyntaxErrorsAreStatusesWithAPosition) {
  auto doc = ReadDocument(R"({"type": "indicator", )");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(doc.status().message().find("byte"), std::string::npos) << doc.status().message();
}

TEST(Reader, IdMustMatchType) {
  auto doc = ReadDocument(
      R"({"type":"malware","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","spec_version":"2.1"})");
  ASSERT_TRUE(doc.ok());
  EXPECT_FALSE(doc->ok());
  ASSERT_FALSE(doc->problems.empty());
  EXPECT_EQ(doc->problems[0].path, "$.id");
}

TEST(Reader, BundleIdAndObjectsAreChecked) {
  for (const std::string bundle :
       {R"({"type":"bundle","id":"bundle--1234"})",
        R"({"type":"bundle","id":"indicator--5d0092c5-5f74-4287-9642-33f4c354e56d"})",
        R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[]})",
        R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":{}})"}) {
    auto doc = ReadDocument(bundle);
    ASSERT_TRUE(doc.ok()) << bundle;
    EXPECT_FALSE(doc->ok()) << bundle;
    ASSERT_EQ(doc->problems.size(), 1u) << bundle;
  }
  auto empty =
      ReadDocument(R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d"})");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->ok());
  EXPECT_TRUE(empty->objects.empty());
}

// Feeds ReadStream's output into counters, as import and the benchmarks consume it.
struct CountingSink : ReadSink {
  void OnObject(Object&& object, std::span<const Problem> problems) override {
    ids.push_back(object.id);
    object_problems += problems.size();
  }
  void OnProblem(Problem&& problem) override { other_problems.push_back(std::move(problem)); }
  std::vector<std::string> ids;
  size_t object_problems = 0;
  std::vector<Problem> other_problems;
};

TEST(Reader, StreamsLargeNdjsonInBatchesWithoutLosingOrDuplicatingObjects) {
  // More than one 4 MiB batch of records, with one record larger than a batch in the middle:
  // the reader must fall back to reading the input whole and hand over each object once.
  std::string text;
  size_t expected = 0;
  while (text.size() < (9u << 20)) {
    text += kIndicator;
    text += '\n';
    ++expected;
    if (expected == 5000) {
      std::string big =
          R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[)";
      for (int i = 0; i < 12000; ++i) {
        big += kIndicator;
        big += i + 1 < 12000 ? "," : "]}\n";
      }
      text += big;
      expected += 12000;
    }
  }
  CountingSink sink;
  auto summary = ReadStream(text, {}, sink);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->objects, expected);
  EXPECT_EQ(summary->invalid_objects, 0u);
  EXPECT_EQ(sink.ids.size(), expected);
  EXPECT_TRUE(sink.other_problems.empty());
}

TEST(Reader, ReportsATruncatedLastRecord) {
  const std::string text = std::string(kIndicator) + "\n" + std::string(kIndicator).substr(0, 40);
  auto doc = ReadDocument(text);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::stix
