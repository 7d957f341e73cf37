// Incidents stored and handled (service.h) on a real store: the incident and its collection
// together, who sees what (an outsider learns nothing), the incidents audit chain with the
// before/after digests, stage changes through the stage machine.

#include "incident/service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <filesystem>
#include <map>

#include "audit/chain.h"
#include "common/digest.h"
#include "common/uuid.h"
#include "stix/incident_extensions.h"
#include "store/audit_log.h"

namespace tessera::incident {
namespace {

namespace fs = std::filesystem;
using policy::Principal;
using policy::Role;
using ::testing::HasSubstr;

class IncidentServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tessera-incident-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    auto s = store::OpenStore(root_ + "/data", store::OpenMode::kCreateIfMissing);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    for (const char* name : {"Acme Hub", "lead", "other", "third"}) {
      auto org = dir().CreateOrganization(name);
      ASSERT_TRUE(org.ok());
      orgs_[name] = *org;
    }
    ASSERT_TRUE(dir().PutSetting(store::kSettingHubOrg, std::to_string(orgs_["Acme Hub"].id)).ok());
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
    return p;
  }
  Actor ActorOf(const std::string& org) { return Actor{org + "-user", org, "192.0.2.1"}; }

  Incident Create(const std::string& name = "Phishing wave") {
    NewIncident req;
    req.name = name;
    req.severity = "high";
    auto made = CreateIncident(*store_, As("lead"), ActorOf("lead"), req);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return made.ok() ? *made : Incident{};
  }

