#include "stix/writer.h"

#include <gtest/gtest.h>

#include "stix/tlp.h"

namespace tessera::stix {
namespace {

boost::json::object Obj(std::string_view json) { return boost::json::parse(json).as_object(); }
const Timestamp kNow = ParseTimestamp("2024-05-01T10:00:00.123Z").value();

TEST(Writer, BuildsAnScoWithItsDeterministicId) {
  auto ip = BuildObject(Obj(R"({"type":"ipv4-addr","value":"198.51.100.3"})"));
  ASSERT_TRUE(ip.ok()) << ip.status().ToString();
  EXPECT_EQ(ip->id, "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4");
  EXPECT_EQ(ip->spec_version, "2.1");
  EXPECT_FALSE(ip->created.has_value());
  EXPECT_TRUE(ValidateJson(ip->json).empty());
}

TEST(Writer, BuildsAnSdoWithTimestampsAndARandomId) {
  auto ind =
      BuildObject(Obj(R"({"type":"indicator","pattern":"[ipv4-addr:value = '198.51.100.3']",)"
                      R"("pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"})"),
                  kNow);
  ASSERT_TRUE(ind.ok()) << ind.status().ToString();
  EXPECT_TRUE(ind->id.starts_with("indicator--"));
  EXPECT_EQ(ind->created, kNow);
  EXPECT_EQ(ind->modified, kNow);
  EXPECT_NE(ind->json.find(R"("created":"2024-05-01T10:00:00.123Z")"), std::string::npos);
}

TEST(Writer, RefusesAnObjectThatBreaksARule) {
  auto bad = BuildObject(Obj(R"({"type":"indicator","pattern_type":"stix"})"), kNow);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("$.pattern"), std::string::npos);
  EXPECT_FALSE(BuildObject(Obj(R"({"value":"x"})")).ok());
}

TEST(Writer, BuildsASighting) {
  SightingSpec spec;
  spec.sighting_of_ref = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
  spec.where_sighted_refs = {"identity--5d0092c5-5f74-4287-9642-33f4c354e56d"};
  spec.first_seen = ParseTimestamp("2024-04-30T00:00:00Z").value();
  spec.last_seen = ParseTimestamp("2024-04-30T01:00:00.5Z").value();
  spec.count = 3;
  spec.object_marking_refs = {std::string(FindTlpMarking(TlpVersion::k2, TlpLevel::kAmber)->id)};
  auto s = BuildSighting(spec, kNow);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->type, "sighting");
  EXPECT_TRUE(ValidateJson(s->json, ReadOptions{.strict = true}).empty());
  auto json = ToJson(*s);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->at("count").as_int64(), 3);
  EXPECT_EQ(json->at("last_seen").as_string(), "2024-04-30T01:00:00.500Z");

  spec.where_sighted_refs = {"malware--5d0092c5-5f74-4287-9642-33f4c354e56d"};
  auto bad = BuildSighting(spec, kNow);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("reference-type"), std::string::npos);
}

TEST(Writer, NewVersionsAndRevocation) {
  auto v1 = BuildObject(Obj(R"({"type":"malware","name":"Poison Ivy","is_family":true})"), kNow);
  ASSERT_TRUE(v1.ok());
  auto v2 = NewVersion(*v1, Obj(R"({"description":"a RAT","name":null,"is_family":false})"));
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  EXPECT_EQ(v2->id, v1->id);
  EXPECT_EQ(v2->created, v1->created);
  EXPECT_GT(*v2->modified, *v1->modified);
  EXPECT_TRUE(IsNewerVersion(*v2, *v1));
  EXPECT_FALSE(IsNewerVersion(*v1, *v2));
  EXPECT_EQ(v2->json.find("Poison Ivy"), std::string::npos);

  // A version that breaks a rule is refused; so is changing the id or an earlier `modified`.
  EXPECT_FALSE(NewVersion(*v2, Obj(R"({"is_family":true})")).ok());  // family without name
  EXPECT_FALSE(
      NewVersion(*v2, Obj(R"({"id":"malware--5d0092c5-5f74-4287-9642-33f4c354e56d"})")).ok());
  EXPECT_FALSE(NewVersion(*v2, Obj("{}"), kNow).ok());

  auto revoked = Revoke(*v2);
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_TRUE(revoked->revoked);
  EXPECT_FALSE(Revoke(*revoked).ok());

  const Object tlp = TlpObject(*FindTlpMarking(TlpVersion::k2, TlpLevel::kRed));
  EXPECT_FALSE(NewVersion(tlp, Obj("{}")).ok());
}

TEST(Writer, SerializesABundleThatReadsBack) {
  auto a = BuildObject(Obj(R"({"type":"domain-name","value":"example.com"})"));
  auto b = BuildObject(Obj(R"({"type":"url","value":"https://example.com/x"})"));
  ASSERT_TRUE(a.ok() && b.ok());
  const std::vector<Object> objects = {
      *a, *b, TlpObject(*FindTlpMarking(TlpVersion::k1, TlpLevel::kGreen))};
  const std::string bundle = SerializeBundle(objects);
  auto doc = ReadDocument(bundle);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_TRUE(doc->problems.empty());
  ASSERT_EQ(doc->objects.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(doc->objects[i].json, objects[i].json);
  EXPECT_TRUE(ReadDocument(SerializeBundle({})).ok());
}

}  // namespace
}  // namespace tessera::stix
