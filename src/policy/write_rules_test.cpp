// The write rules as pure functions (ingest_test.cpp runs each as the attack it stops, through
// the store). Marking ids are written out by hand, not taken from stix/tlp.cpp's table.

#include "policy/write_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tessera::policy {
namespace {

using ::testing::HasSubstr;

constexpr const char* kTlpRed2 = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
constexpr const char* kTlpRed2Json =
    R"({"type":"marking-definition","spec_version":"2.1","id":"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",)"
    R"("created":"2022-10-01T00:00:00.000Z","name":"TLP:RED","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":)"
    R"({"extension_type":"property-extension","tlp_2_0":"red"}}})";

stix::Object Object(const std::string& type, const std::string& id, const std::string& json,
                    bool versioned = true) {
  stix::Object o;
  o.type = type;
  o.id = id;
  if (versioned) o.modified = o.created = ParseTimestamp("2026-01-01T00:00:00Z").value();
  o.json = json;
  return o;
}

Principal Writer(int64_t org, Role role = Role::kAnalyst) {
  Principal p;
  p.user_id = 5;
  p.org_id = org;
  p.org_identity = "identity--00000000-0000-4000-8000-00000000000" + std::to_string(org);
  p.role = role;
  return p;
}

TEST(WriteRulesTest, SameJsonIgnoresOrderAndSpace) {
  EXPECT_TRUE(SameJson(R"({"a":1,"b":[2]})", R"({ "b": [2], "a": 1 })"));
  EXPECT_FALSE(SameJson(R"({"a":1})", R"({"a":2})"));
  EXPECT_FALSE(SameJson("not json", "not json!"));
}

TEST(WriteRulesTest, StandardTlpMarkingsAreBuiltIn) {
  const stix::Object standard = Object("marking-definition", kTlpRed2, kTlpRed2Json);
  EXPECT_TRUE(IsBuiltInMarking(standard));
  EXPECT_TRUE(CheckBuiltInMarking(standard).ok());
  std::string changed = kTlpRed2Json;
  changed.insert(changed.size() - 1, R"(,"x_note":"actually CLEAR")");
  const Status st = CheckBuiltInMarking(Object("marking-definition", kTlpRed2, changed));
  EXPECT_EQ(st.code(), ErrorCode::kPermissionDenied);
  EXPECT_THAT(st.message(), HasSubstr("standard TLP:RED marking-definition"));
  const stix::Object statement = Object(
      "marking-definition", "marking-definition--6a1a1b9e-6a41-4f0e-8e7e-0d6f1c1b2a3c", "{}");
  EXPECT_FALSE(IsBuiltInMarking(statement));
  EXPECT_TRUE(CheckBuiltInMarking(statement).ok());
}

TEST(WriteRulesTest, OrganizationIdentitiesAreTheHubs) {
  store::Organization org;
  org.id = 2;
  org.name = "beta";
  org.identity_id = "identity--11111111-1111-4111-8111-111111111111";
  org.identity_json = R"({"type":"identity","id":")" + org.identity_id + R"(","name":"beta"})";
  const stix::Object forged = Object("identity", org.identity_id,
                                     R"({"type":"identity","id":")" + org.identity_id +
                                         R"(","name":"beta","contact_information":"x"})");
  for (Role role : {Role::kAnalyst, Role::kOrgAdmin, Role::kSync, Role::kAdmin}) {
    EXPECT_EQ(CheckOrganizationIdentity(Writer(3, role), forged, &org).code(),
              ErrorCode::kPermissionDenied);
    EXPECT_EQ(CheckOrganizationIdentity(Writer(2, role), forged, &org).code(),
              ErrorCode::kPermissionDenied)
        << "its own organization, too";
  }
  Principal op = Writer(1, Role::kAdmin);
  op.user_id = 0;
  EXPECT_TRUE(CheckOrganizationIdentity(op, forged, &org).ok()) << "the hub itself";
  EXPECT_TRUE(CheckOrganizationIdentity(
                  Writer(3), Object("identity", org.identity_id, org.identity_json), &org)
                  .ok());
  EXPECT_TRUE(CheckOrganizationIdentity(Writer(3), forged, nullptr).ok());
}

