// The keys of the search index (search_keys.h): what objects are filed under, what a value is
// looked up by, and that the two meet for every kind of value (issue 16).

#include "hunt/search_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace tessera::hunt {
namespace {

using ::testing::Contains;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;
using ::testing::Not;

stix::Object Obj(const std::string& type, const std::string& json) {
  stix::Object o;
  o.type = type;
  o.id = type + "--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
  o.json = json;
  return o;
}

stix::Object Indicator(const std::string& pattern) {
  return Obj("indicator", R"({"type":"indicator","created":"2024-01-01T00:00:00.000Z",)"
                          R"("pattern_type":"stix","pattern":)" +
                              boost::json::serialize(boost::json::string(pattern)) + "}");
}

// An object and exactly the keys it is filed under.
struct ObjectCase {
  const char* name;
  stix::Object object;
  std::vector<std::string> keys;
};
void PrintTo(const ObjectCase& c, std::ostream* out) { *out << c.name; }

const ObjectCase kObjectCases[] = {
    {"IPv4 address", Indicator("[ipv4-addr:value = '198.51.100.7']"), {"ip:198.51.100.7/32"}},
    {"CIDR range, host bits cleared",
     Indicator("[ipv4-addr:value = '10.1.2.3/8']"),
     {"ip:10.0.0.0/8"}},
    {"ISSUBSET on addresses",
     Indicator("[ipv4-addr:value ISSUBSET '192.0.2.0/24']"),
     {"ip:192.0.2.0/24"}},
    {"IPv6 in its canonical text",
     Indicator("[ipv6-addr:value = '2001:DB8:0:0::1']"),
     {"ip:2001:db8::1/128"}},
    {"domain, upper case and trailing dot",
     Indicator("[domain-name:value = 'Evil.Example.']"),
     {"domain:evil.example"}},
    {"internationalized domain",
     Indicator("[domain-name:value = 'bücher.example']"),
     {"domain:xn--bcher-kva.example"}},
    {"URL normalized",
     Indicator("[url:value = 'HTTP://Evil.Example:80/a/../b']"),
     {"url:http://evil.example/b"}},
    {"e-mail address",
     Indicator("[email-addr:value = 'Alice@Example.ORG']"),
     {"email:alice@example.org"}},
    {"hash in upper case",
     Indicator("[file:hashes.'SHA-256' = "
               "'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855']"),
     {"hash:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}},
    {"IN lists each value, OR both sides",
     Indicator("[domain-name:value IN ('a.example', 'b.example') OR "
               "ipv4-addr:value = '203.0.113.9']"),
     {"domain:a.example", "domain:b.example", "ip:203.0.113.9/32"}},
    {"a pattern with qualifiers is read through Compile",
     Indicator("[url:value = 'http://x.example/'] REPEATS 2 TIMES"),
     {"url:http://x.example/"}},
    {"negated and other operators are not filed",
     Indicator("[ipv4-addr:value != '198.51.100.1' AND domain-name:value LIKE '%.example' AND "
               "mac-addr:value = 'AA-BB-CC-DD-EE-FF']"),
     {"other:aa:bb:cc:dd:ee:ff"}},
    {"network traffic destination as a domain",
     Indicator("[network-traffic:dst_ref.value = 'c2.example']"),
     {"domain:c2.example"}},
    {"an invalid constant is left out", Indicator("[ipv4-addr:value = 'not-an-address']"), {}},
    {"a pattern of another language is not read",
     Obj("indicator", R"({"type":"indicator","created":"2024-01-01T00:00:00.000Z",)"
                      R"("pattern_type":"snort","pattern":"alert tcp any any"})"),
     {}},
    {"SCO address",
     Obj("ipv4-addr", R"({"type":"ipv4-addr","value":"203.0.113.66"})"),
     {"ip:203.0.113.66/32"}},
    {"SCO file: name and every hash",
     Obj("file",
         R"({"type":"file","name":"evil.exe","hashes":{"MD5":"D41D8CD98F00B204E9800998ECF8427E",)"
         R"("SSDEEP":"3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C"}})"),
     {"hash:3:axgbicflgvnhbgcl6wcrfqev:axghsnhxlsr2c", "hash:d41d8cd98f00b204e9800998ecf8427e",
      "other:evil.exe"}},
    {"SCO mutex name",
     Obj("mutex", R"({"type":"mutex","name":"Global\\xyz"})"),
     {"other:Global\\xyz"}},
    {"observed-data: embedded objects and references",
     Obj("observed-data", R"({"type":"observed-data","created":"2024-01-01T00:00:00.000Z",)"
                          R"("objects":{"0":{"type":"domain-name","value":"x.example"}},)"
                          R"("object_refs":["ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd"]})"),
     {"domain:x.example", "ref:ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd"}},
    {"sighting: what it sights and its observed-data",
     Obj("sighting",
         R"({"type":"sighting","created":"2024-01-01T00:00:00.000Z",)"
         R"("sighting_of_ref":"indicator--1","observed_data_refs":["observed-data--2"]})"),
     {"ref:indicator--1", "ref:observed-data--2"}},
    {"relationship: both ends",
     Obj("relationship", R"({"type":"relationship","created":"2024-01-01T00:00:00.000Z",)"
                         R"("source_ref":"indicator--1","target_ref":"malware--2"})"),
     {"ref:indicator--1", "ref:malware--2"}},
    {"an SDO's name is not a value (full text is another index)",
     Obj("malware", R"({"type":"malware","created":"2024-01-01T00:00:00.000Z","name":"x"})"),
     {}},
    {"not JSON", Obj("ipv4-addr", "{"), {}},
};

class ObjectKeysTest : public ::testing::TestWithParam<ObjectCase> {};

TEST_P(ObjectKeysTest, FilesTheObjectUnderExactlyTheseKeys) {
  EXPECT_THAT(ObjectSearchKeys(GetParam().object), ElementsAreArray(GetParam().keys));
}

INSTANTIATE_TEST_SUITE_P(Cases, ObjectKeysTest, ::testing::ValuesIn(kObjectCases));

// A value searched for, and an object that must be found by it (or must not).
struct MeetCase {
  const char* value;
  stix::Object object;
  bool found;
};
void PrintTo(const MeetCase& c, std::ostream* out) { *out << c.value; }

const MeetCase kMeetCases[] = {
    {"203.0.113.66", Indicator("[ipv4-addr:value = '203.0.113.66']"), true},
    {" 203.0.113.66 ", Indicator("[ipv4-addr:value = '203.0.113.66']"), true},
    {"203.0.113.66", Indicator("[ipv4-addr:value = '203.0.113.0/24']"), true},
    {"203.0.113.66", Indicator("[ipv4-addr:value = '0.0.0.0/0']"), true},
    {"203.0.113.66", Indicator("[ipv4-addr:value = '203.0.112.0/24']"), false},
    {"203.0.113.66", Indicator("[ipv4-addr:value = '203.0.113.67']"), false},
    {"::ffff:203.0.113.66", Indicator("[ipv4-addr:value = '203.0.113.66']"), true},
    {"2001:db8::1:5", Indicator("[ipv6-addr:value = '2001:db8::/32']"), true},
    {"2001:db8::1:5", Indicator("[ipv6-addr:value = '2001:db9::/32']"), false},
    {"10.1.0.0/16", Indicator("[ipv4-addr:value = '10.0.0.0/8']"), true},
    {"a.b.evil.example", Indicator("[domain-name:value = 'evil.example']"), true},
    {"EVIL.example", Indicator("[domain-name:value = 'evil.example']"), true},
    {"notevil.example", Indicator("[domain-name:value = 'evil.example']"), false},
    {"evil.example", Indicator("[domain-name:value = 'a.evil.example']"), false},
    {"evil.example.net", Indicator("[domain-name:value = 'evil.example']"), false},
    {"xn--bcher-kva.example", Indicator("[domain-name:value = 'Bücher.example']"), true},
    {"http://EVIL.example:80/x/./y", Indicator("[url:value = 'http://evil.example/x/y']"), true},
    {"evil.example/x/y", Indicator("[url:value = 'http://evil.example/x/y']"), true},
    {"evil.example", Indicator("[url:value = 'http://evil.example/']"), false},
    {"Alice <ALICE@example.org>", Indicator("[email-addr:value = 'alice@example.org']"), true},
    {"alice@example.org", Indicator("[email-message:from_ref.value = 'Alice@Example.org']"), true},
    {"D41D8CD98F00B204E9800998ECF8427E",
     Indicator("[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']"), true},
    {"da39a3ee5e6b4b0d3255bfef95601890afd80709",
     Obj("file",
         R"({"type":"file","hashes":{"SHA-1":"DA39A3EE5E6B4B0D3255BFEF95601890AFD80709"}})"),
     true},
    {"3:AXGBICFLGVNHBGCL6WCRFQEV:AXGHSNHXLSR2C",
     Obj("file",
         R"({"type":"file","hashes":{"SSDEEP":"3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C"}})"),
     true},
    {"aa:bb:cc:dd:ee:ff", Indicator("[mac-addr:value = 'AA-BB-CC-DD-EE-FF']"), true},
    {"HKLM\\Software\\Run",
     Indicator("[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\software\\\\run']"), true},
    {"evil.exe", Obj("file", R"({"type":"file","name":"evil.exe"})"), true},
    {"Global\\xyz", Obj("mutex", R"({"type":"mutex","name":"Global\\xyz"})"), true},
    {"64496", Obj("autonomous-system", R"({"type":"autonomous-system","number":64496})"), true},
};

class MeetTest : public ::testing::TestWithParam<MeetCase> {};

TEST_P(MeetTest, AValueFindsTheObjectsThatNameIt) {
  const MeetCase& c = GetParam();
  auto probes = ValueSearchKeys(c.value);
  ASSERT_TRUE(probes.ok()) << probes.status().ToString();
  const std::vector<std::string> filed = ObjectSearchKeys(c.object);
  ASSERT_THAT(filed, Not(IsEmpty()));
  const bool meet = std::any_of(filed.begin(), filed.end(), [&](const std::string& k) {
    return std::find(probes->begin(), probes->end(), k) != probes->end();
  });
  EXPECT_EQ(meet, c.found) << "filed under " << ::testing::PrintToString(filed) << ", probes "
                           << ::testing::PrintToString(*probes);
}

INSTANTIATE_TEST_SUITE_P(Cases, MeetTest, ::testing::ValuesIn(kMeetCases));

TEST(ValueSearchKeysTest, EmptyAndOverlongValuesAreRefused) {
  EXPECT_EQ(ValueSearchKeys("").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ValueSearchKeys("  \t").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(ValueSearchKeys(std::string(kMaxSearchValueBytes, 'a')).ok());
  auto longer = ValueSearchKeys(std::string(kMaxSearchValueBytes + 1, 'a'));
  EXPECT_EQ(longer.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(longer.status().message().find("8192"), std::string::npos);
}

TEST(ValueSearchKeysTest, AnAddressProbesEveryNetworkThatHoldsItAndNoOther) {
  auto v4 = ValueSearchKeys("203.0.113.66");
  ASSERT_TRUE(v4.ok());
  size_t networks = 0;
  for (const std::string& k : *v4) networks += k.rfind("ip:", 0) == 0;
  EXPECT_EQ(networks, 33u);
  EXPECT_THAT(*v4, Contains("ip:203.0.113.64/26"));
  EXPECT_THAT(*v4, Contains("ip:128.0.0.0/1"));
  auto v6 = ValueSearchKeys("2001:db8::1");
  ASSERT_TRUE(v6.ok());
  networks = 0;
  for (const std::string& k : *v6) networks += k.rfind("ip:", 0) == 0;
  EXPECT_EQ(networks, 129u);
  EXPECT_THAT(*v6, Contains("ip:2001:db8::/32"));
}

TEST(ObjectSearchKeysTest, AnObjectIsFiledUnderAtMostTheLimit) {
  stix::Object o = Obj("observed-data", "");
  std::string refs;
  for (size_t i = 0; i < kMaxSearchKeysPerObject + 10; ++i) {
    refs += (i ? ",\"x--" : "\"x--") + std::to_string(100000 + i) + "\"";
  }
  o.json = R"({"type":"observed-data","created":"2024-01-01T00:00:00.000Z","object_refs":[)" +
           refs + "]}";
  EXPECT_EQ(ObjectSearchKeys(o).size(), kMaxSearchKeysPerObject);
}

}  // namespace
}  // namespace tessera::hunt
