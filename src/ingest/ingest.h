#pragma once
// The single write path of the hub (DESIGN.md): every object that enters the store, whether a
// TAXII POST, `tessera import` or hunt's sightings (and later incidents and sync), goes through
// Ingest() (or, for all or nothing over a file of any size, a Session: `tessera import`). One
// call validates (or takes the reader's verdict), places each object (collection, contributing
// organization, TLP, audience: policy::Placer), applies the write rules (policy/write_rules.h),
// stores what may be stored in one transaction, and reports per object in the TAXII status
// shape. The same object gets the same per-object outcome, with the same
// message, on every path.
//
// The outcome of one object is, in this order of checks (the first that refuses decides):
//   1. invalid STIX 2.1          "invalid STIX 2.1: <path>: <why> (<rule>)[; ...]", the
//      reader's verdict or else, for an indicator whose STIX pattern does not compile, that of
//      pattern::CheckIndicatorPattern ("invalid STIX 2.1: $.pattern: position N: <why>
//      (pattern-syntax)")
//   2. a standard TLP marking-definition that differs from the built-in one
//   3. the identity of one of the hub's organizations, not written by the hub
//   4. placement: an unknown recipient, a sharing group the writer is not in, a created_by_ref
//      of another member organization (policy::Placer::Place)
//   5. a sighting whose where_sighted_refs names another organization
//   6. a new version of an object another organization owns
//   7. an (id, version) stored with other content, or stored here with another audience
// and otherwise a success, whose message is the placement's note ("" or, e.g., "TLP:RED without
// named recipients: visible to the providing organization only") followed by the pattern's
// warnings (a constant that can never match: "warning: $.pattern: position N: <why>
// (pattern-never-matches)", at most three, joined by "; "). A standard TLP
// marking-definition identical to the built-in one is a success that stores nothing (its
// message says so).

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "policy/access.h"
#include "policy/principal.h"
#include "stix/object.h"
#include "stix/reader.h"
#include "store/store.h"

