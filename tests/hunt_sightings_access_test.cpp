// End-to-end: what `tessera hunt --data` stores is as restricted as what it sighted (issue #15
// item 1). A sighting names the indicator it sights and its observed-data holds the value of the
// indicator's pattern, so a hit on Alpha's TLP:RED indicator, or on one in a collection only
// Alpha reads, must give the other members nothing: no sighting, no observed-data, no SCO, in any
// collection. The hub is made with the real CLI (init, org, user, collection, import, hunt) and
// read back over TAXII as each member, as an attacker in another organization would.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "authz_hub.h"

namespace {

namespace json = boost::json;
using tessera::testing::CliRun;
using tessera::testing::Slurp;
using tessera::testing::TestHub;

constexpr char kRed[] = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
constexpr char kClear[] = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
constexpr char kExtensionId[] = "extension-definition--c7d6d5b3-7d6e-4f0e-9a59-2c1a1f6e7b41";

// Alpha's TLP:RED indicator in a collection only Alpha reads.
constexpr char kRedPrivate[] = "indicator--e1000000-0000-4000-8000-000000000001";
// Alpha's TLP:RED indicator in the default collection (every member reads the collection).
constexpr char kRedShared[] = "indicator--e1000000-0000-4000-8000-000000000002";
// Alpha's indicator without a marking in its own collection (the collection's AMBER default and
// audience: Alpha).
constexpr char kUnmarkedPrivate[] = "indicator--e1000000-0000-4000-8000-000000000003";
// Bravo's TLP:CLEAR indicator in the default collection: everyone may read its sighting.
constexpr char kClearShared[] = "indicator--e1000000-0000-4000-8000-000000000004";
// Alpha's TLP:RED indicator addressed to Charlie (Tessera extension recipients), default
// collection: Alpha and Charlie read it, Bravo does not.
constexpr char kRedForCharlie[] = "indicator--e1000000-0000-4000-8000-000000000005";

// What only Alpha (and, for the last, Charlie) may learn: the values of the restricted patterns.
const std::vector<std::string> kSecretValues = {"203.0.113.66", "red-secret.example",
                                                "203.0.113.67"};
constexpr char kCharlieValue[] = "for-charlie.example";

std::string Indicator(const std::string& id, const std::string& pattern, const std::string& marking,
                      const std::string& recipient = "") {
  json::object o;
  o["type"] = "indicator";
  o["spec_version"] = "2.1";
  o["id"] = id;
  o["created"] = "2024-01-01T00:00:00.000Z";
  o["modified"] = "2024-01-01T00:00:00.000Z";
  o["name"] = "hunted";
  o["pattern"] = pattern;
  o["pattern_type"] = "stix";
  o["valid_from"] = "2024-01-01T00:00:00Z";
  if (!marking.empty()) o["object_marking_refs"] = json::array{json::string(marking)};
  if (!recipient.empty()) {
    json::object ext;
    ext["extension_type"] = "property-extension";
    ext["recipients"] = json::array{json::string(recipient)};
    json::object exts;
    exts[kExtensionId] = ext;
    o["extensions"] = exts;
  }
  return json::serialize(o) + "\n";
}

class HuntSightingsAccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_.Init();
    hub_.AddOrg("Alpha CSIRT");
    hub_.AddOrg("Bravo ISAC");
    charlie_identity_ = hub_.AddOrg("Charlie SOC");
    hub_.AddUser("alpha", "Alpha CSIRT", "analyst");
    hub_.AddUser("bravo", "Bravo ISAC", "analyst");
    hub_.AddUser("charlie", "Charlie SOC", "analyst");
    private_ = hub_.AddCollection("Alpha only", "Alpha CSIRT", "Alpha CSIRT", "amber");
    ASSERT_FALSE(::testing::Test::HasFailure());

