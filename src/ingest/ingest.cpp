#include "ingest/ingest.h"

#include <boost/json.hpp>
#include <charconv>
#include <functional>
#include <utility>

#include "common/json.h"
#include "common/time.h"
#include "hunt/search_keys.h"
#include "pattern/indicator.h"
#include "policy/write_rules.h"

namespace tessera::ingest {

static_assert(hunt::kMaxSearchKeysPerObject <= store::kMaxSearchKeysPerRow);
namespace {

constexpr size_t kMaxReportedErrors = 3;
constexpr size_t kMaxRememberedAuthors = 1'000;
constexpr std::string_view kBuiltInNote =
    "a standard TLP marking-definition, built into the hub: nothing to store";

// A refusal is a per-object outcome; any other error means the directory or store failed and
// nothing can be decided.
bool IsRefusal(const Status& st) {
  return st.code() == ErrorCode::kInvalidArgument || st.code() == ErrorCode::kPermissionDenied;
}

// Where an object stands while Ingest decides it.
struct Verdict {
  bool refused = false;
  store::StatusEntry entry;  // message: the note (accepted) or why (refused)
};

// The organization of a member's identity id (0: none), remembered for one call.
class AuthorOrgs {
 public:
  explicit AuthorOrgs(store::Directory& directory) : directory_(directory) {}

  // The member organization named by the created_by_ref in `json` (0: none, or not a member).
  Result<int64_t> Of(std::string_view json) {
    auto parsed = ParseJson(json);
    if (!parsed.ok() || !parsed->is_object()) return int64_t{0};
    const boost::json::value* ref = parsed->get_object().if_contains("created_by_ref");
    if (ref == nullptr || !ref->is_string()) return int64_t{0};
    const std::string identity(ref->get_string());
    for (const auto& [id, org] : known_) {
      if (id == identity) return org;
    }
    auto org = directory_.FindOrganizationByIdentity(identity);
    if (!org.ok() && org.status().code() != ErrorCode::kNotFound) return org.status();
    const int64_t found = org.ok() ? org->id : 0;
    if (known_.size() < kMaxRememberedAuthors) known_.emplace_back(identity, found);
    return found;
  }

 private:
  store::Directory& directory_;
  std::vector<std::pair<std::string, int64_t>> known_;
};

// The earlier object of the same call with the same store key (id, version, collection,
// provider: the row it would land on), among the first `count` accepted ones: an open-addressing
// table over their positions, one allocation per call.
class SameKeyIndex {
 public:
  explicit SameKeyIndex(size_t count) {
    size_t size = 16;
    while (size < count * 2) size *= 2;
    slots_.assign(size, 0);
  }

  // The position of an earlier object with objects[k]'s key, or none; then remembers k.
  std::optional<size_t> FindOrAdd(std::span<const stix::Object> objects,
                                  std::span<const store::Placement> placements, size_t k) {
    const stix::Object& o = objects[k];
    const auto version = o.Version();
    size_t h = std::hash<std::string_view>{}(o.id);
    if (version) h ^= static_cast<size_t>(version->ToMicros()) * 0x9e3779b97f4a7c15ull;
    for (size_t i = h & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i] == 0) {
        slots_[i] = k + 1;
        return std::nullopt;
      }
      const stix::Object& other = objects[slots_[i] - 1];
      const store::Placement& there = placements[slots_[i] - 1];
      if (other.id == o.id && other.Version() == version &&
          there.collection == placements[k].collection &&
          there.provider_org == placements[k].provider_org) {
        return slots_[i] - 1;
      }
    }
  }

 private:
  std::vector<size_t> slots_;  // position + 1; 0: empty
};

// Moves the objects (and placements) whose verdict is not refused to the front, in order;
// `input_index[k]` is the input position of objects[k].
void Compact(std::span<stix::Object> objects, std::vector<store::Placement>& placements,
             std::span<const size_t> input_index, const std::vector<Verdict>& verdicts) {
  size_t out = 0;
  for (size_t k = 0; k < input_index.size(); ++k) {
    if (verdicts[input_index[k]].refused) continue;
    if (out != k) {
      objects[out] = std::move(objects[k]);
      placements[out] = std::move(placements[k]);
    }
    ++out;
  }
  placements.resize(out);
}

}  // namespace

