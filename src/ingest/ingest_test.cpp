// The single write path: per-object outcomes in the TAXII status shape, all-or-nothing, the
// operator, and each write rule of policy/write_rules.h reproduced as the attack it stops
// (issue #15 items 2, 9, 10, 11), through Ingest() on a real store.

#include "ingest/ingest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <filesystem>
#include <map>

#include "common/uuid.h"
#include "stix/reader.h"
#include "stix/sco_id.h"
#include "stix/tlp.h"

namespace tessera::ingest {
namespace {

namespace fs = std::filesystem;
using policy::Principal;
using policy::Role;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::string_view kTlpRed = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
constexpr std::string_view kTlpClear = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tessera-ingest-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    auto s = store::OpenStore(root_ + "/data", store::OpenMode::kCreateIfMissing);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    for (const char* name : {"hub", "a", "b", "c"}) {
      auto org = dir().CreateOrganization(name);
      ASSERT_TRUE(org.ok());
      orgs_[name] = *org;
    }
    ASSERT_TRUE(dir().PutSetting(store::kSettingHubOrg, std::to_string(orgs_["hub"].id)).ok());
    store::CollectionInfo open;
    open.api_root = "api";
    open.title = "open";
    open.default_tlp = stix::TlpLevel::kClear;
    open.readers.all = open.writers.all = true;
    auto created = dir().CreateCollection(open);
    ASSERT_TRUE(created.ok());
    open_ = *created;
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

  // An indicator `id` at `modified`, with the TLP `marking` ("" none) and extra properties.
  static stix::Object Indicator(const std::string& id, const std::string& modified = "2026-01-01",
                                std::string_view marking = "", const std::string& extra = "") {
    const std::string ts = modified + "T00:00:00.000Z";
    stix::Object o;
    o.type = "indicator";
    o.id = id;
    o.spec_version = "2.1";
    o.created = ParseTimestamp("2026-01-01T00:00:00.000Z").value();
    o.modified = ParseTimestamp(ts).value();
    o.json = R"({"type":"indicator","spec_version":"2.1","id":")" + id +
             R"(","created":"2026-01-01T00:00:00.000Z","modified":")" + ts +
             R"(","pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix",)"
             R"("valid_from":"2026-01-01T00:00:00Z")";
    if (!marking.empty()) o.json += R"(,"object_marking_refs":[")" + std::string(marking) + "\"]";
    o.json += extra + "}";
    return o;
  }
  static std::string NewId(const std::string& type = "indicator") {
    return type + "--" + Uuid::V4().ToString();
  }
  std::string By(const std::string& org) {
    return R"(,"created_by_ref":")" + orgs_[org].identity_id + "\"";
  }

  Outcome Write(const Principal& writer, std::vector<stix::Object> objects, Options options = {}) {
    auto out = Ingest(*store_, writer, open_, objects, {}, std::move(options));
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? std::move(*out) : Outcome{};
  }
  // What writing batches in one Session gave: each batch's report, how many objects were
  // refused, what Finish stored.
  struct Written {
    std::vector<store::StatusRecord> reports;
    size_t refused = 0;
    store::ImportSummary summary;
  };
  Written WriteInBatches(const Principal& writer, std::vector<std::vector<stix::Object>> batches) {
    Written out;
    auto session = Session::Begin(*store_, writer, open_);
    EXPECT_TRUE(session.ok()) << session.status().ToString();
    if (!session.ok()) return out;
    for (std::vector<stix::Object>& batch : batches) {
      auto report = session->Add(batch, {});
      EXPECT_TRUE(report.ok()) << report.status().ToString();
      if (report.ok()) out.reports.push_back(std::move(*report));
    }
    out.refused = session->refused();
    auto summary = session->Finish();
    EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    if (summary.ok()) out.summary = std::move(*summary);
    return out;
  }

  // The single failure message of writing `object`, or "" when it succeeded.
  std::string Refusal(const Principal& writer, const stix::Object& object) {
    const Outcome out = Write(writer, {object});
    return out.report.failures.empty() ? std::string() : out.report.failures[0].message;
  }

  // The JSON of the versions of `id` that `reader` reads in the collection.
  std::vector<std::string> Reads(const std::string& reader, const std::string& id) {
    const Principal p = As(reader);
    store::CollectionQuery q;
    q.collection = open_.id;
    q.scope = policy::ScopeFor(p, open_);
    q.ids = {id};
    q.match = store::VersionMatch::kAll;
    auto page = store_->ListCollection(q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<std::string> out;
    if (page.ok()) {
      for (const auto& row : page->objects) out.push_back(row.json);
    }
    return out;
  }

  std::string root_;
  std::unique_ptr<store::Store> store_;
  std::map<std::string, store::Organization> orgs_;
  store::CollectionInfo open_;
};