    const std::filesystem::path root = hub_.root();
    std::ofstream(root / "alpha_private.ndjson")
        << Indicator(kRedPrivate, "[ipv4-addr:value = '203.0.113.66']", kRed)
        << Indicator(kUnmarkedPrivate, "[ipv4-addr:value = '203.0.113.67']", "");
    std::ofstream(root / "alpha_shared.ndjson")
        << Indicator(kRedShared, "[domain-name:value = 'red-secret.example']", kRed)
        << Indicator(kRedForCharlie, "[domain-name:value = 'for-charlie.example']", kRed,
                     charlie_identity_);
    std::ofstream(root / "bravo_shared.ndjson")
        << Indicator(kClearShared, "[domain-name:value = 'public-bad.example']", kClear);
    hub_.Cli({"import", "--collection", private_, "--org", "Alpha CSIRT",
              (root / "alpha_private.ndjson").string()});
    hub_.Cli({"import", "--org", "Alpha CSIRT", (root / "alpha_shared.ndjson").string()});
    hub_.Cli({"import", "--org", "Bravo ISAC", (root / "bravo_shared.ndjson").string()});

    // One Zeek record per indicator (detected as Zeek: "ts" and "uid").
    log_ = (root / "conn.log").string();
    std::ofstream(log_)
        << R"({"ts":1714557601.0,"uid":"C1","id.orig_h":"10.0.0.5","id.resp_h":"203.0.113.66"})"
        << "\n"
        << R"({"ts":1714557602.0,"uid":"C2","id.orig_h":"10.0.0.5","query":"red-secret.example"})"
        << "\n"
        << R"({"ts":1714557603.0,"uid":"C3","id.orig_h":"10.0.0.5","id.resp_h":"203.0.113.67"})"
        << "\n"
        << R"({"ts":1714557604.0,"uid":"C4","id.orig_h":"10.0.0.5","query":"public-bad.example"})"
        << "\n"
        << R"({"ts":1714557605.0,"uid":"C5","id.orig_h":"10.0.0.5","query":"for-charlie.example"})"
        << "\n";
  }

  // Every object `user` can list in every collection it reads, by id (each listing's body is
  // kept as text too, to search for values the user must not learn).
  std::map<std::string, json::object> Visible(const std::string& user, std::string& bodies) {
    std::map<std::string, json::object> out;
    auto client = hub_.Client(user);
    auto cols = client->Get("/api/collections/");
    EXPECT_EQ(cols.status, 200) << cols.body;
    if (cols.status != 200) return out;
    const json::value listing = cols.Json();
    for (const auto& c : listing.at("collections").as_array()) {
      if (!c.at("can_read").as_bool()) continue;
      const std::string url = "/api/collections/" + std::string(c.at("id").as_string()) +
                              "/objects/?match%5Bversion%5D=all&limit=1000";
      auto r = client->Get(url);
      EXPECT_EQ(r.status, 200) << user << " " << url << "\n" << r.body;
      if (r.status != 200) continue;
      bodies += r.body;
      const json::value page = r.Json();
      EXPECT_FALSE(page.as_object().contains("more") && page.at("more").as_bool()) << url;
      if (!page.as_object().contains("objects")) continue;
      for (const auto& o : page.at("objects").as_array())
        out[std::string(o.at("id").as_string())] = o.as_object();
    }
    return out;
  }

  static std::set<std::string> SightedBy(const std::map<std::string, json::object>& objects) {
    std::set<std::string> out;
    for (const auto& [id, o] : objects) {
      if (o.at("type") == "sighting") out.insert(std::string(o.at("sighting_of_ref").as_string()));
    }
    return out;
  }
  static size_t CountType(const std::map<std::string, json::object>& objects,
                          const std::string& type) {
    size_t n = 0;
    for (const auto& [id, o] : objects) n += o.at("type") == type.c_str();
    return n;
  }

  TestHub hub_;
  std::string private_;
  std::string charlie_identity_;
  std::string log_;
};

