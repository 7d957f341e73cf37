#include "ingest/ingest.h"

#include <boost/json.hpp>
#include <charconv>
#include <functional>
#include <utility>

#include "common/json.h"
#include "common/time.h"
#include "pattern/indicator.h"
#include "policy/write_rules.h"

namespace tessera::ingest {
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
// returns how many.
size_t Compact(std::span<stix::Object> objects, std::vector<store::Placement>& placements,
               std::span<const size_t> input_index, std::vector<size_t>& kept_index,
               const std::vector<Verdict>& verdicts) {
  size_t out = 0;
  kept_index.clear();
  for (size_t k = 0; k < input_index.size(); ++k) {
    if (verdicts[input_index[k]].refused) continue;
    if (out != k) {
      objects[out] = std::move(objects[k]);
      placements[out] = std::move(placements[k]);
    }
    kept_index.push_back(input_index[k]);
    ++out;
  }
  placements.resize(out);
  return out;
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
  if (!id.empty()) return directory.GetCollection(id);
  TESSERA_ASSIGN_OR_RETURN(std::string def, directory.GetSetting(store::kSettingDefaultCollection));
  return directory.GetCollection(def);
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

Result<Outcome> Ingest(store::Store& store, const policy::Principal& writer,
                       const store::CollectionInfo& collection, std::span<stix::Object> objects,
                       std::span<const std::string> errors, Options options) {
  if (!errors.empty() && errors.size() != objects.size()) {
    return InvalidArgument("every object needs its validation verdict (" +
                           std::to_string(objects.size()) + " objects, " +
                           std::to_string(errors.size()) + " verdicts)");
  }
  const size_t n = objects.size();
  const bool given = !options.placements.empty();
  if (given && options.placements.size() != n) {
    return InvalidArgument("every object needs its placement (" + std::to_string(n) + " objects, " +
                           std::to_string(options.placements.size()) + " placements)");
  }
  std::vector<Verdict> verdicts(n);
  std::vector<store::Placement> placements;
  placements.reserve(n);
  std::vector<size_t> index;  // accepted position -> input position
  index.reserve(n);
  auto refuse = [&verdicts](size_t i, const Status& why) {
    verdicts[i].refused = true;
    verdicts[i].entry.message = why.message();
  };

  // Checks 1-5: what the object and the directory alone decide.
  policy::Placer placer(store, writer, collection, std::move(options.audience));
  // Marking-definitions of this request count as held for the objects they mark (#15 item 8).
  for (size_t i = 0; i < n; ++i) {
    if (errors.empty() || errors[i].empty()) placer.Expect(objects[i]);
  }
  for (size_t i = 0; i < n; ++i) {
    const stix::Object& o = objects[i];
    verdicts[i].entry = EntryFor(o, std::string());
    if (!errors.empty() && !errors[i].empty()) {
      verdicts[i].refused = true;
      verdicts[i].entry.message = "invalid STIX 2.1: " + errors[i];
      continue;
    }
    // The reader does not judge patterns (src/stix may not depend on src/pattern): their one
    // judge is asked here, for every path that writes.
    const std::vector<stix::Problem> pattern_problems = pattern::CheckIndicatorPattern(o);
    if (std::string why = DescribeErrors(pattern_problems); !why.empty()) {
      verdicts[i].refused = true;
      verdicts[i].entry.message = "invalid STIX 2.1: " + why;
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
      auto org = store.directory().FindOrganizationByIdentity(o.id);
      if (!org.ok() && org.status().code() != ErrorCode::kNotFound) return org.status();
      Status st = policy::CheckOrganizationIdentity(writer, o, org.ok() ? &*org : nullptr);
      if (!st.ok()) {
        refuse(i, st);
        continue;
      }
    }
    Result<policy::PlacedObject> placed =
        given ? Result<policy::PlacedObject>(policy::PlacedObject{options.placements[i], {}})
              : placer.Place(o);
    if (!placed.ok()) {
      if (!IsRefusal(placed.status())) return placed.status();
      refuse(i, placed.status());
      continue;
    }
    if (Status st = policy::CheckWhereSighted(writer, o); !st.ok()) {
      if (!IsRefusal(st)) return st;
      refuse(i, st);
      continue;
    }
    verdicts[i].entry.message = std::move(placed->note);
    if (std::string warnings = Describe(pattern_problems, stix::Severity::kWarning, kWarningPrefix);
        !warnings.empty()) {
      std::string& message = verdicts[i].entry.message;
      message += message.empty() ? warnings : "; " + warnings;
    }
    placements.push_back(std::move(placed->placement));
    index.push_back(i);
  }

  // Move the accepted objects to the front: index[k] >= k, so each move reads a position not
  // yet written.
  for (size_t k = 0; k < index.size(); ++k) {
    if (index[k] != k) objects[k] = std::move(objects[index[k]]);
  }
  size_t accepted = index.size();

  // Checks 6-7: what the store holds (and what came earlier in this call).
  if (accepted > 0) {
    const std::span<const stix::Object> candidates = objects.first(accepted);
    TESSERA_ASSIGN_OR_RETURN(std::vector<store::Holding> holdings,
                             store.ReadHoldings(candidates, placements));
    AuthorOrgs authors(store.directory());
    SameKeyIndex same_key(accepted);
    bool any_refused = false;
    auto held = holdings.begin();  // ascending index
    for (size_t k = 0; k < accepted; ++k) {
      const stix::Object& o = objects[k];
      Status st;
      if (held != holdings.end() && held->index == k) {
        const store::Holding& h = *held++;
        TESSERA_ASSIGN_OR_RETURN(int64_t author, authors.Of(h.first.json));
        st = policy::CheckVersionOwner(writer, o, policy::OwnerOf(h.first, author),
                                       h.first_of_version.has_value());
        if (st.ok()) {
          st = policy::CheckStoredVersion(o, placements[k],
                                          h.first_of_version ? &*h.first_of_version : nullptr,
                                          h.kept ? &*h.kept : nullptr);
        }
      }
      if (st.ok()) {
        // An earlier object of this call with the same key is stored first: judge this one as
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
        any_refused = true;
      }
    }
    if (any_refused) {
      std::vector<size_t> still;
      still.reserve(accepted);
      accepted = Compact(objects, placements, index, still, verdicts);
      index = std::move(still);
    }
  }

  Outcome out;
  store::StatusRecord& report = out.report;
  if (options.status) report = std::move(*options.status);
  report.status = "complete";
  report.successes.clear();
  report.failures.clear();
  report.pendings.clear();
  const bool store_nothing = options.all_or_nothing && accepted < n;
  for (Verdict& v : verdicts) {
    if (v.refused) {
      report.failures.push_back(std::move(v.entry));
    } else if (!store_nothing) {
      report.successes.push_back(std::move(v.entry));
    }
  }
  report.total_count = static_cast<int64_t>(n);
  report.success_count = static_cast<int64_t>(report.successes.size());
  report.failure_count = static_cast<int64_t>(report.failures.size());
  report.pending_count = 0;
  if (store_nothing) return out;

  const std::span<const stix::Object> to_store = objects.first(accepted);
  if (options.status) {
    TESSERA_ASSIGN_OR_RETURN(out.summary, store.ImportWithStatus(to_store, placements, out.report));
  } else if (!to_store.empty()) {
    TESSERA_ASSIGN_OR_RETURN(out.summary, store.Import(to_store, placements));
  }
  return out;
}

}  // namespace tessera::ingest
