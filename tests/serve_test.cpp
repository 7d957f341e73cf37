// `tessera serve` end to end: the real binary, a store made by `tessera init`, HTTP over loopback.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr char kTaxii[] = "application/taxii+json;version=2.1";

// The `tessera` binary this test was built with (tests/serve.cmake).
std::string TesseraBinary() { return TESSERA_CLI_PATH; }

// Starts `args` with stderr (and stdout) going to a pipe; -1 on failure.
pid_t Spawn(const std::vector<std::string>& args, int* out_fd) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return -1;
  }
  *out_fd = fds[0];
  return pid;
}

// Waits for `pid` up to `limit`; its exit code, 128+signal, or nullopt when still running.
std::optional<int> WaitExit(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    }
    if (r < 0 || Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// A process whose combined output is collected by a reader thread.
class Process {
 public:
  explicit Process(const std::vector<std::string>& args) {
    pid_ = Spawn(args, &fd_);
    if (pid_ > 0) reader_ = std::thread([this] { ReadAll(); });
  }
  ~Process() {
    if (pid_ > 0 && !exit_code_) {
      kill(pid_, SIGKILL);
      WaitExit(pid_, std::chrono::milliseconds(5000));
    }
    if (reader_.joinable()) reader_.join();
    if (fd_ >= 0) close(fd_);
  }
  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  std::string output() {
    std::lock_guard lock(mu_);
    return output_;
  }
  // Waits until the output holds `needle`; false after `limit`.
  bool WaitFor(const std::string& needle, std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      if (output().find(needle) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  std::optional<int> Wait(std::chrono::milliseconds limit) {
    if (!exit_code_) exit_code_ = WaitExit(pid_, limit);
    return exit_code_;
  }

 private:
  void ReadAll() {
    char buf[4096];
    for (;;) {
      const ssize_t n = read(fd_, buf, sizeof buf);
      if (n <= 0) return;
      std::lock_guard lock(mu_);
      output_.append(buf, static_cast<size_t>(n));
    }
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  std::thread reader_;
  std::mutex mu_;
  std::string output_;
  std::optional<int> exit_code_;
};

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

class Connection {
 public:
  explicit Connection(uint16_t port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  bhttp::response<bhttp::string_body> Request(bhttp::verb verb, const std::string& target,
                                              const std::string& accept = kTaxii) {
    bhttp::request<bhttp::string_body> req{verb, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    if (!accept.empty()) req.set(bhttp::field::accept, accept);
    bhttp::write(socket_, req);
    bhttp::response<bhttp::string_body> res;
    bhttp::read(socket_, buffer_, res);
    return res;
  }
  bhttp::response<bhttp::string_body> Get(const std::string& target,
                                          const std::string& accept = kTaxii) {
    return Request(bhttp::verb::get, target, accept);
  }

 private:
  asio::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

boost::json::object Json(const std::string& body) { return boost::json::parse(body).as_object(); }

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Process init({TesseraBinary(), "init", "--data", data_.path()});
    ASSERT_TRUE(init.started()) << "cannot run " << TesseraBinary();
    ASSERT_EQ(init.Wait(std::chrono::seconds(30)), 0) << init.output();
  }

  // Starts `tessera serve` on a free port; extra arguments go after the defaults.
  void StartServer(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {TesseraBinary(), "serve",       "--data",    data_.path(),
                                     "--listen",      "127.0.0.1:0", "--threads", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    server_ = std::make_unique<Process>(args);
    ASSERT_TRUE(server_->started());
    const std::string marker = "listening on http://127.0.0.1:";
    ASSERT_TRUE(server_->WaitFor(marker, std::chrono::seconds(30))) << server_->output();
    const std::string out = server_->output();
    port_ = static_cast<uint16_t>(std::stoi(out.substr(out.find(marker) + marker.size())));
    ASSERT_NE(port_, 0);
  }

  TempDir data_;
  std::unique_ptr<Process> server_;
  uint16_t port_ = 0;
};

TEST_F(ServeTest, AnswersHealthAndDiscoveryOnOneKeepAliveConnection) {
  StartServer();
  Connection conn(port_);

  auto health = conn.Get("/healthz", "");
  EXPECT_EQ(health.result(), bhttp::status::ok);
  EXPECT_EQ(Json(health.body()).at("status").as_string(), "ok");
  EXPECT_TRUE(health.keep_alive());

  auto discovery = conn.Get("/taxii2/");  // the same connection
  EXPECT_EQ(discovery.result(), bhttp::status::ok);
  EXPECT_EQ(discovery[bhttp::field::content_type], kTaxii);
  auto doc = Json(discovery.body());
  EXPECT_EQ(doc.at("title").as_string(), "Tessera");
  EXPECT_TRUE(doc.at("description").is_string());
  EXPECT_FALSE(doc.contains("contact"));
  EXPECT_FALSE(doc.contains("default"));  // no API roots yet
  EXPECT_TRUE(doc.at("api_roots").as_array().empty());

  // What curl sends by default, and the version-less TAXII type, are fine too.
  EXPECT_EQ(conn.Get("/taxii2/", "*/*").result(), bhttp::status::ok);
  EXPECT_EQ(conn.Get("/taxii2/", "application/taxii+json").result(), bhttp::status::ok);

  EXPECT_TRUE(
      server_->WaitFor("method=GET target=\"/taxii2/\" status=200", std::chrono::seconds(5)))
      << server_->output();
}

TEST_F(ServeTest, DiscoveryFieldsComeFromFlags) {
  StartServer({"--title", "CSIRT hub", "--contact", "csirt@example.org"});
  Connection conn(port_);
  auto doc = Json(conn.Get("/taxii2/").body());
  EXPECT_EQ(doc.at("title").as_string(), "CSIRT hub");
  EXPECT_EQ(doc.at("contact").as_string(), "csirt@example.org");
}

TEST_F(ServeTest, RefusesUnacceptableMediaTypesWith406) {
  StartServer();
  Connection conn(port_);
  auto res = conn.Get("/taxii2/", "application/json");
  EXPECT_EQ(res.result(), bhttp::status::not_acceptable);
  EXPECT_EQ(res[bhttp::field::content_type], kTaxii);
  auto body = Json(res.body());
  EXPECT_EQ(body.at("http_status").as_string(), "406");
  EXPECT_TRUE(body.at("title").is_string());
  EXPECT_EQ(conn.Get("/taxii2/", "application/taxii+json;version=2.0").result(),
            bhttp::status::not_acceptable);
}

TEST_F(ServeTest, UnknownPathsAre404AndWrongMethods405WithTaxiiErrors) {
  StartServer();
  Connection conn(port_);
  auto missing = conn.Get("/no/such/resource/");
  EXPECT_EQ(missing.result(), bhttp::status::not_found);
  EXPECT_EQ(missing[bhttp::field::content_type], kTaxii);
  auto body = Json(missing.body());
  EXPECT_EQ(body.at("title").as_string(), "Not Found");
  EXPECT_EQ(body.at("http_status").as_string(), "404");
  EXPECT_TRUE(body.at("description").is_string());

  auto wrong = conn.Request(bhttp::verb::delete_, "/taxii2/");
  EXPECT_EQ(wrong.result(), bhttp::status::method_not_allowed);
  EXPECT_EQ(wrong[bhttp::field::allow], "GET, HEAD, OPTIONS");
  EXPECT_EQ(Json(wrong.body()).at("http_status").as_string(), "405");
}

TEST_F(ServeTest, SigtermStopsPromptlyWithExitZero) {
  StartServer();
  Connection idle(port_);  // an open keep-alive connection must not hold up the shutdown
  EXPECT_EQ(idle.Get("/healthz", "").result(), bhttp::status::ok);
  const auto start = Clock::now();
  ASSERT_EQ(kill(server_->pid(), SIGTERM), 0);
  EXPECT_EQ(server_->Wait(std::chrono::seconds(10)), 0) << server_->output();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
}

TEST(ServeWithoutStoreTest, SaysToRunInitAndExits2) {
  TempDir empty;
  Process serve(
      {TesseraBinary(), "serve", "--data", empty.path() + "/none", "--listen", "127.0.0.1:0"});
  ASSERT_TRUE(serve.started());
  EXPECT_EQ(serve.Wait(std::chrono::seconds(30)), 2);
  EXPECT_NE(serve.output().find("tessera init"), std::string::npos) << serve.output();
}

TEST(ServeUsageTest, BadListenAddressExits2) {
  TempDir data;
  Process serve({TesseraBinary(), "serve", "--data", data.path(), "--listen", "127.0.0.1"});
  ASSERT_TRUE(serve.started());
  EXPECT_EQ(serve.Wait(std::chrono::seconds(30)), 2);
  EXPECT_NE(serve.output().find("HOST:PORT"), std::string::npos) << serve.output();
}

}  // namespace
