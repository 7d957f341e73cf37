#pragma once
// Internal: the per-format line parsers behind LogReader, and their shared pieces.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"
#include "hunt/field_map.h"
#include "hunt/log_reader.h"
#include "hunt/observable.h"

namespace tessera::hunt {

// Parses lines of one format. Not thread-safe; one per reader.
class EventParser {
 public:
  virtual ~EventParser() = default;
  // Fills `event` from `line` (kLinePadding readable bytes follow it). The views in `event` stay
  // valid until the next call. False with the reason in *error when the line is malformed.
  virtual bool Parse(std::string_view line, Event& event, std::string* error) = 0;
  // How times without a year or zone are read from the next line on (`written` set).
  void SetClock(const LogClock& clock) { clock_ = clock; }

 protected:
  const LogClock& clock() const { return clock_; }

 private:
  LogClock clock_;
};

std::unique_ptr<EventParser> MakeJsonParser(const FieldMap& map, const ReaderLimits& limits);
std::unique_ptr<EventParser> MakeCefParser(const ReaderLimits& limits);
std::unique_ptr<EventParser> MakeSyslogParser(const ReaderLimits& limits);

// Log time stamps: epoch seconds with an optional fraction ("1700000000.123456"; values above
// 1e11 are read as milliseconds, as CEF writes them), or "YYYY-MM-DD[T ]HH:MM:SS[.frac][zone]"
// with a zone ParseUtcOffset reads (none: `default_offset` seconds east of UTC). std::nullopt
// otherwise.
std::optional<Timestamp> ParseLogTime(std::string_view text, int32_t default_offset = 0);

// "Mmm d[d] [yyyy ]HH:MM:SS[.frac][ zone]" (RFC 3164 syslog headers, CEF dates; the month in
// English, the day space-padded or not), the zone as ParseUtcOffset reads it. A missing year or
// zone comes from `clock` (LogClock). std::nullopt when it is not that form or not a date.
std::optional<Timestamp> ParseMonthTime(std::string_view text, const LogClock& clock);

// Copies of strings that must outlive a parse step (unescaped values, composed URLs, numbers as
// text), in blocks that never move; Reset() keeps the first block for reuse.
class TextArena {
 public:
  std::string_view Store(std::string_view s);
  void Reset();

 private:
  static constexpr size_t kBlock = 64 * 1024;
  struct Block {
    std::unique_ptr<char[]> data;
    size_t size = 0;
  };
  std::vector<Block> blocks_;
  int current_ = -1;  // the block small strings go to, if any
  size_t used_ = 0;   // bytes used in it
};

// Turns (rule, value) pairs into the observables of one event.
class RuleApplier {
 public:
  RuleApplier(const FieldMap& map, size_t max_observables)
      : map_(map), max_observables_(max_observables) {}
  void Begin(Event& event);
  void Apply(const FieldRule& rule, std::string_view value, Event& event);
  // Composes the request URL from url-host and url-path, when both were seen.
  void Finish(Event& event);
  TextArena& arena() { return arena_; }

 private:
  void Push(Event& event, ObservableKind kind, const FieldRule& rule, std::string_view value,
            std::string_view object_path = {},
            std::optional<HashAlgorithm> algorithm = std::nullopt);
  const FieldMap& map_;
  size_t max_observables_;
  TextArena arena_;
  std::string_view url_host_;
  std::string_view url_path_;
  const FieldRule* url_path_rule_ = nullptr;
  std::string compose_;
};

}  // namespace tessera::hunt