Result<std::optional<store::Organization>> HubOrganization(store::Directory& directory) {
  auto hub = directory.GetSetting(store::kSettingHubOrg);
  if (!hub.ok()) {
    if (hub.status().code() == ErrorCode::kNotFound) return std::optional<store::Organization>();
    return hub.status();
  }
  int64_t id = 0;
  const auto [end, ec] = std::from_chars(hub->data(), hub->data() + hub->size(), id);
  if (ec != std::errc() || end != hub->data() + hub->size() || id <= 0) {
    return Corrupt("setting " + std::string(store::kSettingHubOrg) + " is not an id: " + *hub);
  }
  TESSERA_ASSIGN_OR_RETURN(store::Organization org, directory.GetOrganization(id));
  return std::optional<store::Organization>(std::move(org));
}

Result<policy::Principal> OperatorPrincipal(store::Directory& directory,
                                            const std::string& org_name) {
  policy::Principal p;
  p.user = "operator";
  p.role = policy::Role::kAdmin;
  std::optional<store::Organization> org;
  if (!org_name.empty()) {
    TESSERA_ASSIGN_OR_RETURN(org, directory.FindOrganization(org_name));
  } else {
    TESSERA_ASSIGN_OR_RETURN(org, HubOrganization(directory));
  }
  if (org) {
    p.org_id = org->id;
    p.org_identity = org->identity_id;
    TESSERA_ASSIGN_OR_RETURN(p.groups, directory.GroupsOf(org->id));
  }
  return p;
}

Result<store::CollectionInfo> ResolveCollection(store::Directory& directory,
                                                const std::string& id) {
  if (id.empty()) {
    TESSERA_ASSIGN_OR_RETURN(std::string def,
                             directory.GetSetting(store::kSettingDefaultCollection));
    return directory.GetCollection(def);
  }
  TESSERA_ASSIGN_OR_RETURN(std::vector<store::CollectionInfo> named,
                           store::CollectionsNamed(directory, id));
  if (named.empty()) {
    return NotFound("no collection with id or alias '" + id + "' (see `tessera collection list`)");
  }
  if (named.size() > 1) {
    return InvalidArgument("alias '" + id +
                           "' is used in several API roots; give the collection id");
  }
  return std::move(named.front());
}

store::StatusEntry EntryFor(const stix::Object& object, std::string message) {
  const auto v = object.Version();
  return store::StatusEntry{object.id, v ? FormatVersion(*v) : std::string(), std::move(message)};
}

namespace {

// The problems of `severity`, at most kMaxReportedErrors as "<prefix><path>: <message> (<rule>)"
// joined by "; ", then "; and N more".
std::string Describe(std::span<const stix::Problem> problems, stix::Severity severity,
                     std::string_view prefix) {
  std::string out;
  size_t reported = 0, found = 0;
  for (const stix::Problem& p : problems) {
    if (p.severity != severity) continue;
    ++found;
    if (reported == kMaxReportedErrors) continue;
    if (!out.empty()) out += "; ";
    out += prefix;
    out += p.path + ": " + p.message + " (" + p.rule + ")";
    ++reported;
  }
  if (found > reported) out += "; and " + std::to_string(found - reported) + " more";
  return out;
}

}  // namespace

std::string DescribeErrors(std::span<const stix::Problem> problems) {
  return Describe(problems, stix::Severity::kError, "");
}

namespace {

// Reads what the store holds of the objects about to be written (Store::ReadHoldings, or a write
// session's).
using HoldingsReader = std::function<Result<std::vector<store::Holding>>(
    std::span<const stix::Object>, std::span<const store::Placement>)>;

// One batch as a Judge decided it.
struct Judged {
  std::vector<Verdict> verdicts;  // one per object of the batch, in input order
  // The placements of the accepted objects, which the judge moved to the front of the batch:
  // objects.first(placements.size()).
  std::vector<store::Placement> placements;
  size_t refused = 0;  // how many verdicts refuse
};

// Checks 1-7 (the top of ingest.h) for the batches of one request or write session. What it
// learns on the way is kept from one batch to the next: the marking-definitions seen (they count
// as held for the objects of this batch and of later ones), the directory's answers. Not
// thread-safe; `store`, `writer` and `collection` must outlive it.
class Judge {
 public:
  Judge(store::Store& store, const policy::Principal& writer,
        const store::CollectionInfo& collection, policy::RequestAudience audience)
      : store_(store),
        writer_(writer),
        placer_(store, writer, collection, std::move(audience)),
        authors_(store.directory()) {}

