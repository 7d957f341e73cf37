// One classification of errors (issue #10): the same bad objects, posted over TAXII by a member
// and imported by the operator with `tessera import --org` for the same member, get the same
// per-object outcome: the same id, version and message, in the same order. (TAXII stores the
// good objects beside the refused ones; a file is one transaction, so import stores none.)
// hunt's sightings go through the same call (ingest::Ingest) but are built by hunt itself, so no
// bad object can be offered on that path.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <tuple>

#include "authz_hub.h"
#include "store/store.h"

namespace {

namespace json = boost::json;
using Entry = std::tuple<std::string, std::string, std::string>;  // id, version, message
using tessera::testing::TestHub;

constexpr const char* kExtension = "extension-definition--c7d6d5b3-7d6e-4f0e-9a59-2c1a1f6e7b41";
constexpr const char* kKnown = "indicator--5b0f1d2e-3c4a-4b5c-8d6e-7f8091a2b3c4";

// An indicator `id` with `extra` properties; `pattern` "" has none.
std::string Indicator(const std::string& id, const std::string& extra = "",
                      const std::string& pattern = "[ipv4-addr:value = '198.51.100.7']") {
  return R"({"type":"indicator","spec_version":"2.1","id":")" + id +
         R"(","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",)" +
         (pattern.empty() ? "" : R"("pattern":")" + pattern + "\",") +
         R"("pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z")" + extra + "}";
}

// The failures of `tessera import`'s report: lines "  <id> (<version>): <message>".
std::vector<Entry> ImportFailures(const std::string& out) {
  std::vector<Entry> entries;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with("  ") || line.find("--") == std::string::npos) continue;
    line = line.substr(2);
    const size_t space = line.find(' ');
    const size_t colon = line.find(": ");
    if (space == std::string::npos || colon == std::string::npos) continue;
    std::string id = line.substr(0, std::min(space, colon));
    std::string version;
    std::string message;
    if (space < colon && line[space + 1] == '(') {
      const size_t close = line.find("): ", space);
      version = line.substr(space + 2, close - space - 2);
      message = line.substr(close + 3);
    } else {
      message = line.substr(colon + 2);
    }
    entries.emplace_back(id, version, message);
  }
  return entries;
}

std::vector<Entry> StatusFailures(const json::value& status) {
  std::vector<Entry> entries;
  if (!status.is_object() || !status.as_object().contains("failures")) return entries;
  for (const auto& f : status.at("failures").as_array()) {
    entries.emplace_back(json::value_to<std::string>(f.at("id")),
                         f.as_object().contains("version")
                             ? json::value_to<std::string>(f.at("version"))
                             : std::string(),
                         json::value_to<std::string>(f.at("message")));
  }
  return entries;
}

// The id of the hub's default collection ("" when it cannot be read).
std::string DefaultCollection(TestHub& hub) {
  auto store = tessera::store::OpenStore(hub.data_dir(), tessera::store::OpenMode::kOpenExisting);
  if (!store.ok()) return "";
  auto id = (*store)->directory().GetSetting(tessera::store::kSettingDefaultCollection);
  return id.ok() ? *id : "";
}