TEST_F(IngestTest, ReportsEveryObjectInTheTaxiiStatusShape) {
  const stix::Object good = Indicator(NewId());
  const stix::Object red = Indicator(NewId(), "2026-01-01", kTlpRed);
  const stix::Object bad = Indicator(NewId());
  std::vector<stix::Object> objects = {good, bad, red};
  const std::vector<std::string> errors = {"", "$.pattern: required (required-property)", ""};
  Options options;
  options.status = store::StatusRecord{};
  options.status->id = Uuid::V4().ToString();
  options.status->api_root = "api";
  options.status->collection = open_.id;
  options.status->owner_org = orgs_["a"].id;
  auto out = Ingest(*store_, As("a"), open_, objects, errors, std::move(options));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->summary.added, 2u);
  const store::StatusRecord& r = out->report;
  EXPECT_EQ(r.status, "complete");
  EXPECT_EQ(r.total_count, 3);
  EXPECT_EQ(r.success_count, 2);
  EXPECT_EQ(r.failure_count, 1);
  EXPECT_EQ(r.pending_count, 0);
  ASSERT_EQ(r.successes.size(), 2u);
  EXPECT_EQ(r.successes[0].id, good.id);
  EXPECT_EQ(r.successes[0].version, "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(r.successes[0].message, "");
  EXPECT_EQ(r.successes[1].id, red.id);
  EXPECT_THAT(r.successes[1].message, HasSubstr("TLP:RED without named recipients"));
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0].id, bad.id);
  EXPECT_EQ(r.failures[0].message, "invalid STIX 2.1: $.pattern: required (required-property)");

  // Kept as the status resource, in the same transaction.
  auto kept = store_->GetStatus(r.id);
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ(kept->success_count, 2);
  ASSERT_EQ(kept->failures.size(), 1u);
  EXPECT_EQ(kept->failures[0].message, r.failures[0].message);

  std::vector<stix::Object> one = {good};
  EXPECT_EQ(Ingest(*store_, As("a"), open_, one, errors, {}).status().code(),
            ErrorCode::kInvalidArgument)
      << "a verdict per object";
}

TEST_F(IngestTest, DescribesInvalidObjectsByTheirErrors) {
  std::vector<stix::Problem> problems;
  for (int i = 0; i < 5; ++i) {
    problems.push_back({stix::Severity::kError, "x", "$.p" + std::to_string(i), "rule", "why"});
  }
  problems.insert(problems.begin(), {stix::Severity::kWarning, "x", "$.w", "custom", "warned"});
  EXPECT_EQ(DescribeErrors(problems),
            "$.p0: why (rule); $.p1: why (rule); $.p2: why (rule); and 2 more");
  EXPECT_EQ(DescribeErrors(std::span(problems).first(1)), "") << "warnings do not count";
}