  // Judges `objects` (errors: as Ingest's; given: empty, or Options::placements). Moves the
  // accepted objects to the front of `objects`. `holdings` is asked once, for the objects that
  // pass checks 1-5. Errors: the directory's and the store's (nothing decided).
  Result<Judged> Batch(std::span<stix::Object> objects, std::span<const std::string> errors,
                       std::span<ObjectFacts> facts, std::span<const store::Placement> given,
                       const HoldingsReader& holdings) {
    const size_t n = objects.size();
    Judged out;
    std::vector<Verdict>& verdicts = out.verdicts;
    verdicts.resize(n);
    std::vector<store::Placement>& placements = out.placements;
    placements.reserve(n);
    std::vector<size_t> index;  // accepted position -> input position
    index.reserve(n);
    auto refuse = [&out](size_t i, const Status& why) {
      out.verdicts[i].refused = true;
      out.verdicts[i].entry.message = why.message();
      ++out.refused;
    };

    // Checks 1-5: what the object and the directory alone decide.
    // Marking-definitions of this batch (and of earlier ones) count as held for the objects
    // they mark (#15 item 8).
    for (size_t i = 0; i < n; ++i) {
      if (errors.empty() || errors[i].empty()) placer_.Expect(objects[i]);
    }
    for (size_t i = 0; i < n; ++i) {
      const stix::Object& o = objects[i];
      verdicts[i].entry = EntryFor(o, std::string());
      if (!errors.empty() && !errors[i].empty()) {
        refuse(i, InvalidArgument("invalid STIX 2.1: " + errors[i]));
        continue;
      }
      // The reader does not judge patterns (src/stix may not depend on src/pattern): their one
      // judge is asked here (or by the caller's Examine), for every path that writes.
      ObjectFacts examined = facts.empty() ? Examine(o) : std::move(facts[i]);
      const std::vector<stix::Problem>& pattern_problems = examined.pattern_problems;
      if (std::string why = DescribeErrors(pattern_problems); !why.empty()) {
        refuse(i, InvalidArgument("invalid STIX 2.1: " + why));
        continue;
      }
      if (policy::IsBuiltInMarking(o)) {
        if (Status st = policy::CheckBuiltInMarking(o); !st.ok()) {
          refuse(i, st);
        } else {
          verdicts[i].entry.message = std::string(kBuiltInNote);
        }
        continue;  // the hub has it: nothing to store
      }
      if (o.type == "identity") {
        auto org = store_.directory().FindOrganizationByIdentity(o.id);
        if (!org.ok() && org.status().code() != ErrorCode::kNotFound) return org.status();
        Status st = policy::CheckOrganizationIdentity(writer_, o, org.ok() ? &*org : nullptr);
        if (!st.ok()) {
          refuse(i, st);
          continue;
        }
      }
      Result<policy::PlacedObject> placed =
          !given.empty() ? Result<policy::PlacedObject>(policy::PlacedObject{given[i], {}})
                         : placer_.Place(o);
      if (!placed.ok()) {
        if (!IsRefusal(placed.status())) return placed.status();
        refuse(i, placed.status());
        continue;
      }
      if (Status st = policy::CheckWhereSighted(writer_, o); !st.ok()) {
        if (!IsRefusal(st)) return st;
        refuse(i, st);
        continue;
      }
      verdicts[i].entry.message = std::move(placed->note);
      if (std::string warnings =
              Describe(pattern_problems, stix::Severity::kWarning, kWarningPrefix);
          !warnings.empty()) {
        std::string& message = verdicts[i].entry.message;
        message += message.empty() ? warnings : "; " + warnings;
      }
      placements.push_back(std::move(placed->placement));
      // The search index files the row in the same transaction (whatever a given placement
      // held: the keys are the object's).
      placements.back().search_keys = std::move(examined.search_keys);
      index.push_back(i);
    }

    // Move the accepted objects to the front: index[k] >= k, so each move reads a position not
    // yet written.
    for (size_t k = 0; k < index.size(); ++k) {
      if (index[k] != k) objects[k] = std::move(objects[index[k]]);
    }
    const size_t accepted = index.size();
    if (accepted == 0) return out;

    // Checks 6-7: what the store holds (and what came earlier in this batch).
    const std::span<const stix::Object> candidates = objects.first(accepted);
    TESSERA_ASSIGN_OR_RETURN(std::vector<store::Holding> held_rows,
                             holdings(candidates, placements));
    SameKeyIndex same_key(accepted);
    const size_t refused_before = out.refused;
    auto held = held_rows.begin();  // ascending index
    for (size_t k = 0; k < accepted; ++k) {
      const stix::Object& o = objects[k];
      Status st;
      if (held != held_rows.end() && held->index == k) {
        const store::Holding& h = *held++;
        TESSERA_ASSIGN_OR_RETURN(int64_t author, authors_.Of(h.first.json));
        st = policy::CheckVersionOwner(writer_, o, policy::OwnerOf(h.first, author),
                                       h.first_of_version.has_value());
        if (st.ok()) {
          st = policy::CheckStoredVersion(o, placements[k],
                                          h.first_of_version ? &*h.first_of_version : nullptr,
                                          h.kept ? &*h.kept : nullptr);
        }
      }
      if (st.ok()) {
        // An earlier object of this batch with the same key is stored first: judge this one as
        // if it were stored already.
        if (auto earlier = same_key.FindOrAdd(candidates, placements, k)) {
          store::StoredObject pending;
          pending.json = objects[*earlier].json;
          pending.provider_org = placements[*earlier].provider_org;
          pending.readers = placements[*earlier].readers;
          st = policy::CheckStoredVersion(o, placements[k], &pending, &pending);
        }
      }
      if (!st.ok()) {
        if (!IsRefusal(st)) return st;
        refuse(index[k], st);
      }
    }
    if (out.refused > refused_before) Compact(objects, placements, index, verdicts);
    return out;
  }

