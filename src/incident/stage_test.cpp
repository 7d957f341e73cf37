// The stage machine (incident/stage.h): the cases of tests/data/incident/transitions.json, and
// reading an incident's state from STIX objects and writing its next version.

#include "incident/stage.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "common/file.h"
#include "common/json.h"
#include "stix/incident_extensions.h"
#include "stix/reader.h"

namespace tessera::incident {
namespace {

std::string DataDir() {
  const char* dir = std::getenv("TESSERA_SOURCE_DIR");
  return std::string(dir != nullptr ? dir : ".") + "/tests/data/incident/";
}

boost::json::value Load(const std::string& name) {
  auto text = ReadInput(DataDir() + name);
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  auto value = ParseJson(text.ok() ? *text : "{}");
  EXPECT_TRUE(value.ok());
  return *value;
}

std::string Str(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr ? std::string(v->as_string()) : std::string();
}

TEST(Stage, NamesRoundTripAndMapOntoInvestigationStatus) {
  for (int i = 0; i < 6; ++i) {
    const auto stage = static_cast<Stage>(i);
    EXPECT_EQ(ParseStage(StageName(stage)), stage);
  }
  EXPECT_EQ(ParseStage("Triage"), std::nullopt);
  EXPECT_EQ(ParseStage(""), std::nullopt);
  EXPECT_EQ(InvestigationStatusOf(Stage::kNew), "new");
  EXPECT_EQ(InvestigationStatusOf(Stage::kEradication), "open");
  EXPECT_EQ(InvestigationStatusOf(Stage::kClosed), "closed");
}

TEST(Stage, TransitionCases) {
  const auto data = Load("transitions.json");
  const auto& cases = data.at("cases").as_array();
  ASSERT_GE(cases.size(), 50u);
  for (const auto& cv : cases) {
    const auto& c = cv.as_object();
    SCOPED_TRACE(Str(c, "name"));
    const auto from = ParseStage(Str(c, "from"));
    const auto to = ParseStage(Str(c, "to"));
    ASSERT_TRUE(from && to);
    const auto& s = c.at("state").as_object();
    IncidentState state{.id = "incident--6a0c2e4f-8b1d-4f3a-9c5e-7d9f1b3a5c7e",
                        .stage = *from,
                        .determination = Str(s, "determination"),
                        .closing_summary = Str(s, "closing_summary"),
                        .tasks = {}};
    for (const auto& tv : s.at("tasks").as_array()) {
      const auto& t = tv.as_object();
      state.tasks.push_back({.id = Str(t, "id"),
                             .name = Str(t, "name"),
                             .mandatory = t.at("mandatory").as_bool(),
                             .outcome = Str(t, "outcome")});
    }
    const Transition got = CheckTransition(state, *to);
    const auto& e = c.at("expect").as_object();
    EXPECT_EQ(got.from, *from);
    EXPECT_EQ(got.to, *to);
    ASSERT_EQ(got.allowed, e.at("allowed").as_bool()) << got.rule << ": " << got.reason;
    if (got.allowed) {
      EXPECT_TRUE(got.rule.empty());
      EXPECT_TRUE(got.reason.empty());
      EXPECT_EQ(got.reopens, e.at("reopens").as_bool());
      EXPECT_EQ(InvestigationStatusOf(*to), Str(e, "investigation_status"));
    } else {
      EXPECT_FALSE(got.reopens);
      EXPECT_EQ(got.rule, Str(e, "rule")) << got.reason;
      for (const auto& part : e.at("reason_contains").as_array()) {
        EXPECT_NE(got.reason.find(std::string(part.as_string())), std::string::npos)
            << "reason: " << got.reason << "\nmissing: " << part.as_string();
      }
    }
  }
}

// The table in stage.h is what AllowedTargets returns.
TEST(Stage, AllowedTargetsIsTheTable) {
  std::string rows;
  for (int i = 0; i < 6; ++i) {
    rows += std::string(StageName(static_cast<Stage>(i))) + ":";
    for (Stage s : AllowedTargets(static_cast<Stage>(i))) rows += " " + std::string(StageName(s));
    rows += "\n";
  }
  EXPECT_EQ(rows,
            "new: triage closed\n"
            "triage: containment eradication recovery closed\n"
            "containment: triage eradication recovery closed\n"
            "eradication: triage containment recovery closed\n"
            "recovery: triage containment eradication closed\n"
            "closed: triage\n");
}

// The incident, task and event of tests/data/incident/tessera_bundle.json, as JSON texts.
struct Bundle {
  std::string incident, task, event;
};
Bundle LoadBundle() {
  const auto data = Load("tessera_bundle.json");
  Bundle b;
  for (const auto& o : data.at("objects").as_array()) {
    const std::string type(o.at("type").as_string());
    (type == "incident" ? b.incident
     : type == "task"   ? b.task
                        : b.event) = boost::json::serialize(o);
  }
  return b;
}

TEST(Stage, ReadsStateFromTheStixObjects) {
  const Bundle b = LoadBundle();
  auto state = ReadIncidentState(b.incident, std::vector<std::string>{b.task});
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(state->id, "incident--6a0c2e4f-8b1d-4f3a-9c5e-7d9f1b3a5c7e");
  EXPECT_EQ(state->stage, Stage::kTriage);
  EXPECT_EQ(state->determination, "suspected");
  EXPECT_EQ(state->closing_summary, "");
  ASSERT_EQ(state->tasks.size(), 1u);
  EXPECT_EQ(state->tasks[0].id, "task--2c4e6a8b-0d1f-4b3c-9e5a-7f9b1d3e5a6c");
  EXPECT_TRUE(state->tasks[0].mandatory);
  EXPECT_EQ(state->tasks[0].outcome, "pending");

  // Closing it now is refused for all three reasons.
  const Transition t = CheckTransition(*state, Stage::kClosed);
  EXPECT_FALSE(t.allowed);
  EXPECT_EQ(t.rule, kRuleDetermination);
  EXPECT_NE(t.reason.find("(Block the sender domain at the mail gateway) is pending"),
            std::string::npos)
      << t.reason;
}

TEST(Stage, ReadRefusesWhatIsNotAnIncidentWithItsTasks) {
  const Bundle b = LoadBundle();
  // Not an incident.
  auto r = ReadIncidentState(b.event, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("is not an incident"), std::string::npos);
  // A task given as the incident's task that is an event.
  r = ReadIncidentState(b.incident, std::vector<std::string>{b.event});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("is not an OASIS task"), std::string::npos);
  // Invalid STIX: the message names the path and the rule.
  std::string broken = b.incident;
  broken.replace(broken.find("\"stage\":\"triage\""), 16, "\"stage\":\"doing\"");
  r = ReadIncidentState(broken, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find(".stage"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("(enum-value)"), std::string::npos);
  // A task of another incident.
  std::string other = b.task;
  other.replace(other.find("incident--6a0c2e4f"), 18, "incident--7a0c2e4f");
  r = ReadIncidentState(b.incident, std::vector<std::string>{other});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("is a task of incident--7a0c2e4f"), std::string::npos)
      << r.status().message();
  // Without Tessera's extension: no stage to read.
  auto plain = ParseJson(b.incident);
  ASSERT_TRUE(plain.ok());
  plain->as_object()["extensions"].as_object().erase(stix::kTesseraIncidentExtensionId);
  r = ReadIncidentState(boost::json::serialize(*plain), {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("lacks Tessera's incident extension"), std::string::npos);
}

TEST(Stage, NextVersionIsValidStixInTheNewStage) {
  const Bundle b = LoadBundle();
  auto now = ParseTimestamp("2026-03-03T16:00:00.000Z");
  ASSERT_TRUE(now.ok());
  auto next = NextVersion(b.incident, Stage::kClosed, *now,
                          std::string_view("Sender domain blocked; no credentials entered."));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  auto doc = stix::ReadDocument(*next, stix::ReadOptions{.strict = true});
  ASSERT_TRUE(doc.ok());
  EXPECT_TRUE(doc->ok()) << (doc->problems.empty() ? "" : doc->problems[0].message);
  auto v = ParseJson(*next);
  ASSERT_TRUE(v.ok());
  const auto& exts = v->at("extensions").as_object();
  EXPECT_EQ(exts.at(stix::kIncidentCoreExtensionId).at("investigation_status").as_string(),
            "closed");
  EXPECT_EQ(exts.at(stix::kTesseraIncidentExtensionId).at("stage").as_string(), "closed");
  EXPECT_EQ(exts.at(stix::kTesseraIncidentExtensionId).at("closing_summary").as_string(),
            "Sender domain blocked; no credentials entered.");
  EXPECT_EQ(v->at("modified").as_string(), "2026-03-03T16:00:00.000Z");
  EXPECT_EQ(v->at("created").as_string(), "2026-03-02T08:15:00.000Z");
  EXPECT_EQ(v->at("name").as_string(), "Phishing wave against payment staff");

  // The state read back from the next version is in the new stage.
  auto state = ReadIncidentState(*next, {});
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->stage, Stage::kClosed);

  // STIX versioning: a version no later than the current one is refused.
  auto same = ParseTimestamp("2026-03-02T10:40:00.000Z");
  ASSERT_TRUE(same.ok());
  auto refused = NextVersion(b.incident, Stage::kContainment, *same);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("must be modified later than"), std::string::npos);
}

}  // namespace
}  // namespace tessera::incident
