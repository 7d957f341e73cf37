// Data-driven tests of src/hunt: builds the index from tests/data/hunt/indicators.json and
// allowlist.txt, then (1) reads every log in cases.json and compares the exact list of hits, tied
// to line and field, and the line counts; (2) looks single values up.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "common/file.h"
#include "common/json.h"
#include "hunt/hunter.h"
#include "hunt/indicator_index.h"
#include "hunt/log_reader.h"

namespace tessera::hunt {
namespace {

namespace json = boost::json;

// The source tree comes from the environment under ctest; test discovery (at build time, without
// that environment) uses the path compiled in, so that it lists one test per log file.
std::string DataDir() {
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  return std::string(src ? src : TESSERA_SOURCE_DIR_DEFAULT) + "/tests/data/hunt/";
}

json::value LoadJson(const std::string& name) {
  auto text = ReadInput(DataDir() + name);
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  auto v = ParseJson(*text);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? *v : json::value();
}

Timestamp T(std::string_view s) {
  auto t = ParseTimestamp(s);
  EXPECT_TRUE(t.ok()) << s;
  return t.ok() ? *t : Timestamp{};
}

std::string Str(const json::value& v) { return std::string(v.as_string()); }

struct Fixture {
  std::optional<IndicatorIndex> index;
  std::vector<std::string> names;  // by indicator number
  Timestamp default_time;
  json::value cases;
};

Fixture& Shared() {
  static Fixture* f = [] {
    auto* fx = new Fixture;
    json::value ind = LoadJson("indicators.json");
    IndicatorIndexBuilder b;
    for (const json::value& i : ind.at("indicators").as_array()) {
      const json::object& o = i.as_object();
      IndicatorRef ref;
      ref.id = Str(o.at("id"));
      ref.valid_from = T(o.at("valid_from").as_string());
      if (o.contains("valid_until")) ref.valid_until = T(o.at("valid_until").as_string());
      ref.revoked = o.contains("revoked") && o.at("revoked").as_bool();
      auto n = b.AddIndicator(ref);
      EXPECT_TRUE(n.ok()) << ref.id;
      fx->names.push_back(Str(o.at("name")));
      for (const json::value& a : o.at("atomics").as_array()) {
        AtomicOp op = a.as_object().contains("op") ? AtomicOp::kIsSubset : AtomicOp::kEqual;
        Status st = b.AddAtomic(*n, Str(a.at("type")), Str(a.at("path")), Str(a.at("value")), op);
        EXPECT_TRUE(st.ok()) << st.ToString();
      }
    }
    auto allow = ReadInput(DataDir() + "allowlist.txt");
    EXPECT_TRUE(allow.ok());
    Status st = b.AddAllowlist(*allow);
    EXPECT_TRUE(st.ok()) << st.ToString();
    auto built = std::move(b).Build();
    EXPECT_TRUE(built.ok()) << built.status().ToString();
    fx->index.emplace(std::move(built).value());
    fx->cases = LoadJson("cases.json");
    fx->default_time = T(fx->cases.at("default_time").as_string());
    return fx;
  }();
  return *f;
}

using HitRow = std::tuple<int64_t, std::string, std::string, std::string>;

std::vector<HitRow> ExpectedHits(const json::object& log) {
  std::vector<HitRow> rows;
  for (const json::value& h : log.at("hits").as_array()) {
    const json::array& a = h.as_array();
    rows.emplace_back(a[0].to_number<int64_t>(), Str(a[1]), Str(a[2]), Str(a[3]));
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

const json::object& LogCase(const std::string& file) {
  for (const json::value& l : Shared().cases.at("logs").as_array()) {
    if (l.at("file").as_string() == file) return l.as_object();
  }
  static json::object none;
  ADD_FAILURE() << "no case for " << file;
  return none;
}

class HuntLogTest : public ::testing::TestWithParam<std::string> {};

TEST_P(HuntLogTest, HitsAndCounts) {
  Fixture& fx = Shared();
  const json::object& c = LogCase(GetParam());
  const json::object& expect = c.contains("same_as") ? LogCase(Str(c.at("same_as"))) : c;
  auto format = LogFormatFromName(c.at("format").as_string());
  ASSERT_TRUE(format.has_value());
  std::optional<FieldMap> map;
  if (c.contains("field_map")) {
    auto text = ReadInput(DataDir() + Str(c.at("field_map")));
    ASSERT_TRUE(text.ok());
    auto m = ParseFieldMap(*text);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    map.emplace(std::move(m).value());
  }
  auto reader = LogReader::Open(DataDir() + GetParam(), *format, map ? &*map : nullptr);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();

  std::vector<HitRow> got;
  auto stats = HuntLog(**reader, *fx.index, fx.default_time,
                       [&](const Event& event, const Observable& o, const Hit& h) {
                         got.emplace_back(static_cast<int64_t>(event.line), std::string(o.field),
                                          fx.names[h.indicator], std::string(o.value));
                       });
  bool io_error = !stats.ok();
  if (c.contains("io_error")) {
    EXPECT_TRUE(io_error) << "a truncated gzip stream must be reported";
    return;
  }
  ASSERT_FALSE(io_error);
  std::sort(got.begin(), got.end());
  std::vector<HitRow> want = ExpectedHits(expect);
  EXPECT_EQ(got, want);
  for (const HitRow& r : got) {
    if (!std::binary_search(want.begin(), want.end(), r)) {
      ADD_FAILURE() << "unexpected hit: line " << std::get<0>(r) << " field " << std::get<1>(r)
                    << " " << std::get<2>(r) << " value " << std::get<3>(r);
    }
  }
  for (const HitRow& r : want) {
    if (!std::binary_search(got.begin(), got.end(), r)) {
      ADD_FAILURE() << "missing hit: line " << std::get<0>(r) << " field " << std::get<1>(r) << " "
                    << std::get<2>(r) << " value " << std::get<3>(r);
    }
  }
  const ReaderStats& s = stats->reader;
  EXPECT_EQ(stats->hits, got.size());
  if (expect.contains("allowlisted")) {
    EXPECT_EQ(stats->allowlisted, expect.at("allowlisted").to_number<uint64_t>());
  }
  // The format is recognized from the first line (a field-mapped source is not).
  auto lines = LineReader::Open(DataDir() + GetParam());
  ASSERT_TRUE(lines.ok());
  std::string_view first;
  bool oversized = false;
  do {
    ASSERT_TRUE(*(*lines)->Next(&first, &oversized));
  } while (first.empty());
  auto detected = DetectLogFormat(first);
  if (*format == LogFormat::kJson) {
    EXPECT_FALSE(detected.has_value());
  } else {
    EXPECT_EQ(detected, format);
  }
  EXPECT_EQ(s.lines, expect.at("lines").to_number<uint64_t>());
  EXPECT_EQ(s.events, expect.at("events").to_number<uint64_t>());
  EXPECT_EQ(s.malformed, expect.at("malformed").to_number<uint64_t>());
  EXPECT_EQ(s.examples.size(), s.malformed);
  for (const MalformedLine& m : s.examples) EXPECT_FALSE(m.reason.empty()) << "line " << m.line;
}

std::vector<std::string> LogFiles() {
  std::vector<std::string> files;
  for (const json::value& l : Shared().cases.at("logs").as_array())
    files.push_back(Str(l.at("file")));
  return files;
}

INSTANTIATE_TEST_SUITE_P(Logs, HuntLogTest, ::testing::ValuesIn(LogFiles()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

ObservableKind KindOf(std::string_view k) {
  if (k == "ip") return ObservableKind::kIpAddress;
  if (k == "domain") return ObservableKind::kDomainName;
  if (k == "host") return ObservableKind::kHost;
  if (k == "url") return ObservableKind::kUrl;
  if (k == "email") return ObservableKind::kEmailAddress;
  if (k == "hash") return ObservableKind::kHash;
  return ObservableKind::kOther;
}

TEST(HuntLookupTest, Cases) {
  Fixture& fx = Shared();
  LookupScratch scratch;
  std::vector<Hit> hits;
  for (const json::value& v : fx.cases.at("lookups").as_array()) {
    const json::object& c = v.as_object();
    std::string value = Str(c.at("value"));
    std::string path = c.contains("object_path") ? Str(c.at("object_path")) : "";
    Observable o;
    o.kind = KindOf(c.at("kind").as_string());
    o.value = value;
    o.object_path = path;
    if (c.contains("role")) {
      o.role =
          c.at("role").as_string() == "source" ? AddressRole::kSource : AddressRole::kDestination;
    }
    Timestamp at = c.contains("at") ? T(c.at("at").as_string()) : fx.default_time;
    hits.clear();
    LookupResult r = fx.index->Lookup(o, at, scratch, hits);
    std::vector<std::string> got;
    for (const Hit& h : hits) got.push_back(fx.names[h.indicator]);
    std::vector<std::string> want;
    for (const json::value& e : c.at("expect").as_array()) want.push_back(Str(e));
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    std::string what = json::serialize(v);
    EXPECT_EQ(got, want) << what;
    EXPECT_EQ(r.hits, hits.size()) << what;
    EXPECT_EQ(r.allowlisted, c.contains("allowlisted")) << what;
    EXPECT_EQ(r.unparseable, c.contains("unparseable")) << what;
    if (c.contains("matched") && !hits.empty()) {
      EXPECT_EQ(hits[0].matched, Str(c.at("matched"))) << what;
    }
    if (c.contains("prefix") && !hits.empty()) {
      EXPECT_EQ(FormatIpPrefix(hits[0].prefix), Str(c.at("prefix"))) << what;
    }
  }
}

}  // namespace
}  // namespace tessera::hunt
