// `tessera serve` end to end: the real binary, a store made by `tessera init`, HTTP over loopback.

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
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

// One response read off a raw connection: status 0 when none came.
struct RawAnswer {
  int status = 0;
  std::string body;
  std::string location;
  bool keep_alive = true;
};

// Writes `raw` (bytes as a client would send them) on a new connection and reads one response,
// waiting at most 20 seconds.
RawAnswer SendRaw(uint16_t port, const std::string& raw) {
  namespace asio = boost::asio;
  namespace bhttp = boost::beast::http;
  asio::io_context ioc;
  asio::ip::tcp::socket socket(ioc);
  boost::system::error_code ec;
  socket.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) return {};
  struct timeval tv {};
  tv.tv_sec = 20;
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  asio::write(socket, asio::buffer(raw), ec);
  if (ec) return {};
  boost::beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(socket, buffer, res, ec);
  if (ec) return {};
  return {static_cast<int>(res.result_int()), res.body(), std::string(res[bhttp::field::location]),
          res.keep_alive()};
}

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

  // "Authorization: Bearer <admin token>\r\n".
  std::string AdminAuthorization() const {
    return "Authorization: Bearer " + admin_token_ + "\r\n";
  }

  // The objects URL of the first collection the admin sees.
  std::string ObjectsUrl() {
    HttpClient admin("127.0.0.1", server_.port());
    admin.SetAuthorization("Bearer " + admin_token_);
    auto cols = admin.Get("/api/collections/");
    EXPECT_EQ(cols.status, 200) << cols.body;
    if (cols.status != 200) return "/api/collections/none/objects/";
    return "/api/collections/" +
           std::string(cols.Json().at("collections").at(0).at("id").as_string()) + "/objects/";
  }

  TempDir data_;
  ServerProcess server_;
  std::string admin_token_;
};

// Issue #15.13: 20 unauthenticated connections sending 30 MB each made the server hold every
// body. A request with a body is now authenticated on its header, and refused before its body is
// read: here no body is even sent, and every request is answered.
TEST_F(ServeTest, RefusesBodiesWithoutCredentialsBeforeReadingThem) {
  StartServer();
  const std::string objects = ObjectsUrl();
  for (int i = 0; i < 20; ++i) {
    const std::string auth = i % 2 == 0 ? "" : "Authorization: Bearer tsr_0123456789abcdef_bad\r\n";
    RawAnswer a =
        SendRaw(server_.port(), "POST " + objects +
                                    " HTTP/1.1\r\nHost: x\r\nContent-Type: " + kTaxiiMediaType +
                                    "\r\n" + auth + "Content-Length: 30000000\r\n\r\n");
    EXPECT_EQ(a.status, 401) << i << " " << a.body;
    EXPECT_FALSE(a.keep_alive);
  }
  // The admin API too, and its 64 KiB body limit holds before the body is read.
  EXPECT_EQ(SendRaw(server_.port(),
                    "POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    "Content-Length: 1000\r\n\r\n")
                .status,
            401);
  EXPECT_EQ(
      SendRaw(server_.port(), "POST /api/v1/users HTTP/1.1\r\nHost: x\r\n" + AdminAuthorization() +
                                  "Content-Type: application/json\r\n"
                                  "Content-Length: 10000000\r\n\r\n")
          .status,
      413);
  // A writer's POST over the API root's max_content_length is refused on its Content-Length.
  EXPECT_EQ(SendRaw(server_.port(), "POST " + objects + " HTTP/1.1\r\nHost: x\r\n" +
                                        AdminAuthorization() + "Content-Type: " + kTaxiiMediaType +
                                        "\r\nContent-Length: 40000000\r\n\r\n")
                .status,
            413);
}

// Issues #15.19 and #15.22: error bodies are valid UTF-8 JSON whatever the path held, and no
// redirect points at a path a browser reads as another host.
TEST_F(ServeTest, ErrorBodiesAreUtf8AndRedirectsStayOnThisHost) {
  StartServer();
  HttpClient admin("127.0.0.1", server_.port());
  admin.SetAuthorization("Bearer " + admin_token_);
  for (const char* target : {"/%ff/collections/", "/api/collections/%ff%fe/", "/%c3%28/"}) {
    auto res = admin.Get(target);
    EXPECT_EQ(res.status, 404) << target;
    boost::system::error_code ec;
    boost::json::parse(res.body, ec);  // fails on invalid UTF-8
    EXPECT_FALSE(ec) << target << ": " << ec.message();
  }
  for (const char* target : {"/\\evil.example/collections", "//evil.example/collections"}) {
    RawAnswer a =
        SendRaw(server_.port(), std::string("GET ") + target + " HTTP/1.1\r\nHost: x\r\n" +
                                    AdminAuthorization() + "\r\n");
    EXPECT_EQ(a.status, 404) << target;
    EXPECT_EQ(a.location, "") << target;
  }
  EXPECT_EQ(SendRaw(server_.port(), "GET /api/collections HTTP/1.1\r\nHost: x\r\n\r\n").location,
            "/api/collections/");
}

// Issue #15.23: "Transfer-Encoding: gzip, chunked" was read as if not compressed.
TEST_F(ServeTest, RefusesCodingsItDoesNotImplement) {
  StartServer();
  const std::string objects = ObjectsUrl();
  const std::string head = "POST " + objects + " HTTP/1.1\r\nHost: x\r\n" + AdminAuthorization() +
                           "Content-Type: " + kTaxiiMediaType + "\r\n";
  EXPECT_EQ(SendRaw(server_.port(), head + "Transfer-Encoding: gzip, chunked\r\n\r\n"
                                           "d\r\n{\"objects\":[]}\r\n0\r\n\r\n")
                .status,
            501);
  EXPECT_EQ(SendRaw(server_.port(),
                    head + "Content-Encoding: gzip\r\nContent-Length: 14\r\n\r\n{\"objects\":[]}")
                .status,
            415);
  EXPECT_EQ(SendRaw(server_.port(), head + "Content-Length: 14\r\n\r\n{\"objects\":[]}").status,
            202);
}

// Issue #15.15: a per-object size limit, a failure of that object alone.
TEST_F(ServeTest, AnObjectOverTheSizeLimitFailsAlone) {
  StartServer({"--max-object-bytes", "2048"});
  const std::string objects = ObjectsUrl();
  auto indicator = [](const std::string& id, size_t description_bytes) {
    return std::string(R"({"type":"indicator","spec_version":"2.1","id":"indicator--)") + id +
           R"(","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z",)" +
           R"("pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix",)" +
           R"("valid_from":"2024-01-01T00:00:00Z","description":")" +
           std::string(description_bytes, 'x') + R"("})";
  };
  HttpClient admin("127.0.0.1", server_.port());
  admin.SetAuthorization("Bearer " + admin_token_);
  auto res = admin.Post(
      objects, R"({"objects":[)" + indicator("5a4b2c1d-0e9f-4a8b-9c7d-6e5f4a3b2c1d", 10) + "," +
                   indicator("6b5c3d2e-1f0a-4b9c-8d7e-7f6a5b4c3d2e", 4000) + "]}");
  ASSERT_EQ(res.status, 202) << res.body;
  auto status = res.Json();
  EXPECT_EQ(status.at("success_count").as_int64(), 1) << res.body;
  EXPECT_EQ(status.at("failure_count").as_int64(), 1) << res.body;
  const auto& failure = status.at("failures").at(0);
  EXPECT_EQ(failure.at("id").as_string(), "indicator--6b5c3d2e-1f0a-4b9c-8d7e-7f6a5b4c3d2e");
  EXPECT_NE(std::string(failure.at("message").as_string()).find("at most 2048 bytes per object"),
            std::string::npos)
      << res.body;
}

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

