#include "stix/reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "stix/tlp.h"

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

// With full_text, each object carries the words ReadFullText reads from its JSON (the store's
// index gets the same words whichever way they came); without, none.
TEST(Reader, ReadsTheFullTextOnlyWhenAsked) {
  const std::string objects =
      R"([{"type":"threat-actor","spec_version":"2.1","id":"threat-actor--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",)"
      R"("created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z",)"
      R"("name":"Sp\u00e9cial \"Bear\"","description":"","labels":["a","","b"],"aliases":["X"]},)" +
      std::string(kIndicator) + "]";
  ReadOptions with;
  with.full_text = true;
  auto doc = ReadDocument(objects, with);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  ASSERT_EQ(doc->objects.size(), 2u);
  for (const Object& o : doc->objects) {
    ASSERT_TRUE(o.text.has_value()) << o.id;
    const FullText again = ReadFullText(o.json);
    EXPECT_EQ(o.text->name(), again.name());
    EXPECT_EQ(o.text->description(), again.description());
    EXPECT_EQ(o.text->labels(), again.labels());
    EXPECT_EQ(o.text->aliases(), again.aliases());
  }
  const FullText& actor = *doc->objects[0].text;
  EXPECT_EQ(actor.name(),
            "Sp\xc3\xa9"
            "cial \"Bear\"");
  EXPECT_EQ(actor.description(), "");
  EXPECT_EQ(actor.labels(), "a\nb");
  EXPECT_EQ(actor.aliases(), "X");
  EXPECT_TRUE(doc->objects[1].text->empty());
  auto without = ReadDocument(objects);
  ASSERT_TRUE(without.ok());
  for (const Object& o : without->objects) EXPECT_FALSE(o.text.has_value()) << o.id;
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

// Everything a sink receives, in order, to compare two reads of one input.
struct RecordingSink : ReadSink {
  void OnObject(Object&& object, std::span<const Problem> problems) override {
    std::string line = "object " + object.type + " " + object.id + " " + object.json;
    for (const Problem& p : problems) line += " | " + p.path + " " + p.rule;
    objects.push_back(std::move(line));
  }
  void OnProblem(Problem&& p) override {
    other.push_back(p.object_id + " " + p.path + " " + p.rule + " " + p.message);
  }
  std::vector<std::string> objects;
  std::vector<std::string> other;  // compared as a set: a bundle read in parts reports last
};

