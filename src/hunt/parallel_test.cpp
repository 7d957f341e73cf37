#include "hunt/parallel.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include "hunt/hunter.h"

namespace tessera::hunt {
namespace {

namespace fs = std::filesystem;

HuntInput In(const std::filesystem::path& path, std::optional<LogFormat> format = std::nullopt) {
  HuntInput in;
  in.path = path.string();
  in.format = format;
  return in;
}

// (file, line, field, value, indicator number)
using HitRow = std::tuple<std::string, uint64_t, std::string, std::string, uint32_t>;

class ParallelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tessera-parallel-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    IndicatorIndexBuilder b;
    const Timestamp from{1'600'000'000, 0};
    auto add = [&](const char* id, const char* type, const char* value, AtomicOp op) {
      auto n = b.AddIndicator({id, from, std::nullopt, false});
      ASSERT_TRUE(n.ok());
      ASSERT_TRUE(b.AddAtomic(*n, type, "value", value, op).ok());
    };
    add("indicator--00000000-0000-4000-8000-000000000001", "ipv4-addr", "198.51.100.7",
        AtomicOp::kEqual);
    add("indicator--00000000-0000-4000-8000-000000000002", "domain-name", "evil.example",
        AtomicOp::kEqual);
    add("indicator--00000000-0000-4000-8000-000000000003", "ipv4-addr", "203.0.113.0/24",
        AtomicOp::kIsSubset);
    auto index = std::move(b).Build();
    ASSERT_TRUE(index.ok());
    index_.emplace(std::move(index).value());
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A Zeek log of `lines` lines; every 7th carries a hit, every 50th is malformed, every 61st
  // is blank, every 13th ends in CRLF.
  static std::string ZeekLog(size_t lines, size_t seed) {
    std::string text;
    for (size_t i = 1; i <= lines; ++i) {
      if (i % 61 == 0) {
        text += "\n";
        continue;
      }
      if (i % 50 == 0) {
        text += "{\"ts\": 1714557600.0, \"broken\n";
        continue;
      }
      std::string resp = "10.0." + std::to_string((i + seed) % 250) + ".1";
      std::string query = "host" + std::to_string(i) + ".corp.lan";
      if (i % 7 == 0) resp = "198.51.100.7";
      if (i % 21 == 0) query = "a.evil.example";
      if (i % 35 == 0) resp = "203.0.113." + std::to_string(i % 200);
      text += R"({"ts":1714557600.5,"_path":"dns","uid":"C)" + std::to_string(i) +
              R"(","id.orig_h":"10.1.1.1","id.orig_p":5353,"id.resp_h":")" + resp +
              R"(","id.resp_p":53,"query":")" + query + R"(","answers":[")" + resp + R"("]})";
      text += i % 13 == 0 ? "\r\n" : "\n";
    }
    return text;
  }

  fs::path Write(const std::string& name, const std::string& text, bool gzip = false) {
    fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    if (gzip) {
      gzFile f = gzopen(p.c_str(), "wb");
      EXPECT_NE(f, nullptr);
      EXPECT_EQ(gzwrite(f, text.data(), static_cast<unsigned>(text.size())),
                static_cast<int>(text.size()));
      gzclose(f);
    } else {
      std::ofstream(p, std::ios::binary) << text;
    }
    return p;
  }

  struct Run {
    std::vector<HitRow> hits;
    std::vector<InputSummary> summaries;
    RunSummary summary;
    std::vector<HuntProgress> progress;
  };

  Run Hunt(const std::vector<HuntInput>& inputs, unsigned threads, size_t max_line = 300,
           size_t chunk_bytes = 1000) {
    ParallelOptions options;
    options.threads = threads;
    options.chunk_bytes = chunk_bytes;
    options.limits.max_line = max_line;
    options.limits.input = input_limits_;
    Run run;
    options.progress = [&run](const HuntProgress& p) { run.progress.push_back(p); };
    auto summary = HuntInputs(
        inputs, *index_, Timestamp{1'700'000'000, 0}, options,
        [&run](const HitContext& c, const Event& e, const Observable& o, const Hit& h) {
          run.hits.emplace_back(c.path, e.line, std::string(o.field), std::string(o.value),
                                h.indicator);
        },
        [&run](const InputSummary& s) { run.summaries.push_back(s); });
    EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    if (summary.ok()) run.summary = *summary;
    return run;
  }

  // What the one-file loop (LogReader + HuntLog) finds in `path`.
  std::vector<HitRow> Reference(const fs::path& path, HuntStats* stats = nullptr,
                                size_t max_line = 300) {
    ReaderLimits limits;
    limits.max_line = max_line;
    auto reader = LogReader::Open(path.string(), LogFormat::kZeek, nullptr, limits);
    EXPECT_TRUE(reader.ok());
    std::vector<HitRow> rows;
    auto r = HuntLog(**reader, *index_, Timestamp{1'700'000'000, 0},
                     [&](const Event& e, const Observable& o, const Hit& h) {
                       rows.emplace_back(path.string(), e.line, std::string(o.field),
                                         std::string(o.value), h.indicator);
                     });
    if (stats != nullptr) {
      if (r.ok()) {
        *stats = *r;
      } else {
        stats->reader = (*reader)->stats();
      }
    }
    return rows;
  }

  // `text` gzip-compressed (one member).
  static std::string Gzip(const std::string& text) {
    z_stream z{};
    EXPECT_EQ(
        deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
        Z_OK);
    std::string out(deflateBound(&z, text.size()), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    z.avail_in = static_cast<uInt>(text.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
  }

  fs::path dir_;
  std::optional<IndicatorIndex> index_;
  InputLimits input_limits_;
};

TEST_F(ParallelTest, ManyThreadsGiveTheOneThreadOutputWithFileLineNumbers) {
  fs::path plain = Write("conn.log", ZeekLog(3000, 1));
  fs::path gz = Write("dns.log.gz", ZeekLog(2500, 2), /*gzip=*/true);
  HuntStats ref_stats;
  std::vector<HitRow> expected = Reference(plain, &ref_stats);
  std::vector<HitRow> expected_gz = Reference(gz);
  expected.insert(expected.end(), expected_gz.begin(), expected_gz.end());
  ASSERT_GT(expected.size(), 500u);

  std::vector<HuntInput> inputs = {In(plain), In(gz)};
  Run one = Hunt(inputs, 1);
  Run four = Hunt(inputs, 4);
  EXPECT_EQ(one.hits, expected);
  EXPECT_EQ(four.hits, expected);
  // Chunks of ~1000 bytes: the file was cut into many, and line numbers run on across them.
  EXPECT_EQ(std::get<1>(four.hits.back()), 2499u);

  ASSERT_EQ(four.summaries.size(), 2u);
  const InputSummary& s = four.summaries[0];
  EXPECT_TRUE(s.status.ok());
  EXPECT_EQ(s.format, LogFormat::kZeek);  // told from the first line
  EXPECT_EQ(s.stats.reader.lines, ref_stats.reader.lines);
  EXPECT_EQ(s.stats.reader.events, ref_stats.reader.events);
  EXPECT_EQ(s.stats.reader.malformed, 60u);
  EXPECT_EQ(s.stats.hits, ref_stats.hits);
  EXPECT_EQ(s.stats.observables, ref_stats.observables);
  ASSERT_EQ(s.stats.reader.examples.size(), ReaderStats::kMaxExamples);
  EXPECT_EQ(s.stats.reader.examples[0].line, 50u);
  EXPECT_EQ(s.stats.reader.examples[19].line, 1000u);
  EXPECT_EQ(four.summary.files, 2u);
  EXPECT_EQ(four.summary.hits, expected.size());

  ASSERT_FALSE(four.progress.empty());
  const HuntProgress& last = four.progress.back();
  EXPECT_TRUE(last.done);
  EXPECT_EQ(last.bytes_total, fs::file_size(plain) + fs::file_size(gz));
  EXPECT_EQ(last.bytes_read, last.bytes_total);
  EXPECT_EQ(last.hits, expected.size());
}

TEST_F(ParallelTest, DirectoriesAreReadRecursivelyInPathOrder) {
  Write("logs/b.log", ZeekLog(30, 0));
  Write("logs/a/c.log", ZeekLog(30, 0));
  Write("logs/a/d.log.gz", ZeekLog(30, 0), true);
  Run run = Hunt({In(dir_ / "logs")}, 2);
  ASSERT_EQ(run.summaries.size(), 3u);
  EXPECT_EQ(run.summaries[0].path, (dir_ / "logs/a/c.log").string());
  EXPECT_EQ(run.summaries[1].path, (dir_ / "logs/a/d.log.gz").string());
  EXPECT_EQ(run.summaries[2].path, (dir_ / "logs/b.log").string());
  ASSERT_FALSE(run.hits.empty());
  EXPECT_EQ(std::get<0>(run.hits.front()), (dir_ / "logs/a/c.log").string());
  EXPECT_EQ(std::get<0>(run.hits.back()), (dir_ / "logs/b.log").string());
}

TEST_F(ParallelTest, LinesLongerThanAChunkAreCountedAndSkipped) {
  // max_line 300, chunks of 1000 bytes: a 5000-byte line cannot be held at all; a 400-byte one
  // is in a chunk but over the limit. Both are malformed lines with their numbers, and the line
  // numbers after them stay right.
  std::string text = ZeekLog(20, 0);
  text += "{\"ts\":1.0,\"query\":\"" + std::string(5000, 'x') + "\"}\n";  // line 21
  text += ZeekLog(20, 0);                                                 // lines 22..41
  text += "{\"ts\":1.0,\"query\":\"" + std::string(400, 'y') + "\"}\n";   // line 42
  text += ZeekLog(14, 0);                                                 // lines 43..56
  fs::path p = Write("long.log", text);
  HuntStats ref;
  std::vector<HitRow> expected = Reference(p, &ref);
  Run run = Hunt({In(p)}, 3);
  EXPECT_EQ(run.hits, expected);
  ASSERT_EQ(run.summaries.size(), 1u);
  const ReaderStats& r = run.summaries[0].stats.reader;
  EXPECT_EQ(r.lines, 56u);
  EXPECT_EQ(r.lines, ref.reader.lines);
  EXPECT_EQ(r.malformed, ref.reader.malformed);
  std::vector<uint64_t> bad;
  for (const MalformedLine& m : r.examples) bad.push_back(m.line);
  EXPECT_EQ(bad, (std::vector<uint64_t>{21, 42}));
  ASSERT_FALSE(run.hits.empty());
  EXPECT_EQ(std::get<1>(run.hits.back()), 56u);  // 56 % 7 == 0
}

TEST_F(ParallelTest, AFailedInputIsReportedAndTheOthersAreHunted) {
  fs::path good = Write("good.log", ZeekLog(100, 0));
  fs::path unknown = Write("unknown.log", "\n\nsomething that is no log format\n");
  fs::path blank = Write("blank.log", "\n \n");
  Run run = Hunt({In(dir_ / "missing.log"), In(unknown), In(blank), In(good)}, 2);
  ASSERT_EQ(run.summaries.size(), 4u);
  EXPECT_EQ(run.summaries[0].status.code(), ErrorCode::kIo);
  EXPECT_EQ(run.summaries[1].status.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(run.summaries[1].status.message().find("cannot tell the log format"),
            std::string::npos);
  EXPECT_EQ(run.summaries[2].status.code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(run.summaries[3].status.ok());
  EXPECT_EQ(run.summary.failed, 3u);
  EXPECT_EQ(run.hits, Reference(good));
  EXPECT_EQ(run.progress.back().bytes_total, 0u) << "a missing file: the total is unknown";
}

TEST_F(ParallelTest, StandardInputIsReadAndItsFormatTold) {
  std::string text = ZeekLog(200, 3);
  ASSERT_LT(text.size(), 60000u);  // fits a pipe's buffer: written before the hunt reads it
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(fds[1]);
  const int saved = ::dup(STDIN_FILENO);
  ASSERT_GE(::dup2(fds[0], STDIN_FILENO), 0);
  ::close(fds[0]);
  Run run = Hunt({In("-")}, 2);
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);

  std::vector<HitRow> expected = Reference(Write("stdin.log", text));
  for (HitRow& row : expected) std::get<0>(row) = "-";
  EXPECT_EQ(run.hits, expected);
  ASSERT_EQ(run.summaries.size(), 1u);
  EXPECT_TRUE(run.summaries[0].status.ok());
  EXPECT_EQ(run.summaries[0].format, LogFormat::kZeek);
  EXPECT_EQ(run.progress.back().bytes_total, 0u);  // unknown for a pipe
  EXPECT_EQ(run.progress.back().bytes_read, text.size());
}

TEST_F(ParallelTest, ATruncatedGzipStopsItsFileAfterTheLinesBeforeTheDamage) {
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  if (src == nullptr) GTEST_SKIP() << "TESSERA_SOURCE_DIR is not set";
  fs::path p = fs::path(src) / "tests/data/hunt/truncated.log.gz";
  HuntStats ref;
  std::vector<HitRow> expected = Reference(p, &ref, LineReader::kDefaultMaxLine);
  Run run = Hunt({In(p, LogFormat::kZeek)}, 2, LineReader::kDefaultMaxLine);
  ASSERT_EQ(run.summaries.size(), 1u);
  EXPECT_EQ(run.summaries[0].status.code(), ErrorCode::kCorrupt);
  EXPECT_NE(run.summaries[0].status.message().find("compressed offset"), std::string::npos)
      << run.summaries[0].status.message();
  EXPECT_EQ(run.hits, expected);
  EXPECT_EQ(run.summaries[0].stats.reader.lines, ref.reader.lines);
}

TEST_F(ParallelTest, GzipMembersAreReadOneAfterTheOtherAndGarbageBetweenThemIsAnError) {
  const std::string first = ZeekLog(70, 0), second = ZeekLog(70, 5);
  // Two members (what `cat a.gz b.gz` makes): read as one log.
  fs::path both = Write("both.log.gz", Gzip(first) + Gzip(second));
  Run whole = Hunt({In(both)}, 2);
  ASSERT_EQ(whole.summaries.size(), 1u);
  EXPECT_TRUE(whole.summaries[0].status.ok()) << whole.summaries[0].status.ToString();
  std::vector<HitRow> expected = Reference(Write("both.log", first + second));
  for (HitRow& row : expected) std::get<0>(row) = both.string();
  EXPECT_EQ(whole.hits, expected);

  // Garbage after the first member: the file is damaged; the hunt says where, never ends the
  // log silently (zlib's gzread stops there as if it were the end).
  const std::string member = Gzip(first);
  fs::path damaged = Write("damaged.log.gz", member + "garbage!" + Gzip(second));
  for (unsigned threads : {1u, 3u}) {
    Run run = Hunt({In(damaged)}, threads);
    ASSERT_EQ(run.summaries.size(), 1u);
    const Status& st = run.summaries[0].status;
    EXPECT_EQ(st.code(), ErrorCode::kCorrupt) << st.ToString();
    EXPECT_NE(st.message().find(damaged.string()), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("offset " + std::to_string(member.size())), std::string::npos)
        << st.message();
    std::vector<HitRow> before = Reference(Write("first.log", first));
    for (HitRow& row : before) std::get<0>(row) = damaged.string();
    EXPECT_EQ(run.hits, before) << "the lines before the damage are hunted";
  }
  // The one-file reader agrees.
  auto reader = LogReader::Open(damaged.string(), LogFormat::kZeek);
  ASSERT_TRUE(reader.ok());
  Event event;
  Result<bool> more = true;
  while (more.ok() && *more) more = (*reader)->Next(event);
  EXPECT_EQ(more.status().code(), ErrorCode::kCorrupt);
}

TEST_F(ParallelTest, AGzipBombIsStoppedAndSaidSo) {
  input_limits_.ratio_floor = 1u << 20;  // 16 MiB of one byte inflate from ~16 KiB
  fs::path bomb = Write("bomb.log.gz", Gzip(std::string(16u << 20, 'a')));
  Run run = Hunt({In(bomb)}, 2, 300, 1u << 20);
  ASSERT_EQ(run.summaries.size(), 1u);
  const Status& st = run.summaries[0].status;
  EXPECT_EQ(st.code(), ErrorCode::kLimitExceeded) << st.ToString();
  EXPECT_NE(st.message().find("decompression bomb"), std::string::npos) << st.message();
  EXPECT_EQ(run.summary.failed, 1u);
}

TEST_F(ParallelTest, TheFormatIsToldFromTheFirstGoodLines) {
  // A first line that is not UTF-8 (nor any format) does not lose the log.
  const std::string text = "\xff\xfe junk\n" + ZeekLog(40, 0);
  fs::path p = Write("bad-first.log", text);
  Run run = Hunt({In(p)}, 2);
  ASSERT_EQ(run.summaries.size(), 1u);
  EXPECT_TRUE(run.summaries[0].status.ok()) << run.summaries[0].status.ToString();
  EXPECT_EQ(run.summaries[0].format, LogFormat::kZeek);
  EXPECT_FALSE(run.hits.empty());
  EXPECT_EQ(run.hits, Reference(p));
  ASSERT_FALSE(run.summaries[0].stats.reader.examples.empty());
  EXPECT_EQ(run.summaries[0].stats.reader.examples[0].line, 1u);

  // Only unknown lines: still said, with how many were tried.
  std::string unknown;
  for (int i = 0; i < 150; ++i) unknown += "no format here\n";
  Run bad = Hunt({In(Write("unknown.log", unknown))}, 1, 300, 1u << 16);
  ASSERT_EQ(bad.summaries.size(), 1u);
  EXPECT_EQ(bad.summaries[0].status.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(
      bad.summaries[0].status.message().find("first " + std::to_string(kMaxDetectLines) + " lines"),
      std::string::npos)
      << bad.summaries[0].status.message();
}

TEST_F(ParallelTest, AFileOfOneOverlongLineIsNotCalledEmpty) {
  fs::path p = Write("one-line.log", "{\"ts\":1.0,\"query\":\"" + std::string(5000, 'x') + "\"}");
  Run run = Hunt({In(p)}, 2);
  ASSERT_EQ(run.summaries.size(), 1u);
  const Status& st = run.summaries[0].status;
  EXPECT_EQ(st.code(), ErrorCode::kLimitExceeded) << st.ToString();
  EXPECT_EQ(st.message().find("empty"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("longer than the 300-byte limit"), std::string::npos) << st.message();
  EXPECT_EQ(run.summaries[0].stats.reader.malformed, 1u);
}

}  // namespace
}  // namespace tessera::hunt
