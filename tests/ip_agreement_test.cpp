// The places that read IP addresses agree on what one is (issue #10 item 5): for every case of
// tests/data/ip/addresses.json, STIX validation of an ipv4-addr / ipv6-addr `value`, the pattern
// engine (an ISSUBSET constant, and an observed value) and hunting (indicators and log values)
// say what the case says. common/ip_test.cpp checks the grammar itself against the same cases.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <string>

#include "common/file.h"
#include "common/json.h"
#include "hunt/normalize.h"
#include "pattern/observation.h"
#include "pattern/pattern.h"
#include "stix/reader.h"

namespace tessera {
namespace {

struct Case {
  std::string text;
  std::string kind;  // ipv4, ipv6, none
  std::optional<std::string> same_as;
  std::optional<std::string> hunt_reads;
};

std::vector<Case> LoadCases() {
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  auto text = ReadInput(std::string(src ? src : TESSERA_SOURCE_DIR_DEFAULT) +
                        "/tests/data/ip/addresses.json");
  EXPECT_TRUE(text.ok()) << text.status().message();
  if (!text.ok()) return {};
  auto doc = ParseJson(*text);
  EXPECT_TRUE(doc.ok()) << doc.status().message();
  if (!doc.ok()) return {};
  std::vector<Case> cases;
  for (const auto& v : doc->as_object().at("cases").as_array()) {
    const auto& o = v.as_object();
    Case c{std::string(o.at("text").as_string()), std::string(o.at("kind").as_string()), {}, {}};
    if (const auto* s = o.if_contains("same_as")) c.same_as = std::string(s->as_string());
    if (const auto* s = o.if_contains("hunt_reads")) c.hunt_reads = std::string(s->as_string());
    cases.push_back(std::move(c));
  }
  EXPECT_GT(cases.size(), 50u);
  return cases;
}

// Whether STIX validation accepts `value` as the value of an SCO of `type`.
bool StixAccepts(std::string_view type, const std::string& value) {
  boost::json::object sco;
  sco["type"] = type;
  sco["spec_version"] = "2.1";
  sco["id"] = std::string(type) + "--ff26c055-6336-5bc5-b98d-13d6226742dd";
  sco["value"] = value;
  auto doc = stix::ReadDocument(boost::json::serialize(sco));
  EXPECT_TRUE(doc.ok()) << doc.status().message();
  if (!doc.ok()) return false;
  for (const auto& p : doc->problems) {
    if (p.rule == "observable-value") return false;
  }
  return true;
}

// `text` as a string literal of the pattern language.
std::string PatternLiteral(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

// Whether the pattern `[ipv4-addr:value <comparison>]` holds for an observed ipv4-addr `value`.
bool PatternMatches(const std::string& comparison, const std::string& value) {
  auto p = pattern::Compile("[" + comparison + "]");
  EXPECT_TRUE(p.ok()) << comparison << ": " << p.status().message();
  if (!p.ok()) return false;
  boost::json::object sco;
  sco["type"] = "ipv4-addr";
  sco["value"] = value;
  pattern::Observation observation;
  observation.objects.emplace_back("0", &sco);
  return p->MatchesOne(observation);
}

TEST(IpAgreement, StixValidation) {
  for (const Case& c : LoadCases()) {
    SCOPED_TRACE("'" + c.text + "'");
    EXPECT_EQ(StixAccepts("ipv4-addr", c.text), c.kind == "ipv4");
    EXPECT_EQ(StixAccepts("ipv6-addr", c.text), c.kind == "ipv6");
  }
}

TEST(IpAgreement, PatternConstantsAndObservedValues) {
  for (const Case& c : LoadCases()) {
    SCOPED_TRACE("'" + c.text + "'");
    const bool is_network = c.kind != "none";
    auto compiled = pattern::Compile("[ipv4-addr:value ISSUBSET " + PatternLiteral(c.text) + "]");
    EXPECT_EQ(compiled.ok(), is_network) << (compiled.ok() ? "" : compiled.status().message());
    EXPECT_EQ(PatternMatches("ipv4-addr:value ISSUBSET '0.0.0.0/0'", c.text), c.kind == "ipv4");
    EXPECT_EQ(PatternMatches("ipv4-addr:value ISSUBSET '::/0'", c.text), c.kind == "ipv6");
    if (c.same_as) {
      const std::string same = PatternLiteral(*c.same_as);
      EXPECT_TRUE(PatternMatches(
          "ipv4-addr:value ISSUBSET " + same + " AND ipv4-addr:value ISSUPERSET " + same, c.text));
    }
  }
}

TEST(IpAgreement, Hunting) {
  for (const Case& c : LoadCases()) {
    SCOPED_TRACE("'" + c.text + "'");
    const auto prefix = hunt::ParseIpPrefix(c.text);
    if (c.hunt_reads) {
      const auto read = hunt::ParseIpPrefix(*c.hunt_reads);
      ASSERT_TRUE(read.has_value());
      EXPECT_EQ(prefix, read);
    } else {
      ASSERT_EQ(prefix.has_value(), c.kind != "none");
      if (prefix) {
        EXPECT_EQ(prefix->address.is_v6, c.kind == "ipv6");
      }
      if (c.same_as) {
        EXPECT_EQ(prefix, hunt::ParseIpPrefix(*c.same_as));
      }
    }
    if (c.text.find('/') == std::string::npos) {
      // A log value: the same address as the prefix of one address.
      const auto address = hunt::ParseIpAddress(c.text);
      ASSERT_EQ(address.has_value(), prefix.has_value());
      if (address) {
        EXPECT_EQ(*address, prefix->address);
      }
    }
  }
}

}  // namespace
}  // namespace tessera
