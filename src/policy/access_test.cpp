// The access rules: TLP x audience x reader as data (tests/data/policy/tlp_matrix.json), run
// through the real path (Placer -> Store::Import -> ListCollection with ScopeFor), and the rules
// that refuse an object.

#include "policy/access.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>
#include <utility>

#include "common/uuid.h"
#include "stix/reader.h"

namespace tessera::policy {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class PolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tessera-policy-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    auto s = store::OpenStore(root_ + "/data", store::OpenMode::kCreateIfMissing);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    for (const char* name : {"provider", "recipient", "member", "outsider", "insider"}) {
      auto org = dir().CreateOrganization(name);
      ASSERT_TRUE(org.ok());
      orgs_[name] = *org;
    }
    auto circle = dir().CreateGroup("circle", "");
    ASSERT_TRUE(circle.ok());
    circle_ = circle->id;
    ASSERT_TRUE(dir().AddGroupMember(circle_, orgs_["provider"].id).ok());
    ASSERT_TRUE(dir().AddGroupMember(circle_, orgs_["insider"].id).ok());
    auto other = dir().CreateGroup("elsewhere", "");
    ASSERT_TRUE(other.ok());
    ASSERT_TRUE(dir().AddGroupMember(other->id, orgs_["outsider"].id).ok());

    store::CollectionInfo open;
    open.api_root = "api";
    open.title = "open";
    open.readers.all = open.writers.all = true;
    collections_["open"] = *dir().CreateCollection(open);
    store::CollectionInfo audience = open;
    audience.title = "audience";
    audience.default_tlp = stix::TlpLevel::kGreen;
    audience.audience_group = circle_;
    collections_["audience"] = *dir().CreateCollection(audience);
    store::CollectionInfo restricted;
    restricted.api_root = "api";
    restricted.title = "restricted";
    restricted.readers.orgs = {orgs_["provider"].id, orgs_["member"].id};
    restricted.writers.orgs = {orgs_["provider"].id};
    collections_["restricted"] = *dir().CreateCollection(restricted);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(root_);
  }

  store::Directory& dir() { return store_->directory(); }

  Principal As(const std::string& org, Role role = Role::kAnalyst) {
    Principal p;
    p.user_id = 1;
    p.user = org + "-user";
    p.org_id = orgs_[org].id;
    p.org_identity = orgs_[org].identity_id;
    p.role = role;
    p.groups = *dir().GroupsOf(p.org_id);
    return p;
  }

  // An indicator with `markings` and, optionally, the Tessera extension / other properties.
  stix::Object Indicator(const std::vector<std::string>& marking_ids,
                         const std::string& extra = "") {
    stix::Object o;
    o.type = "indicator";
    o.id = "indicator--" + Uuid::V4().ToString();
    o.spec_version = "2.1";
    o.created = o.modified = ParseTimestamp("2026-01-01T00:00:00.000Z").value();
    o.json = R"({"type":"indicator","spec_version":"2.1","id":")" + o.id +
             R"(","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",)"
             R"("pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix",)"
             R"("valid_from":"2026-01-01T00:00:00Z")";
    if (!marking_ids.empty()) {
      o.json += R"(,"object_marking_refs":[)";
      for (size_t i = 0; i < marking_ids.size(); ++i) {
        o.json += (i ? ",\"" : "\"") + marking_ids[i] + "\"";
      }
      o.json += "]";
    }
    o.json += extra + "}";
    return o;
  }

  std::string Extension(const std::vector<std::string>& recipient_orgs, const std::string& group) {
    boost::json::object ext{{"extension_type", "property-extension"}};
    if (!recipient_orgs.empty()) {
      boost::json::array r;
      for (const auto& name : recipient_orgs) r.emplace_back(orgs_[name].identity_id);
      ext["recipients"] = r;
    }
    if (!group.empty()) ext["sharing_group"] = group;
    return R"(,"extensions":{")" + std::string(kTesseraExtensionId) +
           "\":" + boost::json::serialize(ext) + "}";
  }

  // Places `objects` as `writer` (one Placer) and stores them: what ingest does before its write
  // rules. The notes of the placements, in order.
  std::vector<std::string> PlaceAndStore(const Principal& writer,
                                         const store::CollectionInfo& collection,
                                         const std::vector<stix::Object>& objects,
                                         const RequestAudience& headers = {}) {
    Placer placer(*store_, writer, collection, headers);
    for (const stix::Object& o : objects) placer.Expect(o);
    std::vector<store::Placement> placements;
    std::vector<std::string> notes;
    for (const stix::Object& o : objects) {
      auto placed = placer.Place(o);
      EXPECT_TRUE(placed.ok()) << placed.status().ToString();
      if (!placed.ok()) return notes;
      placements.push_back(placed->placement);
      notes.push_back(placed->note);
    }
    auto stored = store_->Import(objects, placements);
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    EXPECT_EQ(stored.ok() ? stored->added : 0u, objects.size());
    return notes;
  }

  // Whether `reader` sees object `id` in `collection` as TAXII serves it: only with can_read,
  // and only the versions its keys are granted.
  bool Sees(const std::string& reader, const store::CollectionInfo& collection,
            const std::string& id) {
    const Principal p = As(reader);
    if (!CanRead(p, collection)) return false;
    store::CollectionQuery q;
    q.collection = collection.id;
    q.scope = ScopeFor(p, collection);
    q.ids = {id};
    auto page = store_->ListCollection(q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() && !page->objects.empty();
  }

  std::string root_;
  std::unique_ptr<store::Store> store_;
  std::map<std::string, store::Organization> orgs_;
  std::map<std::string, store::CollectionInfo> collections_;
  int64_t circle_ = 0;
};

