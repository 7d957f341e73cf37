#pragma once
// Log readers: turn each line of a security log into an Event with the observables it carries.
//
//   auto reader = LogReader::Open("conn.log.gz", LogFormat::kZeek);
//   Event event;
//   while (true) {
//     auto more = (*reader)->Next(event);      // kIo on a read error
//     if (!more.ok() || !*more) break;
//     for (const Observable& o : event.observables) ... o.field, o.value ...
//   }
//   (*reader)->stats().malformed               // bad lines are counted, never fatal
//
// Formats: Zeek JSON logs (any log: conn, dns, http, ssl, files, x509, smtp, notice...), Suricata
// EVE JSON (every event type), Elastic Common Schema JSON (Winlogbeat / Sysmon included), CEF
// lines (with or without a syslog header), syslog lines (RFC 3164 and RFC 5424; observables are
// taken from the message text), and any other newline-delimited JSON through a FieldMap. Input
// may be gzip-compressed.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "hunt/field_map.h"
#include "hunt/line_reader.h"
#include "hunt/observable.h"

namespace tessera::hunt {

enum class LogFormat { kZeek, kSuricataEve, kEcs, kCef, kSyslog, kJson };

// "zeek", "suricata" (also "eve"), "ecs" (also "sysmon", "winlogbeat"), "cef", "syslog", "json"
// (needs a field map).
std::optional<LogFormat> LogFormatFromName(std::string_view name);
std::string_view LogFormatName(LogFormat format);

struct ReaderLimits {
  size_t max_line = LineReader::kDefaultMaxLine;  // longer lines are malformed
  size_t max_depth = 32;          // JSON nesting followed; deeper members are ignored
  size_t max_observables = 4096;  // per event; the rest of the event is ignored
  InputLimits input;              // decompression bounds (gzip bombs)
};

// How to read log times that leave out their year or zone: RFC 3164 syslog headers
// ("May  1 10:02:03"), CEF dates ("Mar 01 10:00:00", "Mar 01 2026 10:00:00") and ISO 8601 syslog
// headers without a zone. Times that carry a year and a zone are read as they are.
struct LogClock {
  // The year of times without one. Unset: the year of `written` (in the zone below), or the year
  // before when the time would then lie more than a day after `written`: a log holds nothing
  // written after it was last written (a December line in a file written in January).
  std::optional<int> year;
  // The zone of times without one: local time = UTC + this many seconds (+02:00 is 7200).
  int32_t utc_offset_seconds = 0;
  // When the log was last written. Unset: the file's modification time (LogReader::Open, the
  // parallel runner), now for standard input and text.
  std::optional<Timestamp> written;
};

// A zone as an offset from UTC in seconds: "Z", "UTC", "GMT", "+HH:MM", "+HHMM", "+HH" (or '-'),
// also after "UTC" or "GMT" ("GMT+01:00"). std::nullopt for anything else (named zones such as
// "Europe/Paris" or "PST" included: their offset depends on the date or is ambiguous).
std::optional<int32_t> ParseUtcOffset(std::string_view zone);

// When the log `path` was last written (LogClock::written): its modification time; now for "-"
// (standard input) or a file that cannot be stat'ed.
Timestamp LogWrittenTime(const std::string& path);

struct MalformedLine {
  uint64_t line = 0;
  std::string reason;
};

struct ReaderStats {
  uint64_t lines = 0;      // lines read, blank ones included
  uint64_t events = 0;     // events returned
  uint64_t malformed = 0;  // lines skipped as malformed
  // The first kMaxExamples malformed lines, with the reason.
  static constexpr size_t kMaxExamples = 20;
  std::vector<MalformedLine> examples;
};

class EventParser;  // one per format (log_parsers.h)

class LogReader {
 public:
  // Opens `path` ("-" is standard input; gzip is detected). `field_map` is required for kJson
  // and ignored otherwise; it must outlive the reader. kIo when the file cannot be opened,
  // kInvalidArgument for kJson without a field map.
  static Result<std::unique_ptr<LogReader>> Open(const std::string& path, LogFormat format,
                                                 const FieldMap* field_map = nullptr,
                                                 const ReaderLimits& limits = {});
  // Reads `text` (plain, not compressed).
  static Result<std::unique_ptr<LogReader>> FromString(std::string text, LogFormat format,
                                                       const FieldMap* field_map = nullptr,
                                                       const ReaderLimits& limits = {});
  // Reads borrowed chunks of text in place (see Reset), so that one reader, with its parser's
  // buffers, serves many chunks: what the parallel runner's workers do. Until the first Reset
  // it reads nothing.
  static Result<std::unique_ptr<LogReader>> ForChunks(LogFormat format,
                                                      const FieldMap* field_map = nullptr,
                                                      const ReaderLimits& limits = {});
  // Chunk readers only: starts over on `chunk` (whole lines; kLinePadding readable bytes must
  // follow chunk.end(), and it must stay valid until the next Reset). Line numbers restart at 1
  // and the stats at zero.
  void Reset(std::string_view chunk);
  // Reads times without a year or zone with `clock` from the next line on. Until called: a
  // clock with no year, UTC, written at the file's modification time (Open; now otherwise).
  // An unset `clock.written` keeps that time.
  void SetClock(const LogClock& clock);
  ~LogReader();

  // Fills `event` with the next well-formed record and returns true; false at the end of the
  // input. Blank lines are skipped; malformed lines are counted in stats() and skipped. The
  // views in `event` stay valid until the next call. kIo when reading fails.
  Result<bool> Next(Event& event);

  const ReaderStats& stats() const { return stats_; }

 private:
  LogReader(std::unique_ptr<LineReader> lines, std::unique_ptr<EventParser> parser,
            Timestamp written);
  std::unique_ptr<LineReader> lines_;
  std::unique_ptr<EventParser> parser_;
  Timestamp written_;  // the default LogClock::written
  ReaderStats stats_;
};

}  // namespace tessera::hunt