namespace tessera::ingest {

// What starts each warning in a success message (see the top of this file).
inline constexpr std::string_view kWarningPrefix = "warning: ";

// The hub's own organization: the one the setting store::kSettingHubOrg names (recorded by
// `tessera init`); nullopt when the store has none yet. kCorrupt when the setting is not an
// organization id; the directory's errors (kNotFound when it names no organization). The one
// reader of that setting outside the set-up that writes it.
Result<std::optional<store::Organization>> HubOrganization(store::Directory& directory);

// The operator acting for organization `org_name` ("" = the hub's own organization, recorded by
// `tessera init`; a store without one yet gives organization 0, "the operator", which no reader
// holds). user_id 0 and role admin: the operator may name any sharing group and cite any author,
// and it is "the hub" for the write rules. kNotFound when `org_name` names no organization.
Result<policy::Principal> OperatorPrincipal(store::Directory& directory,
                                            const std::string& org_name);

// The collection whose id or alias is `id` ("" = the default collection; an alias is looked up
// in every API root, store::CollectionsNamed). kNotFound when there is none (or no default is
// set); kInvalidArgument when an alias names collections in several API roots.
Result<store::CollectionInfo> ResolveCollection(store::Directory& directory, const std::string& id);

// The StatusEntry of an object: its id, its version (FormatVersion in common/time.h; "" when
// unversioned), `message`.
store::StatusEntry EntryFor(const stix::Object& object, std::string message);

// The reason an object the STIX reader read is invalid, from the problems it found in it: its
// errors (warnings do not count), at most three as "<path>: <message> (<rule>)" joined by "; ",
// then "; and N more"; "" when there is no error. Ingest prefixes it with "invalid STIX 2.1: ".
// Every path that reads objects describes them with this.
std::string DescribeErrors(std::span<const stix::Problem> problems);

struct Options {
  // The audience the request names outside the objects (TAXII's X-Tessera-Recipients and
  // X-Tessera-Sharing-Group headers); an object's Tessera extension takes precedence.
  policy::RequestAudience audience;
  // When not empty, one per object: objects[i] goes to placements[i] as given (its collection,
  // provider and readers) instead of being placed by policy::Placer (check 4 above), and
  // `collection` is not used. For objects whose readers are copied from the rows they reveal:
  // hunt's sightings (hunt/stored.h). The same object may come several times, once per
  // collection. Every other check applies.
  std::vector<store::Placement> placements;
  // When set, the report is also kept as this TAXII status resource, stored in the same
  // transaction as the objects (Store::ImportWithStatus): give it its id, api_root, collection,
  // owner and request_timestamp; Ingest fills status, the counts and the entries. Not stored
  // when the call fails.
  std::optional<store::StatusRecord> status;
};

struct Outcome {
  store::ImportSummary summary;  // of the objects stored
  // The per-object report in the TAXII status shape: total_count, success/failure/pending
  // counts, and successes (stored, or already stored as offered; message = the placement's
  // note), failures (refused; message = why) and pendings (always empty: every object is
  // decided before Ingest returns), each in input order. The other fields are options.status's
  // (or empty).
  store::StatusRecord report;
};

// Validation, placement, write rules, storage and report of `objects` written by `writer` into
// `collection`, as described at the top of this file. Each refused object fails alone and the
// others are stored (TAXII); for all or nothing, see Session.
//
// `errors` is empty when every object is valid (the caller built them), or errors[i] is
// DescribeErrors of objects[i] ("" when valid). Ingest moves the objects it stores to the front
// of `objects`: their order and content are unspecified after the call (nothing is copied).
//
// Does not check policy::CanWrite: callers refuse the whole request first (TAXII answers 403).
// Returns an error only when nothing could be decided or stored: the directory or the store
// failed (kUnavailable: busy, try again; kIo / kCorrupt), or `errors` has another size than
// `objects` (kInvalidArgument); then nothing is stored. A refused object is never an error of
// the call. Writes serialize in the store; the write rules read the store just before writing,
// so two writers racing with the same new id may both be taken as its first contributor.
Result<Outcome> Ingest(store::Store& store, const policy::Principal& writer,
                       const store::CollectionInfo& collection, std::span<stix::Object> objects,
                       std::span<const std::string> errors, Options options);

// What the checks learn of one object alone, without the store or the directory: the problems of
// its pattern (pattern::CheckIndicatorPattern: none unless it is an indicator) and the keys the
// search index files it under (hunt::ObjectSearchKeys). Thread-safe: a caller that reads objects
// on one thread may examine them there while a Session writes on another (`tessera import`), and
// hand the facts to Session::Add.
struct ObjectFacts {
  std::vector<stix::Problem> pattern_problems;
  std::vector<std::string> search_keys;
};
ObjectFacts Examine(const stix::Object& object);

// All or nothing, in batches: a file of any size written as one transaction (`tessera import`).
// Each batch is judged as Ingest judges its objects (the same checks, order and messages), and
// nothing is stored unless no object of any batch is refused.
//
// Across batches: each batch is written into the store's write session (store::WriteSession) as
// soon as it is judged, so a later batch is judged against what the store held when the session
// began plus every earlier batch: an (id, version) stored with other content, the owner of a
// versioned object, what Import keeps. The marking-definitions of earlier batches and of the
// batch itself count as held for the objects it marks; one that comes in a later batch than an
// object it marks does not count for it (the object is judged as marked with a marking the hub
// does not hold: TLP:RED, and its note says so): a file larger than a batch should list its
// marking-definitions before what they mark. After the first refusal nothing more is written, but
// every later batch is still judged, so that every refused object is reported: a later batch is
// then judged against the store plus the batches written before the one with the first refusal (and
// its own objects), so a conflict with an object of an unwritten batch goes unreported.
//
// Memory: a batch's objects, verdicts and holdings while it is judged. Across batches the session
// keeps only what does not grow with the objects: the placer's and the authors' look-ups (each
// bounded), the running summary (at most kMaxReportedConflicts ids); the accepted objects are in
// the store's transaction, not in memory.
//
// From Begin until Finish (or destruction, which rolls back) the session holds the store's
// writer (store::WriteSession says what that holds up): write through it alone meanwhile.
// Not thread-safe; `store`, `writer` and `collection` must outlive it.
class Session {
 public:
  // Opens the store's write session. The store's errors (kUnavailable: another process is
  // writing).
  static Result<Session> Begin(store::Store& store, const policy::Principal& writer,
                               const store::CollectionInfo& collection,
                               policy::RequestAudience audience = {});
  // Begin, with `collection` created (kCreate) or stored over the one with its id (kUpdate: its
  // grants changed) first, inside the session's transaction (store::WriteSession's
  // CreateCollection, UpdateCollection): on return `collection` is the collection as stored (its
  // id made when it had none), and the session judges and writes into it. The change is stored
  // only when Finish commits: a collection and the objects that go with it are stored together
  // or not at all (an incident's own collection, its participants: docs/incidents.md). The
  // store's errors, and those of the collection change (kAlreadyExists: its alias is taken),
  // with nothing stored. `collection` must outlive the session.
  enum class CollectionChange { kCreate, kUpdate };
  static Result<Session> BeginWithCollection(store::Store& store, const policy::Principal& writer,
                                             store::CollectionInfo& collection,
                                             CollectionChange change,
                                             policy::RequestAudience audience = {});
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  ~Session();

  // Judges one batch (`objects` and `errors` as Ingest's; the objects' order and content are
  // unspecified after the call) and, while no object of the session has been refused, writes its
  // accepted objects into the session. Returns the batch's report in the TAXII status shape:
  // total_count the batch's size, its failures (refused, with why) and its successes (message:
  // the placement's note, then the pattern's warnings), each in input order; a success is stored
  // only if Finish commits. Errors as Ingest's (kInvalidArgument when `errors` has another size:
  // nothing judged); any other error ends the session, rolled back, and every later call returns
  // it. `facts` is empty (Add examines the objects itself) or facts[i] is Examine(objects[i]) for
  // each valid object (ignored for the others); Add moves from it. kInvalidArgument, nothing
  // judged, when it has another size than `objects`.
  Result<store::StatusRecord> Add(std::span<stix::Object> objects,
                                  std::span<const std::string> errors,
                                  std::span<ObjectFacts> facts = {});

  // How many objects of the batches so far were refused (when > 0, Finish stores nothing).
  size_t refused() const;

  // Ends the session. When no object was refused: commits every batch (durable when it returns)
  // and returns the summary of all of them. Otherwise rolls back and returns an empty summary.
  // On a store error nothing is stored. Later calls fail.
  Result<store::ImportSummary> Finish();

 private:
  class State;
  explicit Session(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace tessera::ingest
