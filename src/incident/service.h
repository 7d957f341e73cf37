#pragma once
// Incidents stored and handled on the hub (docs/incidents.md, "Who sees what" and "Audit"): the
// calls behind the admin API's /api/v1/incidents and `tessera incident`.
//
// Storage. Each incident has its own collection: its id is the incident's UUID (incident--<u>
// lives in collection <u>), its alias "incident-<case number>", in the API root of the hub's
// default collection (else the first API root). Its readers are the participant organizations
// and nobody else; its writers the participants but observers. Every incident object is written
// through ingest (the hub's single write path) as its lead organization's, with the same
// validation, placement and write rules as a TAXII post; creation stores the collection and the
// first version of the incident in ONE transaction (ingest::Session::BeginInNewCollection).
//
// Audit. Every change appends an entry to the audit chain "incidents" (kIncidentsChain) inside
// the transaction of the change (store::AuditScope): action (kAction*), target "incident:<id>",
// details {"object":"<id>","before":"<sha256 hex of the version replaced, '' on creation>",
// "after":"<sha256 hex of the version written>"} followed by the store's counts ("; added 1,
// ..."). When the caller already holds an AuditScope on this thread (an admin API route), that
// scope's entry is moved to the incidents chain and filled in instead of opening another one.
//
// Who sees what. A principal whose organization is not a participant (not among the
// collection's readers) gets kNotFound with exactly the message an unknown id gets
// (NotFoundMessage), and lists leave the incident out. Reads go through policy's view of the
// collection (policy::ScopeFor), as TAXII's do.
//
// Thread-safe as the store is; the audit scope is per thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "audit/chain.h"
#include "common/status.h"
#include "common/time.h"
#include "incident/stage.h"
#include "policy/principal.h"
#include "store/store.h"