class TempFile {
 public:
  explicit TempFile(std::string_view content) {
    path_ = ::testing::TempDir() + "reader_test_XXXXXX";
    const int fd = ::mkstemp(path_.data());
    EXPECT_GE(fd, 0);
    EXPECT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    ::close(fd);
  }
  ~TempFile() { ::unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string Bundle(std::string_view objects,
                   std::string_view id = "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d") {
  return R"({"type":"bundle","id":")" + std::string(id) + R"(","objects":[)" +
         std::string(objects) + "]}";
}

// Reading a file a window at a time, with windows far smaller than its values (so that bundles
// and lists are read element by element, and objects alone), hands the sink what reading the
// whole text at once does: the same objects with the same problems in the same order, the same
// problems of the input itself, the same summary or the same kind of error.
TEST(Reader, ReadsAFileInSmallWindowsAsItReadsTheWholeText) {
  const std::string ind(kIndicator);
  const std::string bad_id = R"({"type":"indicator","id":"indicator--nope"})";
  const std::string big_number =
      R"({"type":"x-big","id":"x-big--5d0092c5-5f74-4287-9642-33f4c354e56d","spec_version":"2.1","n":123456789012345678901234567890})";
  const std::string inputs[] = {
      ind + "\n" + ind + "\n" + bad_id + "\n",
      Bundle(ind + "," + bad_id + " ,\n " + ind),
      "  \n" + Bundle(ind + "," + ind),
      "[" + ind + ", " + bad_id + "]",
      "[]",
      Bundle(""),
      Bundle(ind, "bundle--1234"),
      // The objects before the bundle's type and id.
      R"({"objects":[)" + ind + "," + ind +
          R"(],"id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","type":"bundle"})",
      R"({"spec_version":"2.1","objects":[)" + ind + R"(],"type":"bundle","id":"bundle--1"})",
      Bundle(ind + ", 5, \"text\", null, [1,2], " + ind),
      Bundle(ind + "," + big_number + "," + ind),
      big_number + "\n" + ind + "\n",
      Bundle(ind) + "\n" + Bundle(bad_id) + "\n" + ind,
      // A bundle inside a bundle is an object of type bundle there.
      Bundle(Bundle(ind)),
      R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":{"a":1}})",
      // A second 'objects' before the list: a malformed bundle, none of its objects handed over.
      R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":null,)"
      R"("objects":[)" +
          ind + "," + bad_id + "," + ind + "]}",
      R"({"objects":7,"objects":[)" + ind + "," + ind +
          R"(],"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d"})",
      R"({"type":"note","id":"note--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[1,2,3],"x":")" +
          std::string(300, 'y') + R"("})",
      // Not JSON, in several places.
      Bundle(ind + "," + ind.substr(0, 50)),
      Bundle(ind + ",," + ind),
      Bundle(ind + " " + ind),
      ind + "\n" + ind.substr(0, 100),
      ind + "\n{\"type\": tru}\n",
      "",
      "   ",
      R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[)" + ind,
      Bundle(ind) + "]",
  };
  for (const std::string& input : inputs) {
    RecordingSink whole;
    auto expected = ReadStream(input, {}, whole);
    const TempFile file(input);
    for (size_t window : {64, 100, 333, 4096}) {
      SCOPED_TRACE("window " + std::to_string(window) + ": " + input.substr(0, 120));
      ReadOptions options;
      options.window_bytes = window;
      RecordingSink parts;
      auto got = ReadFile(file.path(), options, parts);
      ASSERT_EQ(got.ok(), expected.ok()) << (got.ok() ? expected : got).status().ToString();
      if (!expected.ok()) {
        EXPECT_EQ(got.status().code(), expected.status().code())
            << got.status().ToString() << " / " << expected.status().ToString();
        continue;
      }
      EXPECT_EQ(got->objects, expected->objects);
      EXPECT_EQ(got->invalid_objects, expected->invalid_objects);
      EXPECT_EQ(parts.objects, whole.objects);
      std::sort(parts.other.begin(), parts.other.end());
      std::sort(whole.other.begin(), whole.other.end());
      if (parts.other != whole.other) {
        // A bundle read in parts says that its duplicate or misplaced lists were read; the rules
        // broken are the same.
        ASSERT_EQ(parts.other.size(), whole.other.size());
      }
      // The in-memory reader in small windows agrees too.
      RecordingSink memory;
      auto again = ReadStream(input, options, memory);
      ASSERT_TRUE(again.ok()) << again.status().ToString();
      EXPECT_EQ(memory.objects, whole.objects);
    }
  }
}

// A file far larger than a value may be is read: memory holds a window and one object, never
// the bundle or the list.
TEST(Reader, ReadsABundleLargerThanTheLargestValueItHolds) {
  std::string objects;
  size_t count = 0;
  while (objects.size() < (3u << 20)) {
    if (count > 0) objects += ",";
    objects += kIndicator;
    ++count;
  }
  ReadOptions options;
  options.window_bytes = 64u << 10;
  options.max_value_bytes = 256u << 10;
  for (const std::string& input : {Bundle(objects), "[" + objects + "]"}) {
    const TempFile file(input);
    CountingSink sink;
    std::vector<std::pair<uint64_t, uint64_t>> progress;
    auto read = ReadFile(file.path(), options, sink,
                         [&](uint64_t done, uint64_t size) { progress.emplace_back(done, size); });
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_EQ(read->objects, count);
    EXPECT_EQ(read->invalid_objects, 0u);
    EXPECT_EQ(sink.ids.size(), count);
    ASSERT_GT(progress.size(), 10u);
    const std::pair<uint64_t, uint64_t> all{input.size(), input.size()};
    EXPECT_EQ(progress.back(), all);
    EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
  }
  // One object larger than the limit is refused, by name of the limit.
  std::string huge = std::string(kIndicator);
  huge.insert(1, R"("x_pad":")" + std::string(300u << 10, 'a') + R"(",)");
  const TempFile file(Bundle(huge));
  CountingSink sink;
  auto read = ReadFile(file.path(), options, sink);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), ErrorCode::kLimitExceeded) << read.status().ToString();
  EXPECT_EQ(ReadFile("/nonexistent/file.json", options, sink).status().code(), ErrorCode::kIo);
}

