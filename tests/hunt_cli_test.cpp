// End-to-end: `tessera init`, `tessera import` of tests/data/hunt/indicators_bundle.json, then
// `tessera hunt` over the Zeek samples, run as a user runs them.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_runner.h"

namespace {

namespace fs = std::filesystem;

using tessera::testing::CliRun;

class HuntCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tessera-hunt-cli-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const char* src = std::getenv("TESSERA_SOURCE_DIR");
    data_ = fs::path(src ? src : TESSERA_SOURCE_DIR_DEFAULT) / "tests/data/hunt";
    ASSERT_EQ(Tessera({"init", "--data", (dir_ / "store").string()}).exit_code, 0);
    CliRun imported = Tessera({"import", "--data", (dir_ / "store").string(),
                               (data_ / "indicators_bundle.json").string()});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
  }
  void TearDown() override { fs::remove_all(dir_); }

  CliRun Tessera(const std::vector<std::string>& args) {
    return tessera::testing::RunProgram(TESSERA_CLI, args, dir_);
  }

  static size_t Count(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
    return n;
  }

  fs::path dir_;
  fs::path data_;
};

TEST_F(HuntCliTest, HitsAreJsonLinesTiedToFields) {
  CliRun r = Tessera({"hunt", "--data", (dir_ / "store").string(),
                      (data_ / "zeek_dns.log").string(), (data_ / "zeek_http.log").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Count(r.out, "\n"), 12u) << r.out;
  EXPECT_EQ(Count(r.out, "\"field\":\"query\""), 1u) << r.out;
  EXPECT_NE(
      r.out.find(
          R"("field":"answers","kind":"ip","value":"198.51.100.9","matched":"198.51.100.0/24")"),
      std::string::npos)
      << r.out;
  // The revoked indicator never hits; the AND pattern's hits are candidates only.
  EXPECT_EQ(Count(r.out, "indicator--b1000000-0000-4000-8000-000000000003"), 0u);
  EXPECT_EQ(Count(r.out, "indicator--b1000000-0000-4000-8000-000000000004"), 5u) << r.out;
  EXPECT_EQ(Count(r.out, "\"pattern_decided\":false"), 5u);
  EXPECT_NE(r.err.find("4 indicators"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 indicators skipped"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("zeek_dns.log (zeek): 10 lines, 10 events, 0 malformed, 3 hits"),
            std::string::npos)
      << r.err;
}

TEST_F(HuntCliTest, NoHitsMalformedLinesAndUsage) {
  std::ofstream(dir_ / "quiet.log")
      << "May  1 10:02:04 ws01 dnsmasq[500]: query[A] michigan.org from 10.0.0.5\n"
      << "<999999>bad priority\n";
  CliRun quiet =
      Tessera({"hunt", "--data", (dir_ / "store").string(), (dir_ / "quiet.log").string()});
  EXPECT_EQ(quiet.exit_code, 1) << quiet.err;
  EXPECT_TRUE(quiet.out.empty());
  EXPECT_NE(quiet.err.find("1 malformed"), std::string::npos) << quiet.err;
  EXPECT_NE(quiet.err.find("line 2: malformed syslog priority"), std::string::npos) << quiet.err;

  EXPECT_EQ(Tessera({"hunt", "--data", (dir_ / "store").string(), "-"}).exit_code,
            2);  // stdin needs --format
  EXPECT_EQ(Tessera({"hunt", "--data", (dir_ / "store").string(), (dir_ / "missing.log").string()})
                .exit_code,
            2);
  EXPECT_EQ(
      Tessera({"hunt", "--data", (dir_ / "nostore").string(), (data_ / "zeek_dns.log").string()})
          .exit_code,
      2);
}

}  // namespace