 private:
  store::Store& store_;
  const policy::Principal& writer_;
  policy::Placer placer_;
  AuthorOrgs authors_;
};

// Fills report's entries and counts from `verdicts` (moved from): every failure, and the
// successes unless `with_successes` is false; status "complete", no pendings.
void FillReport(std::vector<Verdict>& verdicts, bool with_successes, store::StatusRecord& report) {
  report.status = "complete";
  report.successes.clear();
  report.failures.clear();
  report.pendings.clear();
  for (Verdict& v : verdicts) {
    if (v.refused) {
      report.failures.push_back(std::move(v.entry));
    } else if (with_successes) {
      report.successes.push_back(std::move(v.entry));
    }
  }
  report.total_count = static_cast<int64_t>(verdicts.size());
  report.success_count = static_cast<int64_t>(report.successes.size());
  report.failure_count = static_cast<int64_t>(report.failures.size());
  report.pending_count = 0;
}

Status CheckVerdictCount(size_t objects, size_t errors) {
  if (errors == 0 || errors == objects) return Status::Ok();
  return InvalidArgument("every object needs its validation verdict (" + std::to_string(objects) +
                         " objects, " + std::to_string(errors) + " verdicts)");
}

}  // namespace

Result<Outcome> Ingest(store::Store& store, const policy::Principal& writer,
                       const store::CollectionInfo& collection, std::span<stix::Object> objects,
                       std::span<const std::string> errors, Options options) {
  TESSERA_RETURN_IF_ERROR(CheckVerdictCount(objects.size(), errors.size()));
  if (!options.placements.empty() && options.placements.size() != objects.size()) {
    return InvalidArgument("every object needs its placement (" + std::to_string(objects.size()) +
                           " objects, " + std::to_string(options.placements.size()) +
                           " placements)");
  }
  Judge judge(store, writer, collection, std::move(options.audience));
  TESSERA_ASSIGN_OR_RETURN(
      Judged judged,
      judge.Batch(objects, errors, {}, options.placements,
                  [&store](std::span<const stix::Object> o, std::span<const store::Placement> p) {
                    return store.ReadHoldings(o, p);
                  }));
  Outcome out;
  if (options.status) out.report = std::move(*options.status);
  FillReport(judged.verdicts, true, out.report);

  const std::span<const stix::Object> to_store = objects.first(judged.placements.size());
  if (options.status) {
    TESSERA_ASSIGN_OR_RETURN(out.summary,
                             store.ImportWithStatus(to_store, judged.placements, out.report));
  } else if (!to_store.empty()) {
    TESSERA_ASSIGN_OR_RETURN(out.summary, store.Import(to_store, judged.placements));
  }
  return out;
}