// TLP marking-definition ids written out as the STIX 2.1 standard (TLP 1.0, "tlp1:" names) and
// FIRST's TLP 2.0 publish them, not taken from the code under test: a wrong id in its table
// must fail here.
std::string MarkingId(const std::string& name) {
  static const std::map<std::string, std::string> kIds = {
      {"tlp1:white", "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"},
      {"tlp1:green", "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"},
      {"tlp1:amber", "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"},
      {"tlp1:red", "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"},
      {"clear", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"},
      {"green", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"},
      {"amber", "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"},
      {"amber+strict", "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"},
      {"red", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"},
  };
  auto it = kIds.find(name);
  EXPECT_NE(it, kIds.end()) << "unknown TLP name: " << name;
  return it == kIds.end() ? std::string() : it->second;
}

TEST_F(PolicyTest, TlpAudienceMatrix) {
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  ASSERT_NE(src, nullptr);
  std::ifstream in(fs::path(src) / "tests/data/policy/tlp_matrix.json");
  std::stringstream text;
  text << in.rdbuf();
  const boost::json::value data = boost::json::parse(text.str());
  const auto& cases = data.at("cases").as_array();
  ASSERT_GE(cases.size(), 20u);
  const std::vector<std::string> readers = {"provider", "recipient", "member", "outsider",
                                            "insider"};
  for (const auto& cv : cases) {
    const auto& c = cv.as_object();
    const std::string name(c.at("name").as_string());
    SCOPED_TRACE(name);
    const store::CollectionInfo& coll =
        collections_.at(std::string(c.at("collection").as_string()));
    std::vector<std::string> markings, recipients, visible;
    for (const auto& m : c.at("markings").as_array())
      markings.push_back(MarkingId(std::string(m.as_string())));
    if (const auto* r = c.if_contains("recipients")) {
      for (const auto& x : r->as_array()) recipients.emplace_back(x.as_string());
    }
    for (const auto& x : c.at("visible").as_array()) visible.emplace_back(x.as_string());
    const std::string group =
        c.contains("group") ? std::string(c.at("group").as_string()) : std::string();
    const bool via_headers = c.contains("via") && c.at("via").as_string() == "headers";

    RequestAudience headers;
    std::string extra;
    if (via_headers) {
      for (const auto& r : recipients) headers.recipients.push_back(orgs_[r].identity_id);
      headers.sharing_group = group;
    } else if (!recipients.empty() || !group.empty()) {
      extra = Extension(recipients, group);
    }
    const stix::Object object = Indicator(markings, extra);
    const Principal provider = As("provider");
    ASSERT_TRUE(CanWrite(provider, coll));
    const std::vector<std::string> notes = PlaceAndStore(provider, coll, {object}, headers);
    ASSERT_EQ(notes.size(), 1u);
    const bool note = c.contains("note") && c.at("note").as_bool();
    EXPECT_EQ(!notes[0].empty(), note) << notes[0];

    for (const std::string& reader : readers) {
      const bool expected = std::find(visible.begin(), visible.end(), reader) != visible.end();
      EXPECT_EQ(Sees(reader, coll, object.id), expected) << "reader " << reader;
    }
  }
}

TEST_F(PolicyTest, ReadersForIsTheGrantList) {
  using store::GrantKey;
  const auto& open = collections_["open"];
  EXPECT_THAT(ReadersFor(7, stix::TlpLevel::kClear, {}, open),
              ElementsAre(GrantKey::CollectionReaders(), GrantKey::Org(7)));
  EXPECT_THAT(ReadersFor(7, stix::TlpLevel::kAmber, Audience{{3, 4, 3}, std::nullopt}, open),
              ElementsAre(GrantKey::Org(3), GrantKey::Org(4), GrantKey::Org(7)));
  EXPECT_THAT(ReadersFor(7, stix::TlpLevel::kGreen, Audience{{}, 5}, open),
              ElementsAre(GrantKey::Group(5), GrantKey::Org(7)));
  EXPECT_THAT(ReadersFor(7, stix::TlpLevel::kRed, Audience{{}, 5}, open),
              ElementsAre(GrantKey::Org(7)));
  EXPECT_THAT(ReadersFor(7, stix::TlpLevel::kAmberStrict, {}, collections_["audience"]),
              ElementsAre(GrantKey::Group(circle_), GrantKey::Org(7)));
}

TEST_F(PolicyTest, ReaderKeysAndCollectionAccess) {
  const auto& restricted = collections_["restricted"];
  const Principal member = As("member");
  EXPECT_TRUE(CanRead(member, restricted));
  EXPECT_FALSE(CanWrite(member, restricted));
  EXPECT_TRUE(CanSee(member, restricted));
  const Principal outsider = As("outsider");
  EXPECT_FALSE(CanRead(outsider, restricted));
  EXPECT_FALSE(CanSee(outsider, restricted));
  EXPECT_TRUE(CanSee(As("outsider", Role::kAdmin), restricted)) << "admins manage it";
  EXPECT_FALSE(CanRead(As("outsider", Role::kAdmin), restricted))
      << "but reading stays relative to the organization";
  EXPECT_THAT(ReaderKeys(outsider, restricted),
              ElementsAre(store::GrantKey::Org(outsider.org_id),
                          store::GrantKey::Group(outsider.groups[0])));
  EXPECT_THAT(ReaderKeys(member, restricted), ElementsAre(store::GrantKey::Org(member.org_id),
                                                          store::GrantKey::CollectionReaders()));
  EXPECT_FALSE(CanWrite(As("provider", Role::kReadOnly), collections_["open"]));
  EXPECT_TRUE(CanWrite(As("provider", Role::kSync), collections_["open"]));

  // Grants through a group.
  store::CollectionInfo by_group = collections_["restricted"];
  by_group.readers = store::Grants{};
  by_group.readers.groups = {circle_};
  EXPECT_TRUE(CanRead(As("insider"), by_group));
  EXPECT_FALSE(CanRead(As("member"), by_group));
}

TEST_F(PolicyTest, DeletingNeedsReadAndWriteAndOwnVersionsUnlessAdmin) {
  const auto& open = collections_["open"];
  const auto& restricted = collections_["restricted"];
  const int64_t provider = orgs_["provider"].id;
  const int64_t member = orgs_["member"].id;

  // The collection: the organization reads and writes it, and the role writes.
  for (Role role : {Role::kAnalyst, Role::kOrgAdmin, Role::kSync, Role::kAdmin}) {
    EXPECT_TRUE(CanDelete(As("provider", role), open)) << RoleName(role);
  }
  EXPECT_FALSE(CanDelete(As("provider", Role::kReadOnly), open)) << "read-only never deletes";
  EXPECT_TRUE(CanDelete(As("provider"), restricted));
  EXPECT_FALSE(CanDelete(As("member"), restricted)) << "reads it but does not write it";
  store::CollectionInfo write_only = open;
  write_only.readers = store::Grants{};
  write_only.readers.orgs = {member};
  ASSERT_TRUE(CanWrite(As("provider"), write_only));
  EXPECT_FALSE(CanDelete(As("provider"), write_only)) << "writes it but does not read it";
  EXPECT_FALSE(CanDelete(As("outsider", Role::kAdmin), restricted))
      << "an admin, too, deletes only where its organization reads and writes";

  // The version: its own organization's, or any organization's for an admin.
  for (Role role : {Role::kAnalyst, Role::kOrgAdmin, Role::kSync}) {
    EXPECT_TRUE(CanDeleteVersion(As("member", role), open, member)) << RoleName(role);
    EXPECT_FALSE(CanDeleteVersion(As("member", role), open, provider)) << RoleName(role);
  }
  EXPECT_TRUE(CanDeleteVersion(As("member", Role::kAdmin), open, provider));
  // Never without CanDelete, not even its own.
  EXPECT_FALSE(CanDeleteVersion(As("member", Role::kReadOnly), open, member));
  EXPECT_FALSE(CanDeleteVersion(As("member"), restricted, member));
  EXPECT_FALSE(CanDeleteVersion(As("outsider", Role::kAdmin), restricted, provider));

  // On stored rows: the provider recorded at import decides.
  const stix::Object shared = Indicator({MarkingId("clear")});
  ASSERT_EQ(PlaceAndStore(As("provider"), open, {shared}).size(), 1u);
  for (const auto& [name, role, expected] :
       {std::tuple{"provider", Role::kAnalyst, true}, std::tuple{"member", Role::kAnalyst, false},
        std::tuple{"member", Role::kAdmin, true}}) {
    const Principal p = As(name, role);
    store::CollectionQuery q;
    q.collection = open.id;
    q.scope = ScopeFor(p, open);
    q.ids = {shared.id};
    auto page = store_->ListCollection(q);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ASSERT_EQ(page->objects.size(), 1u) << name;
    EXPECT_EQ(CanDeleteVersion(p, open, page->objects[0].provider_org), expected)
        << name << " as " << RoleName(role);
  }
}

TEST_F(PolicyTest, OrganizationViewIsFullForAdminsAndTheAddressForEveryOtherRole) {
  // The role alone decides: not the organization, nor the groups it is in (insider and outsider
  // are in groups, member in none).
  for (const std::string org : {"provider", "member", "insider", "outsider"}) {
    EXPECT_EQ(OrganizationViewFor(As(org, Role::kAdmin)), OrganizationView::kFull) << org;
    for (Role role : {Role::kOrgAdmin, Role::kAnalyst, Role::kReadOnly, Role::kSync}) {
      EXPECT_EQ(OrganizationViewFor(As(org, role)), OrganizationView::kAddress)
          << org << " as " << RoleName(role);
    }
  }
  // Every role a user can hold, by the names the directory stores: only "admin" sees it all.
  for (std::string_view name : {"admin", "org-admin", "analyst", "read-only", "sync"}) {
    const std::optional<Role> role = ParseRole(name);
    ASSERT_TRUE(role) << name;
    EXPECT_EQ(OrganizationViewFor(As("member", *role)),
              name == "admin" ? OrganizationView::kFull : OrganizationView::kAddress)
        << name;
  }
  // A default Principal (role read-only) gets the narrow view.
  EXPECT_EQ(OrganizationViewFor(Principal{}), OrganizationView::kAddress);
}

TEST_F(PolicyTest, RefusedObjectsSayWhy) {
  const auto& open = collections_["open"];
  const Principal provider = As("provider");
  Placer placer(*store_, provider, open);

  stix::Object unknown_recipient = Indicator({MarkingId("red")});
  unknown_recipient.json.pop_back();
  unknown_recipient.json +=
      R"(,"extensions":{")" + std::string(kTesseraExtensionId) +
      R"(":{"extension_type":"property-extension","recipients":["identity--)" +
      Uuid::V4().ToString() + R"("]}}})";
  auto r = placer.Place(unknown_recipient);
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("not a member organization"));

  auto not_member = placer.Place(Indicator({}, Extension({}, "elsewhere")));
  EXPECT_EQ(not_member.status().code(), ErrorCode::kPermissionDenied);
  auto no_group = placer.Place(Indicator({}, Extension({}, "nonexistent")));
  EXPECT_EQ(no_group.status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(no_group.status().message().find("elsewhere"), std::string::npos);

  auto malformed = placer.Place(Indicator(
      {}, R"(,"extensions":{")" + std::string(kTesseraExtensionId) +
              R"(":{"extension_type":"property-extension","recipients":"identity--x"}})"));
  EXPECT_EQ(malformed.status().code(), ErrorCode::kInvalidArgument);

  auto bad_headers = ParseAudienceHeaders("identity--abc, not-an-identity", "");
  EXPECT_EQ(bad_headers.status().code(), ErrorCode::kInvalidArgument);
  const std::string a = "identity--7d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a";
  const std::string b = "identity--0c4b9745-7f4e-4b5d-9c3a-2b1e0f9d8c7a";
  auto headers = ParseAudienceHeaders(" " + a + " ," + b + ",, ", " circle ");
  ASSERT_TRUE(headers.ok()) << headers.status().ToString();
  EXPECT_THAT(headers->recipients, ElementsAre(a, b));
  EXPECT_EQ(headers->sharing_group, "circle");
}