// After a value larger than a window, the reader's buffer is a window's again: one large object
// early in a file does not hold its memory for the rest of the file.
TEST(Reader, GivesBackTheMemoryOfALargeValue) {
  ReadOptions options;
  options.window_bytes = 64u << 10;
  options.max_value_bytes = 1u << 20;
  std::string large(kIndicator);
  large.insert(1, R"("x_pad":")" + std::string(600u << 10, 'a') + R"(",)");
  std::vector<std::string> objects = {std::string(kIndicator), large};
  while (objects.size() < 3000) objects.emplace_back(kIndicator);  // 5 windows after it
  std::string ndjson, list;
  for (const std::string& o : objects) {
    ndjson += o + "\n";
    list += (list.empty() ? "" : ",") + o;
  }
  for (const std::string& input : {ndjson, Bundle(list), "[" + list + "]"}) {
    SCOPED_TRACE(input.substr(0, 40));
    const TempFile file(input);
    CountingSink sink;
    auto read = ReadFile(file.path(), options, sink);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_EQ(read->objects, objects.size());
    EXPECT_EQ(read->invalid_objects, 0u);
    EXPECT_GT(read->buffer_bytes, 0u);
    EXPECT_LE(read->buffer_bytes, options.window_bytes + kReadPadding);
  }
  CountingSink sink;
  auto memory = ReadStream(ndjson, options, sink);
  ASSERT_TRUE(memory.ok());
  EXPECT_EQ(memory->buffer_bytes, 0u);
}

TEST(Reader, ReportsATruncatedLastRecord) {
  const std::string text = std::string(kIndicator) + "\n" + std::string(kIndicator).substr(0, 40);
  auto doc = ReadDocument(text);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), ErrorCode::kInvalidArgument);
}

// #15 item 6: the reader is the one reader of markings, author and audience, on the parsed
// object: an escaped key is the key, and every path places by what it read (Object::handling).
std::string IndicatorWith(std::string_view extra) {
  std::string o(kIndicator);
  o.pop_back();
  return o + "," + std::string(extra) + "}";
}

TEST(Reader, ReadsHandlingFromTheParsedObject) {
  const std::string red = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
  const std::string green = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
  const std::string pap = "marking-definition--c43594d1-4b11-4c59-93ab-1c9b14d53ce9";
  auto doc = ReadDocument(IndicatorWith(
      R"("object\u005fmarking_refs":[")" + green + R"(",")" + pap +
      R"("],)"
      R"("granular_markings":[{"marking_ref":")" +
      red +
      R"(","selectors":["pattern"]}],)"
      R"("created_by_ref":"identity--0c4b9745-7f4e-4b5d-9c3a-2b1e0f9d8c7a",)"
      R"("extensions":{")" +
      std::string(kTesseraExtensionId) +
      R"(":{"extension_type":"property-extension","recipients":)"
      R"(["identity--7d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a"],"sharing_group":"circle"}})"));
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  ASSERT_TRUE(doc->ok()) << doc->problems[0].message;
  ASSERT_EQ(doc->objects.size(), 1u);
  ASSERT_TRUE(doc->objects[0].handling.has_value());
  const Handling& h = *doc->objects[0].handling;
  EXPECT_EQ(h.tlp, TlpLevel::kRed) << "a granular TLP:RED makes the whole object RED";
  EXPECT_EQ(h.other_markings, std::vector<std::string>{pap});
  EXPECT_EQ(h.created_by_ref, "identity--0c4b9745-7f4e-4b5d-9c3a-2b1e0f9d8c7a");
  EXPECT_TRUE(h.names_audience);
  EXPECT_EQ(h.recipients,
            std::vector<std::string>{"identity--7d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a"});
  EXPECT_EQ(h.sharing_group, "circle");
  EXPECT_FALSE(h.defines.has_value());

  // The same object read from its text alone (objects built in code) reads the same.
  auto again = ReadHandling(doc->objects[0].json);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->tlp, TlpLevel::kRed);
  EXPECT_EQ(again->other_markings, h.other_markings);
  // ReadHandling refuses what the reader refuses, and what is not one object.
  auto dup = ReadHandling(IndicatorWith(R"("object_marking_refs":[")" + green +
                                        R"("],"object_marking_refs":[")" + red + R"("])"));
  EXPECT_EQ(dup.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(dup.status().message().find("duplicate-key"), std::string::npos)
      << dup.status().message();
  EXPECT_FALSE(ReadHandling("[" + std::string(kIndicator) + "]").ok());
}