  std::vector<audit::Entry> Chain(std::string_view chain) {
    std::vector<audit::Entry> out;
    Status st = store::AuditLogOf(*store_).Scan(chain, [&](const audit::Entry& e) {
      out.push_back(e);
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  std::string root_;
  std::unique_ptr<store::Store> store_;
  std::map<std::string, store::Organization> orgs_;
};

TEST_F(IncidentServiceTest, CreateStoresTheIncidentInItsOwnCollection) {
  const Incident in = Create();
  EXPECT_EQ(in.case_number.substr(0, 13), "ACMEHUB-" + in.modified.substr(0, 4) + "-");
  EXPECT_EQ(in.case_number.substr(13), "0001");
  EXPECT_EQ(in.stage, Stage::kNew);
  EXPECT_EQ(in.severity, "high");
  EXPECT_EQ(in.determination, "suspected");
  EXPECT_EQ(in.lead_organization_ref, orgs_["lead"].identity_id);
  ASSERT_EQ(in.participants.size(), 1u);
  EXPECT_EQ(in.participants[0].role, "lead");
  EXPECT_EQ(in.participants[0].org_id, orgs_["lead"].id);
  EXPECT_EQ(in.id, "incident--" + in.collection);

  // The collection: its alias names the case; only the lead reads and writes it.
  auto coll = dir().GetCollection(in.collection);
  ASSERT_TRUE(coll.ok()) << coll.status().ToString();
  EXPECT_EQ(coll->alias, "incident-" + in.case_number);
  EXPECT_FALSE(coll->readers.all);
  EXPECT_EQ(coll->readers.orgs, std::vector<int64_t>{orgs_["lead"].id});
  EXPECT_EQ(coll->writers.orgs, std::vector<int64_t>{orgs_["lead"].id});

  // Stored once, as the lead organization's, and read back the same.
  auto versions = store_->GetVersions(in.id);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ((*versions)[0].collection, in.collection);
  EXPECT_EQ((*versions)[0].provider_org, orgs_["lead"].id);
  auto got = GetIncident(*store_, As("lead"), in.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->json, in.json);

  // Case numbers follow each other.
  EXPECT_EQ(Create("second").case_number.substr(13), "0002");
}

TEST_F(IncidentServiceTest, AnOutsiderLearnsNothing) {
  const Incident in = Create();
  const std::string unknown = "incident--" + Uuid::V4().ToString();
  auto outsider = GetIncident(*store_, As("other"), in.id);
  auto missing = GetIncident(*store_, As("other"), unknown);
  ASSERT_EQ(outsider.status().code(), ErrorCode::kNotFound);
  ASSERT_EQ(missing.status().code(), ErrorCode::kNotFound);
  // The same words but for the id asked for.
  EXPECT_EQ(outsider.status().message(), NotFoundMessage(in.id));
  EXPECT_EQ(missing.status().message(), NotFoundMessage(unknown));
  // Not even an admin of another organization sees it.
  EXPECT_EQ(GetIncident(*store_, As("other", Role::kAdmin), in.id).status().code(),
            ErrorCode::kNotFound);
  // A malformed id reads as unknown, too.
  EXPECT_EQ(GetIncident(*store_, As("lead"), "incident--nope").status().code(),
            ErrorCode::kNotFound);

  auto listed = ListIncidents(*store_, As("other"));
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
  auto mine = ListIncidents(*store_, As("lead"));
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].id, in.id);
}

TEST_F(IncidentServiceTest, EveryChangeIsInTheIncidentsChainWithItsDigests) {
  const Incident in = Create();
  auto moved = ChangeStage(*store_, As("lead"), ActorOf("lead"), in.id, Stage::kTriage);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  ASSERT_TRUE(moved->transition.allowed);

  const std::vector<audit::Entry> chain = Chain(kIncidentsChain);
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(chain[0].action, kActionCreate);
  EXPECT_EQ(chain[0].target, "incident:" + in.id);
  EXPECT_EQ(chain[0].result, audit::kDone);
  EXPECT_EQ(chain[0].actor, "lead-user");
  EXPECT_EQ(chain[0].org_id, orgs_["lead"].id);
  const std::string created_sha = Sha256Hex(Sha256(in.json));
  EXPECT_THAT(chain[0].details,
              HasSubstr(R"({"object":")" + in.id + R"(","before":"","after":")" + created_sha));
  EXPECT_EQ(chain[1].action, kActionStage);
  EXPECT_THAT(chain[1].details, HasSubstr(R"("before":")" + created_sha + R"(","after":")" +
                                          Sha256Hex(Sha256(moved->incident.json))));
  EXPECT_THAT(chain[1].details, HasSubstr("from new to triage"));

  audit::Verifier verifier{std::string(kIncidentsChain)};
  for (const audit::Entry& e : chain) EXPECT_TRUE(verifier.Feed(e)) << verifier.why();
  // Nothing of it lands in the hub's chain.
  for (const audit::Entry& e : Chain(audit::kHubChain)) {
    EXPECT_EQ(e.action.rfind("incident", 0), std::string::npos) << e.action;
  }
}

TEST_F(IncidentServiceTest, ARefusedCreationStoresNothingAndIsAudited) {
  const size_t collections = dir().ListCollections("api")->size();
  NewIncident req;
  req.name = "x";
  req.severity = "urgent";
  auto refused = CreateIncident(*store_, As("lead"), ActorOf("lead"), req);
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("severity 'urgent'"));
  req.severity = "low";
  EXPECT_EQ(
      CreateIncident(*store_, As("lead", Role::kReadOnly), ActorOf("lead"), req).status().code(),
      ErrorCode::kPermissionDenied);
  req.name = "";
  EXPECT_EQ(CreateIncident(*store_, As("lead"), ActorOf("lead"), req).status().code(),
            ErrorCode::kInvalidArgument);

  auto colls = dir().ListCollections("api");
  ASSERT_TRUE(colls.ok());
  EXPECT_EQ(colls->size(), collections);
  EXPECT_EQ(*store_->CountObjects(), 0);
  const std::vector<audit::Entry> chain = Chain(kIncidentsChain);
  ASSERT_EQ(chain.size(), 3u);
  for (const audit::Entry& e : chain) EXPECT_EQ(e.result, audit::kRefused);
}

