#pragma once
// The stages of an incident and the rules for moving between them (docs/incidents.md, "Stages").
//
// An incident is in one of six stages, kept in Tessera's incident extension (`stage`) and mapped
// onto the OASIS Incident Core's `investigation_status`: new -> "new"; triage, containment,
// eradication, recovery -> "open"; closed -> "closed". The moves allowed:
//
//   from \ to     new  triage  containment  eradication  recovery  closed
//   new            -    yes       no           no          no       yes*
//   triage         no    -        yes          yes         yes      yes*
//   containment    no   yes        -           yes         yes      yes*
//   eradication    no   yes       yes           -          yes      yes*
//   recovery       no   yes       yes          yes          -       yes*
//   closed         no   yes       no           no          no        -
//
// An incident leaves `new` only through triage (someone looks at it first) or by closing it (a
// duplicate, a false positive); the open stages move freely among themselves, back as well as
// forward (containment again after eradication finds another host); nothing returns to `new`.
// Closing (yes*) also needs a determination other than `suspected`, a closing summary, and no
// mandatory task still open (outcome pending, ongoing or unknown). Reopening is closed -> triage:
// allowed, and reported as a reopening so that the caller records it (timeline and audit).
//
// Everything here is a pure function of its arguments: no store, no clock, no I/O. Thread-safe.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"

namespace tessera::incident {

enum class Stage : uint8_t { kNew, kTriage, kContainment, kEradication, kRecovery, kClosed };

// "new", "triage", "containment", "eradication", "recovery", "closed".
std::string_view StageName(Stage stage);
// The stage named `name` (exactly as StageName writes it), or nullopt.
std::optional<Stage> ParseStage(std::string_view name);
// The OASIS investigation_status of `stage`: "new", "open" or "closed".
std::string_view InvestigationStatusOf(Stage stage);
// The stages `from` may move to, in the order of the enumeration (the table above, closing
// included whatever the incident's state).
std::span<const Stage> AllowedTargets(Stage from);

// A task of the incident, as far as closing is concerned.
struct TaskState {
  std::string id;    // "task--..."
  std::string name;  // for the reason; may be empty
  bool mandatory = false;
  std::string outcome;  // the OASIS task-outcome-enum value
};

// True when the task's outcome is pending, ongoing or unknown (not successful, failed or
// cancelled): a mandatory task in that state keeps the incident from closing.
bool TaskIsOpen(const TaskState& task);

struct IncidentState {
  std::string id;  // "incident--..."; for messages
  Stage stage = Stage::kNew;
  std::string determination;    // OASIS incident-determination-enum; "" when absent
  std::string closing_summary;  // Tessera's extension; "" when absent
  std::vector<TaskState> tasks;
};

// Rules of a refused transition, in the order CheckTransition checks them.
inline constexpr std::string_view kRuleSameStage = "same-stage";
inline constexpr std::string_view kRuleNotAllowed = "transition-not-allowed";
inline constexpr std::string_view kRuleDetermination = "determination-required";
inline constexpr std::string_view kRuleClosingSummary = "closing-summary-required";
inline constexpr std::string_view kRuleOpenTasks = "open-mandatory-task";

// At most this many open mandatory tasks are named in a reason; the rest are counted.
inline constexpr size_t kMaxTasksNamed = 10;

struct Transition {
  Stage from = Stage::kNew;
  Stage to = Stage::kNew;
  bool allowed = false;
  // Refused: the first rule broken (kRule*) and the reason, naming every closing condition that
  // is not met (what the API returns with HTTP 409, the CLI with exit code 1). "" when allowed.
  std::string rule;
  std::string reason;
  bool reopens = false;  // allowed, from closed back to an open stage: the caller records it
};

// Whether `state` may move to stage `to`, and if not, why. Pure.
Transition CheckTransition(const IncidentState& state, Stage to);

// Reads the state the stage machine needs from STIX objects: `incident_json` an incident with the
// OASIS Incident Core extension and Tessera's incident extension (stix/incident_extensions.h),
// `task_jsons` its tasks (OASIS task objects; Tessera's extension on a task gives `mandatory`, and
// when it names an incident, that must be this one). Each object is validated as
// stix::ReadDocument does; kInvalidArgument naming the object and the first error's path and
// reason when one is not valid STIX, lacks an extension it needs, or is a task of another incident.
Result<IncidentState> ReadIncidentState(std::string_view incident_json,
                                        std::span<const std::string> task_jsons);

// The next version of `incident_json` in stage `to`: Tessera's `stage` and the Incident Core's
// `investigation_status` set, `closing_summary` set when `closing_summary` is given, and
// `modified` set to `now` (which must be later than the current `modified`, as STIX versioning
// requires; kInvalidArgument otherwise). Every other property is kept as it is. It does not check
// the transition: call CheckTransition first. kInvalidArgument when `incident_json` is not an
// incident with both extensions.
Result<std::string> NextVersion(std::string_view incident_json, Stage to, Timestamp now,
                                std::optional<std::string_view> closing_summary = std::nullopt);

}  // namespace tessera::incident