// Issue #11 §3: the pattern of an indicator is judged on the write path (pattern/indicator.h),
// whoever built the object: one that does not parse is refused, a constant that can never match
// is accepted with the warning in its message.
TEST_F(IngestTest, JudgesIndicatorPatterns) {
  auto with_pattern = [](stix::Object o, std::string_view pattern) {
    const std::string old = "[ipv4-addr:value = '198.51.100.7']";
    o.json.replace(o.json.find(old), old.size(), pattern);
    return o;
  };
  const stix::Object unclosed =
      with_pattern(Indicator(NewId()), "[ipv4-addr:value = '203.0.113.5'");
  const stix::Object octet =
      with_pattern(Indicator(NewId()), "[ipv4-addr:value = '203.0.113.256']");
  const stix::Object red_octet = with_pattern(Indicator(NewId(), "2026-01-01", kTlpRed),
                                              "[ipv4-addr:value = '203.0.113.256']");
  const Outcome out = Write(As("a"), {unclosed, octet, red_octet});
  ASSERT_EQ(out.report.failures.size(), 1u);
  EXPECT_EQ(out.report.failures[0].id, unclosed.id);
  EXPECT_THAT(out.report.failures[0].message,
              ::testing::StartsWith("invalid STIX 2.1: $.pattern: position 32: "));
  EXPECT_THAT(out.report.failures[0].message, HasSubstr("(pattern-syntax)"));
  ASSERT_EQ(out.report.successes.size(), 2u);
  const std::string warning =
      "warning: $.pattern: position 1: '203.0.113.256' can never match ipv4-addr:value, which is "
      "an IPv4 address or CIDR block (pattern-never-matches)";
  EXPECT_EQ(out.report.successes[0].message, warning);
  EXPECT_THAT(out.report.successes[1].message, HasSubstr("TLP:RED without named recipients"));
  EXPECT_THAT(out.report.successes[1].message, ::testing::EndsWith("; " + warning));
  EXPECT_EQ(out.summary.added, 2u);

  // A file is one transaction: the broken indicator keeps the good one out.
  const Written none = WriteInBatches(As("a"), {{Indicator(NewId()), unclosed}});
  EXPECT_EQ(none.summary.added, 0u);
  ASSERT_EQ(none.reports.size(), 1u);
  ASSERT_EQ(none.reports[0].failures.size(), 1u);
  EXPECT_EQ(none.reports[0].failures[0].message, out.report.failures[0].message);
}

TEST_F(IngestTest, OneRefusedObjectDoesNotStopTheOthersUnlessAllOrNothing) {
  const std::string group_ext =
      R"(,"extensions":{")" + std::string(policy::kTesseraExtensionId) +
      R"(":{"extension_type":"property-extension","sharing_group":"nonexistent"}})";
  const std::vector<stix::Object> objects = {
      Indicator(NewId()), Indicator(NewId(), "2026-01-01", "", group_ext), Indicator(NewId())};
  const Outcome some = Write(As("a"), objects);
  EXPECT_EQ(some.summary.added, 2u);
  ASSERT_EQ(some.report.failures.size(), 1u);
  EXPECT_EQ(some.report.failures[0].id, objects[1].id);
  EXPECT_EQ(some.report.successes.size(), 2u);

  const Written none = WriteInBatches(As("a"), {{Indicator(NewId()), objects[1]}});
  EXPECT_EQ(none.summary.added, 0u);
  EXPECT_EQ(none.refused, 1u);
  ASSERT_EQ(none.reports.size(), 1u);
  EXPECT_EQ(none.reports[0].failures.size(), 1u);
  EXPECT_EQ(*store_->CountObjects(), 2);
}

// A Session judges a file batch by batch as Ingest judges one call: each batch sees what the
// earlier ones wrote, and one refusal anywhere stores nothing of the file.
TEST_F(IngestTest, ASessionJudgesLaterBatchesAgainstEarlierOnes) {
  const std::string id = NewId();
  const stix::Object first = Indicator(id);
  // The same version again in a later batch, unchanged: already present, not refused.
  Written same =
      WriteInBatches(As("a"), {{first, Indicator(NewId())}, {Indicator(NewId())}, {first}});
  EXPECT_EQ(same.refused, 0u);
  EXPECT_EQ(same.summary.added, 3u);
  EXPECT_EQ(same.summary.already_present, 1u);
  EXPECT_EQ(*store_->CountObjects(), 3);

  // With other content, it is refused as in one call, though the first copy is not committed.
  const std::string other_id = NewId();
  const stix::Object changed = Indicator(other_id, "2026-01-01", "", R"(,"name":"changed")");
  Written refused =
      WriteInBatches(As("b"), {{Indicator(other_id)}, {Indicator(NewId())}, {changed}});
  EXPECT_EQ(refused.refused, 1u);
  ASSERT_EQ(refused.reports.size(), 3u);
  ASSERT_EQ(refused.reports[2].failures.size(), 1u);
  EXPECT_EQ(refused.reports[2].failures[0].id, other_id);
  EXPECT_THAT(refused.reports[2].failures[0].message,
              HasSubstr("is already stored with other content"));
  EXPECT_EQ(refused.summary.added, 0u);
  EXPECT_EQ(*store_->CountObjects(), 3) << "nothing of the refused file";
  // The message Ingest gives once the first copy is stored.
  ASSERT_EQ(Write(As("b"), {Indicator(other_id)}).summary.added, 1u);
  EXPECT_EQ(refused.reports[2].failures[0].message, Refusal(As("b"), changed));
}

