#pragma once
// One hunt from start to end, as `tessera hunt` runs it: load the indicators (a STIX file, or the
// store), hunt the logs on every core, report each hit and what each input gave, then write the
// sightings to a file and store them where the indicators they sight are. The caller (the CLI)
// parses its options into SessionOptions and prints what the SessionSink receives.
//
//   SessionOptions options;
//   options.intel = "indicators.json";
//   options.logs = {"conn.log", "eve.json"};
//   MySink sink;                                  // prints hits and counts
//   Result<SessionResult> r = RunSession(options, sink);
//
// Thread-safety: RunSession uses every core but calls the sink from the calling thread only, in
// input order, so a sink needs no locking. The output does not depend on the thread count.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "hunt/hunter.h"
#include "hunt/indicator_index.h"
#include "hunt/log_reader.h"
#include "hunt/parallel.h"
#include "ingest/ingest.h"
#include "store/store.h"

namespace tessera::hunt {

struct SessionOptions {
  // Where the indicators come from: `store` when it is set, else the STIX file `intel` (a
  // bundle, a JSON array or object, or NDJSON; "-" reads standard input), whose invalid
  // indicators are skipped. Exactly one of them. The store must outlive the session.
  store::Store* store = nullptr;
  std::string intel;
  std::string allowlist;  // a file of known-good values (IndicatorIndex::AddAllowlist); "": none
  std::string field_map;  // a TOML field map file (FieldMap), needed by LogFormat::kJson; "": none
  std::optional<LogFormat> format;  // std::nullopt: told per file (HuntInput::format)
  Timestamp default_time;           // the time of records without one (validity of indicators)
  // The year and zone of syslog and CEF times without them (LogClock: the year of each file's
  // modification time and UTC unless given).
  std::optional<int> syslog_year;
  int32_t syslog_utc_offset_seconds = 0;
  std::vector<std::string> logs;  // files, directories or "-" (HuntInput::path), in order
  unsigned threads = 0;           // ParallelOptions::threads
  // Sightings (sightings.h): written to the file `sightings` when it is not empty, and stored
  // (StoredIndicators::StoreSightings) when the indicators came from `store` and
  // `store_sightings` is set. The sighter is `sighter_identity` when given; else, with a store,
  // the hub's own identity when `tessera init` recorded one (then also written into the file);
  // else an identity made from `sighter_name` (default: the host name). At most one of
  // `sighter_identity` and `sighter_name`.
  std::string sightings;
  bool store_sightings = true;
  std::string sighter_identity;
  std::string sighter_name;
};

// What the indicators gave before any log is read.
struct IndicatorsLoaded {
  const HuntIndicators& indicators;  // stats() and index().counts(); valid during the call
  std::string_view intel;            // the STIX file read ("" with a store)
  // The indicators of the file skipped for a STIX error, each id once (its first invalid
  // version), in input order; reason "<path>: <message>" of its first error. Valid during the
  // call. The indicators skipped or never hit for other reasons: indicators.stats().skips.
  std::span<const SkippedIndicator> invalid;
};

// Where the sightings went.
struct SightingsWritten {
  std::string_view path;  // SessionOptions::sightings
  size_t sightings = 0;   // indicators sighted
  size_t objects = 0;     // objects in the bundle
};
struct SightingsStored {
  size_t sightings = 0;            // indicators sighted
  const ingest::Outcome& outcome;  // what the store added, and the objects it refused
};

// What a session tells as it goes. Called on the thread that runs RunSession, in this order:
// OnIndicators once; OnHit for every reported hit and OnProgress now and then, with OnInputDone
// after the hits of each input; OnLogsDone once; then OnSightingsWritten and OnSightingsStored
// when they happen. The views are valid during the call only.
class SessionSink {
 public:
  virtual ~SessionSink() = default;
  virtual void OnIndicators(const IndicatorsLoaded& loaded) = 0;
  // One reported hit (PatternEvaluator: one event and one indicator), of the indicator whose
  // STIX id is `indicator_id`.
  // HitJson gives the form `tessera hunt` writes.
  virtual void OnHit(const ReportedHit& hit, std::string_view indicator_id) = 0;
  virtual void OnProgress(const HuntProgress& progress) = 0;
  // An input ended: its counts and Status (an error of one input does not stop the session; it
  // counts in SessionResult::failed_inputs). `hits` is how many OnHit calls it gave.
  virtual void OnInputDone(const InputSummary& summary, uint64_t hits) = 0;
  // Every log is read; the pattern evaluation's counts. An error Status stops the session before
  // the sightings (and RunSession returns it), e.g. when the hits could not be written.
  virtual Status OnLogsDone(const EvaluatorStats& stats) = 0;
  virtual void OnSightingsWritten(const SightingsWritten& written) = 0;
  virtual void OnSightingsStored(const SightingsStored& stored) = 0;
};

struct SessionResult {
  uint64_t hits = 0;         // OnHit calls
  size_t failed_inputs = 0;  // inputs whose OnInputDone Status was an error
};

// Runs the session of `options`, telling `sink` as it goes. Errors, each with a message a user
// can act on (naming the file, or what failed), after which nothing more happens:
// kInvalidArgument when the options break a rule above, a file (field map, allowlist, intel)
// cannot be parsed, or the allowlist has a bad line; kIo when one cannot be read or the
// sightings file cannot be written; kLimitExceeded from the index; the store's errors (loading,
// storing the sightings: "storing the sightings: ..."); and OnLogsDone's.
Result<SessionResult> RunSession(const SessionOptions& options, SessionSink& sink);

// Offers the indicators of the STIX file `path` (a bundle, a JSON array or object, or NDJSON;
// "-" reads standard input) to `builder`, as RunSession does with SessionOptions::intel. The
// indicators with a STIX error are not offered but appended to `invalid`, each id once (its first
// invalid version), in input order, reason "<JSON path>: <message>" of its first error. kIo when
// the file cannot be read; kInvalidArgument "<path>: ..." when it is not STIX JSON.
Status OfferIntelFile(const std::string& path, HuntIndicatorsBuilder& builder,
                      std::vector<SkippedIndicator>& invalid);

// The JSON line (without its newline) `tessera hunt` writes for a hit (one event, one
// indicator): log, line, time (when the record has one), event_type (when known), matches (each
// index hit of the indicator in the event: field, kind, value, matched), indicator, decided_by
// and, for a window match, its observations. docs/hunt.md describes it.
std::string HitJson(const ReportedHit& hit, std::string_view indicator_id);

}  // namespace tessera::hunt