// The state of a Session, behind its header.
class Session::State {
 public:
  State(store::Store& store, const policy::Principal& writer,
        const store::CollectionInfo& collection, policy::RequestAudience audience,
        std::unique_ptr<store::WriteSession> write)
      : write_(std::move(write)), judge_(store, writer, collection, std::move(audience)) {}

  Result<store::StatusRecord> Add(std::span<stix::Object> objects,
                                  std::span<const std::string> errors,
                                  std::span<ObjectFacts> facts) {
    TESSERA_RETURN_IF_ERROR(ended_);
    TESSERA_RETURN_IF_ERROR(CheckVerdictCount(objects.size(), errors.size()));
    if (!facts.empty() && facts.size() != objects.size()) {
      return InvalidArgument("facts for " + std::to_string(facts.size()) + " of " +
                             std::to_string(objects.size()) + " objects");
    }
    auto judged =
        judge_.Batch(objects, errors, facts, {},
                     [this](std::span<const stix::Object> o, std::span<const store::Placement> p) {
                       return write_->ReadHoldings(o, p);
                     });
    if (!judged.ok()) return End(judged.status());
    // Written only while nothing was refused: once the file is rejected, the rest is judged
    // without being stored.
    if (refused_ == 0 && judged->refused == 0 && !judged->placements.empty()) {
      auto stored = write_->Import(objects.first(judged->placements.size()), judged->placements);
      if (!stored.ok()) return End(stored.status());
      summary_.Add(*stored);
    }
    refused_ += judged->refused;
    store::StatusRecord report;
    FillReport(judged->verdicts, true, report);
    return report;
  }

  size_t refused() const { return refused_; }

  Result<store::ImportSummary> Finish() {
    TESSERA_RETURN_IF_ERROR(ended_);
    if (refused_ > 0) {
      End(Internal("an ingest session was used after it finished")).ok();
      return store::ImportSummary{};
    }
    if (Status st = write_->Commit(); !st.ok()) return End(st);
    ended_ = Internal("an ingest session was used after it finished");
    return summary_;
  }

 private:
  // Rolls the store's session back and returns `why`, which every later call returns.
  Status End(Status why) {
    write_->Rollback();
    ended_ = why;
    return why;
  }

  std::unique_ptr<store::WriteSession> write_;
  Judge judge_;
  size_t refused_ = 0;
  store::ImportSummary summary_;
  Status ended_;  // why the session is over; ok while it is open
};

Result<Session> Session::Begin(store::Store& store, const policy::Principal& writer,
                               const store::CollectionInfo& collection,
                               policy::RequestAudience audience) {
  TESSERA_ASSIGN_OR_RETURN(std::unique_ptr<store::WriteSession> write, store.BeginWrite());
  return Session(
      std::make_unique<State>(store, writer, collection, std::move(audience), std::move(write)));
}

Result<Session> Session::BeginWithCollection(store::Store& store, const policy::Principal& writer,
                                             store::CollectionInfo& collection,
                                             CollectionChange change,
                                             policy::RequestAudience audience) {
  TESSERA_ASSIGN_OR_RETURN(std::unique_ptr<store::WriteSession> write, store.BeginWrite());
  TESSERA_ASSIGN_OR_RETURN(collection, change == CollectionChange::kCreate
                                           ? write->CreateCollection(collection)
                                           : write->UpdateCollection(collection));
  return Session(
      std::make_unique<State>(store, writer, collection, std::move(audience), std::move(write)));
}

Session::Session(std::unique_ptr<State> state) : state_(std::move(state)) {}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

Result<store::StatusRecord> Session::Add(std::span<stix::Object> objects,
                                         std::span<const std::string> errors,
                                         std::span<ObjectFacts> facts) {
  return state_->Add(objects, errors, facts);
}

ObjectFacts Examine(const stix::Object& object) {
  return {pattern::CheckIndicatorPattern(object), hunt::ObjectSearchKeys(object)};
}

size_t Session::refused() const { return state_->refused(); }

Result<store::ImportSummary> Session::Finish() { return state_->Finish(); }

}  // namespace tessera::ingest
