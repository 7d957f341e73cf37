#include "stix/tlp.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "stix/reader.h"

namespace tessera::stix {
namespace {

TEST(Tlp, NineMarkingsWithTheirStandardIdentifiers) {
  ASSERT_EQ(TlpMarkings().size(), 9u);
  EXPECT_EQ(FindTlpMarking(TlpVersion::k1, TlpLevel::kClear)->id,
            "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9");
  EXPECT_EQ(FindTlpMarking(TlpVersion::k1, TlpLevel::kGreen)->id,
            "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da");
  EXPECT_EQ(FindTlpMarking(TlpVersion::k1, TlpLevel::kAmber)->id,
            "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82");
  EXPECT_EQ(FindTlpMarking(TlpVersion::k1, TlpLevel::kRed)->id,
            "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed");
  EXPECT_EQ(FindTlpMarking(TlpVersion::k1, TlpLevel::kAmberStrict), nullptr);
  EXPECT_EQ(FindTlpMarking(TlpVersion::k2, TlpLevel::kClear)->id,
            "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487");
  EXPECT_EQ(FindTlpMarking(TlpVersion::k2, TlpLevel::kGreen)->id,
            "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb");
  EXPECT_EQ(FindTlpMarking(TlpVersion::k2, TlpLevel::kAmber)->id,
            "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421");
  EXPECT_EQ(FindTlpMarking(TlpVersion::k2, TlpLevel::kAmberStrict)->id,
            "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003");
  EXPECT_EQ(FindTlpMarking(TlpVersion::k2, TlpLevel::kRed)->id,
            "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1");
  EXPECT_EQ(FindTlpMarking("marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1")->name,
            "TLP:RED");
  EXPECT_EQ(FindTlpMarking("marking-definition--00000000-0000-4000-8000-000000000000"), nullptr);
}

TEST(Tlp, EachMarkingIsAValidObjectThatReadsBackTheSame) {
  std::set<std::string_view> ids;
  for (const TlpMarking& m : TlpMarkings()) {
    SCOPED_TRACE(m.name);
    ids.insert(m.id);
    auto doc = ReadDocument(m.json, ReadOptions{.strict = true});
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    EXPECT_TRUE(doc->ok());
    EXPECT_TRUE(doc->problems.empty()) << doc->problems[0].message;
    ASSERT_EQ(doc->objects.size(), 1u);
    const Object o = TlpObject(m);
    EXPECT_EQ(doc->objects[0].id, o.id);
    EXPECT_EQ(doc->objects[0].json, o.json);
    EXPECT_EQ(doc->objects[0].created, o.created);
    EXPECT_NE(o.json.find(std::string("\"") + std::string(m.tlp) + "\""), std::string::npos);
  }
  EXPECT_EQ(ids.size(), 9u);
}

TEST(Tlp, ATamperedPredefinedMarkingIsRejected) {
  const TlpMarking* red = FindTlpMarking(TlpVersion::k2, TlpLevel::kRed);
  std::string json(red->json);
  json.replace(json.find("\"red\""), 5, "\"clear\"");
  auto doc = ReadDocument(json);
  ASSERT_TRUE(doc.ok());
  ASSERT_FALSE(doc->ok());
  EXPECT_EQ(doc->problems[0].rule, "tlp-definition");
}

// docs/hub.md tells members which ids to use: its table must name each of the nine, in its TLP
// version's column, on the row of its level.
TEST(Tlp, DocsHubListsEveryStandardIdentifier) {
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  ASSERT_NE(src, nullptr) << "ctest sets TESSERA_SOURCE_DIR";
  std::ifstream in(std::string(src) + "/docs/hub.md");
  ASSERT_TRUE(in) << "docs/hub.md";
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  for (const TlpMarking& m : TlpMarkings()) {
    SCOPED_TRACE(std::string(m.name) + " " + std::string(m.id));
    int rows = 0;
    for (const std::string& line : lines) {
      if (line.find(m.id) == std::string::npos || !line.starts_with("| ")) continue;
      ++rows;
      std::vector<std::string> cells;
      std::stringstream cut(line.substr(1));
      for (std::string cell; std::getline(cut, cell, '|');) cells.push_back(cell);
      ASSERT_GE(cells.size(), 3u) << line;
      const std::string_view level = FindTlpMarking(TlpVersion::k2, m.level)->name.substr(4);
      EXPECT_TRUE(cells[0].starts_with(" " + std::string(level) + " ") ||
                  cells[0] == " " + std::string(level))
          << line;
      const std::size_t column = m.version == TlpVersion::k2 ? 1 : 2;
      EXPECT_NE(cells[column].find(m.id), std::string::npos) << line;
    }
    EXPECT_EQ(rows, 1) << "one table row names it";
  }
}

}  // namespace
}  // namespace tessera::stix