TEST_F(IngestTest, ASessionCountsEarlierBatchesMarkingDefinitionsAsHeld) {
  auto statement = [](const std::string& id) {
    stix::Object o;
    o.type = "marking-definition";
    o.id = id;
    o.spec_version = "2.1";
    o.created = ParseTimestamp("2026-01-01T00:00:00.000Z").value();
    o.json = R"({"type":"marking-definition","spec_version":"2.1","id":")" + id +
             R"(","created":"2026-01-01T00:00:00.000Z","definition_type":"statement",)"
             R"("definition":{"statement":"Copyright 2026 Example CERT"}})";
    return o;
  };
  const std::string early = NewId("marking-definition");
  const std::string late = NewId("marking-definition");
  const stix::Object marked_early = Indicator(NewId(), "2026-01-01", early);
  const stix::Object marked_late = Indicator(NewId(), "2026-01-01", late);
  const Written w = WriteInBatches(
      As("a"),
      {{statement(early), marked_late}, {Indicator(NewId())}, {marked_early, statement(late)}});
  ASSERT_EQ(w.reports.size(), 3u);
  EXPECT_EQ(w.refused, 0u);
  // Batch 3's object is marked with batch 1's definition: a held statement, the collection's
  // default TLP (CLEAR: every member reads it).
  ASSERT_EQ(w.reports[2].successes.size(), 2u);
  EXPECT_EQ(w.reports[2].successes[0].id, marked_early.id);
  EXPECT_EQ(w.reports[2].successes[0].message, "");
  EXPECT_EQ(Reads("b", marked_early.id).size(), 1u);
  // Batch 1's object is marked with a definition that comes only in batch 3: not held when it
  // was placed, so TLP:RED (fails closed), as the note says.
  ASSERT_EQ(w.reports[0].successes.size(), 2u);
  EXPECT_EQ(w.reports[0].successes[1].id, marked_late.id);
  EXPECT_THAT(w.reports[0].successes[1].message,
              HasSubstr(late + " is a marking this hub does not hold: placed as TLP:RED"));
  EXPECT_TRUE(Reads("b", marked_late.id).empty());
  EXPECT_EQ(w.summary.added, 5u);
}

TEST_F(IngestTest, ARefusalInALaterBatchStoresNothingAndEveryRefusalIsReported) {
  const std::string group_ext =
      R"(,"extensions":{")" + std::string(policy::kTesseraExtensionId) +
      R"(":{"extension_type":"property-extension","sharing_group":"nonexistent"}})";
  const stix::Object kept_out = Indicator(NewId());
  const stix::Object no_group = Indicator(NewId(), "2026-01-01", "", group_ext);
  const stix::Object changed_after =
      Indicator(kept_out.id, "2026-01-01", "", R"(,"name":"changed")");
  const Written w = WriteInBatches(As("a"), {{kept_out, Indicator(NewId())},
                                             {Indicator(NewId()), no_group},
                                             {Indicator(NewId()), changed_after}});
  ASSERT_EQ(w.reports.size(), 3u);
  EXPECT_TRUE(w.reports[0].failures.empty());
  ASSERT_EQ(w.reports[1].failures.size(), 1u);
  EXPECT_EQ(w.reports[1].failures[0].id, no_group.id);
  // Judged after the refusal, still against the first batch (written before it).
  ASSERT_EQ(w.reports[2].failures.size(), 1u);
  EXPECT_EQ(w.reports[2].failures[0].id, kept_out.id);
  EXPECT_THAT(w.reports[2].failures[0].message, HasSubstr("already stored with other content"));
  EXPECT_EQ(w.refused, 2u);
  EXPECT_EQ(w.summary.added, 0u);
  EXPECT_EQ(*store_->CountObjects(), 0) << "the first batch is rolled back";
  EXPECT_TRUE(Reads("a", kept_out.id).empty());
}

