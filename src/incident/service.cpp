#include "incident/service.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cstdio>
#include <functional>
#include <memory>

#include "common/digest.h"
#include "common/json.h"
#include "common/uuid.h"
#include "ingest/ingest.h"
#include "policy/access.h"
#include "policy/view.h"
#include "stix/incident_extensions.h"
#include "stix/reader.h"
#include "stix/tlp.h"
#include "store/audit_log.h"

namespace tessera::incident {
namespace {

namespace json = boost::json;

constexpr std::string_view kCasePrefixFallback = "INC";
constexpr size_t kMaxCasePrefix = 12;

// The audit entry of one incident change: the caller's scope when one is active on this thread
// (an admin API route: its entry moves to the incidents chain), else one of its own.
class IncidentAudit {
 public:
  IncidentAudit(store::Store& store, const policy::Principal& p, const Actor& actor,
                std::string_view action, std::string target) {
    store::AuditLog& log = store::AuditLogOf(store);
    borrowed_ = store::AuditScope::Active(log.tag());
    if (borrowed_ == nullptr) {
      audit::Entry e;
      e.actor = actor.name;
      e.org_id = p.org_id;
      e.org = actor.org;
      e.client = actor.client;
      owned_ = std::make_unique<store::AuditScope>(log, std::move(e));
    }
    audit::Entry& e = entry();
    e.chain = std::string(kIncidentsChain);
    e.action = std::string(action);
    e.target = std::move(target);
  }
  audit::Entry& entry() { return owned_ ? owned_->entry() : borrowed_->entry(); }
  void SetTarget(std::string target) { entry().target = std::move(target); }
  // The object changed and the SHA-256 of its content before ("" when new) and after.
  void SetChange(std::string_view object, std::string_view before_json, std::string_view after_json,
                 std::string_view more = {}) {
    json::object d;
    d["object"] = object;
    d["before"] = before_json.empty() ? std::string() : Sha256Hex(Sha256(before_json));
    d["after"] = Sha256Hex(Sha256(after_json));
    std::string text = json::serialize(d);
    if (!more.empty()) text += "; " + std::string(more);
    entry().details = std::move(text);
  }
  // Ends an owned scope: done, or refused for `why`. A borrowed one is the caller's to end.
  template <typename T>
  Result<T> End(Result<T> result) {
    if (owned_) {
      const Status st = result.ok() ? owned_->Finish(audit::kDone)
                                    : owned_->Finish(audit::kRefused, result.status().message());
      if (result.ok() && !st.ok()) return st;
    }
    return result;
  }

