#include "stix/sco_id.h"

#include <gtest/gtest.h>

namespace tessera::stix {
namespace {

boost::json::object Obj(std::string_view json) { return boost::json::parse(json).as_object(); }

TEST(CanonicalJson, SortsMembersAndDropsWhitespace) {
  EXPECT_EQ(CanonicalJson(boost::json::parse(R"({ "b": [1, {"z":null, "a":true}], "a": "x" })")),
            R"({"a":"x","b":[1,{"a":true,"z":null}]})");
}

TEST(CanonicalJson, EscapesOnlyWhatRfc8785Requires) {
  EXPECT_EQ(CanonicalJson(boost::json::value("a\"b\\c\n\x01/é\u20ac")),
            "\"a\\\"b\\\\c\\n\\u0001/é\u20ac\"");
}

TEST(CanonicalJson, NumbersInEcmaScriptForm) {
  EXPECT_EQ(CanonicalJson(boost::json::parse("[0, -1, 1.5, 100.0, 1e21, 1e20, 0.000001, 1e-7, "
                                             "123456789012, 3.0e-10, -0.25]")),
            "[0,-1,1.5,100,1e+21,100000000000000000000,0.000001,1e-7,123456789012,3e-10,-0.25]");
}

TEST(CanonicalJson, OrdersKeysByUtf16CodeUnits) {
  // U+1F600 (surrogates D83D DE00) sorts before U+FB01 in UTF-16, after it in UTF-8.
  EXPECT_EQ(CanonicalJson(boost::json::parse("{\"\xEF\xAC\x81\":1,\"\xF0\x9F\x98\x80\":2}")),
            "{\"\xF0\x9F\x98\x80\":2,\"\xEF\xAC\x81\":1}");
}

// Expected ids: Python's uuid.uuid5(UUID("00abedb4-aa42-466c-9c01-fed23315a9b7"), <canonical>).
TEST(DeterministicScoId, Ipv4AndDomain) {
  auto ip = DeterministicScoId(Obj(R"({"type":"ipv4-addr","value":"198.51.100.3"})"));
  ASSERT_TRUE(ip.ok()) << ip.status().ToString();
  EXPECT_EQ(*ip, "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4");
  auto dn = DeterministicScoId(
      Obj(R"({"type":"domain-name","id":"ignored","value":"example.com","resolves_to_refs":[]})"));
  ASSERT_TRUE(dn.ok());
  EXPECT_EQ(*dn, "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7");
}

TEST(DeterministicScoId, FileUsesOneHashInPreferenceOrder) {
  const std::string sha256 = "ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c";
  auto a =
      DeterministicScoId(Obj(R"({"type":"file","name":"foo.exe","size":10,"hashes":{"SHA-256":")" +
                             sha256 + R"(","SSDEEP":"3:a:b"}})"));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, "file--0e032376-50ef-59bf-b22b-db63c7315105");
  // Order of input properties and non-contributing ones do not matter.
  auto b = DeterministicScoId(
      Obj(R"({"hashes":{"SSDEEP":"3:a:b","SHA-256":")" + sha256 +
          R"("},"mtime":"2020-01-01T00:00:00Z","name":"foo.exe","type":"file"})"));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, *b);
}

TEST(DeterministicScoId, NetworkTraffic) {
  auto id = DeterministicScoId(Obj(
      R"({"type":"network-traffic","protocols":["tcp"],"dst_ref":"ipv4-addr--a","dst_port":443})"));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "network-traffic--db5c06c0-c633-5205-ac56-d0dd44eb4e76");
}

TEST(DeterministicScoId, RefusesWhatHasNoContributingProperties) {
  EXPECT_FALSE(DeterministicScoId(Obj(R"({"type":"process","pid":4})")).ok());
  EXPECT_FALSE(DeterministicScoId(Obj(R"({"type":"indicator"})")).ok());
  EXPECT_FALSE(DeterministicScoId(Obj(R"({"type":"url"})")).ok());
  EXPECT_FALSE(DeterministicScoId(Obj(R"({"value":"x"})")).ok());
}

}  // namespace
}  // namespace tessera::stix
