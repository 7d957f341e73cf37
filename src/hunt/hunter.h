#pragma once
// Hunting: the loaded indicators (HuntIndicators: the index plus the compiled patterns it does not
// decide alone), the loop over one log (HuntLog), and the pattern evaluation that turns index hits
// into reported hits (PatternEvaluator).
//
//   HuntIndicatorsBuilder b;
//   for (stix::Object& o : objects) b.Offer(std::move(o));     // newest version of each id kept
//   TESSERA_ASSIGN_OR_RETURN(HuntIndicators ind, std::move(b).Build(allowlist_text));
//   PatternEvaluator eval(ind);                                 // one per run, across all inputs
//   auto emit = [](const ReportedHit& h) { ... };               // what the user sees
//   HuntLog(*reader, ind.index(), now, [&](const Event& e, const Observable& o, const Hit& h) {
//     eval.OnHit("conn.log", e, o, h, emit);                    // index hits, in input order
//   });
//   eval.EndInput(emit);                                        // after each input
//
// With the parallel runner (parallel.h): the workers do the per-event lookups (IndexLookupStep);
// its serial, input-ordered hit callback calls PatternEvaluator::OnHit and its per-file done
// callback PatternEvaluator::EndInput. The evaluator is the only state that crosses events, files
// and chunks: the windows of multi-observation patterns.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "hunt/event_observation.h"
#include "hunt/indicator_index.h"
#include "hunt/log_reader.h"
#include "pattern/pattern.h"
#include "stix/object.h"

namespace tessera::hunt {

struct HuntStats {
  ReaderStats reader;        // lines, events, malformed (with examples)
  uint64_t observables = 0;  // observables looked up
  uint64_t hits = 0;         // index hits
  uint64_t allowlisted = 0;  // observables suppressed by the allowlist
  uint64_t unparseable = 0;  // observables whose value is not valid for its kind
};

// Called once per index hit. The event, observable and hit views are valid during the call only.
using HitCallback =
    std::function<void(const Event& event, const Observable& observable, const Hit& hit)>;

// Reads every event of `reader` and looks each observable up at the event's time (or
// `default_time` when the record has none), calling `on_hit` for every index hit. Returns the
// counts; kIo when reading fails (the hits before the failure were reported). Malformed lines are
// counted, never fatal.
Result<HuntStats> HuntLog(LogReader& reader, const IndicatorIndex& index, Timestamp default_time,
                          const HitCallback& on_hit);

// Guesses the format of a log from one of its lines: a JSON object with "event_type" is Suricata
// EVE, with "@timestamp" or "ecs" ECS, with "ts" and one of "uid", "_path", "id.orig_h", "fuid",
// "fingerprint" Zeek; a line containing "CEF:" followed by a digit and '|' is CEF; anything else
// that starts with '<' and a digit, a month name or a digit is syslog. std::nullopt when there is
// no telling (then a field map is needed).
std::optional<LogFormat> DetectLogFormat(std::string_view line);

// How the hunt decides an indicator's hits.
enum class Decision : uint8_t {
  kIndex,   // the index alone: one [...] without qualifiers whose comparisons are ORed
  kEvent,   // the whole pattern on the one event the index pre-selected (one [...])
  kWindow,  // several observation expressions or qualifiers: over a window of events
};
std::string_view DecisionName(Decision d);  // "index", "pattern", "window"

// An indicator the hunt cannot hit, and why.
struct SkippedIndicator {
  std::string id;
  // "pattern_type is not stix", "no valid_from", "pattern: position N: reason", ...; for one
  // loaded without any comparison the index serves, "nothing the index serves: <comparison>:
  // <why>" (the first comparison it could not index).
  std::string reason;
};

struct IndicatorLoadStats {
  size_t offered = 0;    // indicator objects offered (every version)
  size_t loaded = 0;     // indicators hunted (newest version of each id)
  size_t skipped = 0;    // not `pattern_type` stix, no valid_from, pattern does not compile
  size_t evaluated = 0;  // of the loaded, those whose pattern is evaluated (kEvent, kWindow)
  size_t never_hit = 0;  // of the loaded, those without any comparison the index serves
  // Of the loaded, those whose pattern was compiled (pattern::Compile); the others were read by
  // pattern::SimpleComparisons and went to the index without being compiled.
  size_t compiled = 0;
  // Each indicator counted in `skipped` or `never_hit`, once (its newest version), in id order.
  std::vector<SkippedIndicator> skips;
};

// The indicators of one hunt. Immutable once built; every accessor is const and thread-safe.
class HuntIndicators {
 public:
  HuntIndicators(HuntIndicators&&) noexcept;
  HuntIndicators& operator=(HuntIndicators&&) noexcept;
  ~HuntIndicators();

