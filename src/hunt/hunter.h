#pragma once
// Hunting one log against the indicator index: the loop the `tessera hunt` command runs per input
// (the pattern engine's checks of non-atomic patterns come on top of it).

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "common/status.h"
#include "common/time.h"
#include "hunt/indicator_index.h"
#include "hunt/log_reader.h"

namespace tessera::hunt {

struct HuntStats {
  ReaderStats reader;        // lines, events, malformed (with examples)
  uint64_t observables = 0;  // observables looked up
  uint64_t hits = 0;         // hits reported
  uint64_t allowlisted = 0;  // observables suppressed by the allowlist
  uint64_t unparseable = 0;  // observables whose value is not valid for its kind
};

// Called once per hit. The event, observable and hit views are valid during the call only.
using HitCallback =
    std::function<void(const Event& event, const Observable& observable, const Hit& hit)>;

// Reads every event of `reader` and looks each observable up at the event's time (or
// `default_time` when the record has none), calling `on_hit` for every hit. Returns the counts;
// kIo when reading fails (the hits before the failure were reported). Malformed lines are counted,
// never fatal.
Result<HuntStats> HuntLog(LogReader& reader, const IndicatorIndex& index, Timestamp default_time,
                          const HitCallback& on_hit);

// Guesses the format of a log from one of its lines: a JSON object with "event_type" is Suricata
// EVE, with "@timestamp" or "ecs" ECS, with "ts" and one of "uid", "_path", "id.orig_h", "fuid",
// "fingerprint" Zeek; a line containing "CEF:" followed by a digit and '|' is CEF; anything else
// that starts with '<' and a digit, a month name or a digit is syslog. std::nullopt when there is
// no telling (then a field map is needed).
std::optional<LogFormat> DetectLogFormat(std::string_view line);

}  // namespace tessera::hunt