TEST_F(PolicyTest, OnlySyncAndAdminMayPostForAnotherMemberOrganization) {
  const auto& open = collections_["open"];
  const std::string as_member = R"(,"created_by_ref":")" + orgs_["member"].identity_id + "\"";
  const std::string as_self = R"(,"created_by_ref":")" + orgs_["provider"].identity_id + "\"";
  const std::string as_external = R"(,"created_by_ref":"identity--)" + Uuid::V4().ToString() + "\"";

  auto analyst = PlaceObject(*store_, As("provider"), open, Indicator({}, as_member));
  EXPECT_EQ(analyst.status().code(), ErrorCode::kPermissionDenied);
  EXPECT_THAT(analyst.status().message(), HasSubstr("another member organization"));
  auto with_extension =
      PlaceObject(*store_, As("provider"), open,
                  Indicator({MarkingId("red")}, as_member + Extension({"recipient"}, "")));
  EXPECT_EQ(with_extension.status().code(), ErrorCode::kPermissionDenied);
  EXPECT_TRUE(
      PlaceObject(*store_, As("provider", Role::kOrgAdmin), open, Indicator({}, as_self)).ok());
  EXPECT_TRUE(PlaceObject(*store_, As("provider"), open, Indicator({}, as_external)).ok())
      << "citing an author outside the hub is not impersonation";
  for (Role role : {Role::kSync, Role::kAdmin}) {
    auto placed = PlaceObject(*store_, As("provider", role), open, Indicator({}, as_member));
    ASSERT_TRUE(placed.ok()) << RoleName(role);
    EXPECT_EQ(placed->placement.provider_org, orgs_["provider"].id)
        << "the provider is who shared it, not who it cites";
  }
}