// The store call under creation: a collection made in a write session exists only with what the
// session commits.
TEST_F(IncidentServiceTest, ACollectionMadeInAWriteSessionIsStoredOnlyWithItsCommit) {
  store::CollectionInfo info;
  info.api_root = "api";
  info.title = "together";
  info.alias = "together";
  info.readers.orgs = {orgs_["lead"].id};
  {
    auto session = store_->BeginWrite();
    ASSERT_TRUE(session.ok());
    auto made = (*session)->CreateCollection(info);
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    info.id = made->id;
    (*session)->Rollback();
  }
  EXPECT_EQ(dir().GetCollection(info.id).status().code(), ErrorCode::kNotFound);

  // A taken alias is refused and ends the session: nothing of it is stored.
  {
    store::CollectionInfo first = info;
    first.id.clear();
    first.alias = "taken";
    ASSERT_TRUE(dir().CreateCollection(first).ok());
    auto session = store_->BeginWrite();
    ASSERT_TRUE(session.ok());
    store::CollectionInfo twin = info;
    twin.alias = "taken";
    EXPECT_EQ((*session)->CreateCollection(twin).status().code(), ErrorCode::kAlreadyExists);
    EXPECT_FALSE((*session)->Commit().ok());
  }

  auto session = store_->BeginWrite();
  ASSERT_TRUE(session.ok());
  auto made = (*session)->CreateCollection(info);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  stix::Object o;
  o.type = "indicator";
  o.id = "indicator--" + Uuid::V4().ToString();
  o.json = R"({"type":"indicator","id":")" + o.id + "\"}";
  store::Placement where;
  where.collection = made->id;
  where.readers = {store::GrantKey::Org(orgs_["lead"].id)};
  auto stored = (*session)->Import(std::span(&o, 1), std::span(&where, 1));
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  // Not visible before the commit.
  EXPECT_EQ(dir().GetCollection(made->id).status().code(), ErrorCode::kNotFound);
  ASSERT_TRUE((*session)->Commit().ok());
  auto got = dir().GetCollection(made->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->readers.orgs, std::vector<int64_t>{orgs_["lead"].id});
  EXPECT_EQ(*store_->CountObjects(), 1);
}

TEST_F(IncidentServiceTest, StagesMoveOnlyAsTheMachineAllowsAndOnlyByTheLead) {
  const Incident in = Create();
  // Not the lead: the outsider does not even find it.
  EXPECT_EQ(
      ChangeStage(*store_, As("other"), ActorOf("other"), in.id, Stage::kTriage).status().code(),
      ErrorCode::kNotFound);
  // The lead's read-only user may not.
  EXPECT_EQ(
      ChangeStage(*store_, As("lead", Role::kReadOnly), ActorOf("lead"), in.id, Stage::kTriage)
          .status()
          .code(),
      ErrorCode::kPermissionDenied);

  auto skip = ChangeStage(*store_, As("lead"), ActorOf("lead"), in.id, Stage::kContainment);
  ASSERT_TRUE(skip.ok()) << skip.status().ToString();
  EXPECT_FALSE(skip->transition.allowed);
  EXPECT_EQ(skip->transition.rule, kRuleNotAllowed);
  EXPECT_EQ(skip->incident.stage, Stage::kNew);

  auto triage = ChangeStage(*store_, As("lead"), ActorOf("lead"), in.id, Stage::kTriage);
  ASSERT_TRUE(triage.ok()) << triage.status().ToString();
  EXPECT_TRUE(triage->transition.allowed);
  EXPECT_EQ(triage->incident.stage, Stage::kTriage);
  EXPECT_GT(triage->incident.modified, in.modified);
  EXPECT_EQ(GetIncident(*store_, As("lead"), in.id)->stage, Stage::kTriage);

  // Closing needs a determination other than 'suspected' (the summary given is not enough).
  auto close = ChangeStage(*store_, As("lead"), ActorOf("lead"), in.id, Stage::kClosed,
                           std::string("false alarm"));
  ASSERT_TRUE(close.ok()) << close.status().ToString();
  EXPECT_FALSE(close->transition.allowed);
  EXPECT_EQ(close->transition.rule, kRuleDetermination);
  EXPECT_THAT(close->transition.reason, HasSubstr("determination"));

  auto versions = store_->GetVersions(in.id);
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(versions->size(), 2u);
  const std::vector<audit::Entry> chain = Chain(kIncidentsChain);
  // create; refused: the outsider, the read-only user, the skip; triage; refused: the close.
  ASSERT_EQ(chain.size(), 6u);
  for (size_t i : {1, 2, 3, 5}) EXPECT_EQ(chain[i].result, audit::kRefused) << i;
  EXPECT_EQ(chain[1].reason, NotFoundMessage(in.id));
  EXPECT_THAT(chain[3].reason, HasSubstr(kRuleNotAllowed));
  EXPECT_EQ(chain[4].result, audit::kDone);
}

