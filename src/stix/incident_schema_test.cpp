// The incident extensions (stix/incident_extensions.h) against the pinned OASIS examples and
// Tessera's own: tests/data/incident/invalid.json lists the files that must validate as they are
// and, for each rule, an object of them changed to break it, with the rule, path and severity the
// validator must report.

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "common/file.h"
#include "common/json.h"
#include "common/uuid.h"
#include "stix/incident_extensions.h"
#include "stix/reader.h"

namespace tessera::stix {
namespace {

std::string DataDir() {
  const char* dir = std::getenv("TESSERA_SOURCE_DIR");
  return std::string(dir != nullptr ? dir : ".") + "/tests/data/incident/";
}

boost::json::value Load(const std::string& relative) {
  auto text = ReadInput(DataDir() + relative);
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  if (!text.ok()) return {};
  auto value = ParseJson(*text);
  EXPECT_TRUE(value.ok()) << value.status().ToString();
  return value.ok() ? *value : boost::json::value{};
}

std::string Listing(const Document& doc) {
  std::string out;
  for (const Problem& p : doc.problems) {
    out += std::string(SeverityName(p.severity)) + " " + p.object_id + " " + p.rule + " " + p.path +
           ": " + p.message + "\n";
  }
  return out;
}

// The object `id` of a bundle, or the file's single object when `id` is empty.
boost::json::object Pick(const boost::json::value& file, const std::string& id) {
  if (id.empty()) return file.as_object();
  for (const auto& o : file.at("objects").as_array()) {
    if (o.at("id").as_string() == id) return o.as_object();
  }
  ADD_FAILURE() << "no object " << id;
  return {};
}

// Sets (or, with value nullptr, erases) the value at `path` (keys and indexes) in `root`.
void Apply(boost::json::value& root, const boost::json::array& path,
           const boost::json::value* value) {
  ASSERT_FALSE(path.empty());
  boost::json::value* cur = &root;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    if (path[i].is_string()) {
      cur = &cur->as_object()[path[i].as_string()];
    } else {
      cur = &cur->as_array().at(static_cast<size_t>(path[i].as_int64()));
    }
  }
  const auto& last = path.back();
  if (last.is_string()) {
    if (value == nullptr) {
      ASSERT_EQ(cur->as_object().erase(last.as_string()), 1u) << "nothing to delete";
    } else {
      cur->as_object()[last.as_string()] = *value;
    }
  } else {
    auto& list = cur->as_array();
    const auto index = static_cast<size_t>(last.as_int64());
    if (value == nullptr) {
      list.erase(list.begin() + static_cast<std::ptrdiff_t>(index));
    } else {
      list.at(index) = *value;
    }
  }
}

TEST(IncidentSchema, PinnedExamplesAndTesseraBundleValidate) {
  const auto data = Load("invalid.json");
  const auto& valid = data.at("valid").as_array();
  ASSERT_GE(valid.size(), 9u);
  size_t objects = 0;
  for (const auto& v : valid) {
    const std::string file(v.at("file").as_string());
    SCOPED_TRACE(file);
    auto text = ReadInput(DataDir() + file);
    ASSERT_TRUE(text.ok());
    auto lax = ReadDocument(*text);
    ASSERT_TRUE(lax.ok()) << lax.status().ToString();
    EXPECT_TRUE(lax->ok()) << Listing(*lax);
    objects += lax->objects.size();
    if (v.at("strict").as_bool()) {
      auto strict = ReadDocument(*text, ReadOptions{.strict = true});
      ASSERT_TRUE(strict.ok());
      EXPECT_TRUE(strict->ok()) << Listing(*strict);
    }
  }
  EXPECT_GE(objects, 30u);
}

// The examples' warnings are the ones the README of tests/data/incident names: a defined
// object's unknown property or vocabulary value is reported, not ignored.
TEST(IncidentSchema, PinnedExamplesWarnWhereTheyLeaveTheVocabularies) {
  auto text = ReadInput(DataDir() + "oasis/examples/example_2.4.json");
  ASSERT_TRUE(text.ok());
  auto doc = ReadDocument(*text);
  ASSERT_TRUE(doc.ok());
  ASSERT_EQ(doc->problems.size(), 1u) << Listing(*doc);
  EXPECT_EQ(doc->problems[0].rule, "open-vocabulary");
  EXPECT_EQ(doc->problems[0].path, "$.task_types[0]");

  text = ReadInput(DataDir() + "oasis/examples/paid_ransom.json");
  ASSERT_TRUE(text.ok());
  doc = ReadDocument(*text);
  ASSERT_TRUE(doc.ok());
  ASSERT_EQ(doc->problems.size(), 1u) << Listing(*doc);
  EXPECT_EQ(doc->problems[0].rule, "dependent-property");
  EXPECT_EQ(doc->problems[0].path, "$.end_time");
  EXPECT_EQ(doc->problems[0].object_id, "impact--0c9511ac-e14b-4f48-9d49-54bfc93c9b34");
}

TEST(IncidentSchema, EachBrokenRuleIsReportedNamingTheProperty) {
  const auto data = Load("invalid.json");
  const auto& cases = data.at("cases").as_array();
  ASSERT_GE(cases.size(), 50u);
  for (const auto& c : cases) {
    const std::string name(c.at("name").as_string());
    SCOPED_TRACE(name);
    const auto file = Load(std::string(c.at("file").as_string()));
    const auto* id = c.as_object().if_contains("object");
    boost::json::value obj = Pick(file, id != nullptr ? std::string(id->as_string()) : "");

    // As it is, the object breaks no rule (the change below is what breaks it).
    auto before = ReadDocument(boost::json::serialize(obj));
    ASSERT_TRUE(before.ok());
    ASSERT_TRUE(before->ok()) << Listing(*before);

    for (const auto& op : c.at("ops").as_array()) {
      if (const auto* del = op.as_object().if_contains("delete")) {
        Apply(obj, del->as_array(), nullptr);
      } else {
        Apply(obj, op.at("set").as_array(), &op.at("value"));
      }
    }
    auto doc = ReadDocument(boost::json::serialize(obj));
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    const std::string rule(c.at("rule").as_string());
    const std::string path(c.at("path").as_string());
    const bool error = c.at("severity").as_string() == "error";
    const std::string mentions(c.at("mentions").as_string());
    bool found = false;
    for (const Problem& p : doc->problems) {
      if (p.rule == rule && p.path == path && (p.severity == Severity::kError) == error) {
        found = true;
        EXPECT_NE(p.message.find(mentions), std::string::npos)
            << "message does not name '" << mentions << "': " << p.message;
      }
    }
    EXPECT_TRUE(found) << "expected " << (error ? "error " : "warning ") << rule << " at " << path
                       << ", got:\n"
                       << Listing(*doc);
    EXPECT_EQ(doc->ok(), !error) << Listing(*doc);
  }
}

// The Tessera extension's id and author are name-based, so every hub names the same definition.
TEST(IncidentSchema, TesseraIdsAreNameBased) {
  EXPECT_EQ(std::string(kTesseraIncidentExtensionId),
            "extension-definition--" +
                Uuid::V5(StixScoNamespace(), "tessera-incident-extension-1").ToString());
  EXPECT_EQ(std::string(kTesseraIdentityId),
            "identity--" + Uuid::V5(StixScoNamespace(), "tessera").ToString());
}

}  // namespace
}  // namespace tessera::stix
