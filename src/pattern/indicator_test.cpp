// The check of an indicator's pattern where indicators enter (pattern/indicator.h): a pattern
// that does not compile is an error at its position; a constant that can never match its object
// path is a warning (an error when strict). Cases as data, one per row.

#include "pattern/indicator.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "pattern/pattern.h"

namespace tessera::pattern {
namespace {

stix::Object Indicator(const std::string& pattern, const std::string& pattern_type = "stix") {
  stix::Object o;
  o.type = "indicator";
  o.id = "indicator--6a0e3c1b-2d4f-4e8a-9b7c-1d2e3f4a5b6c";
  boost::json::object json;
  json["type"] = "indicator";
  json["id"] = o.id;
  json["pattern"] = pattern;
  json["pattern_type"] = pattern_type;
  o.json = boost::json::serialize(json);
  return o;
}

struct Case {
  const char* pattern;
  const char* rule;     // "" when the pattern has no problem
  const char* message;  // the first problem's message, "position N: ..."
  size_t count;         // how many problems
};

// STIX 2.1 §9 (grammar), §6.4-6.6 (the value forms of ipv4-addr, ipv6-addr, mac-addr).
constexpr Case kCases[] = {
    // Valid patterns whose constants are values their path can hold.
    {"[ipv4-addr:value = '198.51.100.23']", "", "", 0},
    {"[ipv4-addr:value = '198.51.100.0/24' OR ipv6-addr:value = '2001:db8:ab::/48']", "", "", 0},
    {"[mac-addr:value = '0a:1b:2c:3d:4e:5f']", "", "", 0},
    {"[ipv4-addr:value ISSUBSET '192.0.2.0/25']", "", "", 0},
    // Not judged: through a reference (it may name an ipv6-addr or a domain-name), other
    // operators, other types.
    {"[network-traffic:dst_ref.value = '198.51.100.256']", "", "", 0},
    {"[ipv4-addr:value LIKE '300.%']", "", "", 0},
    {"[x-sensor:value = '1.2.3.999']", "", "", 0},
    // Not valid syntax: an error at the position Compile gives.
    {"[ipv4-addr:value = '198.51.100.23'", "pattern-syntax", "position 34: ", 1},
    {"[ipv4-addr:value = 198.51.100.23]", "pattern-syntax", "position 25: expected ']'", 1},
    {"[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd8070']", "pattern-syntax",
     "position 1: 'da39a3ee5e6b4b0d3255bfef95601890afd8070' is not a valid SHA-1 hash", 1},
    {"[ipv4-addr:value ISSUBSET '198.51.100.0/40']", "pattern-syntax", "position 26: ", 1},
    // Valid syntax, but no valid object has that value: a warning at the comparison.
    {"[ipv4-addr:value = '198.51.100.300']", "pattern-never-matches",
     "position 1: '198.51.100.300' can never match ipv4-addr:value, which is an IPv4 address or "
     "CIDR block",
     1},
    {"[ipv4-addr:value = '198.51.100.0/33']", "pattern-never-matches", "position 1: ", 1},
    {"[ipv4-addr:value != '2001:db8::1']", "pattern-never-matches", "position 1: ", 1},
    {"[ipv4-addr:value ISSUPERSET '2001:db8::/64']", "pattern-never-matches", "position 1: ", 1},
    {"[ipv6-addr:value IN ('2001:db8::1', '2001:db8::g', '192.0.2.1')]", "pattern-never-matches",
     "position 1: '2001:db8::g' can never match ipv6-addr:value, which is an IPv6 address or CIDR "
     "block",
     2},
    {"[mac-addr:value = '0a:1b:2c:3d:4e']", "pattern-never-matches",
     "position 1: '0a:1b:2c:3d:4e' can never match mac-addr:value, which is a lower-case, "
     "colon-delimited MAC-48 address",
     1},
    {"[mac-addr:value = '0A:1B:2C:3D:4E:5F']", "pattern-never-matches", "position 1: ", 1},
    {"[ipv4-addr:value = '192.0.2.1' OR ipv4-addr:value = '192.0.2.1.5']", "pattern-never-matches",
     "position 34: ", 1},
    {"[file:name = 'a'] FOLLOWEDBY [mac-addr:value = 'zz:zz:zz:zz:zz:zz']", "pattern-never-matches",
     "position 30: ", 1},
};

TEST(IndicatorPattern, ErrorsAndWarningsAsTheCasesSay) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.pattern);
    const std::vector<stix::Problem> problems = CheckIndicatorPattern(Indicator(c.pattern));
    ASSERT_EQ(problems.size(), c.count);
    if (c.count == 0) continue;
    const stix::Problem& p = problems.front();
    EXPECT_EQ(p.rule, c.rule);
    EXPECT_EQ(p.path, "$.pattern");
    EXPECT_EQ(p.object_id, "indicator--6a0e3c1b-2d4f-4e8a-9b7c-1d2e3f4a5b6c");
    EXPECT_EQ(p.severity, std::string(c.rule) == "pattern-syntax" ? stix::Severity::kError
                                                                  : stix::Severity::kWarning);
    EXPECT_EQ(p.message.substr(0, std::string(c.message).size()), c.message) << p.message;
  }
}

TEST(IndicatorPattern, StrictMakesANeverMatchingConstantAnError) {
  const auto problems = CheckIndicatorPattern(Indicator("[ipv4-addr:value = '10.0.0.256']"), true);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].severity, stix::Severity::kError);
  EXPECT_EQ(problems[0].rule, kPatternNeverMatchesRule);
}

TEST(IndicatorPattern, OnlyStixPatternsOfIndicatorsAreJudged) {
  EXPECT_TRUE(CheckIndicatorPattern(Indicator("alert tcp any any -> any 80", "snort")).empty());
  stix::Object other = Indicator("[ipv4-addr:value = ");
  other.type = "x-note";
  EXPECT_TRUE(CheckIndicatorPattern(other).empty());
  stix::Object broken = Indicator("[");
  broken.json = "not json";
  EXPECT_TRUE(CheckIndicatorPattern(broken).empty());
}

TEST(IndicatorPattern, TheWarningIsTheCompiledPatternsOwn) {
  auto p = Compile("[ipv4-addr:value = '203.0.113.5'] AND [ipv4-addr:value = '203.0.113.500']");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const std::vector<PatternWarning> w = p->NeverMatchingConstants();
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].position, 39u);
  EXPECT_EQ(w[0].message,
            "'203.0.113.500' can never match ipv4-addr:value, which is an IPv4 address or CIDR "
            "block");
}

}  // namespace
}  // namespace tessera::pattern