TEST_F(IngestTest, OperatorImportsForTheHubOrganization) {
  auto op = OperatorPrincipal(dir(), "");
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  EXPECT_EQ(op->org_id, orgs_["hub"].id);
  EXPECT_EQ(op->user_id, 0);
  EXPECT_EQ(op->role, Role::kAdmin);
  EXPECT_EQ(policy::OrganizationViewFor(*op), policy::OrganizationView::kFull);
  EXPECT_EQ(OperatorPrincipal(dir(), "b")->org_id, orgs_["b"].id);
  EXPECT_EQ(OperatorPrincipal(dir(), "nobody").status().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(dir().PutSetting(store::kSettingHubOrg, "x").ok());
  EXPECT_EQ(OperatorPrincipal(dir(), "").status().code(), ErrorCode::kCorrupt);

  auto def = ResolveCollection(dir(), "");
  ASSERT_TRUE(def.ok());
  EXPECT_EQ(def->title, "Default");
  EXPECT_EQ(ResolveCollection(dir(), open_.id)->title, "open");
  EXPECT_EQ(ResolveCollection(dir(), Uuid::V4().ToString()).status().code(), ErrorCode::kNotFound);

  // An alias names the collection as its id does, in whichever API root holds it.
  store::CollectionInfo aliased = open_;
  aliased.alias = "shared";
  ASSERT_TRUE(dir().UpdateCollection(aliased).ok());
  auto by_alias = ResolveCollection(dir(), "shared");
  ASSERT_TRUE(by_alias.ok()) << by_alias.status().ToString();
  EXPECT_EQ(by_alias->id, open_.id);
  auto unknown = ResolveCollection(dir(), "sharde");
  EXPECT_EQ(unknown.status().code(), ErrorCode::kNotFound);
  EXPECT_THAT(unknown.status().message(), HasSubstr("'sharde'"));
  // The same alias in two API roots: ambiguous, the id is needed.
  ASSERT_TRUE(dir().CreateApiRoot(store::ApiRoot{"other", "Other", "", 1 << 20}).ok());
  store::CollectionInfo twin;
  twin.api_root = "other";
  twin.title = "twin";
  twin.alias = "shared";
  ASSERT_TRUE(dir().CreateCollection(twin).ok());
  EXPECT_EQ(ResolveCollection(dir(), "shared").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ResolveCollection(dir(), open_.id)->title, "open");
}

// The status entries name each object's version as TAXII's status, manifest and versions
// resources do: its `modified`, to the millisecond at least.
TEST_F(IngestTest, EntriesNameVersionsAsTaxiiDoes) {
  const stix::Object o = Indicator(NewId(), "2026-02-03");
  const store::StatusEntry entry = EntryFor(o, "note");
  EXPECT_EQ(entry.id, o.id);
  EXPECT_EQ(entry.version, "2026-02-03T00:00:00.000Z");
  EXPECT_EQ(entry.message, "note");
  stix::Object unversioned;
  unversioned.type = "ipv4-addr";
  unversioned.id = NewId("ipv4-addr");
  EXPECT_EQ(EntryFor(unversioned, "").version, "");
}

// #15 item 2: B posts A's indicator id with a later modified, revoked, its own pattern: refused;
// every reader still reads A's versions only.
TEST_F(IngestTest, OnlyTheCreatorAddsVersions) {
  const std::string id = NewId();
  ASSERT_EQ(Refusal(As("a"), Indicator(id, "2026-01-01")), "");
  const stix::Object forged =
      Indicator(id, "2026-06-01", kTlpRed, R"(,"revoked":true,"name":"B's now")");
  EXPECT_THAT(Refusal(As("b"), forged), HasSubstr("created by another organization"));
  EXPECT_THAT(Refusal(As("b", Role::kOrgAdmin), forged), HasSubstr("'derived-from'"));
  EXPECT_EQ(Reads("a", id).size(), 1u);
  EXPECT_EQ(Reads("b", id).size(), 1u) << "B's RED version was not stored either";

  // A adds versions; sync and admin users, and the operator, may too.
  EXPECT_EQ(Refusal(As("a"), Indicator(id, "2026-02-01")), "");
  EXPECT_EQ(Refusal(As("b", Role::kSync), Indicator(id, "2026-03-01")), "");
  EXPECT_EQ(Refusal(As("b", Role::kAdmin), Indicator(id, "2026-04-01")), "");
  EXPECT_EQ(Refusal(*OperatorPrincipal(dir(), ""), Indicator(id, "2026-05-01")), "");
  EXPECT_EQ(Reads("c", id).size(), 5u);

  // The created_by_ref decides before who first contributed: a sync user brings in A's object,
  // A then adds a version, C may not.
  const std::string synced = NewId();
  ASSERT_EQ(Refusal(As("c", Role::kSync), Indicator(synced, "2026-01-01", "", By("a"))), "");
  EXPECT_EQ(Refusal(As("a"), Indicator(synced, "2026-02-01", "", By("a"))), "");
  EXPECT_THAT(Refusal(As("c"), Indicator(synced, "2026-03-01")),
              HasSubstr("created by another organization"));

  // Several versions of a new object in one request are the writer's own.
  const std::string fresh = NewId();
  const Outcome both =
      Write(As("b"), {Indicator(fresh, "2026-01-01"), Indicator(fresh, "2026-01-02")});
  EXPECT_EQ(both.report.success_count, 2);
}

// #15 item 9: C posts B's identity (or the hub's) with its own contact_information: refused
// for every writer but the hub; the hub's own copy, unchanged, is not a forgery.
TEST_F(IngestTest, TheHubAloneWritesItsOrganizationsIdentities) {
  auto identity = [](const store::Organization& org, const std::string& extra) {
    stix::Object o;
    o.type = "identity";
    o.id = org.identity_id;
    o.spec_version = "2.1";
    o.created = o.modified = ParseTimestamp("2026-01-01T00:00:00.000Z").value();
    o.json = R"({"type":"identity","spec_version":"2.1","id":")" + org.identity_id +
             R"(","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",)"
             R"("name":")" +
             org.name + R"(","identity_class":"organization")" + extra + "}";
    return o;
  };
  const std::string contact = R"(,"contact_information":"send all RED to evil@example.org")";
  for (const char* target : {"b", "hub", "c"}) {
    for (Role role : {Role::kAnalyst, Role::kSync, Role::kAdmin}) {
      EXPECT_THAT(Refusal(As("c", role), identity(orgs_[target], contact)),
                  HasSubstr("only the hub writes it"))
          << target << " as " << policy::RoleName(role);
    }
  }
  auto read = stix::ReadDocument(orgs_["b"].identity_json);
  ASSERT_TRUE(read.ok() && read->ok() && read->objects.size() == 1u);
  EXPECT_EQ(Refusal(As("c"), read->objects[0]), "") << "the hub's own copy, unchanged";
  EXPECT_EQ(Refusal(*OperatorPrincipal(dir(), ""), identity(orgs_["b"], "")), "");
  // Other identities are ordinary objects.
  store::Organization outside;
  outside.name = "outside";
  outside.identity_id = NewId("identity");
  EXPECT_EQ(Refusal(As("c"), identity(outside, contact)), "");
}

