#include "incident/stage.h"

#include <array>

#include "common/json.h"
#include "common/text.h"
#include "stix/incident_extensions.h"
#include "stix/reader.h"

namespace tessera::incident {
namespace {

using S = Stage;
constexpr std::array<std::string_view, 6> kNames = {"new",         "triage",   "containment",
                                                    "eradication", "recovery", "closed"};

// The table of stage.h, row by row.
constexpr S kFromNew[] = {S::kTriage, S::kClosed};
constexpr S kFromTriage[] = {S::kContainment, S::kEradication, S::kRecovery, S::kClosed};
constexpr S kFromContainment[] = {S::kTriage, S::kEradication, S::kRecovery, S::kClosed};
constexpr S kFromEradication[] = {S::kTriage, S::kContainment, S::kRecovery, S::kClosed};
constexpr S kFromRecovery[] = {S::kTriage, S::kContainment, S::kEradication, S::kClosed};
constexpr S kFromClosed[] = {S::kTriage};

bool Allowed(S from, S to) {
  for (S s : AllowedTargets(from)) {
    if (s == to) return true;
  }
  return false;
}

std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// Why `to` cannot be reached from `from` by the table: what to do instead.
std::string NotAllowedReason(S from, S to) {
  std::string out =
      "an incident cannot move from " + Quoted(StageName(from)) + " to " + Quoted(StageName(to));
  if (to == S::kNew) {
    out += ": no stage returns to 'new'";
  } else if (from == S::kNew) {
    out += ": triage it first (new -> triage), or close it";
  } else if (from == S::kClosed) {
    out += ": reopen it to 'triage' first";
  }
  std::string targets;
  for (S s : AllowedTargets(from)) {
    if (!targets.empty()) targets += ", ";
    targets += StageName(s);
  }
  return out + " (from " + Quoted(StageName(from)) + ": " + targets + ")";
}

Result<boost::json::object> ParseObject(std::string_view json, std::string_view what) {
  auto doc = stix::ReadDocument(json);
  if (!doc.ok()) {
    return InvalidArgument(std::string(what) + ": " + doc.status().message());
  }
  if (doc->objects.size() != 1) {
    return InvalidArgument(std::string(what) + ": expected one STIX object, found " +
                           std::to_string(doc->objects.size()));
  }
  for (const stix::Problem& p : doc->problems) {
    if (p.severity == stix::Severity::kError) {
      return InvalidArgument(std::string(what) + " " + p.object_id + ": invalid STIX 2.1: " +
                             p.path + ": " + p.message + " (" + p.rule + ")");
    }
  }
  auto value = ParseJson(json);
  if (!value.ok()) return value.status();
  return value->as_object();
}

const boost::json::object* Extension(const boost::json::object& o, std::string_view id) {
  const auto* exts = o.if_contains("extensions");
  if (exts == nullptr || !exts->is_object()) return nullptr;
  const auto* ext = exts->as_object().if_contains(id);
  return ext != nullptr && ext->is_object() ? &ext->as_object() : nullptr;
}

std::string StringAt(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

std::string_view StageName(Stage stage) { return kNames[static_cast<size_t>(stage)]; }

std::optional<Stage> ParseStage(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Stage>(i);
  }
  return std::nullopt;
}

std::string_view InvestigationStatusOf(Stage stage) {
  switch (stage) {
    case S::kNew:
      return "new";
    case S::kClosed:
      return "closed";
    default:
      return "open";
  }
}

std::span<const Stage> AllowedTargets(Stage from) {
  switch (from) {
    case S::kNew:
      return kFromNew;
    case S::kTriage:
      return kFromTriage;
    case S::kContainment:
      return kFromContainment;
    case S::kEradication:
      return kFromEradication;
    case S::kRecovery:
      return kFromRecovery;
    case S::kClosed:
      return kFromClosed;
  }
  return {};
}

bool TaskIsOpen(const TaskState& task) {
  return task.outcome != "successful" && task.outcome != "failed" && task.outcome != "cancelled";
}

Transition CheckTransition(const IncidentState& state, Stage to) {
  Transition t;
  t.from = state.stage;
  t.to = to;
  if (state.stage == to) {
    t.rule = kRuleSameStage;
    t.reason = "the incident is already in stage " + Quoted(StageName(to));
    return t;
  }
  if (!Allowed(state.stage, to)) {
    t.rule = kRuleNotAllowed;
    t.reason = NotAllowedReason(state.stage, to);
    return t;
  }
  if (to == S::kClosed) {
    std::vector<std::pair<std::string_view, std::string>> broken;
    if (state.determination.empty() || state.determination == "suspected") {
      broken.emplace_back(kRuleDetermination,
                          state.determination.empty()
                              ? "closing needs a determination (blocked, confirmed, "
                                "failed-attempt or false-positive); the incident has none"
                              : "closing needs a determination other than 'suspected' (blocked, "
                                "confirmed, failed-attempt or false-positive)");
    }
    if (Trim(state.closing_summary).empty()) {
      broken.emplace_back(kRuleClosingSummary, "closing needs a closing summary");
    }
    std::string open;
    size_t open_count = 0;
    for (const TaskState& task : state.tasks) {
      if (!task.mandatory || !TaskIsOpen(task)) continue;
      if (open_count++ < kMaxTasksNamed) {
        if (!open.empty()) open += ", ";
        open += task.id;
        if (!task.name.empty()) open += " (" + task.name + ")";
        open += " is " + (task.outcome.empty() ? std::string("without outcome") : task.outcome);
      }
    }
    if (open_count > 0) {
      if (open_count > kMaxTasksNamed) {
        open += " and " + std::to_string(open_count - kMaxTasksNamed) + " more";
      }
      broken.emplace_back(kRuleOpenTasks, std::to_string(open_count) + " mandatory task" +
                                              (open_count == 1 ? " is" : "s are") +
                                              " still open: " + open);
    }
    if (!broken.empty()) {
      t.rule = std::string(broken.front().first);
      for (const auto& [rule, reason] : broken) {
        if (!t.reason.empty()) t.reason += "; ";
        t.reason += reason;
      }
      return t;
    }
  }
  t.allowed = true;
  t.reopens = state.stage == S::kClosed;
  return t;
}

Result<IncidentState> ReadIncidentState(std::string_view incident_json,
                                        std::span<const std::string> task_jsons) {
  auto incident = ParseObject(incident_json, "incident");
  if (!incident.ok()) return incident.status();
  IncidentState state;
  state.id = StringAt(*incident, "id");
  if (StringAt(*incident, "type") != "incident") {
    return InvalidArgument(state.id + " is not an incident");
  }
  const auto* core = Extension(*incident, stix::kIncidentCoreExtensionId);
  const auto* ours = Extension(*incident, stix::kTesseraIncidentExtensionId);
  if (core == nullptr || ours == nullptr) {
    return InvalidArgument("incident " + state.id + " lacks " +
                           (core == nullptr
                                ? "the OASIS Incident Core extension (" +
                                      std::string(stix::kIncidentCoreExtensionId) + ")"
                                : "Tessera's incident extension (" +
                                      std::string(stix::kTesseraIncidentExtensionId) + ")"));
  }
  // Both present and valid (ParseObject validated them): stage is one of the six.
  state.stage = ParseStage(StringAt(*ours, "stage")).value_or(Stage::kNew);
  state.determination = StringAt(*core, "determination");
  state.closing_summary = StringAt(*ours, "closing_summary");
  for (size_t i = 0; i < task_jsons.size(); ++i) {
    auto task = ParseObject(task_jsons[i], "task " + std::to_string(i + 1));
    if (!task.ok()) return task.status();
    TaskState ts;
    ts.id = StringAt(*task, "id");
    ts.name = StringAt(*task, "name");
    if (StringAt(*task, "type") != "task" || Extension(*task, stix::kTaskExtensionId) == nullptr) {
      return InvalidArgument(ts.id + " is not an OASIS task (type 'task' with " +
                             std::string(stix::kTaskExtensionId) + ")");
    }
    ts.outcome = StringAt(*task, "outcome");
    if (const auto* ext = Extension(*task, stix::kTesseraIncidentExtensionId)) {
      const std::string of = StringAt(*ext, "incident_ref");
      if (!of.empty() && of != state.id) {
        return InvalidArgument(ts.id + " is a task of " + of + ", not of " + state.id);
      }
      const auto* mandatory = ext->if_contains("mandatory");
      ts.mandatory = mandatory != nullptr && mandatory->is_bool() && mandatory->as_bool();
    }
    state.tasks.push_back(std::move(ts));
  }
  return state;
}

Result<std::string> NextVersion(std::string_view incident_json, Stage to, Timestamp now,
                                std::optional<std::string_view> closing_summary) {
  auto parsed = ParseObject(incident_json, "incident");
  if (!parsed.ok()) return parsed.status();
  boost::json::object incident = std::move(*parsed);
  const std::string id = StringAt(incident, "id");
  if (StringAt(incident, "type") != "incident" ||
      Extension(incident, stix::kIncidentCoreExtensionId) == nullptr ||
      Extension(incident, stix::kTesseraIncidentExtensionId) == nullptr) {
    return InvalidArgument(id +
                           " is not an incident with the OASIS Incident Core extension and "
                           "Tessera's incident extension");
  }
  auto modified = ParseTimestamp(StringAt(incident, "modified"));
  if (!modified.ok()) return modified.status();  // validated above: not reached
  if (!(now > *modified)) {
    return InvalidArgument("the next version of " + id + " must be modified later than " +
                           FormatTimestamp(*modified, TimePrecision::kMillisOrMore) + ", not at " +
                           FormatTimestamp(now, TimePrecision::kMillisOrMore));
  }
  auto& exts = incident["extensions"].as_object();
  exts[stix::kIncidentCoreExtensionId].as_object()["investigation_status"] =
      InvestigationStatusOf(to);
  auto& ours = exts[stix::kTesseraIncidentExtensionId].as_object();
  ours["stage"] = StageName(to);
  if (closing_summary) ours["closing_summary"] = *closing_summary;
  incident["modified"] = FormatTimestamp(now, TimePrecision::kMillisOrMore);
  return boost::json::serialize(incident);
}

}  // namespace tessera::incident
