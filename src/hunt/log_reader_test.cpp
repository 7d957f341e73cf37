#include "hunt/log_reader.h"

#include <gtest/gtest.h>

#include "hunt/indicator_index.h"
#include "hunt/log_parsers.h"

namespace tessera::hunt {
namespace {

std::vector<Event> ReadAll(std::string text, LogFormat format, const ReaderLimits& limits = {},
                           ReaderStats* stats = nullptr, const FieldMap* map = nullptr) {
  auto reader = LogReader::FromString(std::move(text), format, map, limits);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  std::vector<Event> events;
  // Copy the views' targets out: they only live until the next call.
  static std::vector<std::unique_ptr<std::string>> keep;
  Event e;
  while (true) {
    auto more = (*reader)->Next(e);
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
    Event copy = e;
    keep.push_back(std::make_unique<std::string>(e.event_type));
    copy.event_type = *keep.back();
    for (Observable& o : copy.observables) {
      keep.push_back(std::make_unique<std::string>(o.value));
      o.value = *keep.back();
      keep.push_back(std::make_unique<std::string>(o.object_path));
      o.object_path = *keep.back();
    }
    events.push_back(copy);
  }
  if (stats != nullptr) *stats = (*reader)->stats();
  return events;
}

TEST(LogTimeTest, Forms) {
  auto t = ParseLogTime("1714557600.123456");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->seconds, 1714557600);
  EXPECT_EQ(t->nanos, 123456000);
  t = ParseLogTime("1714557720250");  // CEF milliseconds
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->seconds, 1714557720);
  EXPECT_EQ(t->nanos, 250000000);
  EXPECT_EQ(ParseLogTime("2024-05-01T10:00:05.5+0000")->seconds, 1714557605);
  EXPECT_EQ(ParseLogTime("2024-05-01T12:00:05+02:00")->seconds, 1714557605);
  EXPECT_EQ(ParseLogTime("2024-05-01 10:00:05")->seconds, 1714557605);
  EXPECT_EQ(ParseLogTime("2024-05-01T10:00:05Z")->seconds, 1714557605);
  EXPECT_FALSE(ParseLogTime("yesterday").has_value());
  EXPECT_FALSE(ParseLogTime("2024-05-01T10:00:05+2").has_value());
  EXPECT_FALSE(ParseLogTime("2024-13-01T10:00:05Z").has_value());
}

