#include "hunt/log_reader.h"

#include <sys/stat.h>

#include "hunt/log_parsers.h"

namespace tessera::hunt {

std::optional<LogFormat> LogFormatFromName(std::string_view name) {
  if (name == "zeek") return LogFormat::kZeek;
  if (name == "suricata" || name == "eve") return LogFormat::kSuricataEve;
  if (name == "ecs" || name == "sysmon" || name == "winlogbeat") return LogFormat::kEcs;
  if (name == "cef") return LogFormat::kCef;
  if (name == "syslog") return LogFormat::kSyslog;
  if (name == "json") return LogFormat::kJson;
  return std::nullopt;
}

std::string_view LogFormatName(LogFormat format) {
  switch (format) {
    case LogFormat::kZeek:
      return "zeek";
    case LogFormat::kSuricataEve:
      return "suricata";
    case LogFormat::kEcs:
      return "ecs";
    case LogFormat::kCef:
      return "cef";
    case LogFormat::kSyslog:
      return "syslog";
    case LogFormat::kJson:
      return "json";
  }
  return "?";
}

namespace {

Result<std::unique_ptr<EventParser>> MakeParser(LogFormat format, const FieldMap* field_map,
                                                const ReaderLimits& limits) {
  switch (format) {
    case LogFormat::kZeek:
      return MakeJsonParser(ZeekFieldMap(), limits);
    case LogFormat::kSuricataEve:
      return MakeJsonParser(SuricataEveFieldMap(), limits);
    case LogFormat::kEcs:
      return MakeJsonParser(EcsFieldMap(), limits);
    case LogFormat::kCef:
      return MakeCefParser(limits);
    case LogFormat::kSyslog:
      return MakeSyslogParser(limits);
    case LogFormat::kJson:
      if (field_map == nullptr) return InvalidArgument("the json format needs a field map");
      return MakeJsonParser(*field_map, limits);
  }
  return Internal("unknown log format");
}

}  // namespace

LogReader::LogReader(std::unique_ptr<LineReader> lines, std::unique_ptr<EventParser> parser,
                     Timestamp written)
    : lines_(std::move(lines)), parser_(std::move(parser)), written_(written) {
  SetClock(LogClock{});
}

void LogReader::SetClock(const LogClock& clock) {
  LogClock c = clock;
  if (!c.written) c.written = written_;
  parser_->SetClock(c);
}

Timestamp LogWrittenTime(const std::string& path) {
  struct stat st {};
  if (path == "-" || ::stat(path.c_str(), &st) != 0) return Timestamp::Now();
  return Timestamp{static_cast<int64_t>(st.st_mtim.tv_sec),
                   static_cast<int32_t>(st.st_mtim.tv_nsec)};
}
LogReader::~LogReader() = default;

Result<std::unique_ptr<LogReader>> LogReader::Open(const std::string& path, LogFormat format,
                                                   const FieldMap* field_map,
                                                   const ReaderLimits& limits) {
  TESSERA_ASSIGN_OR_RETURN(auto parser, MakeParser(format, field_map, limits));
  TESSERA_ASSIGN_OR_RETURN(auto lines, LineReader::Open(path, limits.max_line, limits.input));
  return std::unique_ptr<LogReader>(
      new LogReader(std::move(lines), std::move(parser), LogWrittenTime(path)));
}

Result<std::unique_ptr<LogReader>> LogReader::FromString(std::string text, LogFormat format,
                                                         const FieldMap* field_map,
                                                         const ReaderLimits& limits) {
  TESSERA_ASSIGN_OR_RETURN(auto parser, MakeParser(format, field_map, limits));
  auto lines = LineReader::FromString(std::move(text), limits.max_line);
  return std::unique_ptr<LogReader>(
      new LogReader(std::move(lines), std::move(parser), Timestamp::Now()));
}

Result<std::unique_ptr<LogReader>> LogReader::ForChunks(LogFormat format, const FieldMap* field_map,
                                                        const ReaderLimits& limits) {
  TESSERA_ASSIGN_OR_RETURN(auto parser, MakeParser(format, field_map, limits));
  auto lines = LineReader::FromView({}, limits.max_line);
  return std::unique_ptr<LogReader>(
      new LogReader(std::move(lines), std::move(parser), Timestamp::Now()));
}

void LogReader::Reset(std::string_view chunk) {
  lines_->Reset(chunk);
  stats_ = ReaderStats();
}

Result<bool> LogReader::Next(Event& event) {
  std::string error;
  while (true) {
    std::string_view line;
    bool oversized = false;
    TESSERA_ASSIGN_OR_RETURN(bool more, lines_->Next(&line, &oversized));
    if (!more) return false;
    ++stats_.lines;
    uint64_t number = lines_->line_number();
    if (oversized) {
      error = "line longer than the limit";
    } else {
      size_t first = line.find_first_not_of(" \t");
      if (first == std::string_view::npos) continue;  // blank
      event.line = number;
      error.clear();
      if (parser_->Parse(line, event, &error)) {
        ++stats_.events;
        return true;
      }
    }
    ++stats_.malformed;
    if (stats_.examples.size() < ReaderStats::kMaxExamples)
      stats_.examples.push_back({number, error});
  }
}

}  // namespace tessera::hunt