TEST(IngestPathsTest, TheSameBadObjectGetsTheSameOutcomeOverTaxiiAndImport) {
  TestHub hub;
  hub.Init();
  hub.AddOrg("acme");
  hub.AddUser("alice", "acme", "analyst");

  // A stored version the bad objects conflict with, as the operator for acme.
  const std::string known = (hub.root() / "known.json").string();
  std::ofstream(known) << Indicator(kKnown, R"(,"name":"as first shared")") << "\n";
  hub.Cli({"import", "--org", "acme", known});

  const std::string forged_tlp =
      R"({"type":"marking-definition","spec_version":"2.1",)"
      R"("id":"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",)"
      R"("created":"2022-10-01T00:00:00.000Z","name":"TLP:AMBER+STRICT",)"
      R"("x_statement":"TLP:CLEAR - may be shared publicly",)"
      R"("extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":)"
      R"({"extension_type":"property-extension","tlp_2_0":"amber+strict"}}})";
  const std::vector<std::string> objects = {
      Indicator("indicator--0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"),          // good
      Indicator("indicator--1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e", "", ""),  // no pattern
      // A pattern that does not parse (issue #11 §3): the same refusal, with its position.
      Indicator("indicator--4e5f6a7b-8c9d-4e0f-8a1b-2c3d4e5f6a7b", "",
                "[ipv4-addr:value = '203.0.113.5'"),
      forged_tlp,
      Indicator("indicator--2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f",
                R"(,"extensions":{")" + std::string(kExtension) +
                    R"(":{"extension_type":"property-extension",)"
                    R"("recipients":["identity--7d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a"]}})"),
      Indicator("indicator--3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a",
                R"(,"extensions":{")" + std::string(kExtension) +
                    R"(":{"extension_type":"property-extension","sharing_group":"nobody"}})"),
      Indicator(kKnown, R"(,"name":"changed without a new modified")"),
  };

  // `tessera import` of them as one file.
  std::string ndjson;
  for (const auto& o : objects) ndjson += o + "\n";
  const std::string file = (hub.root() / "bad.ndjson").string();
  std::ofstream(file) << ndjson;
  const tessera::testing::CliRun imported = hub.Cli({"import", "--org", "acme", file}, 1);
  const std::vector<Entry> by_import = ImportFailures(imported.out);

  // The same objects in one TAXII envelope, as an analyst of acme.
  const std::string default_collection = DefaultCollection(hub);
  ASSERT_FALSE(default_collection.empty());
  hub.StartServer();
  std::string envelope = R"({"objects":[)";
  for (size_t i = 0; i < objects.size(); ++i) envelope += (i ? "," : "") + objects[i];
  envelope += "]}";
  auto res =
      hub.Client("alice")->Post("/api/collections/" + default_collection + "/objects/", envelope);
  ASSERT_EQ(res.status, 202) << res.body;
  const json::value status = res.Json();
  const std::vector<Entry> by_taxii = StatusFailures(status);

  ASSERT_EQ(by_taxii.size(), 6u) << res.body;
  EXPECT_EQ(status.at("success_count").as_int64(), 1) << "the good object is stored over TAXII";
  EXPECT_EQ(by_import, by_taxii) << imported.out << "\n" << res.body;
  // Each is the reason a user can act on.
  EXPECT_THAT(std::get<2>(by_taxii[0]), ::testing::StartsWith("invalid STIX 2.1: $.pattern"));
  EXPECT_EQ(std::get<2>(by_taxii[1]),
            "invalid STIX 2.1: $.pattern: position 32: expected ']' or AND/OR in the comparison "
            "expression, found end of pattern (pattern-syntax)");
  EXPECT_THAT(std::get<2>(by_taxii[2]), ::testing::HasSubstr("built into the hub"));
  EXPECT_THAT(std::get<2>(by_taxii[3]), ::testing::HasSubstr("not a member organization"));
  EXPECT_THAT(std::get<2>(by_taxii[4]), ::testing::HasSubstr("sharing group 'nobody'"));
  EXPECT_THAT(std::get<2>(by_taxii[5]), ::testing::HasSubstr("already stored with other content"));
  EXPECT_EQ(std::get<1>(by_taxii[5]), "2026-01-01T00:00:00.000Z");
}

// A constant that can never match (issue #11 §3) does not refuse the indicator: TAXII and
// `tessera import` store it, and the status success and the import's report carry the warning.
TEST(IngestPathsTest, ANeverMatchingConstantIsAWarningInTheStatus) {
  TestHub hub;
  hub.Init();
  hub.AddOrg("acme");
  hub.AddUser("alice", "acme", "analyst");
  const std::string warning =
      "warning: $.pattern: position 1: '999.0.113.5' can never match ipv4-addr:value, which is an "
      "IPv4 address or CIDR block (pattern-never-matches)";
  const std::string file = (hub.root() / "never.json").string();
  std::ofstream(file) << Indicator("indicator--6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d", "",
                                   "[ipv4-addr:value = '999.0.113.5']");
  const tessera::testing::CliRun imported = hub.Cli({"import", "--org", "acme", file});
  EXPECT_THAT(imported.out, ::testing::HasSubstr("indicator--6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d "
                                                 "(2026-01-01T00:00:00.000Z): " +
                                                 warning + "\n"));
  EXPECT_THAT(imported.out, ::testing::HasSubstr("objects: 1 added"));
  EXPECT_THAT(imported.out, ::testing::Not(::testing::HasSubstr("TLP:RED")));

  const std::string default_collection = DefaultCollection(hub);
  ASSERT_FALSE(default_collection.empty());
  hub.StartServer();
  const std::string envelope = R"({"objects":[)" +
                               Indicator("indicator--5f6a7b8c-9d0e-4f1a-9b2c-3d4e5f6a7b8c", "",
                                         "[ipv4-addr:value = '999.0.113.5']") +
                               "]}";
  auto res =
      hub.Client("alice")->Post("/api/collections/" + default_collection + "/objects/", envelope);
  ASSERT_EQ(res.status, 202) << res.body;
  const json::value status = res.Json();
  ASSERT_EQ(status.at("success_count").as_int64(), 1) << res.body;
  EXPECT_EQ(json::value_to<std::string>(status.at("successes").at(0).at("message")), warning);
}

}  // namespace