// Issue #15.21: a corrupted store: serve refuses to start and names the file.
TEST(ServeStoreTest, RefusesACorruptStoreNamingTheFile) {
  TempDir data;
  const std::string store = data.path() + "/store";
  ASSERT_EQ(RunProgram(TesseraBinary(),
                       {"init", "--data", store, "--admin-token-file", data.path() + "/token"},
                       data.path())
                .exit_code,
            0);
  const std::string file = store + "/tessera.db";
  {
    std::fstream db(file, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(db.good());
    const std::string garbage(100, 'Z');
    db.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  auto serve = RunProgram(TesseraBinary(), {"serve", "--data", store, "--listen", "127.0.0.1:0"},
                          data.path());
  EXPECT_EQ(serve.exit_code, 2) << serve.err;
  EXPECT_NE(serve.err.find(file), std::string::npos) << serve.err;
}

// Issue #15.21: a store the server cannot write answered 500 to every POST while /healthz said
// ok. serve now refuses to start, naming the file. (Root writes any file, so the test runs
// serve as another user, and needs root for that.)
TEST(ServeStoreTest, RefusesAStoreItCannotWrite) {
  if (::geteuid() != 0 || ::access("/usr/bin/setpriv", X_OK) != 0) {
    GTEST_SKIP() << "needs root and setpriv to run serve as another user";
  }
  TempDir data;
  const std::string store = data.path() + "/store";
  ASSERT_EQ(RunProgram(TesseraBinary(),
                       {"init", "--data", store, "--admin-token-file", data.path() + "/token"},
                       data.path())
                .exit_code,
            0);
  const std::string file = store + "/tessera.db";
  // nobody owns the directory (so SQLite can keep its -wal and -shm files) but may not write
  // the store file.
  std::filesystem::permissions(data.path(), std::filesystem::perms::owner_all |
                                                std::filesystem::perms::others_read |
                                                std::filesystem::perms::others_exec);
  ASSERT_EQ(RunProgram("/bin/chown", {"-R", "65534:65534", store}, data.path()).exit_code, 0);
  std::filesystem::permissions(file, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::group_read |
                                         std::filesystem::perms::others_read);
  auto serve = RunProgram("/usr/bin/setpriv",
                          {"--reuid=65534", "--regid=65534", "--clear-groups", TesseraBinary(),
                           "serve", "--data", store, "--listen", "127.0.0.1:0"},
                          data.path());
  EXPECT_EQ(serve.exit_code, 2) << serve.err;
  EXPECT_NE(serve.err.find(file), std::string::npos) << serve.err;
}

TEST(ServeUsageTest, BadListenAddressExits2) {
  TempDir data;
  auto serve = RunProgram(TesseraBinary(),
                          {"serve", "--data", data.path(), "--listen", "127.0.0.1"}, data.path());
  EXPECT_EQ(serve.exit_code, 2);
  EXPECT_NE(serve.err.find("HOST:PORT"), std::string::npos) << serve.err;
}

}  // namespace