TEST_F(HuntSightingsAccessTest, ASightingIsAsRestrictedAsTheIndicatorItSights) {
  CliRun hunted = hub_.Cli({"hunt", log_});
  EXPECT_NE(hunted.err.find("5 sightings stored"), std::string::npos) << hunted.err;
  hub_.StartServer();
  ASSERT_FALSE(::testing::Test::HasFailure());

  std::string alpha_bodies, bravo_bodies, charlie_bodies;
  const auto alpha = Visible("alpha", alpha_bodies);
  const auto bravo = Visible("bravo", bravo_bodies);
  const auto charlie = Visible("charlie", charlie_bodies);

  // Alpha reads the sightings of all of its indicators, and Bravo's public one.
  EXPECT_EQ(SightedBy(alpha), (std::set<std::string>{kRedPrivate, kRedShared, kUnmarkedPrivate,
                                                     kClearShared, kRedForCharlie}));
  // Bravo reads the sighting of the CLEAR indicator only; Charlie that one and the one
  // addressed to it.
  EXPECT_EQ(SightedBy(bravo), (std::set<std::string>{kClearShared}));
  EXPECT_EQ(SightedBy(charlie), (std::set<std::string>{kClearShared, kRedForCharlie}));

  // Nothing else reveals Alpha's restricted indicators to them: no observed-data, no SCO, no
  // mention of an indicator id or a pattern's value anywhere in what they can list.
  for (const std::string* bodies : {&bravo_bodies, &charlie_bodies}) {
    for (const std::string& secret : kSecretValues)
      EXPECT_EQ(bodies->find(secret), std::string::npos) << secret << " leaked:\n" << *bodies;
    for (const char* id : {kRedPrivate, kRedShared, kUnmarkedPrivate})
      EXPECT_EQ(bodies->find(id), std::string::npos) << id << " leaked:\n" << *bodies;
  }
  EXPECT_EQ(bravo_bodies.find(kCharlieValue), std::string::npos) << bravo_bodies;
  EXPECT_EQ(bravo_bodies.find(kRedForCharlie), std::string::npos) << bravo_bodies;
  EXPECT_NE(charlie_bodies.find(kCharlieValue), std::string::npos) << charlie_bodies;
  EXPECT_EQ(CountType(bravo, "observed-data"), 1u);
  EXPECT_EQ(CountType(bravo, "domain-name"), 1u);  // public-bad.example
  EXPECT_EQ(CountType(bravo, "ipv4-addr"), 0u);
  EXPECT_EQ(CountType(alpha, "observed-data"), 5u);
  EXPECT_EQ(CountType(alpha, "ipv4-addr"), 2u);
  for (const std::string& secret : kSecretValues)
    EXPECT_NE(alpha_bodies.find(secret), std::string::npos) << secret;

  // The restriction travels with the objects: the sighting of a RED indicator and its
  // observed-data carry TLP:RED (and the recipients), so an export or a peer keeps it.
  for (const auto& [id, o] : alpha) {
    if (o.at("type") != "sighting" && o.at("type") != "observed-data") continue;
    const bool red = o.contains("object_marking_refs") &&
                     json::serialize(o.at("object_marking_refs")).find(kRed) != std::string::npos;
    const std::string text = json::serialize(o);
    const bool of_red = text.find(kRedPrivate) != std::string::npos ||
                        text.find(kRedShared) != std::string::npos ||
                        text.find(kRedForCharlie) != std::string::npos;
    if (o.at("type") == "sighting") {
      EXPECT_EQ(red, of_red) << text;
    }
    if (o.at("type") == "sighting" && text.find(kRedForCharlie) != std::string::npos) {
      EXPECT_NE(text.find(charlie_identity_), std::string::npos) << text;
    }
  }
  // Charlie's: the sighting and observed-data of the indicator addressed to it keep RED (and its
  // recipients), those of Bravo's CLEAR one keep CLEAR.
  size_t red = 0, clear = 0;
  for (const auto& [id, o] : charlie) {
    if (o.at("type") != "observed-data" && o.at("type") != "sighting") continue;
    const std::string markings =
        o.contains("object_marking_refs") ? json::serialize(o.at("object_marking_refs")) : "";
    red += markings.find(kRed) != std::string::npos;
    clear += markings.find(kClear) != std::string::npos;
    if (markings.find(kRed) != std::string::npos) {
      EXPECT_NE(json::serialize(o).find(charlie_identity_), std::string::npos) << o;
    }
  }
  EXPECT_EQ(red, 2u);
  EXPECT_EQ(clear, 2u);
}