TEST(FieldMapTest, ParseErrorsNameTheProblem) {
  auto m = ParseFieldMap(
      "name = \"x\"\n[fields]\n\"a\" = \"ip\"\n\"b\" = { kind = \"hash\", algorithm = \"SHA-256\" "
      "}\n");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_NE(m->Find("b"), nullptr);
  EXPECT_EQ(m->Find("b")->hash_algorithm, HashAlgorithm::kSha256);
  EXPECT_EQ(m->Find("c"), nullptr);

  auto bad = [](const char* text, const char* needle) {
    auto r = ParseFieldMap(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
  };
  bad("[fields]\n\"a\" = \"ip\"\n", "'name'");
  bad("name = \"x\"\n", "[fields]");
  bad("name = \"x\"\n[fields]\n\"a\" = \"ipv4\"\n", "unknown kind 'ipv4'");
  bad("name = \"x\"\n[fields]\n\"a\" = \"other\"\n", "object_path");
  bad("name = \"x\"\n[fields]\n\"a\" = { kind = \"ip\", role = \"sideways\" }\n", "role");
  bad("name = \"x\"\n[fields]\n\"a\" = { kind = \"hash\", algorithm = \"CRC32\" }\n", "CRC32");
  bad("name = \"x\"\n[fields\n", "line 2");
}

TEST(LogReaderTest, NestedAndDottedNamesReadAlike) {
  auto events = ReadAll(
      "{\"ts\":1714557600,\"id.orig_h\":\"10.0.0.1\",\"id.resp_p\":443}\n"
      "{\"ts\":1714557600,\"id\":{\"orig_h\":\"10.0.0.2\",\"resp_p\":80}}\r\n",
      LogFormat::kZeek);
  ASSERT_EQ(events.size(), 2u);
  for (const Event& e : events) {
    ASSERT_EQ(e.observables.size(), 2u);
    EXPECT_EQ(e.observables[0].field, "id.orig_h");
    EXPECT_EQ(e.observables[0].role, AddressRole::kSource);
    EXPECT_EQ(e.observables[1].object_path, "network-traffic:dst_port");
    ASSERT_TRUE(e.time.has_value());
    EXPECT_EQ(e.time->seconds, 1714557600);
  }
  EXPECT_EQ(events[0].observables[1].value, "443");
  EXPECT_EQ(events[1].observables[0].value, "10.0.0.2");
  EXPECT_EQ(events[1].line, 2u);
}

TEST(LogReaderTest, LimitsMakeLinesMalformedNotFatal) {
  ReaderLimits limits;
  limits.max_line = 200;
  limits.max_observables = 3;
  std::string deep(5000, '[');
  std::string text =
      "{\"query\":\"a.example\",\"answers\":[\"1.1.1.1\",\"1.1.1.2\",\"1.1.1.3\",\"1.1.1.4\"]}\n" +
      std::string(1000, 'x') + "\n" + deep + "\n" + "{\"query\":\"b.example\"}";
  ReaderStats stats;
  auto events = ReadAll(text, LogFormat::kZeek, limits, &stats);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].observables.size(), 3u);
  EXPECT_EQ(events[1].observables[0].value, "b.example");
  EXPECT_EQ(events[1].line, 4u);
  EXPECT_EQ(stats.lines, 4u);
  EXPECT_EQ(stats.malformed, 2u);
  ASSERT_EQ(stats.examples.size(), 2u);
  EXPECT_EQ(stats.examples[0].line, 2u);
  EXPECT_EQ(stats.examples[1].line, 3u);
}

TEST(LogReaderTest, CefEscapesAndSyslogTokens) {
  auto cef =
      ReadAll("CEF:0|V|P|1|1|N|1|cs1=a\\=b c dst=192.0.2.1 request=http://x.example/a\\\\b\n",
              LogFormat::kCef);
  ASSERT_EQ(cef.size(), 1u);
  ASSERT_EQ(cef[0].observables.size(), 3u);
  EXPECT_EQ(cef[0].observables[0].value, "192.0.2.1");
  EXPECT_EQ(cef[0].observables[1].value, "http://x.example/a\\b");
  EXPECT_EQ(cef[0].observables[2].value, "x.example");

  auto sys = ReadAll(
      "<13>May  1 10:00:00 h app: from 192.0.2.1:22 to [2001:db8::1]:443 via gw.example. ok",
      LogFormat::kSyslog);
  ASSERT_EQ(sys.size(), 1u);
  ASSERT_EQ(sys[0].observables.size(), 3u);
  EXPECT_EQ(sys[0].observables[0].value, "192.0.2.1");
  EXPECT_EQ(sys[0].observables[1].value, "2001:db8::1");
  EXPECT_EQ(sys[0].observables[2].value, "gw.example");
  EXPECT_EQ(sys[0].event_type, "app");
}

TEST(LogTimeTest, UtcOffsets) {
  const std::pair<const char*, std::optional<int32_t>> cases[] = {
      {"+02:00", 7200},
      {"-0500", -18000},
      {"+05", 18000},
      {"UTC", 0},
      {"Z", 0},
      {"GMT+01:00", 3600},
      {"UTC-03:30", -12600},
      {"Europe/Paris", std::nullopt},
      {"PST", std::nullopt},
      {"+2", std::nullopt},
      {"+24:00", std::nullopt},
      {"+02:60", std::nullopt},
      {"", std::nullopt},
      {"+0200x", std::nullopt},
  };
  for (const auto& [zone, want] : cases) EXPECT_EQ(ParseUtcOffset(zone), want) << zone;
}

// The time of each event, from every format that writes one, with the year and zone a log leaves
// out taken from the clock (--syslog-year, --syslog-tz, the file's modification time).
struct EventTimeCase {
  const char* about;
  LogFormat format;
  const char* line;
  std::optional<int> year;                       // LogClock::year
  int32_t offset = 0;                            // LogClock::utc_offset_seconds
  const char* written = "2026-03-02T00:00:00Z";  // LogClock::written
  const char* want = "";  // the event's time; "" none; "malformed" a malformed line
};