  const IndicatorIndex& index() const;
  Decision decision(uint32_t indicator) const;
  // The compiled pattern of an indicator whose decision is not kIndex; nullptr for kIndex.
  const pattern::Pattern* pattern(uint32_t indicator) const;
  // Its indexed constants (IndexedConstants), empty for kIndex.
  const IndicatorConstants& constants(uint32_t indicator) const;
  const IndicatorLoadStats& stats() const;

  // What must travel onto anything that reveals the indicator (its sightings, their observed-data
  // and SCOs), as a JSON object text: the indicator's `object_marking_refs` and, of its
  // `extensions`, the entries named by HuntIndicatorsBuilder::KeepExtension, each property only
  // when the indicator has it. "" when it has neither. Valid as long as this object.
  std::string_view restriction(uint32_t indicator) const;
  // The origins given with the hunted version of the indicator (HuntIndicatorsBuilder::Offer),
  // ascending, each once; empty when none was given. Valid as long as this object.
  std::span<const uint32_t> origins(uint32_t indicator) const;

 private:
  friend class HuntIndicatorsBuilder;
  struct Impl;
  explicit HuntIndicators(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Collects indicators (STIX objects, from the store or a file), keeping the newest version of
// each id, and builds the index. Each offered object is turned at once into what the hunt needs
// (its index entries, validity, restriction and origins; its pattern compiled only when the index
// cannot decide it alone), so that the objects' JSON is never kept: memory holds the index being
// built, not the input. Not thread-safe: one caller thread (the builder may run its own thread
// behind Offer: Options::own_thread).
class HuntIndicatorsBuilder {
 public:
  struct Options {
    // Patterns that pattern::SimpleComparisons reads go to the index without being compiled
    // (the hits are the same). false compiles every pattern: for tests that compare both ways.
    bool simple_patterns = true;
    // Offer hands each indicator object to a thread of the builder (at most 1,024 waiting; Offer
    // waits when they are more) and returns: the caller reads the next object while the last is
    // turned into index entries. The result is the same (objects are taken in offer order);
    // false does the work in Offer.
    bool own_thread = true;
  };
  HuntIndicatorsBuilder();
  explicit HuntIndicatorsBuilder(Options options);
  HuntIndicatorsBuilder(HuntIndicatorsBuilder&&) noexcept;
  ~HuntIndicatorsBuilder();

  // No origin (HuntIndicators::origins stays empty).
  static constexpr uint32_t kNoOrigin = UINT32_MAX;

  // Offers one object; objects of other types are ignored. Of several versions of one id the
  // newest (the greatest stix::Object::Version; the first offered of equal ones) is kept, and an
  // offer of an older version costs no parsing. `origin` is the caller's name for where this copy
  // comes from (e.g. the store row's placement): the origins of every offer of the kept version
  // are kept together (HuntIndicators::origins), those of older versions dropped. Memory per
  // kept version: its index entries and about 70 bytes until Build (56 for its record, 8-16 for
  // the slot that finds it by id); a version replaced by a newer one keeps its entries until
  // Build.
  void Offer(stix::Object&& object, uint32_t origin = kNoOrigin);

  // Keeps the entry `extension_id` of the indicators' `extensions` in their restriction
  // (HuntIndicators::restriction): an extension that says who may read an object (the hub's
  // recipients and sharing group). Call before the first Offer (asserted).
  void KeepExtension(std::string extension_id);

  // Numbers the kept indicators in id order (so that indicator numbers do not depend on the
  // order of the input), adds `allowlist_text` (AddAllowlist), and builds. Indicators whose
  // `pattern_type` is not "stix", that lack a valid_from, or whose pattern does not compile are
  // skipped and counted. kInvalidArgument for a bad allowlist line; kLimitExceeded from the
  // index.
  Result<HuntIndicators> Build(std::string_view allowlist_text = {}) &&;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// Where an event was read: the input (as the caller names it) and the 1-based line.
struct EventPlace {
  std::string source;
  uint64_t line = 0;
  Timestamp time;  // the event's time, or the default time when it has none
  auto operator<=>(const EventPlace&) const = default;
};

// One value of an event that the index matched for an indicator. Owns its data.
struct HitMatch {
  std::string field;  // the log field of the observable
  ObservableKind observable_kind = ObservableKind::kOther;
  std::string object_path;  // kOther: "type:path"
  std::string value;        // the observed value, as written in the log
  Hit hit;                  // what the index matched; `matched` points into the index
};

// A hit as reported to the user: one event and one indicator, with every value of the event the
// index matched for that indicator. Owns its data.
struct ReportedHit {
  EventPlace place;        // the event that hit (that completed the match)
  bool has_time = false;   // the event carried a time of its own (place.time)
  std::string event_type;  // as the record says; may be empty
  uint32_t indicator = 0;  // the indicator number (IndicatorIndex::Indicator)
  Decision decision = Decision::kIndex;
  // The index hits of this indicator in this event, in the order the index found them (the
  // event's observables in order); never empty.
  std::vector<HitMatch> matches;
  // kWindow: the events taking part in the match (this one included), in window order; at most
  // PatternEvaluator::Options::max_window of them. Empty otherwise.
  std::vector<EventPlace> observations;
};
using ReportCallback = std::function<void(const ReportedHit& hit)>;

struct EvaluatorStats {
  uint64_t candidates = 0;  // (event, indicator) pairs whose pattern was evaluated
  uint64_t matches = 0;     // of those, how many matched (kEvent) or completed a match (kWindow)
  uint64_t dropped = 0;     // observations pushed out of a full window
  uint64_t truncated = 0;   // evaluations an evaluation bound of the pattern engine cut short
  // Evaluations that met an error the reference evaluator reports (pattern::EvaluationError: a
  // log value compared with a t'...' constant that is not a timestamp, an IN set mixing types),
  // per indicator, in indicator order. Such an evaluation counts as no match and the hunt goes
  // on. A window indicator's pattern is evaluated over its whole window at each event, so an
  // event with an error counts again at each later evaluation while it is in the window.
  struct IndicatorErrors {
    uint32_t indicator = 0;
    std::string indicator_id;
    uint64_t evaluations = 0;
    EventPlace first_place;  // the event of the first error
    std::string first;       // the first error: "property: reason"
  };
  std::vector<IndicatorErrors> errors;
};

// Turns index hits into reported hits, evaluating the patterns the index does not decide:
//  - kIndex indicators: every event with an index hit is reported.
//  - kEvent indicators: the event's SCOs (BuildEventScos, with the comparisons the index matched
//    made true: ApplyIndexMatch) are evaluated with Pattern::MatchesOne; when it matches, the
//    event is reported for that indicator.
//  - kWindow indicators: each pre-selected event becomes an observed-data in the indicator's
//    window (at most Options::max_window, the oldest pushed out first), and the pattern is
//    evaluated with Pattern::Match over the window (event times decide FOLLOWEDBY, WITHIN,
//    START/STOP, whatever the reading order). When it first becomes true, the event just added —
//    the event that completed the match — is reported, with the events of the match; then the
//    window is emptied, so a next hit needs events read after this one.
// One ReportedHit per (event, indicator), carrying all the index hits of that indicator in that
// event (ReportedHit::matches). The hits of one event are reported together, in the order of
// their indicators' first index hit, when the event is complete: at the first hit of a later
// event, or EndInput. Not thread-safe: call from one thread, in input order.
class PatternEvaluator {
 public:
  struct Options {
    size_t max_window = 256;  // observations kept per kWindow indicator
  };
  explicit PatternEvaluator(const HuntIndicators& indicators);
  PatternEvaluator(const HuntIndicators& indicators, Options options);
  ~PatternEvaluator();

  // One index hit of observable `observable` of `event`, read from `source`; the hits of one event
  // consecutively. `default_time` is the time of events without one. May call `report` for the
  // previous event's hits.
  void OnHit(std::string_view source, const Event& event, const Observable& observable,
             const Hit& hit, Timestamp default_time, const ReportCallback& report);

  // The input ended: reports the last event's hits. Windows carry over to the next input.
  void EndInput(const ReportCallback& report);

  const EvaluatorStats& stats() const { return stats_; }

 private:
  struct Pending;
  struct Window;
  void Flush(const ReportCallback& report);
  void CountError(uint32_t indicator, const EventPlace& place,
                  const pattern::EvaluationError& error);

  const HuntIndicators& indicators_;
  Options options_;
  EvaluatorStats stats_;
  std::unique_ptr<Pending> pending_;
  std::vector<std::unique_ptr<Window>> windows_;  // by indicator number, created on demand
  uint64_t next_observation_ = 0;
};

}  // namespace tessera::hunt