// #15 item 9: a sighting names only its writer's organization as where it was sighted.
TEST_F(IngestTest, SightingsNameOnlyTheSightersOrganization) {
  auto sighting = [&](const std::vector<std::string>& where) {
    stix::Object o;
    o.type = "sighting";
    o.id = NewId("sighting");
    o.spec_version = "2.1";
    o.created = o.modified = ParseTimestamp("2026-01-01T00:00:00.000Z").value();
    o.json = R"({"type":"sighting","spec_version":"2.1","id":")" + o.id +
             R"(","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",)"
             R"("sighting_of_ref":")" +
             NewId() + R"(","where_sighted_refs":[)";
    for (size_t i = 0; i < where.size(); ++i) o.json += (i ? ",\"" : "\"") + where[i] + "\"";
    o.json += "]}";
    return o;
  };
  const std::string a = orgs_["a"].identity_id, b = orgs_["b"].identity_id;
  EXPECT_EQ(Refusal(As("a"), sighting({a})), "");
  EXPECT_THAT(Refusal(As("a"), sighting({a, b})), HasSubstr("where_sighted_refs names " + b));
  EXPECT_THAT(Refusal(As("a"), sighting({NewId("identity")})),
              HasSubstr("names only the organization that sighted it"));
  EXPECT_EQ(Refusal(As("a", Role::kSync), sighting({b})), "");
  EXPECT_EQ(Refusal(As("a", Role::kAdmin), sighting({b})), "");
}