 private:
  store::AuditScope* borrowed_ = nullptr;
  std::unique_ptr<store::AuditScope> owned_;
};

std::string StringAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

const json::object* ExtensionOf(const json::object& o, std::string_view id) {
  const json::value* exts = o.if_contains("extensions");
  if (exts == nullptr || !exts->is_object()) return nullptr;
  const json::value* ext = exts->as_object().if_contains(id);
  return ext != nullptr && ext->is_object() ? &ext->as_object() : nullptr;
}

// The incident as its stored JSON says (kCorrupt when it is not an incident with both
// extensions: ingest validated it).
Result<Incident> FromJson(std::string_view text, std::string collection) {
  auto parsed = ParseJson(text);
  if (!parsed.ok() || !parsed->is_object()) return Corrupt("a stored incident is not JSON");
  const json::object& o = parsed->as_object();
  const json::object* core = ExtensionOf(o, stix::kIncidentCoreExtensionId);
  const json::object* ours = ExtensionOf(o, stix::kTesseraIncidentExtensionId);
  if (core == nullptr || ours == nullptr) {
    return Corrupt("stored incident " + StringAt(o, "id") + " lacks an incident extension");
  }
  Incident in;
  in.id = StringAt(o, "id");
  in.collection = std::move(collection);
  in.name = StringAt(o, "name");
  in.modified = StringAt(o, "modified");
  in.determination = StringAt(*core, "determination");
  in.case_number = StringAt(*ours, "case_number");
  in.severity = StringAt(*ours, "severity");
  in.closing_summary = StringAt(*ours, "closing_summary");
  in.lead_organization_ref = StringAt(*ours, "lead_organization_ref");
  const std::optional<Stage> stage = ParseStage(StringAt(*ours, "stage"));
  if (!stage) return Corrupt("stored incident " + in.id + " has no stage");
  in.stage = *stage;
  if (const json::value* ex = ours->if_contains("exercise"); ex != nullptr && ex->is_bool()) {
    in.exercise = ex->as_bool();
  }
  if (const json::value* ps = ours->if_contains("participants"); ps != nullptr && ps->is_array()) {
    for (const json::value& v : ps->as_array()) {
      if (!v.is_object()) continue;
      Participant p;
      p.organization_ref = StringAt(v.as_object(), "organization_ref");
      p.role = StringAt(v.as_object(), "role");
      p.invited = StringAt(v.as_object(), "invited");
      p.seen = StringAt(v.as_object(), "seen");
      p.acknowledged = StringAt(v.as_object(), "acknowledged");
      in.participants.push_back(std::move(p));
    }
  }
  in.json = std::string(text);
  return in;
}

// Fills Participant::org_id from the directory (0 for an identity that is no member).
void ResolveParticipants(store::Directory& dir, Incident& in) {
  for (Participant& p : in.participants) {
    auto org = dir.FindOrganizationByIdentity(p.organization_ref);
    p.org_id = org.ok() ? org->id : 0;
  }
}

// The API root incidents' collections go to: the default collection's, else the first.
Result<std::string> IncidentApiRoot(store::Directory& dir) {
  auto def = dir.GetSetting(store::kSettingDefaultCollection);
  if (def.ok() && !def->empty()) {
    auto coll = dir.GetCollection(*def);
    if (coll.ok()) return coll->api_root;
  }
  TESSERA_ASSIGN_OR_RETURN(std::vector<store::ApiRoot> roots, dir.ListApiRoots());
  if (roots.empty()) return NotFound("the hub has no API root for incidents: run `tessera init`");
  return roots.front().name;
}

std::string CasePrefix(store::Directory& dir) {
  auto hub = ingest::HubOrganization(dir);
  std::string prefix;
  if (hub.ok() && hub->has_value()) {
    for (char c : (*hub)->name) {
      if (prefix.size() == kMaxCasePrefix) break;
      if (std::isalnum(static_cast<unsigned char>(c))) {
        prefix += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
    }
  }
  return prefix.empty() ? std::string(kCasePrefixFallback) : prefix;
}

// "<prefix>-<year>-<NNNN>", the number one above the highest of that year in `root`.
Result<std::string> NextCaseNumber(store::Directory& dir, const std::string& root,
                                   const std::string& prefix, int year) {
  const std::string head =
      std::string(kCollectionAliasPrefix) + prefix + "-" + std::to_string(year) + "-";
  TESSERA_ASSIGN_OR_RETURN(std::vector<store::CollectionInfo> colls, dir.ListCollections(root));
  long highest = 0;
  for (const store::CollectionInfo& c : colls) {
    if (c.alias.rfind(head, 0) != 0) continue;
    const std::string digits = c.alias.substr(head.size());
    if (digits.empty() || digits.size() > 9 ||
        !std::all_of(digits.begin(), digits.end(),
                     [](char ch) { return ch >= '0' && ch <= '9'; })) {
      continue;
    }
    highest = std::max(highest, std::stol(digits));
  }
  char number[16];
  std::snprintf(number, sizeof number, "%04ld", highest + 1);
  return prefix + "-" + std::to_string(year) + "-" + number;
}

Status CheckLine(std::string_view what, std::string_view text, size_t max, bool required) {
  if (required && text.empty()) return InvalidArgument(std::string(what) + " is required");
  if (text.size() > max) {
    return InvalidArgument(std::string(what) + " is longer than " + std::to_string(max) + " bytes");
  }
  return Status::Ok();
}

bool IsSeverity(std::string_view s) {
  return s == "low" || s == "medium" || s == "high" || s == "critical";
}

// Writes `object_json` (one STIX object) into `collection` as `writer`'s through ingest, in one
// transaction (with the collection itself when `create` is set). The refusal of ingest as
// kInvalidArgument with its message.
using CollectionChange = ingest::Session::CollectionChange;
Status WriteObject(store::Store& store, const policy::Principal& writer,
                   store::CollectionInfo& collection, std::optional<CollectionChange> change,
                   const std::string& object_json) {
  TESSERA_ASSIGN_OR_RETURN(stix::Document doc, stix::ReadDocument(object_json));
  if (doc.objects.size() != 1) return Internal("an incident write is one object");
  std::vector<std::string> errors{ingest::DescribeErrors(doc.problems)};
  TESSERA_ASSIGN_OR_RETURN(
      ingest::Session session,
      change ? ingest::Session::BeginWithCollection(store, writer, collection, *change)
             : ingest::Session::Begin(store, writer, collection));
  TESSERA_ASSIGN_OR_RETURN(store::StatusRecord report, session.Add(doc.objects, errors));
  if (!report.failures.empty()) return InvalidArgument(report.failures.front().message);
  TESSERA_ASSIGN_OR_RETURN(store::ImportSummary summary, session.Finish());
  (void)summary;
  return Status::Ok();
}

// The incident's collection and the newest version of the incident `reader` may read there;
// kNotFound (NotFoundMessage) when either is missing or not the reader's to see.
struct Found {
  store::CollectionInfo collection;
  Incident incident;
};
Result<Found> Find(store::Store& store, const policy::Principal& reader, std::string_view id) {
  const Status unknown = NotFound(NotFoundMessage(id));
  constexpr std::string_view kType = "incident--";
  if (id.rfind(kType, 0) != 0) return unknown;
  auto uuid = Uuid::Parse(id.substr(kType.size()));
  if (!uuid.ok() || "incident--" + uuid->ToString() != id) return unknown;
  auto coll = store.directory().GetCollection(uuid->ToString());
  if (!coll.ok()) return coll.status().code() == ErrorCode::kNotFound ? unknown : coll.status();
  const policy::ObjectView view(store, reader);
  if (coll->alias.rfind(kCollectionAliasPrefix, 0) != 0 || !view.CanList(*coll)) return unknown;
  store::CollectionQuery q;  // the view sets its collection and scope
  q.types = {"incident"};
  q.ids = {std::string(id)};
  q.match = store::VersionMatch::kLast;
  q.limit = 1;
  TESSERA_ASSIGN_OR_RETURN(store::ObjectPage page, view.List(*coll, q));
  if (page.objects.empty()) return unknown;
  TESSERA_ASSIGN_OR_RETURN(Incident in, FromJson(page.objects.front().json, coll->id));
  ResolveParticipants(store.directory(), in);
  return Found{std::move(*coll), std::move(in)};
}

// Users who handle incidents: analysts, org-admins and admins (not read-only users, nor sync
// accounts, which are machines).
bool MayHandle(policy::Role role) {
  return role != policy::Role::kReadOnly && role != policy::Role::kSync;
}

// The `modified` of the version after one modified at `current`: now, or the next millisecond
// when now is not later (STIX versions must grow).
Timestamp NextModified(std::string_view current) {
  Timestamp now = Timestamp::Now();
  auto was = ParseTimestamp(current);
  if (was.ok() && now.ToMicros() / 1000 <= was->ToMicros() / 1000) {
    now = Timestamp::FromMicros((was->ToMicros() / 1000 + 1) * 1000);
  }
  return now;
}

std::string NowMillis(Timestamp now) { return FormatTimestamp(now, TimePrecision::kMillis); }

}  // namespace

std::string NotFoundMessage(std::string_view id) { return "no incident '" + std::string(id) + "'"; }

Result<Incident> CreateIncident(store::Store& store, const policy::Principal& lead,
                                const Actor& actor, const NewIncident& request) {
  const std::string id = "incident--" + Uuid::V4().ToString();
  IncidentAudit audit(store, lead, actor, kActionCreate, "incident:" + id);
  auto made = [&]() -> Result<Incident> {
    if (lead.org_id == 0 || lead.org_identity.empty()) {
      return PermissionDenied("creating an incident needs an organization to lead it");
    }
    if (!MayHandle(lead.role)) {
      return PermissionDenied("role " + std::string(policy::RoleName(lead.role)) +
                              " may not create incidents");
    }
    TESSERA_RETURN_IF_ERROR(CheckLine("the name", request.name, kMaxNameBytes, true));
    if (request.name.find_first_of("\r\n") != std::string::npos) {
      return InvalidArgument("the name is one line");
    }
    TESSERA_RETURN_IF_ERROR(
        CheckLine("the description", request.description, kMaxSummaryBytes, false));
    if (!IsSeverity(request.severity)) {
      return InvalidArgument("severity '" + request.severity +
                             "' is none of low, medium, high, critical");
    }
    const stix::TlpMarking* marking = stix::FindTlpMarking(stix::TlpVersion::k2, request.marking);
    if (marking == nullptr) return Internal("no TLP 2.0 marking for a level");

    store::Directory& dir = store.directory();
    TESSERA_ASSIGN_OR_RETURN(std::string root, IncidentApiRoot(dir));
    const Timestamp now = Timestamp::Now();
    const std::string created = NowMillis(now);
    const int year = std::stoi(created.substr(0, 4));
    TESSERA_ASSIGN_OR_RETURN(std::string case_number,
                             NextCaseNumber(dir, root, CasePrefix(dir), year));

    json::object core{{"extension_type", "property-extension"},
                      {"determination", "suspected"},
                      {"investigation_status", InvestigationStatusOf(Stage::kNew)}};
    json::object participant{{"organization_ref", lead.org_identity},
                             {"role", "lead"},
                             {"invited", created},
                             {"seen", created},
                             {"acknowledged", created}};
    json::object ours{{"extension_type", "property-extension"},
                      {"case_number", case_number},
                      {"lead_organization_ref", lead.org_identity},
                      {"stage", StageName(Stage::kNew)},
                      {"severity", request.severity},
                      {"exercise", request.exercise},
                      {"participants", json::array{participant}}};
    json::object o{
        {"type", "incident"},  {"spec_version", "2.1"}, {"id", id},
        {"created", created},  {"modified", created},   {"created_by_ref", lead.org_identity},
        {"name", request.name}};
    if (!request.description.empty()) o["description"] = request.description;
    o["object_marking_refs"] = json::array{json::string(marking->id)};
    o["extensions"] = json::object{{stix::kIncidentCoreExtensionId, core},
                                   {stix::kTesseraIncidentExtensionId, ours}};
    const std::string object_json = json::serialize(o);

    store::CollectionInfo coll;
    coll.id = id.substr(std::string_view("incident--").size());
    coll.api_root = root;
    coll.title = "Incident " + case_number;
    coll.description = "The objects of incident " + case_number + " (" + id + ")";
    coll.alias = std::string(kCollectionAliasPrefix) + case_number;
    coll.default_tlp = stix::TlpLevel::kAmber;
    coll.readers.orgs = {lead.org_id};
    coll.writers.orgs = {lead.org_id};
    audit.SetChange(id, "", object_json, "case " + case_number);
    TESSERA_RETURN_IF_ERROR(WriteObject(store, lead, coll, CollectionChange::kCreate, object_json));
    TESSERA_ASSIGN_OR_RETURN(Incident in, FromJson(object_json, coll.id));
    ResolveParticipants(dir, in);
    return in;
  }();
  return audit.End(std::move(made));
}

Result<std::vector<Incident>> ListIncidents(store::Store& store, const policy::Principal& reader) {
  const policy::ObjectView view(store, reader);
  TESSERA_ASSIGN_OR_RETURN(std::vector<store::CollectionInfo> colls, view.ListableCollections());
  std::vector<Incident> out;
  for (const store::CollectionInfo& c : colls) {
    if (c.alias.rfind(kCollectionAliasPrefix, 0) != 0) continue;
    auto found = Find(store, reader, "incident--" + c.id);
    if (!found.ok()) {
      if (found.status().code() == ErrorCode::kNotFound) continue;
      return found.status();
    }
    out.push_back(std::move(found->incident));
  }
  std::sort(out.begin(), out.end(),
            [](const Incident& a, const Incident& b) { return a.case_number > b.case_number; });
  return out;
}

Result<Incident> GetIncident(store::Store& store, const policy::Principal& reader,
                             std::string_view id) {
  TESSERA_ASSIGN_OR_RETURN(Found found, Find(store, reader, id));
  return std::move(found.incident);
}

Result<StageChange> ChangeStage(store::Store& store, const policy::Principal& lead,
                                const Actor& actor, std::string_view id, Stage to,
                                std::optional<std::string> closing_summary) {
  IncidentAudit audit(store, lead, actor, kActionStage, "incident:" + std::string(id));
  auto changed = [&]() -> Result<StageChange> {
    TESSERA_ASSIGN_OR_RETURN(Found found, Find(store, lead, id));
    if (found.incident.lead_organization_ref != lead.org_identity) {
      return PermissionDenied("only the lead organization of " + found.incident.case_number +
                              " moves it to another stage");
    }
    if (!MayHandle(lead.role)) {
      return PermissionDenied("role " + std::string(policy::RoleName(lead.role)) +
                              " may not change incidents");
    }
    if (closing_summary) {
      TESSERA_RETURN_IF_ERROR(
          CheckLine("the closing summary", *closing_summary, kMaxSummaryBytes, true));
    }
    TESSERA_ASSIGN_OR_RETURN(
        IncidentState state,
        ReadIncidentState(found.incident.json, std::span<const std::string>()));
    if (closing_summary) state.closing_summary = *closing_summary;
    StageChange out;
    out.transition = CheckTransition(state, to);
    if (!out.transition.allowed) {
      out.incident = std::move(found.incident);
      return out;
    }
    const Timestamp now = NextModified(found.incident.modified);
    std::optional<std::string_view> summary;
    if (closing_summary) summary = *closing_summary;
    TESSERA_ASSIGN_OR_RETURN(std::string next, NextVersion(found.incident.json, to, now, summary));
    std::string more =
        "from " + std::string(StageName(out.transition.from)) + " to " + std::string(StageName(to));
    if (out.transition.reopens) more += ", reopened";
    audit.SetChange(id, found.incident.json, next, more);
    TESSERA_RETURN_IF_ERROR(WriteObject(store, lead, found.collection, std::nullopt, next));
    TESSERA_ASSIGN_OR_RETURN(out.incident, FromJson(next, found.collection.id));
    ResolveParticipants(store.directory(), out.incident);
    return out;
  }();
  if (changed.ok() && !changed->transition.allowed) {
    // A refused move is the caller's answer, and a refused entry of the chain.
    audit.entry().details = "from " + std::string(StageName(changed->transition.from)) + " to " +
                            std::string(StageName(to));
    auto refused = audit.End(Result<StageChange>(
        InvalidArgument(changed->transition.rule + ": " + changed->transition.reason)));
    (void)refused;
    return changed;
  }
  return audit.End(std::move(changed));
}

namespace {

// The incident's next version with its participants edited by `edit` (over the Tessera
// extension's list) and `modified` set; and the collection's grants as the new list gives them.
struct Edited {
  std::string json;
  store::CollectionInfo collection;
};
Result<Edited> EditParticipants(
    store::Directory& dir, const Found& found,
    const std::function<Status(json::array&, const std::string& now)>& edit) {
  auto parsed = ParseJson(found.incident.json);
  if (!parsed.ok() || !parsed->is_object()) return Corrupt("a stored incident is not JSON");
  json::object& o = parsed->as_object();
  json::value* exts = o.if_contains("extensions");
  json::value* ours = exts != nullptr && exts->is_object()
                          ? exts->as_object().if_contains(stix::kTesseraIncidentExtensionId)
                          : nullptr;
  if (ours == nullptr || !ours->is_object())
    return Corrupt("a stored incident lacks its extension");
  json::value& list = ours->as_object()["participants"];
  if (!list.is_array()) list = json::array();
  const std::string now = NowMillis(NextModified(found.incident.modified));
  TESSERA_RETURN_IF_ERROR(edit(list.as_array(), now));
  o["modified"] = now;
  Edited out{json::serialize(o), found.collection};
  out.collection.readers = store::Grants{};
  out.collection.writers = store::Grants{};
  for (const json::value& v : list.as_array()) {
    const std::string ref = StringAt(v.as_object(), "organization_ref");
    auto org = dir.FindOrganizationByIdentity(ref);
    if (!org.ok()) continue;  // no member any more: nothing to grant
    out.collection.readers.orgs.push_back(org->id);
    if (StringAt(v.as_object(), "role") != "observer")
      out.collection.writers.orgs.push_back(org->id);
  }
  return out;
}

// Finds incident `id` for `p` and checks that `p` may change its participants: a user of its
// lead organization who handles incidents.
Result<Found> FindAsLead(store::Store& store, const policy::Principal& p, std::string_view id) {
  TESSERA_ASSIGN_OR_RETURN(Found found, Find(store, p, id));
  if (found.incident.lead_organization_ref != p.org_identity || !MayHandle(p.role)) {
    return PermissionDenied("only the users of the lead organization of " +
                            found.incident.case_number +
                            " who handle incidents (analysts, org-admins, admins) change its "
                            "participants");
  }
  return found;
}

// Writes `edited` (the incident's next version and its collection's grants) as `writer`'s, in
// one transaction with the audit entry, and returns the incident as written.
Result<Incident> WriteEdited(store::Store& store, const policy::Principal& writer,
                             IncidentAudit& audit, const Found& found, Edited edited,
                             std::string_view more) {
  audit.SetChange(found.incident.id, found.incident.json, edited.json, more);
  TESSERA_RETURN_IF_ERROR(
      WriteObject(store, writer, edited.collection, CollectionChange::kUpdate, edited.json));
  TESSERA_ASSIGN_OR_RETURN(Incident in, FromJson(edited.json, edited.collection.id));
  ResolveParticipants(store.directory(), in);
  return in;
}

}  // namespace

Result<Incident> AddParticipant(store::Store& store, const policy::Principal& p, const Actor& actor,
                                std::string_view id, int64_t org_id, std::string_view role) {
  IncidentAudit audit(store, p, actor, kActionParticipantAdd, "incident:" + std::string(id));
  auto added = [&]() -> Result<Incident> {
    TESSERA_ASSIGN_OR_RETURN(Found found, FindAsLead(store, p, id));
    if (role != "responder" && role != "observer" && role != "reporter") {
      return InvalidArgument("a participant's role is responder, observer or reporter, not '" +
                             std::string(role) + "'");
    }
    auto org = store.directory().GetOrganization(org_id);
    if (!org.ok()) {
      if (org.status().code() == ErrorCode::kNotFound) {
        return InvalidArgument("no organization " + std::to_string(org_id));
      }
      return org.status();
    }
    if (org->identity_id.empty())
      return InvalidArgument("organization " + org->name + " has no identity");
    TESSERA_ASSIGN_OR_RETURN(
        Edited edited,
        EditParticipants(store.directory(), found, [&](json::array& list, const std::string& now) {
          for (const json::value& v : list) {
            if (StringAt(v.as_object(), "organization_ref") == org->identity_id) {
              return AlreadyExists("organization " + org->name + " takes part in " +
                                   found.incident.case_number + " already");
            }
          }
          list.push_back(json::object{
              {"organization_ref", org->identity_id}, {"role", role}, {"invited", now}});
          return Status::Ok();
        }));
    return WriteEdited(store, p, audit, found, std::move(edited),
                       "invited " + org->name + " as " + std::string(role));
  }();
  return audit.End(std::move(added));
}

Result<Incident> RemoveParticipant(store::Store& store, const policy::Principal& p,
                                   const Actor& actor, std::string_view id, int64_t org_id) {
  IncidentAudit audit(store, p, actor, kActionParticipantRemove, "incident:" + std::string(id));
  auto removed = [&]() -> Result<Incident> {
    TESSERA_ASSIGN_OR_RETURN(Found found, FindAsLead(store, p, id));
    const Status absent = NotFound("organization " + std::to_string(org_id) + " takes no part in " +
                                   found.incident.case_number);
    auto org = store.directory().GetOrganization(org_id);
    if (!org.ok()) return org.status().code() == ErrorCode::kNotFound ? absent : org.status();
    TESSERA_ASSIGN_OR_RETURN(
        Edited edited,
        EditParticipants(store.directory(), found, [&](json::array& list, const std::string&) {
          for (auto it = list.begin(); it != list.end(); ++it) {
            if (StringAt(it->as_object(), "organization_ref") != org->identity_id) continue;
            if (StringAt(it->as_object(), "role") == "lead") {
              return InvalidArgument("the lead organization cannot be removed from its incident");
            }
            list.erase(it);
            return Status::Ok();
          }
          return absent;
        }));
    return WriteEdited(store, p, audit, found, std::move(edited), "removed " + org->name);
  }();
  return audit.End(std::move(removed));
}

Result<Incident> Acknowledge(store::Store& store, const policy::Principal& p, const Actor& actor,
                             std::string_view id, int64_t org_id) {
  IncidentAudit audit(store, p, actor, kActionAcknowledge, "incident:" + std::string(id));
  auto acknowledged = [&]() -> Result<Incident> {
    TESSERA_ASSIGN_OR_RETURN(Found found, Find(store, p, id));
    if (org_id != p.org_id) {
      return PermissionDenied("an organization acknowledges an incident for itself only");
    }
    for (const Participant& q : found.incident.participants) {
      if (q.org_id == org_id && !q.acknowledged.empty()) return found.incident;
    }
    store::Directory& dir = store.directory();
    auto lead = dir.FindOrganizationByIdentity(found.incident.lead_organization_ref);
    if (!lead.ok()) return lead.status();
    TESSERA_ASSIGN_OR_RETURN(policy::Principal writer, ingest::OperatorPrincipal(dir, lead->name));
    TESSERA_ASSIGN_OR_RETURN(
        Edited edited, EditParticipants(dir, found, [&](json::array& list, const std::string& now) {
          for (json::value& v : list) {
            json::object& q = v.as_object();
            if (StringAt(q, "organization_ref") != p.org_identity) continue;
            if (StringAt(q, "seen").empty()) q["seen"] = now;
            q["acknowledged"] = now;
            return Status::Ok();
          }
          return NotFound(NotFoundMessage(id));
        }));
    return WriteEdited(store, writer, audit, found, std::move(edited), "acknowledged");
  }();
  return audit.End(std::move(acknowledged));
}

boost::json::object IncidentJson(const Incident& in) {
  json::object o;
  o["id"] = in.id;
  o["case_number"] = in.case_number;
  o["collection"] = in.collection;
  o["name"] = in.name;
  o["stage"] = StageName(in.stage);
  o["investigation_status"] = InvestigationStatusOf(in.stage);
  o["severity"] = in.severity;
  o["exercise"] = in.exercise;
  o["determination"] = in.determination;
  if (!in.closing_summary.empty()) o["closing_summary"] = in.closing_summary;
  o["lead_organization_ref"] = in.lead_organization_ref;
  json::array ps;
  for (const Participant& p : in.participants) {
    json::object j{{"organization_ref", p.organization_ref},
                   {"org_id", p.org_id},
                   {"role", p.role},
                   {"invited", p.invited}};
    if (!p.seen.empty()) j["seen"] = p.seen;
    if (!p.acknowledged.empty()) j["acknowledged"] = p.acknowledged;
    ps.push_back(std::move(j));
  }
  o["participants"] = std::move(ps);
  o["modified"] = in.modified;
  auto object = ParseJson(in.json);
  o["object"] = object.ok() ? std::move(*object) : json::value();
  return o;
}

}  // namespace tessera::incident