TEST(Reader, DuplicateKeysAreRefusedNamingTheKeyAndTheObject) {
  auto doc = ReadDocument(
      IndicatorWith(R"("created_by_ref":"identity--0c4b9745-7f4e-4b5d-9c3a-2b1e0f9d8c7a",)"
                    R"("created_by_ref":"identity--7d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a")"));
  ASSERT_TRUE(doc.ok());
  EXPECT_FALSE(doc->ok());
  std::vector<Problem> errors;
  for (const Problem& p : doc->problems) {
    if (p.severity == Severity::kError) errors.push_back(p);
  }
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rule, "duplicate-key");
  EXPECT_EQ(errors[0].path, "$.created_by_ref");
  EXPECT_EQ(errors[0].object_id, "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  EXPECT_NE(errors[0].message.find("'created_by_ref'"), std::string::npos);
  // A large object (sorted, not filtered) is checked as well.
  std::string many;
  for (int i = 0; i < 100; ++i) many += "\"x_k" + std::to_string(i) + "\":1,";
  auto big = ReadDocument(IndicatorWith(many + R"("x_k57":2)"));
  ASSERT_TRUE(big.ok());
  EXPECT_FALSE(big->ok());
  bool found = false;
  for (const Problem& p : big->problems) found |= p.rule == "duplicate-key" && p.path == "$.x_k57";
  EXPECT_TRUE(found);
}

TEST(Reader, ClassifiesMarkingDefinitions) {
  auto classify = [](std::string_view body) -> std::optional<MarkingClass> {
    const std::string def = R"({"type":"marking-definition","spec_version":"2.1",)"
                            R"("id":"marking-definition--1b0e1f5c-2d3a-4b5c-8d6e-7f8a9b0c1d2e",)"
                            R"("created":"2026-01-01T00:00:00.000Z",)" +
                            std::string(body) + "}";
    auto h = ReadHandling(def);
    EXPECT_TRUE(h.ok()) << h.status().ToString();
    return h.ok() ? h->defines : std::nullopt;
  };
  EXPECT_EQ(classify(R"("definition_type":"tlp","name":"TLP:RED","definition":{"tlp":"red"})"),
            MarkingClass::kTlpLike);
  EXPECT_EQ(classify(R"("definition_type":"statement","name":"tlp:amber",)"
                     R"("definition":{"statement":"x"})"),
            MarkingClass::kTlpLike);
  EXPECT_EQ(classify(R"("name":"red","extensions":{")" + std::string(kTlp2ExtensionDefinitionId) +
                     R"(":{"extension_type":"property-extension","tlp_2_0":"red"}})"),
            MarkingClass::kTlpLike);
  EXPECT_EQ(classify(R"("definition_type":"statement","name":"Copyright ACME",)"
                     R"("definition":{"statement":"Copyright 2026 ACME"})"),
            MarkingClass::kStatement);
  auto standard = ReadHandling(TlpMarkings()[3].json);
  ASSERT_TRUE(standard.ok()) << standard.status().ToString();
  EXPECT_EQ(standard->defines, MarkingClass::kStandardTlp);
}

// #15 item 18: objects in bundles and lists keep their bytes (numbers, escapes); a number the
// parser cannot hold refuses that object alone, at its path, and reading goes on.
TEST(Reader, KeepsNumbersAsWrittenOrRefusesTheObject) {
  const std::string exact = IndicatorWith(R"("x_n":[1.0,1E2,-0.0],"x_s":"\u00e9\/")");
  const std::string bad = IndicatorWith(R"("x_n":{"deep":[123456789012345678901234567890]})");
  const std::string bundle =
      R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[)" +
      exact + "," + bad + "]}";
  auto doc = ReadDocument(bundle);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  ASSERT_EQ(doc->objects.size(), 2u);
  EXPECT_EQ(doc->objects[0].json, exact);
  EXPECT_EQ(doc->invalid_objects, 1u);
  bool found = false;
  for (const Problem& p : doc->problems) {
    found |= p.rule == "number-range" && p.path == "$.x_n.deep[0]" &&
             p.object_id == "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
  }
  EXPECT_TRUE(found);
  // The same in NDJSON: the records after the refused one are read.
  auto nd = ReadDocument(exact + "\n" + bad + "\n" + exact + "\n");
  ASSERT_TRUE(nd.ok()) << nd.status().ToString();
  EXPECT_EQ(nd->objects.size(), 3u);
  EXPECT_EQ(nd->invalid_objects, 1u);
  EXPECT_EQ(nd->objects[2].json, exact);
  // A list of objects, and a malformed number (not JSON at all).
  auto list = ReadDocument("[" + exact + "," + IndicatorWith(R"("x":-1e400)") + "]");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->objects.size(), 2u);
  EXPECT_EQ(list->invalid_objects, 1u);
  EXPECT_FALSE(ReadDocument("[" + IndicatorWith(R"("x":1.)") + "]").ok());
}

}  // namespace
}  // namespace tessera::stix
