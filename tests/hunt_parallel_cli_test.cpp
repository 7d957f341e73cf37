// End-to-end: `tessera hunt --threads N` writes, byte for byte, what `--threads 1` writes, over a
// directory of logs (plain and gzip, one of them larger than a read chunk, so that its parts are
// hunted at once), with a pattern whose window spans two files.

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "hunt_cli_fixture.h"

namespace {

namespace fs = std::filesystem;

using tessera::testing::CliRun;

class HuntParallelCliTest : public tessera::testing::HuntCliFixture {
 protected:
  HuntParallelCliTest() : HuntCliFixture("tessera-hunt-parallel") {}

  void SetUp() override {
    HuntCliFixture::SetUp();
    fs::create_directories(dir_ / "logs/sub");
    std::ofstream(dir_ / "intel.ndjson")
        << Indicator(1, "[domain-name:value = 'evil.example']")
        << Indicator(2, "[ipv4-addr:value ISSUBSET '203.0.113.0/24']")
        << Indicator(3,
                     "[domain-name:value = 'stage.example'] "
                     "FOLLOWEDBY [ipv4-addr:value = '198.51.100.30']");
  }

  static std::string Indicator(int n, const std::string& pattern) {
    return R"({"type":"indicator","spec_version":"2.1","id":"indicator--e1000000-0000-4000-8000-00000000000)" +
           std::to_string(n) +
           R"(","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","pattern":")" +
           pattern + R"(","pattern_type":"stix","valid_from":"2020-01-01T00:00:00Z"})" + "\n";
  }

  // Zeek DNS records; every 97th asks for a.evil.example and every 89th goes to 203.0.113.x.
  static std::string ZeekDns(size_t lines, int64_t ts) {
    std::string text;
    for (size_t i = 1; i <= lines; ++i) {
      std::string query = i % 97 == 0 ? "a.evil.example" : "host" + std::to_string(i) + ".corp.lan";
      std::string resp = i % 89 == 0 ? "203.0.113." + std::to_string(i % 250) : "10.0.0.53";
      text +=
          R"({"ts":)" + std::to_string(ts + static_cast<int64_t>(i)) +
          R"(.25,"uid":"CAbCdEfGhIjKlMnOpQ","id.orig_h":"10.1.2.3","id.orig_p":53124,"id.resp_h":")" +
          resp + R"(","id.resp_p":53,"proto":"udp","query":")" + query +
          R"(","qtype_name":"A","rcode_name":"NOERROR","answers":["10.9.8.7"],"TTLs":[300.0]})" +
          "\n";
    }
    return text;
  }

  CliRun Hunt(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"hunt", "--intel", (dir_ / "intel.ndjson").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return Tessera(args);
  }
};

TEST_F(HuntParallelCliTest, ManyThreadsWriteWhatOneThreadWrites) {
  // a.log: ~10 MB, more than one 8 MiB chunk. sub/b.log.gz: the stage.example query that opens
  // the window; sub/c.log: the connection that completes it, one file later.
  std::ofstream(dir_ / "logs/a.log") << ZeekDns(40000, 1714557600);
  std::string b = ZeekDns(300, 1714600000);
  b +=
      R"({"ts":1714600400.5,"uid":"Cw","id.orig_h":"10.1.2.3","id.orig_p":5000,"id.resp_h":"10.0.0.53","id.resp_p":53,"proto":"udp","query":"stage.example","answers":["10.9.8.7"]})"
      "\n";
  gzFile gz = gzopen((dir_ / "logs/sub/b.log.gz").c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  ASSERT_EQ(gzwrite(gz, b.data(), static_cast<unsigned>(b.size())), static_cast<int>(b.size()));
  gzclose(gz);
  std::ofstream(dir_ / "logs/sub/c.log")
      << R"({"ts":1714600410.0,"uid":"Cx","id.orig_h":"10.1.2.3","id.orig_p":5001,"id.resp_h":"198.51.100.30","id.resp_p":443,"proto":"tcp"})"
      << "\n";

  CliRun one = Hunt({"--threads", "1", (dir_ / "logs").string()});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  CliRun three = Hunt({"--threads", "3", (dir_ / "logs").string()});
  ASSERT_EQ(three.exit_code, 0) << three.err;
  EXPECT_EQ(three.out, one.out);
  // 40000/97 + 300/97 domain hits, 40000/89 + 300/89 range hits, one window match.
  EXPECT_EQ(Count(one.out, "\n"), 412u + 3u + 449u + 3u + 1u) << one.err;
  EXPECT_EQ(Count(one.out, R"("decided_by":"window")"), 1u);
  // The last hit of a.log keeps its own line number across the chunks: line 39964 (97 * 412).
  EXPECT_NE(one.out.find(R"("line":39964,)"), std::string::npos);
  // Files in path order, each with its counts; no progress line when stderr is not a terminal.
  const size_t a = one.err.find("logs/a.log (zeek): 40000 lines");
  const size_t gzb = one.err.find("logs/sub/b.log.gz (zeek): 301 lines");
  const size_t c = one.err.find("logs/sub/c.log (zeek): 1 lines");
  ASSERT_NE(a, std::string::npos) << one.err;
  ASSERT_NE(gzb, std::string::npos) << one.err;
  ASSERT_NE(c, std::string::npos) << one.err;
  EXPECT_LT(a, gzb);
  EXPECT_LT(gzb, c);
  EXPECT_EQ(one.err.find('\r'), std::string::npos);
}

TEST_F(HuntParallelCliTest, ThreadsAndQuietHaveHelpAndBadInputsStillFail) {
  CliRun help = Tessera({"hunt", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--threads"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--quiet"), std::string::npos) << help.out;
  std::ofstream(dir_ / "logs/odd.log") << "nothing any reader knows\n";
  CliRun odd = Hunt({"--quiet", (dir_ / "logs/odd.log").string()});
  EXPECT_EQ(odd.exit_code, 2);
  EXPECT_NE(odd.err.find("cannot tell the log format"), std::string::npos) << odd.err;
}

}  // namespace