// A marking-definition with a fresh id, read by the STIX reader.
stix::Object MarkingDefinition(const std::string& body) {
  const std::string text =
      R"({"type":"marking-definition","spec_version":"2.1","id":"marking-definition--)" +
      Uuid::V4().ToString() + R"(","created":"2026-01-01T00:00:00.000Z",)" + body + "}";
  auto doc = stix::ReadDocument(text);
  EXPECT_TRUE(doc.ok() && doc->ok()) << text;
  return doc.ok() && !doc->objects.empty() ? doc->objects[0] : stix::Object{};
}

// #15 item 8: a marking Tessera does not know never falls back to the collection's default
// (amber here: every member would read it). Not held by the hub, or TLP-like without being a
// standard TLP definition: TLP:RED, and the status note says so. A held statement marking is
// kept and changes nothing.
TEST_F(PolicyTest, MarkingsTheHubDoesNotKnowFailClosed) {
  const auto& open = collections_["open"];
  const std::vector<std::string> everyone = {"provider", "recipient", "member", "outsider",
                                             "insider"};
  auto visible = [&](const std::string& id) {
    std::vector<std::string> out;
    for (const auto& reader : everyone) {
      if (Sees(reader, open, id)) out.push_back(reader);
    }
    return out;
  };

  const stix::Object unknown = Indicator({"marking-definition--" + Uuid::V4().ToString()});
  auto notes = PlaceAndStore(As("provider"), open, {unknown});
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_THAT(notes[0], HasSubstr("does not hold"));
  EXPECT_THAT(notes[0], HasSubstr("TLP:RED"));
  EXPECT_THAT(visible(unknown.id), ElementsAre("provider"));

  // Another member posts its own "TLP:RED" definition (TLP 1.0 style, and TLP 2.0 style).
  const stix::Object fake1 =
      MarkingDefinition(R"("definition_type":"tlp","name":"TLP:RED","definition":{"tlp":"red"})");
  const stix::Object fake2 = MarkingDefinition(
      R"("name":"TLP:RED","extensions":{")" + std::string(stix::kTlp2ExtensionDefinitionId) +
      R"(":{"extension_type":"property-extension","tlp_2_0":"red"}})");
  ASSERT_EQ(PlaceAndStore(As("member"), open, {fake1, fake2}).size(), 2u);
  for (const stix::Object* fake : {&fake1, &fake2}) {
    const stix::Object marked = Indicator({fake->id});
    auto r = PlaceAndStore(As("provider"), open, {marked});
    ASSERT_EQ(r.size(), 1u);
    EXPECT_THAT(r[0], HasSubstr("not a standard TLP definition"));
    EXPECT_THAT(visible(marked.id), ElementsAre("provider"));
  }
  // Even with a standard GREEN beside it: the strictest wins.
  const stix::Object mixed = Indicator({MarkingId("green"), fake1.id});
  ASSERT_EQ(PlaceAndStore(As("provider"), open, {mixed}).size(), 1u);
  EXPECT_THAT(visible(mixed.id), ElementsAre("provider"));

  // A statement the hub holds: the object keeps the collection's default (amber: everyone).
  const stix::Object statement =
      MarkingDefinition(R"("definition_type":"statement","name":"Copyright ACME",)"
                        R"("definition":{"statement":"Copyright 2026 ACME"})");
  ASSERT_EQ(PlaceAndStore(As("member"), open, {statement}).size(), 1u);
  const stix::Object copyrighted = Indicator({statement.id});
  auto c = PlaceAndStore(As("provider"), open, {copyrighted});
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0], "");
  EXPECT_EQ(visible(copyrighted.id), everyone);

  // A statement defined later in the same request counts as held too.
  const stix::Object later = MarkingDefinition(
      R"("definition_type":"statement","name":"Terms","definition":{"statement":"Terms"})");
  const stix::Object before = Indicator({later.id});
  ASSERT_EQ(PlaceAndStore(As("provider"), open, {before, later}).size(), 2u);
  EXPECT_EQ(visible(before.id), everyone);
}

