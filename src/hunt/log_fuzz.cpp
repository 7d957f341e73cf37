// libFuzzer target: any byte string as a security log, through each format's line parser
// (LogReader::ForChunks: Zeek, Suricata EVE, ECS, CEF, syslog, and JSON with a field map) and
// through format detection (DetectLogFormat), as `tessera hunt` reads files it is given. The
// first byte picks the format; the rest is the log. Every line is read or counted as malformed,
// never a crash; the counts add up. A log that starts with the gzip magic (1f 8b) is also read as
// a file (LogReader::Open through InputStream, the one reader of log bytes): inflated, or
// refused as damaged or as a decompression bomb with a reason, never a crash.
// Build with the `fuzz` preset; scripts/test runs it briefly over tests/data/fuzz/log_fuzz.

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "hunt/hunter.h"
#include "hunt/log_reader.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "log_fuzz: %s\n", what);
    std::abort();
  }
}

// Reads every event of `reader`; the counts must add up. Returns the error that ended the read,
// if any.
tessera::Status ReadAll(tessera::hunt::LogReader& reader, const tessera::hunt::ReaderLimits& limits,
                        size_t size) {
  tessera::hunt::Event event;
  uint64_t events = 0;
  for (;;) {
    auto more = reader.Next(event);
    if (!more.ok()) return more.status();
    if (!*more) break;
    ++events;
    Check(event.observables.size() <= limits.max_observables, "more observables than the limit");
    Check(events <= size, "more events than bytes");
  }
  const tessera::hunt::ReaderStats& s = reader.stats();
  Check(s.events == events, "stats count other events than were returned");
  Check(s.events + s.malformed <= s.lines, "more events and malformed lines than lines");
  return tessera::Status();
}

// `text` as a gzip file read through LogReader::Open (an in-memory file, /proc/self/fd/N).
void ReadAsFile(std::string_view text, tessera::hunt::LogFormat format,
                const tessera::hunt::FieldMap* map, tessera::hunt::ReaderLimits limits) {
  const int fd = memfd_create("log_fuzz", MFD_CLOEXEC);
  Check(fd >= 0, "memfd_create");
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    Check(n > 0, "cannot write the in-memory file");
    written += static_cast<size_t>(n);
  }
  // A bomb is stopped early: the ratio is checked past 1 MiB inflated.
  limits.input.ratio_floor = 1u << 20;
  auto reader =
      tessera::hunt::LogReader::Open("/proc/self/fd/" + std::to_string(fd), format, map, limits);
  Check(reader.ok(), "cannot open the in-memory file");
  const tessera::Status st = ReadAll(**reader, limits, (text.size() + 1) << 10);
  if (!st.ok()) {
    Check(st.code() == tessera::ErrorCode::kCorrupt ||
              st.code() == tessera::ErrorCode::kLimitExceeded,
          "a gzip log failed with something else than damaged or a bomb");
    Check(!st.message().empty(), "a refused gzip log without a reason");
  }
  ::close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace hunt = tessera::hunt;
  if (size == 0) return 0;
  static constexpr hunt::LogFormat kFormats[] = {
      hunt::LogFormat::kZeek, hunt::LogFormat::kSuricataEve, hunt::LogFormat::kEcs,
      hunt::LogFormat::kCef,  hunt::LogFormat::kSyslog,      hunt::LogFormat::kJson};
  const hunt::LogFormat format = kFormats[data[0] % std::size(kFormats)];
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  (void)hunt::DetectLogFormat(text.substr(0, text.find('\n')));

  hunt::ReaderLimits limits;
  limits.max_line = 64 * 1024;
  limits.max_observables = 256;
  // Read in place as the parallel runner's workers read their chunks (LogReader::ForChunks): the
  // sequential reader's 1 MiB read buffer, zeroed for every input, made this target about ten
  // times slower. That reader (LogReader::Open) reads the gzip inputs below.
  std::string padded(text);
  padded.append(hunt::kLinePadding, '\0');
  auto reader = hunt::LogReader::ForChunks(
      format, format == hunt::LogFormat::kJson ? &hunt::EcsFieldMap() : nullptr, limits);
  Check(reader.ok(), "no reader for a known format");
  (*reader)->Reset(std::string_view(padded.data(), text.size()));
  Check(ReadAll(**reader, limits, size).ok(), "an in-memory log failed to read");
  if (text.size() >= 2 && text[0] == '\x1f' && text[1] == '\x8b') {
    ReadAsFile(text, format, format == hunt::LogFormat::kJson ? &hunt::EcsFieldMap() : nullptr,
               limits);
  }
  return 0;
}