TEST_F(IncidentServiceTest, ParticipantsAreTheCollectionsReadersAndChangeWithTheIncident) {
  const Incident in = Create();
  const Actor lead = ActorOf("lead");
  auto added = AddParticipant(*store_, As("lead"), lead, in.id, orgs_["other"].id, "responder");
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  ASSERT_EQ(added->participants.size(), 2u);
  EXPECT_EQ(added->participants[1].org_id, orgs_["other"].id);
  EXPECT_EQ(added->participants[1].role, "responder");
  EXPECT_FALSE(added->participants[1].invited.empty());
  EXPECT_TRUE(added->participants[1].acknowledged.empty());
  ASSERT_TRUE(AddParticipant(*store_, As("lead"), lead, in.id, orgs_["third"].id, "observer").ok());

  // Readers: every participant; writers: all but the observer.
  auto coll = dir().GetCollection(in.collection);
  ASSERT_TRUE(coll.ok());
  EXPECT_EQ(coll->readers.orgs,
            (std::vector<int64_t>{orgs_["lead"].id, orgs_["other"].id, orgs_["third"].id}));
  EXPECT_EQ(coll->writers.orgs, (std::vector<int64_t>{orgs_["lead"].id, orgs_["other"].id}));
  // The responder and the observer read it now, and list it.
  ASSERT_TRUE(GetIncident(*store_, As("other"), in.id).ok());
  ASSERT_TRUE(GetIncident(*store_, As("third", Role::kReadOnly), in.id).ok());
  EXPECT_EQ(ListIncidents(*store_, As("third"))->size(), 1u);

  // Only the lead changes participants and stages; twice is refused; the lead stays.
  EXPECT_EQ(AddParticipant(*store_, As("other"), ActorOf("other"), in.id, orgs_["Acme Hub"].id,
                           "observer")
                .status()
                .code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(
      ChangeStage(*store_, As("other"), ActorOf("other"), in.id, Stage::kTriage).status().code(),
      ErrorCode::kPermissionDenied);
  EXPECT_EQ(AddParticipant(*store_, As("lead"), lead, in.id, orgs_["other"].id, "observer")
                .status()
                .code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(AddParticipant(*store_, As("lead"), lead, in.id, orgs_["Acme Hub"].id, "lead")
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(RemoveParticipant(*store_, As("lead"), lead, in.id, orgs_["lead"].id).status().code(),
            ErrorCode::kInvalidArgument);

  // An organization acknowledges for itself; the version stays the lead's object.
  EXPECT_EQ(
      Acknowledge(*store_, As("other"), ActorOf("other"), in.id, orgs_["third"].id).status().code(),
      ErrorCode::kPermissionDenied);
  auto acked = Acknowledge(*store_, As("third", Role::kReadOnly), ActorOf("third"), in.id,
                           orgs_["third"].id);
  ASSERT_TRUE(acked.ok()) << acked.status().ToString();
  EXPECT_FALSE(acked->participants[2].acknowledged.empty());
  EXPECT_FALSE(acked->participants[2].seen.empty());
  auto versions = store_->GetVersions(in.id);
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(versions->size(), 4u);  // created, two invitations, the acknowledgement
  for (const store::StoredObject& v : *versions) EXPECT_EQ(v.provider_org, orgs_["lead"].id);
  // Again: nothing new.
  ASSERT_TRUE(Acknowledge(*store_, As("third"), ActorOf("third"), in.id, orgs_["third"].id).ok());
  EXPECT_EQ(store_->GetVersions(in.id)->size(), 4u);

  // Removed, the responder learns nothing again.
  auto removed = RemoveParticipant(*store_, As("lead"), lead, in.id, orgs_["other"].id);
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(removed->participants.size(), 2u);
  auto gone = GetIncident(*store_, As("other"), in.id);
  EXPECT_EQ(gone.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(gone.status().message(), NotFoundMessage(in.id));
  EXPECT_TRUE(ListIncidents(*store_, As("other"))->empty());
  EXPECT_EQ(RemoveParticipant(*store_, As("lead"), lead, in.id, orgs_["other"].id).status().code(),
            ErrorCode::kNotFound);

  std::vector<std::string> actions;
  for (const audit::Entry& e : Chain(kIncidentsChain)) {
    if (e.result == audit::kDone) actions.push_back(e.action);
  }
  EXPECT_EQ(actions, (std::vector<std::string>{
                         std::string(kActionCreate), std::string(kActionParticipantAdd),
                         std::string(kActionParticipantAdd), std::string(kActionAcknowledge),
                         std::string(kActionAcknowledge), std::string(kActionParticipantRemove)}));
}

}  // namespace
}  // namespace tessera::incident