// #15 item 6: what decides TLP is read once, from the parsed object, the same way on every path.
// An escaped key is the key ("object\u005fmarking_refs" is object_marking_refs): a substring
// search of the text would miss it and place the object by the collection's default.
TEST_F(PolicyTest, MarkingsAreReadFromTheParsedObject) {
  const auto& open = collections_["open"];
  std::string text = Indicator({}).json;
  text.pop_back();
  text += R"(,"object\u005fmarking_refs":[")" + MarkingId("red") + R"("]})";
  auto doc = stix::ReadDocument(text);
  ASSERT_TRUE(doc.ok() && doc->ok());
  const stix::Object& o = doc->objects[0];
  ASSERT_EQ(PlaceAndStore(As("provider"), open, doc->objects).size(), 1u);
  EXPECT_TRUE(Sees("provider", open, o.id));
  for (const char* other : {"recipient", "member", "outsider", "insider"}) {
    EXPECT_FALSE(Sees(other, open, o.id)) << other;
  }
  // The same text built in code (no handling read yet) is read the same way by the Placer.
  stix::Object built = o;
  built.handling.reset();
  auto placed = PlaceObject(*store_, As("provider"), open, built);
  ASSERT_TRUE(placed.ok());
  EXPECT_THAT(placed->placement.readers, ElementsAre(store::GrantKey::Org(orgs_["provider"].id)));
}