// #15 item 10: C posts TLP:AMBER+STRICT's id and version with an extra statement: refused (the
// hub holds the standard one); the standard object itself changes nothing.
TEST_F(IngestTest, StandardTlpMarkingsAreBuiltIn) {
  const stix::TlpMarking* strict =
      stix::FindTlpMarking(stix::TlpVersion::k2, stix::TlpLevel::kAmberStrict);
  ASSERT_NE(strict, nullptr);
  stix::Object forged = stix::TlpObject(*strict);
  forged.json.pop_back();
  forged.json += R"(,"created_by_ref":")" + orgs_["c"].identity_id +
                 R"(","x_statement":"TLP:CLEAR - may be shared publicly"})";
  for (Role role : {Role::kAnalyst, Role::kSync, Role::kAdmin}) {
    EXPECT_THAT(Refusal(As("c", role), forged), HasSubstr("built into the hub"));
  }
  EXPECT_THAT(Refusal(*OperatorPrincipal(dir(), ""), forged), HasSubstr("built into the hub"));
  for (const char* org : {"a", "b"}) {
    const Outcome genuine = Write(As(org), {stix::TlpObject(*strict)});
    ASSERT_EQ(genuine.report.successes.size(), 1u) << org;
    EXPECT_THAT(genuine.report.successes[0].message, HasSubstr("built into the hub"));
  }
  EXPECT_EQ(*store_->CountObjects(), 0) << "nothing taken from members";
}

// #15 item 10: the same id and version with other content is refused with a reason, not
// reported as success; the same content again stays a success.
TEST_F(IngestTest, OneVersionIsOneContent) {
  const std::string id = NewId();
  ASSERT_EQ(Refusal(As("a"), Indicator(id, "2026-01-01", "", R"(,"name":"first")")), "");
  EXPECT_EQ(Refusal(As("a"), Indicator(id, "2026-01-01", "", R"(,"name":"first")")), "");
  EXPECT_THAT(Refusal(As("a"), Indicator(id, "2026-01-01", "", R"(,"name":"second")")),
              HasSubstr("already stored with other content"));
  // Within one request too: the second copy is judged against the first.
  const std::string fresh = NewId();
  const Outcome out = Write(As("a"), {Indicator(fresh, "2026-01-01", "", R"(,"name":"x")"),
                                      Indicator(fresh, "2026-01-01", "", R"(,"name":"y")"),
                                      Indicator(fresh, "2026-01-01", "", R"(,"name":"x")")});
  ASSERT_EQ(out.report.failures.size(), 1u);
  EXPECT_THAT(out.report.failures[0].message, HasSubstr("already stored with other content"));
  EXPECT_EQ(out.report.success_count, 2);
  EXPECT_THAT(Reads("b", fresh), ElementsAre(HasSubstr(R"("name":"x")")));
}

// #15 item 11: a re-post of a stored version with a stricter marking (other content) or another
// audience (same content) is refused: the status never claims "TLP:RED ... provider only" while
// every member reads the earlier CLEAR copy.
TEST_F(IngestTest, AStatusDescribesWhatWasStored) {
  const std::string id = NewId();
  ASSERT_EQ(Refusal(As("a"), Indicator(id, "2026-01-01", kTlpClear)), "");
  const Outcome stricter = Write(As("a"), {Indicator(id, "2026-01-01", kTlpRed)});
  ASSERT_EQ(stricter.report.failures.size(), 1u);
  EXPECT_TRUE(stricter.report.successes.empty());
  EXPECT_THAT(stricter.report.failures[0].message, HasSubstr("already stored with other content"));

  // Same content, another audience named in the request.
  const std::string shared = NewId();
  ASSERT_EQ(Refusal(As("a"), Indicator(shared, "2026-01-01", kTlpRed)), "");
  Options to_b;
  to_b.audience.recipients = {orgs_["b"].identity_id};
  const Outcome widened = Write(As("a"), {Indicator(shared, "2026-01-01", kTlpRed)}, to_b);
  ASSERT_EQ(widened.report.failures.size(), 1u);
  EXPECT_THAT(widened.report.failures[0].message, HasSubstr("with another audience"));
  EXPECT_TRUE(Reads("b", shared).empty()) << "B was not made a reader";
  EXPECT_EQ(Reads("c", id).size(), 1u) << "C still reads the CLEAR copy, and was told nothing else";

  // The same content and audience again: a success whose note is still true.
  const Outcome again = Write(As("a"), {Indicator(shared, "2026-01-01", kTlpRed)});
  ASSERT_EQ(again.report.successes.size(), 1u);
  EXPECT_THAT(again.report.successes[0].message, HasSubstr("TLP:RED without named recipients"));
  EXPECT_EQ(again.summary.already_present, 1u);
}