TEST(WriteRulesTest, SightingsNameTheirWritersOrganization) {
  const Principal w = Writer(4);
  auto sighting = [](const std::string& where) {
    return Object("sighting", "sighting--22222222-2222-4222-8222-222222222222",
                  R"({"type":"sighting","where_sighted_refs":[)" + where + "]}");
  };
  EXPECT_TRUE(CheckWhereSighted(w, sighting("\"" + w.org_identity + "\"")).ok());
  EXPECT_EQ(CheckWhereSighted(w, sighting("\"" + w.org_identity + "\",\"identity--x\"")).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(CheckWhereSighted(w, sighting("1")).code(), ErrorCode::kPermissionDenied);
  EXPECT_TRUE(CheckWhereSighted(Writer(4, Role::kSync), sighting("\"identity--x\"")).ok());
  EXPECT_TRUE(CheckWhereSighted(w, Object("indicator", "indicator--x", "not json")).ok());
}

TEST(WriteRulesTest, OnlyTheOwnerAddsVersions) {
  store::StoredObject first;
  first.provider_org = 7;
  EXPECT_EQ(OwnerOf(first, 0), 7) << "no member author: who first contributed it";
  EXPECT_EQ(OwnerOf(first, 9), 9) << "the created_by_ref's organization first";

  const stix::Object v = Object("indicator", "indicator--x", "{}");
  EXPECT_TRUE(CheckVersionOwner(Writer(7), v, 7, false).ok());
  const Status st = CheckVersionOwner(Writer(8), v, 7, false);
  EXPECT_EQ(st.code(), ErrorCode::kPermissionDenied);
  EXPECT_THAT(st.message(), HasSubstr("derived-from"));
  EXPECT_TRUE(CheckVersionOwner(Writer(8), v, 7, true).ok()) << "a stored version: not adding";
  EXPECT_TRUE(CheckVersionOwner(Writer(8, Role::kSync), v, 7, false).ok());
  EXPECT_TRUE(CheckVersionOwner(Writer(8, Role::kAdmin), v, 7, false).ok());
  EXPECT_FALSE(CheckVersionOwner(Writer(8, Role::kOrgAdmin), v, 7, false).ok());
  EXPECT_TRUE(
      CheckVersionOwner(Writer(8), Object("ipv4-addr", "ipv4-addr--x", "{}", false), 7, false).ok())
      << "unversioned objects have no owner";
}

TEST(WriteRulesTest, AStoredVersionIsOneContentAndOneAudience) {
  const stix::Object v = Object("indicator", "indicator--x", R"({"a":1})");
  using store::GrantKey;
  store::Placement placement{"coll-1", 7, {GrantKey::CollectionReaders(), GrantKey::Org(7)}, {}};
  store::StoredObject same;
  same.json = R"({ "a": 1 })";
  same.provider_org = 7;
  same.readers = {GrantKey::CollectionReaders(), GrantKey::Org(7)};
  EXPECT_TRUE(CheckStoredVersion(v, placement, nullptr, nullptr).ok());
  EXPECT_TRUE(CheckStoredVersion(v, placement, &same, &same).ok());
  EXPECT_TRUE(CheckStoredVersion(v, placement, &same, nullptr).ok()) << "another collection";

  store::StoredObject other = same;
  other.json = R"({"a":2})";
  EXPECT_THAT(CheckStoredVersion(v, placement, &other, nullptr).message(),
              HasSubstr("already stored with other content"));
  store::StoredObject narrower = same;
  narrower.readers = {GrantKey::Org(7)};
  EXPECT_THAT(CheckStoredVersion(v, placement, &same, &narrower).message(),
              HasSubstr("with another audience"));
  store::StoredObject theirs = same;
  theirs.provider_org = 8;
  EXPECT_THAT(CheckStoredVersion(v, placement, &same, &theirs).message(),
              HasSubstr("another organization's share"));

  // Unversioned: only the row the write lands on counts, not what others hold elsewhere.
  const stix::Object sco = Object("ipv4-addr", "ipv4-addr--x", R"({"a":1})", false);
  EXPECT_TRUE(CheckStoredVersion(sco, placement, &other, nullptr).ok());
  EXPECT_FALSE(CheckStoredVersion(sco, placement, &other, &other).ok());
}

}  // namespace
}  // namespace tessera::policy
