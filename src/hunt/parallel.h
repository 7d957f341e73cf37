#pragma once
// Hunting many logs on every core, with the output of a one-thread run.
//
//   ParallelOptions options;                      // threads = all hardware threads
//   auto summary = HuntInputs({{"conn.log.gz"}, {"eve/", LogFormat::kSuricataEve}, {"-"}},
//                             index, Timestamp::Now(), options,
//                             [](const HitContext& c, const Event& e, const Observable& o,
//                                const Hit& h) { ... },        // serially, in input order
//                             [](const InputSummary& s) { ... });  // after each file's hits
//
// One reading thread reads the inputs in order (files; directories, recursively, in path order;
// "-" for standard input; gzip or not, detected from the content) and cuts them into chunks of
// whole lines (ParallelOptions::chunk_bytes). Worker threads parse the chunks' events and look
// their observables up (EventStep); the calling thread hands the hits over in input order (file
// order, then line order), with the line numbers of the whole file, so that the callbacks see
// exactly what a one-thread run shows. At most 2 * threads + 2 chunks are in memory at once (and
// no more than 512 MiB of them, but at least 3).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "hunt/field_map.h"
#include "hunt/hunter.h"
#include "hunt/indicator_index.h"
#include "hunt/log_reader.h"

namespace tessera::hunt {

// How many non-blank lines at the start of a file (within its first chunk) are tried to tell its
// format: the first that DetectLogFormat recognizes decides, so a damaged first line does not
// lose the log.
inline constexpr size_t kMaxDetectLines = 100;

// One input as given: a file, a directory (every regular file under it, recursively, sorted by
// path) or "-" (standard input).
struct HuntInput {
  std::string path;
  // std::nullopt: told from the first of its first kMaxDetectLines non-blank lines that
  // DetectLogFormat recognizes, in each file.
  std::optional<LogFormat> format;
  const FieldMap* field_map = nullptr;  // kJson: required; must outlive the run
};

// One hit the per-event step found: observable number `observable` of the event hit `hit`.
struct EventHit {
  uint32_t observable = 0;
  Hit hit;
};

// The per-event step, run on the worker threads, concurrently: appends the hits of `event` to
// `out` and adds its counts to `stats` (observables, hits, allowlisted, unparseable; not
// `stats.reader`). `at` is the event's time, or the default time when it has none. Each worker
// passes its own `scratch`, `out` and `stats`; the step must be safe to call from several threads
// at once with distinct ones.
using EventStep = std::function<void(const Event& event, Timestamp at, LookupScratch& scratch,
                                     std::vector<EventHit>& out, HuntStats& stats)>;

// The default step: every observable looked up in `index` (what HuntLog does per event). The
// returned function refers to `index`, which must outlive it.
EventStep IndexLookupStep(const IndicatorIndex& index);

inline constexpr unsigned kMaxThreads = 256;

struct HuntProgress {
  uint64_t bytes_read = 0;   // input bytes hunted so far, their hits handed over (compressed
                             // bytes for gzip files)
  uint64_t bytes_total = 0;  // the sizes of all input files; 0 when unknown (standard input)
  uint64_t lines = 0;        // lines handed over so far
  uint64_t hits = 0;         // hits handed over so far
  bool done = false;         // the last call
};

struct ParallelOptions {
  unsigned threads = 0;           // worker threads; 0 = std::thread::hardware_concurrency();
                                  // at most kMaxThreads
  size_t chunk_bytes = 8u << 20;  // chunk size; raised to hold at least one line of max_line
  ReaderLimits limits;            // per-line limits (as LogReader)
  EventStep step;                 // empty: IndexLookupStep(index)
  // The year and zone of times without them (LogClock); `written` unset: each file's
  // modification time (now for standard input).
  LogClock clock;
  // Called on the calling thread about every `progress_interval_ms` while the run lasts, and
  // once at its end. Optional.
  std::function<void(const HuntProgress&)> progress;
  unsigned progress_interval_ms = 250;
};

// Where a hit was found.
struct HitContext {
  const std::string& path;  // the file ("-" for standard input)
  LogFormat format;
};

// Called serially, on the calling thread, in input order. The views are valid during the call.
using ParallelHitCallback = std::function<void(const HitContext& context, const Event& event,
                                               const Observable& observable, const Hit& hit)>;

// What one file gave, reported after its last hit.
struct InputSummary {
  std::string path;
  std::optional<LogFormat> format;  // as read (std::nullopt when it could not be told)
  // kIo when it could not be opened or reading failed, kCorrupt for a damaged gzip stream
  // (bytes after a member that start no other, a truncated or bad member: the message names the
  // compressed offset), kLimitExceeded for a decompression bomb (ReaderLimits::input) or when
  // every line was longer than ReaderLimits::max_line; in each case the hits before were
  // reported. kInvalidArgument when its format cannot be told, or it is empty.
  Status status;
  HuntStats stats;  // counts of what was read (also when status is an error)
};
using InputDoneCallback = std::function<void(const InputSummary& summary)>;

struct RunSummary {
  size_t files = 0;    // files read (directories expanded)
  size_t failed = 0;   // of those, how many ended with an error status
  uint64_t bytes = 0;  // bytes read (compressed bytes for gzip files)
  uint64_t lines = 0;  // lines, events and hits of all files
  uint64_t events = 0;
  uint64_t hits = 0;
};

// Hunts `inputs` in order. Errors of single inputs (cannot open, unknown format, a read error)
// go to `on_done` and the run goes on with the next; the returned Status is an error only when
// the run itself cannot proceed (threads cannot be started: kInternal). Thread-safety: call from
// one thread; the callbacks run on that thread.
Result<RunSummary> HuntInputs(const std::vector<HuntInput>& inputs, const IndicatorIndex& index,
                              Timestamp default_time, const ParallelOptions& options,
                              const ParallelHitCallback& on_hit, const InputDoneCallback& on_done);

}  // namespace tessera::hunt