const EventTimeCase kEventTimes[] = {
    {"CEF rt in epoch milliseconds",
     LogFormat::kCef,
     "CEF:0|V|P|1|1|N|1|rt=1772359200250 dst=192.0.2.1",
     {},
     0,
     "2026-03-01T00:00:00Z",
     "2026-03-01T10:00:00.250Z"},
    {"CEF rt as a date with its year: UTC by default",
     LogFormat::kCef,
     "CEF:0|V|P|1|1|N|1|dst=192.0.2.1 rt=Mar 01 2026 10:00:00",
     {},
     0,
     "2027-06-01T00:00:00Z",
     "2026-03-01T10:00:00Z"},
    {"CEF rt as a date, in the zone given",
     LogFormat::kCef,
     "CEF:0|V|P|1|1|N|1|rt=Mar 01 2026 10:00:00 dst=192.0.2.1",
     {},
     7200,
     "2026-03-02T00:00:00Z",
     "2026-03-01T08:00:00Z"},
    {"CEF rt's own zone wins over the zone given",
     LogFormat::kCef,
     "CEF:0|V|P|1|1|N|1|rt=Mar 01 2026 10:00:00.250 GMT+01:00 dst=192.0.2.1",
     {},
     7200,
     "2026-03-02T00:00:00Z",
     "2026-03-01T09:00:00.250Z"},
    {"CEF rt without a year: the year given", LogFormat::kCef,
     "CEF:0|V|P|1|1|N|1|rt=Mar  1 10:00:00 dst=192.0.2.1", 2025, 0, "2026-03-02T00:00:00Z",
     "2025-03-01T10:00:00Z"},
    {"CEF start, when there is no rt (not end)",
     LogFormat::kCef,
     "CEF:0|V|P|1|1|N|1|end=Mar 01 2026 10:05:00 start=Mar 01 2026 09:59:00 dst=192.0.2.1",
     {},
     0,
     "2026-03-02T00:00:00Z",
     "2026-03-01T09:59:00Z"},
    {"CEF end alone",
     LogFormat::kCef,
     "CEF:0|V|P|1|1|N|1|end=1772359500000 dst=192.0.2.1",
     {},
     0,
     "2026-03-02T00:00:00Z",
     "2026-03-01T10:05:00Z"},
    {"CEF rt wins over start, wherever it is",
     LogFormat::kCef,
     "CEF:0|V|P|1|1|N|1|start=Mar 01 2026 09:00:00 dst=192.0.2.1 rt=Mar 01 2026 10:00:00",
     {},
     0,
     "2026-03-02T00:00:00Z",
     "2026-03-01T10:00:00Z"},
    {"CEF without a time field: the syslog header's",
     LogFormat::kCef,
     "<134>Mar  1 10:00:00 fw01 CEF:0|V|P|1|1|N|1|dst=192.0.2.1",
     {},
     3600,
     "2026-03-02T00:00:00Z",
     "2026-03-01T09:00:00Z"},
    {"CEF with neither: no time",
     LogFormat::kCef,
     "CEF:0|V|P|1|1|N|1|dst=192.0.2.1",
     {},
     0,
     "2026-03-02T00:00:00Z",
     ""},
    {"CEF rt that is no time: a malformed line",
     LogFormat::kCef,
     "CEF:0|V|P|1|1|N|1|rt=yesterday dst=192.0.2.1",
     {},
     0,
     "2026-03-02T00:00:00Z",
     "malformed"},
    {"CEF rt with a named zone: a malformed line",
     LogFormat::kCef,
     "CEF:0|V|P|1|1|N|1|rt=Mar 01 2026 10:00:00 PST dst=192.0.2.1",
     {},
     0,
     "2026-03-02T00:00:00Z",
     "malformed"},
    {"RFC 3164: the year the log was written, UTC",
     LogFormat::kSyslog,
     "<13>Mar  1 10:00:00 h app: from 192.0.2.1",
     {},
     0,
     "2026-03-02T00:00:00Z",
     "2026-03-01T10:00:00Z"},
    {"RFC 3164: a line after the log's last write is of the year before",
     LogFormat::kSyslog,
     "Dec 31 23:00:00 h app: from 192.0.2.1",
     {},
     0,
     "2026-01-05T00:00:00Z",
     "2025-12-31T23:00:00Z"},
    {"RFC 3164: the year and zone given", LogFormat::kSyslog,
     "<13>Mar  1 10:00:00 h app: from 192.0.2.1", 2024, -18000, "2026-03-02T00:00:00Z",
     "2024-03-01T15:00:00Z"},
    {"RFC 3164: the year given, even after the log's last write", LogFormat::kSyslog,
     "Dec 31 23:00:00 h app: from 192.0.2.1", 2026, 0, "2026-01-05T00:00:00Z",
     "2026-12-31T23:00:00Z"},
    {"RFC 3164: no such date in the year given", LogFormat::kSyslog,
     "Feb 29 10:00:00 h app: from 192.0.2.1", 2025, 0, "2026-03-02T00:00:00Z", "malformed"},
    {"RFC 5424: its own time and zone, whatever the zone given", LogFormat::kSyslog,
     "<13>1 2026-03-01T10:00:00+01:00 h app - - - from 192.0.2.1", 1999, 18000,
     "2026-03-02T00:00:00Z", "2026-03-01T09:00:00Z"},
    {"RFC 5424 without a time",
     LogFormat::kSyslog,
     "<13>1 - h app - - - from 192.0.2.1",
     {},
     0,
     "2026-03-02T00:00:00Z",
     ""},
    {"ISO 8601 header without a zone: the zone given",
     LogFormat::kSyslog,
     "2026-03-01T10:00:00 h app: from 192.0.2.1",
     {},
     7200,
     "2026-03-02T00:00:00Z",
     "2026-03-01T08:00:00Z"},
};