// #15 item 3: an SCO's id derives from its value, so any writer can post an id another
// organization holds. C's answer for an address A holds as TLP:RED, for one B holds as CLEAR and
// for one nobody holds is the same (the same entry, message and counts), and each of C's shares is
// read as C shared it: by C, and by B, who reads C's CLEAR copy of A's RED address. Before
// schema 4 the first two told C that someone holds the value, and C's share was lost.
TEST_F(IngestTest, WhatOthersHoldOfAnScoChangesNothingInTheAnswer) {
  auto address = [](const std::string& value, std::string_view marking) {
    boost::json::object o{{"type", "ipv4-addr"}, {"spec_version", "2.1"}, {"value", value}};
    stix::Object sco;
    sco.type = "ipv4-addr";
    sco.id = stix::DeterministicScoId(o).value();
    sco.spec_version = "2.1";
    o["id"] = sco.id;
    o["object_marking_refs"] = boost::json::array{boost::json::string(marking)};
    sco.json = boost::json::serialize(o);
    return sco;
  };
  // What C is told, with the object's own id taken out.
  auto answer = [](const Outcome& out, const std::string& id) {
    std::string text =
        std::to_string(out.report.success_count) + " " + std::to_string(out.report.failure_count) +
        " " + std::to_string(out.summary.added) + " " +
        std::to_string(out.summary.already_present) + " " + std::to_string(out.summary.conflicting);
    for (const auto* entries : {&out.report.successes, &out.report.failures}) {
      for (const store::StatusEntry& e : *entries) {
        std::string message = e.message;
        for (size_t at; (at = message.find(id)) != std::string::npos;) message.erase(at, id.size());
        text += " [" + message + "]";
      }
    }
    return text;
  };
  ASSERT_EQ(Refusal(As("a"), address("203.0.113.1", kTlpRed)), "");
  ASSERT_EQ(Refusal(As("b"), address("203.0.113.2", kTlpClear)), "");

  const stix::Object held_red = address("203.0.113.1", kTlpClear);
  const stix::Object held_clear = address("203.0.113.2", kTlpClear);
  const stix::Object unheld = address("203.0.113.3", kTlpClear);
  const std::string expected = answer(Write(As("c"), {unheld}), unheld.id);
  EXPECT_EQ(expected, "1 0 1 0 0 []");
  EXPECT_EQ(answer(Write(As("c"), {held_red}), held_red.id), expected) << "A holds it as RED";
  EXPECT_EQ(answer(Write(As("c"), {held_clear}), held_clear.id), expected) << "B holds it";

  for (const stix::Object* sco : {&held_red, &held_clear, &unheld}) {
    SCOPED_TRACE(sco->id);
    EXPECT_THAT(Reads("c", sco->id), ElementsAre(HasSubstr(kTlpClear))) << "C reads its share";
  }
  EXPECT_THAT(Reads("b", held_red.id), ElementsAre(HasSubstr(kTlpClear)))
      << "B reads C's share, not A's";
  EXPECT_THAT(Reads("a", held_red.id), ElementsAre(HasSubstr(kTlpRed)))
      << "A sees both copies, listed once: its own, the earliest";
  EXPECT_EQ(*store_->CountObjects(), 5) << "each organization's share is a row of its own";
}

}  // namespace
}  // namespace tessera::ingest