namespace tessera::incident {

inline constexpr std::string_view kIncidentsChain = "incidents";
inline constexpr std::string_view kActionCreate = "incident.create";
inline constexpr std::string_view kActionStage = "incident.stage";
inline constexpr std::string_view kActionParticipantAdd = "incident.participant.add";
inline constexpr std::string_view kActionParticipantRemove = "incident.participant.remove";
inline constexpr std::string_view kActionAcknowledge = "incident.participant.acknowledge";

// What an incident's collection alias starts with.
inline constexpr std::string_view kCollectionAliasPrefix = "incident-";

// Bounds on what a caller gives.
inline constexpr size_t kMaxNameBytes = 256;
inline constexpr size_t kMaxSummaryBytes = 16 * 1024;

struct NewIncident {
  std::string name;                                 // 1..kMaxNameBytes, one line
  std::string description;                          // 0..kMaxSummaryBytes
  std::string severity = "medium";                  // low, medium, high, critical
  stix::TlpLevel marking = stix::TlpLevel::kAmber;  // the incident object's TLP (2.0) marking
  bool exercise = false;                            // a drill
};

struct Participant {
  std::string organization_ref;  // the organization's identity id
  int64_t org_id = 0;            // 0 when the identity is no longer a member organization
  std::string role;              // lead, responder, observer, reporter
  std::string invited;           // UTC, as stored ("2026-03-02T08:15:00Z")
  std::string seen;              // "" when not yet
  std::string acknowledged;      // "" when not yet
};

// An incident as a participant sees it: the newest version of the incident object it may read.
struct Incident {
  std::string id;  // "incident--<uuid>"
  std::string case_number;
  std::string collection;  // the collection id (the incident's uuid)
  std::string name;
  Stage stage = Stage::kNew;
  std::string severity;  // "" when absent
  bool exercise = false;
  std::string determination;  // "" when absent
  std::string closing_summary;
  std::string lead_organization_ref;
  std::vector<Participant> participants;
  std::string modified;  // the version, as in the object
  std::string json;      // the object as stored
};

// Who acts, for the audit entry: the principal's user (or the CLI's actor), organization name and
// client address.
struct Actor {
  std::string name;    // user name, or store::CliActor()
  std::string org;     // the organization's name ("" for none)
  std::string client;  // "" for the command line
};

// `in` as the API and `tessera incident ... --json` print it: id, case_number, collection, name,
// stage, investigation_status, severity, exercise, determination, closing_summary (when set),
// lead_organization_ref, participants (organization_ref, org_id, role, invited, seen and
// acknowledged when set; times in UTC with their "Z"), modified, and `object`, the STIX object.
boost::json::object IncidentJson(const Incident& in);

// "no incident '<id>'": what an unknown id and an incident the caller may not see both answer.
std::string NotFoundMessage(std::string_view id);

// Creates an incident led by `lead`'s organization: case number "<PREFIX>-<year>-<NNNN>" (PREFIX
// the hub organization's name in capitals and digits, at most 12, else "INC"; NNNN the next
// number of that year), stage new, determination "suspected", the lead its one participant, its
// collection (readers and writers: the lead organization) and the incident object, in one
// transaction with its audit entry. kPermissionDenied when `lead` has no organization or a role
// that does not handle incidents (read-only, sync: analysts, org-admins and admins do);
// kInvalidArgument for a bad name, description or severity; kNotFound when the hub has no API root;
// the ingest's refusal (its message) as kInvalidArgument; the store's errors. Nothing is stored on
// failure (a refused attempt is audited).
Result<Incident> CreateIncident(store::Store& store, const policy::Principal& lead,
                                const Actor& actor, const NewIncident& request);

// The incidents whose participants include `reader`'s organization, newest case first, each as
// its view shows it (an incident whose object it may not read is left out). The store's errors.
Result<std::vector<Incident>> ListIncidents(store::Store& store, const policy::Principal& reader);

// The incident `id` as `reader` sees it; kNotFound (NotFoundMessage) when there is none, it is
// not a participant or may not read the object; kInvalidArgument never (a malformed id is
// unknown).
Result<Incident> GetIncident(store::Store& store, const policy::Principal& reader,
                             std::string_view id);

// Moves incident `id` to `to` (docs/incidents.md "Stages"). Only its lead organization may
// (kPermissionDenied otherwise; kNotFound, as GetIncident, for a non-participant). The move is
// checked by CheckTransition; a refused move is a value (transition.allowed false, its rule and
// reason; nothing written, a refused audit entry). An allowed one writes the next version of the
// incident (NextVersion; `closing_summary` set when given) through ingest with the audit entry
// kActionStage (details "...; from <stage> to <stage>[, reopened]"). kInvalidArgument for a
// closing summary over kMaxSummaryBytes; the ingest's refusal; the store's errors.
struct StageChange {
  Transition transition;
  Incident incident;  // as written when allowed; as it was otherwise
};
Result<StageChange> ChangeStage(store::Store& store, const policy::Principal& lead,
                                const Actor& actor, std::string_view id, Stage to,
                                std::optional<std::string> closing_summary = std::nullopt);

// Participants (docs/incidents.md, "Who sees what"). Each change writes the next version of the
// incident (its participants list) and stores the collection's grants (readers: every
// participant; writers: every participant but observers) in ONE transaction with its audit
// entry. Every call answers kNotFound, as GetIncident, when `p` takes no part in incident `id`.
//
// AddParticipant: the lead organization's users (analysts, org-admins, admins) invite
// organization `org_id` as `role` (responder, observer or reporter; the lead is handed over,
// not invited: later). kPermissionDenied for anyone else; kInvalidArgument for another role or
// an organization that does not exist or has no identity; kAlreadyExists when it takes part.
Result<Incident> AddParticipant(store::Store& store, const policy::Principal& p, const Actor& actor,
                                std::string_view id, int64_t org_id, std::string_view role);
// RemoveParticipant: the lead's users remove organization `org_id`; it reads nothing of the
// incident from then on. kInvalidArgument for the lead itself; kNotFound when `org_id` takes no
// part ("organization N takes no part in <case>").
Result<Incident> RemoveParticipant(store::Store& store, const policy::Principal& p,
                                   const Actor& actor, std::string_view id, int64_t org_id);
// Acknowledge: a user of organization `org_id` (any role; it must be `p`'s own organization,
// kPermissionDenied otherwise) records that it acknowledged the incident: the participant's
// `acknowledged` (and `seen` when unset) set to now, written as the lead organization's (the
// incident is its object). Acknowledging again changes nothing.
Result<Incident> Acknowledge(store::Store& store, const policy::Principal& p, const Actor& actor,
                             std::string_view id, int64_t org_id);

}  // namespace tessera::incident