TEST(LogTimeTest, EveryFormatGivesItsEventsTime) {
  for (const EventTimeCase& c : kEventTimes) {
    SCOPED_TRACE(c.about);
    auto reader = LogReader::FromString(std::string(c.line) + "\n", c.format);
    ASSERT_TRUE(reader.ok());
    (*reader)->SetClock(LogClock{c.year, c.offset, ParseTimestamp(c.written).value()});
    Event e;
    auto more = (*reader)->Next(e);
    ASSERT_TRUE(more.ok());
    if (std::string_view(c.want) == "malformed") {
      EXPECT_FALSE(*more);
      EXPECT_EQ((*reader)->stats().malformed, 1u);
      continue;
    }
    ASSERT_TRUE(*more) << ((*reader)->stats().examples.empty()
                               ? std::string()
                               : (*reader)->stats().examples.front().reason);
    ASSERT_FALSE(e.observables.empty());  // the time never costs the line its values
    if (*c.want == '\0') {
      EXPECT_FALSE(e.time.has_value());
    } else {
      ASSERT_TRUE(e.time.has_value());
      EXPECT_EQ(FormatTimestamp(*e.time, TimePrecision::kShortest), c.want);
    }
  }
}

TEST(LogReaderTest, MissingFileAndMissingMapAreErrors) {
  EXPECT_EQ(LogReader::Open("/nonexistent/x.log", LogFormat::kZeek).status().code(),
            ErrorCode::kIo);
  EXPECT_EQ(LogReader::FromString("{}", LogFormat::kJson).status().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::hunt

namespace tessera::hunt {
namespace {

// Mutated log lines (bit flips, cut lines, spliced bytes) through every reader and every
// observable through the normalizers and an index: nothing may crash (the suite runs under
// ASan/UBSan), and every line is an event, a blank line or a counted malformed one.
TEST(LogReaderTest, MutatedInputNeverCrashes) {
  const std::string seeds[] = {
      R"({"ts":1714557601.0,"uid":"C1","id.orig_h":"10.0.0.5","id.resp_h":"2001:db8::1","query":"bücher.example","answers":["a.example","198.51.100.9"],"host":"x.example:8080","uri":"/a/../b?%7e=1","referrer":"HTTP://U@[::1]:80/x","md5":"44d88612fea8a8f36de82e1278abb02f","from":"A <a@b.example>"})",
      R"({"timestamp":"2024-05-01T10:00:06.000000+0000","event_type":"dns","src_ip":"10.0.0.1","dns":{"answers":[{"rrname":"a.example","rdata":"::ffff:1.2.3.4"}],"grouped":{"A":["1.2.3.4"]}},"tls":{"fingerprint":"33:95:85:6c"}})",
      R"({"@timestamp":"2024-05-01T10:01:01Z","winlog":{"event_data":{"QueryResults":"type:  5 e.example;::ffff:1.2.3.4;","Hashes":"SHA1=00,MD5=44D88612FEA8A8F36DE82E1278ABB02F,X=1"}},"url":{"full":"https://a.example:443/%zz"}})",
      "<134>May  1 10:03:00 fw CEF:0|V|P|1.0|100|N|7|src=203.0.113.66 "
      "request=http://a.example/\\=x fileHash=abc dhost=[::1]:80",
      "<13>1 2024-05-01T10:02:02+00:00 h app 1 - [o ip=\"1.2.3.4\"] mail <a@b.example> "
      "http://x.example/y [2001:db8::1]:443 a.b.c.d.example. "
      "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f",
  };
  IndicatorIndexBuilder b;
  uint32_t ind =
      b.AddIndicator({"indicator--00000000-0000-4000-8000-000000000001", {}, {}, false}).value();
  ASSERT_TRUE(b.AddAtomic(ind, "domain-name", "value", "example").ok());
  ASSERT_TRUE(b.AddAtomic(ind, "ipv4-addr", "value", "0.0.0.0/1").ok());
  ASSERT_TRUE(b.AddAtomic(ind, "ipv6-addr", "value", "::/1").ok());
  ASSERT_TRUE(b.AddAllowlistEntry("1.2.3.0/24").ok());
  IndicatorIndex index = std::move(b).Build().value();

  uint64_t state = 0x243f6a8885a308d3ULL;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  LookupScratch scratch;
  std::vector<Hit> hits;
  for (LogFormat format : {LogFormat::kZeek, LogFormat::kSuricataEve, LogFormat::kEcs,
                           LogFormat::kCef, LogFormat::kSyslog}) {
    std::string text;
    for (int round = 0; round < 400; ++round) {
      std::string line = seeds[next() % std::size(seeds)];
      int edits = 1 + static_cast<int>(next() % 4);
      for (int e = 0; e < edits && !line.empty(); ++e) {
        size_t at = next() % line.size();
        switch (next() % 4) {
          case 0:
            line[at] = static_cast<char>(line[at] ^ (1 << (next() % 8)));
            break;
          case 1:
            line.resize(at);
            break;
          case 2:
            line.insert(at, 1, static_cast<char>(next() % 256));
            break;
          default:
            line.erase(at, 1 + next() % 8);
            break;
        }
      }
      for (char& c : line) {
        if (c == '\n') c = ' ';
      }
      text += line;
      text += '\n';
    }
    auto reader = LogReader::FromString(text, format);
    ASSERT_TRUE(reader.ok());
    Event event;
    uint64_t blank = 0;
    while (true) {
      auto more = (*reader)->Next(event);
      ASSERT_TRUE(more.ok());
      if (!*more) break;
      for (const Observable& o : event.observables) {
        hits.clear();
        index.Lookup(o, Timestamp{1'700'000'000, 0}, scratch, hits);
      }
    }
    const ReaderStats& s = (*reader)->stats();
    for (std::string_view rest = text; !rest.empty();) {
      size_t nl = rest.find('\n');
      std::string_view l = rest.substr(0, nl);
      if (l.find_first_not_of(" \t\r") == std::string_view::npos) ++blank;
      rest.remove_prefix(nl + 1);
    }
    EXPECT_EQ(s.lines, 400u);
    EXPECT_EQ(s.events + s.malformed + blank, s.lines) << LogFormatName(format);
  }
}

}  // namespace
}  // namespace tessera::hunt