// Review finding: an SCO observed for indicators of two collections carries the union of their
// markings, so a copy of it in Bravo's collection told Bravo that a TLP:RED indicator (Alpha's,
// in a collection Bravo cannot read) matched the same value. It is stored only where every
// indicator it reveals is held; the sightings and observed-data of each indicator still are.
TEST_F(HuntSightingsAccessTest, AnScoOfIndicatorsInTwoCollectionsGoesToNeither) {
  const std::filesystem::path root = hub_.root();
  constexpr char kClearSameValue[] = "indicator--e1000000-0000-4000-8000-000000000006";
  std::ofstream(root / "bravo_same.ndjson")
      << Indicator(kClearSameValue, "[ipv4-addr:value = '203.0.113.66']", kClear);
  hub_.Cli({"import", "--org", "Bravo ISAC", (root / "bravo_same.ndjson").string()});
  CliRun hunted = hub_.Cli({"hunt", log_});
  hub_.StartServer();
  ASSERT_FALSE(::testing::Test::HasFailure());

  std::string alpha_bodies, bravo_bodies;
  const auto alpha = Visible("alpha", alpha_bodies);
  const auto bravo = Visible("bravo", bravo_bodies);
  // Bravo reads the sighting of its own indicator on that value, and nothing marked RED.
  EXPECT_EQ(SightedBy(bravo), (std::set<std::string>{kClearShared, kClearSameValue}));
  EXPECT_EQ(bravo_bodies.find(kRed), std::string::npos) << bravo_bodies;
  EXPECT_EQ(bravo_bodies.find(kRedPrivate), std::string::npos) << bravo_bodies;
  // Alpha still reads the sighting of its private RED indicator.
  EXPECT_EQ(SightedBy(alpha).count(kRedPrivate), 1u);
  // The hunt says what it did not store, and why.
  EXPECT_NE(hunted.err.find("it also reveals indicators held in other collections"),
            std::string::npos)
      << hunted.err;
}

TEST_F(HuntSightingsAccessTest, TheSightingsFileCarriesTheIndicatorsMarkings) {
  const std::string out = (hub_.root() / "sightings.json").string();
  hub_.Cli({"hunt", "--no-import", "--sightings", out, log_});
  const std::string bundle = Slurp(out);
  const json::value doc = json::parse(bundle);
  size_t sightings = 0;
  for (const auto& o : doc.at("objects").as_array()) {
    if (o.at("type") != "sighting") continue;
    ++sightings;
    const std::string of(o.at("sighting_of_ref").as_string());
    const std::string text = json::serialize(o);
    if (of == kRedPrivate || of == kRedShared || of == kRedForCharlie) {
      EXPECT_NE(text.find(kRed), std::string::npos) << text;
    } else if (of == kClearShared) {
      EXPECT_NE(text.find(kClear), std::string::npos) << text;
    }
  }
  EXPECT_EQ(sightings, 5u) << bundle;
  // Valid STIX 2.1, as a peer reading the file will check it.
  tessera::testing::CliRun valid =
      tessera::testing::RunProgram(tessera::testing::TesseraCli(), {"validate", out}, hub_.root());
  EXPECT_EQ(valid.exit_code, 0) << valid.out << valid.err;
}

}  // namespace