TEST(TesseraExtensionTest, StixValidationAcceptsTheExtension) {
  const std::string object =
      R"({"type":"indicator","spec_version":"2.1","id":"indicator--0f7d9c1e-2b1f-4c3a-9a51-6d5e4c3b2a10",)"
      R"("created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",)"
      R"("pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix",)"
      R"("valid_from":"2026-01-01T00:00:00Z","extensions":{")" +
      std::string(kTesseraExtensionId) +
      R"(":{"extension_type":"property-extension","recipients":["identity--)" +
      "7d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a" + R"("],"sharing_group":"circle"}}})";
  stix::ReadOptions strict;
  strict.strict = true;
  auto doc = stix::ReadDocument(object, strict);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_TRUE(doc->ok());
  EXPECT_TRUE(doc->problems.empty()) << doc->problems[0].message;
}

TEST(ReadersOfBothTest, NoWiderThanEitherSide) {
  using store::GrantKey;
  using Keys = std::vector<GrantKey>;
  const GrantKey coll = GrantKey::CollectionReaders();
  // The collection's readers on one side: the other side decides.
  EXPECT_THAT(ReadersOfBoth({coll}, {GrantKey::Org(7)}), ElementsAre(GrantKey::Org(7)));
  EXPECT_THAT(ReadersOfBoth({GrantKey::Org(7), GrantKey::Group(3)}, {coll, GrantKey::Org(9)}),
              ElementsAre(GrantKey::Org(7), GrantKey::Group(3)));
  EXPECT_THAT(ReadersOfBoth({coll}, {coll}), ElementsAre(coll));
  // Otherwise the keys both hold; a group and an organization in it do not meet.
  EXPECT_THAT(
      ReadersOfBoth({GrantKey::Org(7), GrantKey::Org(8)}, {GrantKey::Org(8), GrantKey::Org(9)}),
      ElementsAre(GrantKey::Org(8)));
  EXPECT_EQ(ReadersOfBoth({GrantKey::Org(7)}, {GrantKey::Group(3)}), Keys{});
  EXPECT_EQ(ReadersOfBoth({GrantKey::Org(7)}, {GrantKey::Org(8)}), Keys{});
  EXPECT_EQ(ReadersOfBoth({GrantKey::Group(7)}, {GrantKey::Org(7)}), Keys{})
      << "a group and an organization with the same number are different readers";
}

TEST(ReadersOfBothTest, EitherSideGrantsInTheUnion) {
  using store::GrantKey;
  EXPECT_THAT(ReadersOfEither({GrantKey::Org(7)}, {GrantKey::Org(8), GrantKey::Org(7)}),
              ElementsAre(GrantKey::Org(7), GrantKey::Org(8)));
  EXPECT_THAT(ReadersOfEither({GrantKey::CollectionReaders()}, {GrantKey::Group(3)}),
              ElementsAre(GrantKey::CollectionReaders(), GrantKey::Group(3)));
}

}  // namespace
}  // namespace tessera::policy
