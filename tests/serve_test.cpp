// `tessera serve` end to end: the real binary, a store made by `tessera init`, HTTP over loopback.

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "http_client.h"

namespace {

using tessera::testing::HttpClient;
using tessera::testing::kTaxiiMediaType;
using tessera::testing::RunProgram;
using tessera::testing::ServerProcess;
using Clock = std::chrono::steady_clock;

// The `tessera` binary this test was built with (tests/serve.cmake).
std::string TesseraBinary() { return TESSERA_CLI_PATH; }

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/tessera-serve-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto init = RunProgram(TesseraBinary(),
                           {"init", "--data", data_.path() + "/store", "--admin-token-file",
                            data_.path() + "/admin-token"},
                           data_.path());
    ASSERT_EQ(init.exit_code, 0) << init.out << init.err;
    admin_token_ = tessera::testing::Slurp(data_.path() + "/admin-token");
    while (!admin_token_.empty() && admin_token_.back() == '\n') admin_token_.pop_back();
  }

  // Starts `tessera serve` on a free port; extra arguments go after the defaults.
  void StartServer(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {
        "serve", "--data", data_.path() + "/store", "--listen", "127.0.0.1:0", "--threads", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    ASSERT_TRUE(server_.Start(TesseraBinary(), args));
    EXPECT_EQ(server_.url(), "http://127.0.0.1:" + std::to_string(server_.port()));
  }

  TempDir data_;
  ServerProcess server_;
  std::string admin_token_;
};

TEST_F(ServeTest, AnswersHealthOnOneKeepAliveConnectionAndLogsEachRequest) {
  StartServer();
  HttpClient conn("127.0.0.1", server_.port());
  conn.SetAccept("");
  auto health = conn.Get("/healthz");
  EXPECT_EQ(health.status, 200) << health.error;
  EXPECT_EQ(health.Json().at("status").as_string(), "ok");
  auto again = conn.Get("/healthz");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(conn.connections_opened(), 1);  // the same connection answered both

  EXPECT_TRUE(
      server_.WaitFor("method=GET target=\"/healthz\" status=200", std::chrono::seconds(30)))
      << server_.output();
}

TEST_F(ServeTest, RefusesUnacceptableMediaTypesWith406) {
  StartServer();
  HttpClient conn("127.0.0.1", server_.port());
  conn.SetAuthorization(tessera::testing::BasicAuth("admin", admin_token_));
  conn.SetAccept("application/json");
  auto res = conn.Get("/taxii2/");
  EXPECT_EQ(res.status, 406);
  EXPECT_EQ(res.Header("content-type"), kTaxiiMediaType);
  auto body = res.Json();
  ASSERT_TRUE(body.is_object()) << res.body;
  EXPECT_EQ(body.at("http_status").as_string(), "406");
  EXPECT_TRUE(body.at("title").is_string());
  conn.SetAccept("application/taxii+json;version=2.0");
  EXPECT_EQ(conn.Get("/taxii2/").status, 406);
}

TEST_F(ServeTest, UnknownPathsAre404AndWrongMethods405WithTaxiiErrors) {
  StartServer();
  HttpClient conn("127.0.0.1", server_.port());
  auto missing = conn.Get("/no/such/resource/");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Header("content-type"), kTaxiiMediaType);
  auto body = missing.Json();
  ASSERT_TRUE(body.is_object()) << missing.body;
  EXPECT_EQ(body.at("http_status").as_string(), "404");
  EXPECT_TRUE(body.at("title").is_string());
  EXPECT_TRUE(body.at("description").is_string());

  auto wrong = conn.Delete("/taxii2/");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_TRUE(wrong.Header("allow").has_value());
  EXPECT_EQ(wrong.Json().at("http_status").as_string(), "405");
}

TEST_F(ServeTest, SigtermStopsPromptlyWithExitZero) {
  StartServer();
  HttpClient idle("127.0.0.1", server_.port());  // an open keep-alive connection must not
  idle.SetAccept("");                            // hold up the shutdown
  EXPECT_EQ(idle.Get("/healthz").status, 200);
  const auto start = Clock::now();
  EXPECT_EQ(server_.Stop(std::chrono::seconds(10)), 0) << server_.output();
  // The idle connection is closed at once, not after the 10 s shutdown grace (the bound leaves
  // room for a slow ASan exit).
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(8));
}

TEST_F(ServeTest, SigkillLeavesAStoreThatServesAgain) {
  StartServer();
  EXPECT_EQ(server_.Kill(), 128 + SIGKILL);
  ServerProcess again;
  ASSERT_TRUE(again.Start(TesseraBinary(), {"serve", "--data", data_.path() + "/store", "--listen",
                                            "127.0.0.1:0", "--threads", "1"}));
  HttpClient conn("127.0.0.1", again.port());
  conn.SetAccept("");
  EXPECT_EQ(conn.Get("/healthz").status, 200);
  EXPECT_EQ(again.Stop(), 0) << again.output();
}

TEST(ServeWithoutStoreTest, SaysToRunInitAndExits2) {
  TempDir empty;
  auto serve = RunProgram(TesseraBinary(),
                          {"serve", "--data", empty.path() + "/none", "--listen", "127.0.0.1:0"},
                          empty.path());
  EXPECT_EQ(serve.exit_code, 2);
  EXPECT_NE(serve.err.find("tessera init"), std::string::npos) << serve.err;
}

TEST(ServeUsageTest, BadListenAddressExits2) {
  TempDir data;
  auto serve = RunProgram(TesseraBinary(),
                          {"serve", "--data", data.path(), "--listen", "127.0.0.1"}, data.path());
  EXPECT_EQ(serve.exit_code, 2);
  EXPECT_NE(serve.err.find("HOST:PORT"), std::string::npos) << serve.err;
}

}  // namespace
