// The server over real loopback sockets: keep-alive, limits, 100-continue, timeouts, graceful
// shutdown and TLS.

#include "http/server.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <thread>
#include <vector>

#include "http/health.h"
#include "http/media_type.h"
#include "http/test_certificate.h"

namespace tessera::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// Runs a Server on a background thread for the length of a test.
class RunningServer {
 public:
  static std::unique_ptr<RunningServer> Start(ServerOptions options,
                                              std::shared_ptr<const Router> router) {
    options.host = "127.0.0.1";
    options.port = 0;
    options.access_log = false;
    auto server = Server::Create(std::move(options), std::move(router));
    if (!server.ok()) {
      ADD_FAILURE() << server.status().ToString();
      return nullptr;
    }
    return std::unique_ptr<RunningServer>(new RunningServer(std::move(*server)));
  }

  ~RunningServer() {
    server_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  Server& server() { return *server_; }
  uint16_t port() const { return server_->port(); }

  // Waits until Run() returns; false when it does not within `limit`.
  bool WaitStopped(std::chrono::milliseconds limit) {
    if (done_.wait_for(limit) != std::future_status::ready) return false;
    thread_.join();
    return true;
  }

 private:
  explicit RunningServer(std::unique_ptr<Server> server) : server_(std::move(server)) {
    std::promise<void> finished;
    done_ = finished.get_future();
    thread_ = std::thread([this, p = std::move(finished)]() mutable {
      EXPECT_TRUE(server_->Run().ok());
      p.set_value();
    });
  }

  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::future<void> done_;
};

// What "at once" means in these tests: generous for ASan on a loaded 2-core machine, and well
// below FastOptions()'s 60 s timeouts, so an event within it was the server acting, not a
// timeout firing.
constexpr std::chrono::milliseconds kPrompt = std::chrono::seconds(10);

// The media type of the test document at /doc/ and of the test router's error bodies.
constexpr std::string_view kDocType = "application/vnd.tessera-test+json";

Response TestError(HttpStatus status, std::string_view title, std::string_view detail) {
  Response r = DefaultErrorResponse(status, title, detail);
  r.content_type = std::string(kDocType);
  return r;
}

// GET /slow counts itself in *slow_started, then sleeps 400 ms, or, given `slow_release`, holds
// until it is set (at most 30 s); it counts its end in *slow_finished. `slow_blocks`: /slow is a
// blocking route (RouteOptions::blocking).
std::shared_ptr<Router> TestRouter(std::atomic<int>* slow_started = nullptr,
                                   std::atomic<bool>* slow_release = nullptr,
                                   std::atomic<int>* slow_finished = nullptr,
                                   bool slow_blocks = false) {
  auto router = std::make_shared<Router>();
  router->SetErrorRenderer(TestError);
  EXPECT_TRUE(AddHealthRoute(*router, nullptr).ok());
  // A document only available as kDocType (406 when the Accept header rules it out).
  EXPECT_TRUE(router
                  ->Add(Method::kGet, "/doc/",
                        [](const Request& r) {
                          static const MediaType doc_type = *ParseMediaType(kDocType);
                          if (r.HasHeader("Accept") &&
                              AcceptWeight(r.Header("Accept"), doc_type) <= 0) {
                            return TestError(HttpStatus::not_acceptable, "Not Acceptable", "");
                          }
                          return Response::Make(HttpStatus::ok, std::string(kDocType),
                                                R"({"title":"Test hub"})");
                        })
                  .ok());
  EXPECT_TRUE(router
                  ->Add(Method::kPost, "/echo",
                        [](const Request& r) {
                          return Response::Make(HttpStatus::ok, "text/plain", r.body());
                        })
                  .ok());
  RouteOptions slow;
  slow.name = "slow";
  slow.blocking = slow_blocks;
  EXPECT_TRUE(router
                  ->Add(
                      Method::kGet, "/slow",
                      [slow_started, slow_release, slow_finished](const Request&) {
                        if (slow_started != nullptr) ++*slow_started;
                        if (slow_release == nullptr) {
                          std::this_thread::sleep_for(std::chrono::milliseconds(400));
                        } else {
                          const auto until = Clock::now() + std::chrono::seconds(30);
                          while (!slow_release->load() && Clock::now() < until)
                            std::this_thread::sleep_for(std::chrono::milliseconds(5));
                        }
                        if (slow_finished != nullptr) ++*slow_finished;
                        return Response::Make(HttpStatus::ok, "text/plain", "done");
                      },
                      slow)
                  .ok());
  return router;
}

// Timeouts long enough that none ends a test unless the test shortens it (see kPrompt).
ServerOptions FastOptions() {
  ServerOptions o;
  o.threads = 2;
  o.idle_timeout = std::chrono::seconds(60);
  o.request_timeout = std::chrono::seconds(60);
  o.shutdown_grace = std::chrono::seconds(60);
  return o;
}

// A plain blocking client connection.
class Client {
 public:
  // Connects from `from` (any 127.0.0.0/8 address is this host's loopback).
  explicit Client(uint16_t port, const char* from = "127.0.0.1") : socket_(ioc_) {
    socket_.open(tcp::v4());
    socket_.bind(tcp::endpoint(asio::ip::make_address(from), 0));
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }

  bhttp::response<bhttp::string_body> Send(bhttp::request<bhttp::string_body> req) {
    req.set(bhttp::field::host, "127.0.0.1");
    req.prepare_payload();
    bhttp::write(socket_, req);
    return Read();
  }

  bhttp::response<bhttp::string_body> Get(std::string target, std::string accept = "") {
    bhttp::request<bhttp::string_body> req{bhttp::verb::get, target, 11};
    if (!accept.empty()) req.set(bhttp::field::accept, accept);
    return Send(std::move(req));
  }

  void WriteRaw(std::string_view bytes) { asio::write(socket_, asio::buffer(bytes)); }
  tcp::socket& socket() { return socket_; }

  bhttp::response<bhttp::string_body> Read() {
    bhttp::response<bhttp::string_body> res;
    bhttp::read(socket_, buffer_, res);
    return res;
  }

  // Reads a response to HEAD: header fields only, whatever Content-Length says.
  bhttp::response<bhttp::string_body> ReadHeadResponse() {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.skip(true);
    bhttp::read(socket_, buffer_, parser);
    return parser.release();
  }

  // True when the server closed the connection (EOF) before `limit`.
  bool ClosedWithin(std::chrono::milliseconds limit) {
    socket_.non_blocking(false);
    struct timeval tv {};
    tv.tv_sec = static_cast<long>(limit.count() / 1000);
    tv.tv_usec = static_cast<long>((limit.count() % 1000) * 1000);
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char c;
    boost::system::error_code ec;
    const size_t n = socket_.read_some(asio::buffer(&c, 1), ec);
    return n == 0 && (ec == asio::error::eof || ec == asio::error::connection_reset);
  }

 private:
  asio::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

TEST(ServerTest, ServesHealthAndDiscovery) {
  auto running = RunningServer::Start(FastOptions(), TestRouter());
  ASSERT_NE(running, nullptr);
  EXPECT_NE(running->port(), 0);
  EXPECT_EQ(running->server().url(), "http://127.0.0.1:" + std::to_string(running->port()));

  Client client(running->port());
  auto health = client.Get("/healthz");
  EXPECT_EQ(health.result(), bhttp::status::ok);
  EXPECT_EQ(health[bhttp::field::server], "Tessera/0.1.0");

  auto discovery = client.Get("/doc/", std::string(kDocType));
  EXPECT_EQ(discovery.result(), bhttp::status::ok);
  EXPECT_EQ(discovery[bhttp::field::content_type], kDocType);
  EXPECT_EQ(boost::json::parse(discovery.body()).as_object().at("title").as_string(), "Test hub");

  auto missing = client.Get("/nowhere/");
  EXPECT_EQ(missing.result(), bhttp::status::not_found);
  EXPECT_EQ(missing[bhttp::field::content_type], kDocType);
  EXPECT_TRUE(missing.keep_alive());  // errors from handlers keep the connection
  EXPECT_EQ(client.Get("/healthz").result(), bhttp::status::ok);
}

TEST(ServerTest, HeadSendsHeadersOnly) {
  auto running = RunningServer::Start(FastOptions(), TestRouter());
  ASSERT_NE(running, nullptr);
  Client client(running->port());
  const std::string get_body = client.Get("/doc/").body();
  client.WriteRaw("HEAD /doc/ HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  auto head = client.ReadHeadResponse();
  EXPECT_EQ(head.result(), bhttp::status::ok);
  EXPECT_EQ(head[bhttp::field::content_length], std::to_string(get_body.size()));
  EXPECT_EQ(head[bhttp::field::content_type], kDocType);
  // No body bytes followed the HEAD response: the next response parses cleanly.
  auto next = client.Read();
  EXPECT_EQ(next.result(), bhttp::status::ok);
  EXPECT_EQ(next.body(), R"({"status":"ok"})");
}

TEST(ServerTest, AnswersPipelinedRequestsInOrder) {
  auto running = RunningServer::Start(FastOptions(), TestRouter());
  ASSERT_NE(running, nullptr);
  Client client(running->port());
  client.WriteRaw(
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
      "GET /doc/ HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n\r\n");
  EXPECT_EQ(client.Read().result(), bhttp::status::ok);
  auto echo = client.Read();
  EXPECT_EQ(echo.body(), "hello");
  EXPECT_EQ(client.Read().result(), bhttp::status::not_acceptable);
}

TEST(ServerTest, AnswersExpectContinue) {
  auto running = RunningServer::Start(FastOptions(), TestRouter());
  ASSERT_NE(running, nullptr);
  Client client(running->port());
  client.WriteRaw(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  bhttp::response<bhttp::string_body> cont = client.Read();
  EXPECT_EQ(cont.result(), bhttp::status::continue_);
  client.WriteRaw("ping");
  auto echo = client.Read();
  EXPECT_EQ(echo.result(), bhttp::status::ok);
  EXPECT_EQ(echo.body(), "ping");
}

TEST(ServerTest, EnforcesBodyAndHeaderLimits) {
  ServerOptions options = FastOptions();
  options.max_body_bytes = 1000;
  options.max_header_bytes = 2048;
  auto running = RunningServer::Start(options, TestRouter());
  ASSERT_NE(running, nullptr);

  {
    Client client(running->port());
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/echo", 11};
    req.body() = std::string(999, 'a');
    EXPECT_EQ(client.Send(req).result(), bhttp::status::ok);
  }
  {
    Client client(running->port());
    client.WriteRaw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n");
    auto res = client.Read();
    EXPECT_EQ(res.result(), bhttp::status::payload_too_large);
    EXPECT_FALSE(res.keep_alive());
    EXPECT_EQ(boost::json::parse(res.body()).as_object().at("http_status").as_string(), "413");
    EXPECT_TRUE(client.ClosedWithin(kPrompt));
  }
  {
    Client client(running->port());  // chunked: the limit holds without a Content-Length
    client.WriteRaw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    client.WriteRaw("3e8\r\n" + std::string(1000, 'b') + "\r\n10\r\n" + std::string(16, 'c') +
                    "\r\n0\r\n\r\n");
    EXPECT_EQ(client.Read().result(), bhttp::status::payload_too_large);
  }
  {
    Client client(running->port());
    client.WriteRaw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'x') +
                    "\r\n\r\n");
    EXPECT_EQ(client.Read().result(), bhttp::status::request_header_fields_too_large);
    EXPECT_TRUE(client.ClosedWithin(kPrompt));
  }
}

TEST(ServerTest, MalformedRequestIs400) {
  auto running = RunningServer::Start(FastOptions(), TestRouter());
  ASSERT_NE(running, nullptr);
  Client client(running->port());
  client.WriteRaw("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
  auto res = client.Read();
  EXPECT_EQ(res.result(), bhttp::status::bad_request);
  EXPECT_TRUE(client.ClosedWithin(kPrompt));
}

TEST(ServerTest, ClosesIdleConnections) {
  ServerOptions options = FastOptions();
  options.idle_timeout = std::chrono::milliseconds(200);
  auto running = RunningServer::Start(options, TestRouter());
  ASSERT_NE(running, nullptr);
  Client client(running->port());
  EXPECT_EQ(client.Get("/healthz").result(), bhttp::status::ok);
  const auto start = Clock::now();
  EXPECT_TRUE(client.ClosedWithin(kPrompt));
  EXPECT_LT(Clock::now() - start, kPrompt);  // the 200 ms idle timeout, not the 60 s ones
}

TEST(ServerTest, StopFinishesInFlightRequestsAndClosesIdleOnes) {
  std::atomic<int> slow_started{0};
  auto running = RunningServer::Start(FastOptions(), TestRouter(&slow_started));
  ASSERT_NE(running, nullptr);

  Client idle(running->port());
  EXPECT_EQ(idle.Get("/healthz").result(), bhttp::status::ok);  // now waiting for a request

  Client busy(running->port());
  busy.WriteRaw("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto deadline = Clock::now() + kPrompt;
  while (slow_started.load() == 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(slow_started.load(), 1);

  const auto stop_at = Clock::now();
  running->server().Stop();
  EXPECT_TRUE(idle.ClosedWithin(kPrompt));
  auto res = busy.Read();  // the in-flight request is still answered
  EXPECT_EQ(res.result(), bhttp::status::ok);
  EXPECT_EQ(res.body(), "done");
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(running->WaitStopped(kPrompt));
  EXPECT_LT(Clock::now() - stop_at, kPrompt);  // not the 60 s grace

  // Nothing listens any more.
  asio::io_context ioc;
  tcp::socket s(ioc);
  boost::system::error_code ec;
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), running->port()), ec);
  EXPECT_TRUE(ec);
}

TEST(ServerTest, GracePeriodBoundsShutdown) {
  ServerOptions options = FastOptions();  // request_timeout 60 s
  options.shutdown_grace = std::chrono::milliseconds(100);
  auto running = RunningServer::Start(options, TestRouter());
  ASSERT_NE(running, nullptr);
  // A client stuck halfway through its request header: not idle, so only the grace period ends it
  // before the request timeout would.
  Client stuck(running->port());
  stuck.WriteRaw("GET /healthz HTTP/1.1\r\nHost: x\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto stop_at = Clock::now();
  running->server().Stop();
  EXPECT_TRUE(running->WaitStopped(kPrompt));
  EXPECT_LT(Clock::now() - stop_at, kPrompt);  // the 100 ms grace, not the 60 s request timeout
  EXPECT_TRUE(stuck.ClosedWithin(kPrompt));
}

TEST(ServerTest, StopBeforeRunReturnsAtOnce) {
  auto server = Server::Create(
      [] {
        ServerOptions o = FastOptions();
        o.port = 0;
        return o;
      }(),
      TestRouter());
  ASSERT_TRUE(server.ok());
  (*server)->Stop();
  EXPECT_TRUE((*server)->Run().ok());
}

TEST(ServerTest, BlockingHandlersRunOffTheIoThread) {
  ServerOptions options = FastOptions();
  options.threads = 1;  // one I/O thread: a handler blocking it would stall every connection
  options.blocking_threads = 1;
  std::atomic<int> slow_started{0}, slow_finished{0};
  std::atomic<bool> release{false};
  auto running = RunningServer::Start(
      options, TestRouter(&slow_started, &release, &slow_finished, /*slow_blocks=*/true));
  ASSERT_NE(running, nullptr);
  auto wait_started = [&](int n) {
    const auto deadline = Clock::now() + kPrompt;
    while (slow_started.load() < n && Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return slow_started.load() >= n;
  };

  Client slow(running->port());
  bhttp::request<bhttp::string_body> req{bhttp::verb::get, "/slow", 11};
  req.set(bhttp::field::host, "127.0.0.1");
  bhttp::write(slow.socket(), req);
  ASSERT_TRUE(wait_started(1));

  // While /slow is held on the blocking pool (until `release`), the I/O thread answers another
  // connection: the answer comes while the slow handler has not finished.
  Client quick(running->port());
  EXPECT_EQ(quick.Get("/healthz").result(), bhttp::status::ok);
  EXPECT_EQ(slow_finished.load(), 0) << "/healthz waited for the blocking handler";
  release = true;

  auto res = slow.Read();
  EXPECT_EQ(res.result(), bhttp::status::ok);
  EXPECT_EQ(res.body(), "done");
  EXPECT_TRUE(res.keep_alive());
  EXPECT_EQ(slow.Get("/healthz").result(), bhttp::status::ok);  // same connection, back on I/O

  // A graceful stop waits for a blocking handler in flight.
  release = false;
  bhttp::write(slow.socket(), req);
  ASSERT_TRUE(wait_started(2));
  running->server().Stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the stop is under way
  release = true;
  auto last = slow.Read();
  EXPECT_EQ(last.result(), bhttp::status::ok);
  EXPECT_EQ(last.body(), "done");
  EXPECT_TRUE(running->WaitStopped(kPrompt));
}

TEST(ServerTest, RejectsBadBlockingThreads) {
  ServerOptions options = FastOptions();
  options.blocking_threads = 0;
  EXPECT_FALSE(Server::Create(options, TestRouter()).ok());
}

TEST(ServerTest, ReportsBindFailures) {
  auto running = RunningServer::Start(FastOptions(), TestRouter());
  ASSERT_NE(running, nullptr);
  ServerOptions options = FastOptions();
  options.port = running->port();
  auto second = Server::Create(options, TestRouter());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), ErrorCode::kIo);
  EXPECT_NE(second.status().message().find(std::to_string(running->port())), std::string::npos);

  options.port = 0;
  options.host = "no-such-host.invalid";
  EXPECT_EQ(Server::Create(options, TestRouter()).status().code(), ErrorCode::kIo);
}

// Routes for the limit tests: POST /upload takes at most 1 MiB, and only from requests whose
// header carries "Authorization: ok" (checked before the body is read); it answers the size of
// the body it got.
std::shared_ptr<Router> GuardedRouter(std::atomic<int>* uploads) {
  auto router = TestRouter();
  RouteOptions options;
  options.name = "upload";
  options.max_body_bytes = size_t{1} << 20;
  options.admit = [](const Request& r) -> std::optional<Response> {
    if (r.Header("Authorization") == "ok") return std::nullopt;
    return TestError(HttpStatus::unauthorized, "Unauthorized", "no credentials");
  };
  EXPECT_TRUE(router
                  ->Add(
                      Method::kPost, "/upload",
                      [uploads](const Request& r) {
                        ++*uploads;
                        return Response::Make(HttpStatus::ok, "text/plain",
                                              std::to_string(r.body().size()));
                      },
                      options)
                  .ok());
  return router;
}

// Whether `metrics` renders `line` within a few seconds (the server counts a request once its
// response is written, which can be a moment after the client has read it).
bool EventuallyRenders(const Metrics& metrics, const std::string& line) {
  for (int i = 0; i < 250; ++i) {
    if (metrics.Render().find(line) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "no line '" << line << "' in\n" << metrics.Render();
  return false;
}

std::string UploadHeader(size_t length, bool authorized, bool expect_continue = false) {
  return "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(length) + "\r\n" +
         (authorized ? "Authorization: ok\r\n" : "") +
         (expect_continue ? "Expect: 100-continue\r\n" : "") + "\r\n";
}

// Issue #15.13: 20 unauthenticated connections announcing large bodies made the server hold
// every body. Now each is answered 401 on its header, before any of its body is read.
TEST(ServerLimitsTest, RefusesBodiesWhoseHeaderDoesNotAuthenticate) {
  std::atomic<int> uploads{0};
  auto metrics = std::make_shared<Metrics>();
  ServerOptions options = FastOptions();
  options.metrics = metrics;
  auto running = RunningServer::Start(options, GuardedRouter(&uploads));
  ASSERT_NE(running, nullptr);
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 20; ++i) {
    clients.push_back(std::make_unique<Client>(running->port()));
    clients.back()->WriteRaw(UploadHeader(1'000'000, /*authorized=*/false));  // and no body
  }
  for (auto& client : clients) {
    auto res = client->Read();
    EXPECT_EQ(res.result(), bhttp::status::unauthorized);
    EXPECT_FALSE(res.keep_alive());
  }
  EXPECT_EQ(uploads.load(), 0);
  EXPECT_TRUE(EventuallyRenders(
      *metrics, "tessera_http_requests_total{route=\"upload\",method=\"POST\",code=\"401\"} 20\n"));
  // The route's own body limit is enforced on Content-Length, before the body too.
  Client big(running->port());
  big.WriteRaw(UploadHeader((size_t{1} << 20) + 1, /*authorized=*/true));
  EXPECT_EQ(big.Read().result(), bhttp::status::payload_too_large);
  // With credentials, the body is read and handled.
  Client good(running->port());
  good.WriteRaw(UploadHeader(5, /*authorized=*/true) + "hello");
  auto res = good.Read();
  EXPECT_EQ(res.result(), bhttp::status::ok);
  EXPECT_EQ(res.body(), "5");
  EXPECT_EQ(uploads.load(), 1);
}

// Issue #15.13: the bodies held at once are bounded server-wide; over the bound, 503 with
// Retry-After, and the bytes come back once a request is answered.
TEST(ServerLimitsTest, BoundsTheBodiesHeldAtOnce) {
  std::atomic<int> uploads{0};
  ServerOptions options = FastOptions();
  options.max_body_bytes = size_t{1} << 20;
  options.max_body_bytes_in_flight = size_t{2} << 20;
  options.request_timeout = std::chrono::milliseconds(60'000);  // b waits while a and e go
  auto running = RunningServer::Start(options, GuardedRouter(&uploads));
  ASSERT_NE(running, nullptr);
  const size_t mib = size_t{1} << 20;
  // Two clients each take 1 MiB of the budget: "100 Continue" comes once the bytes are reserved.
  Client a(running->port());
  Client b(running->port());
  for (Client* c : {&a, &b}) {
    c->WriteRaw(UploadHeader(mib, true, /*expect_continue=*/true));
    EXPECT_EQ(c->Read().result(), bhttp::status::continue_);
  }
  Client c(running->port());
  c.WriteRaw(UploadHeader(mib, true));
  auto busy = c.Read();
  EXPECT_EQ(busy.result(), bhttp::status::service_unavailable);
  EXPECT_EQ(busy[bhttp::field::retry_after], "2");
  // A chunked body takes its bytes as it comes: refused as well.
  Client d(running->port());
  d.WriteRaw(
      "POST /upload HTTP/1.1\r\nHost: x\r\nAuthorization: ok\r\nTransfer-Encoding: "
      "chunked\r\n\r\n5\r\nhello\r\n");
  EXPECT_EQ(d.Read().result(), bhttp::status::service_unavailable);

  a.WriteRaw(std::string(mib, 'a'));
  auto done = a.Read();
  EXPECT_EQ(done.result(), bhttp::status::ok);
  EXPECT_EQ(done.body(), std::to_string(mib));
  // a's megabyte is back once its response is written (a moment after the client reads it).
  bool accepted = false;
  for (int attempt = 0; attempt < 100 && !accepted; ++attempt) {
    Client e(running->port());
    e.WriteRaw(UploadHeader(3, true) + "abc");
    accepted = e.Read().result() == bhttp::status::ok;
    if (!accepted) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(accepted);
  b.WriteRaw(std::string(mib, 'b'));
  EXPECT_EQ(b.Read().result(), bhttp::status::ok);
  EXPECT_EQ(uploads.load(), 3);  // a, e, b
}

// Issue #15.14: 4,100 idle connections locked every other client out. One source address now
// holds at most max_connections_per_client, and when every slot is taken a new connection takes
// the slot of the connection idle the longest.
TEST(ServerLimitsTest, IdleConnectionsCannotLockOthersOut) {
  ServerOptions options = FastOptions();
  options.max_connections = 12;
  options.max_connections_per_client = 8;
  auto running = RunningServer::Start(options, TestRouter());
  ASSERT_NE(running, nullptr);
  std::vector<std::unique_ptr<Client>> flood;
  for (int i = 0; i < 10; ++i)
    flood.push_back(std::make_unique<Client>(running->port(), "127.0.0.2"));
  // Over the per-client limit: closed at once. Under it: served.
  EXPECT_TRUE(flood[8]->ClosedWithin(std::chrono::milliseconds(5000)));
  EXPECT_TRUE(flood[9]->ClosedWithin(std::chrono::milliseconds(5000)));
  EXPECT_EQ(flood[0]->Get("/healthz").result(), bhttp::status::ok);
  // A second address fills the server (8 + 4 = 12 connections).
  std::vector<std::unique_ptr<Client>> more;
  for (int i = 0; i < 4; ++i)
    more.push_back(std::make_unique<Client>(running->port(), "127.0.0.3"));
  EXPECT_EQ(more[3]->Get("/healthz").result(), bhttp::status::ok);  // all four accepted
  // Every slot is taken, and a legitimate client is still served: the connection idle the
  // longest (flood[1]: flood[0] and more[3] were used since) gives its slot.
  for (int i = 0; i < 3; ++i) {
    Client legit(running->port());
    EXPECT_EQ(legit.Get("/healthz").result(), bhttp::status::ok) << i;
  }
  EXPECT_TRUE(flood[1]->ClosedWithin(std::chrono::milliseconds(5000)));
}

// Issue #15.14: a connection that sends nothing is closed after first_request_timeout, well
// before idle_timeout.
TEST(ServerLimitsTest, ANewConnectionMustSendItsFirstRequestSoon) {
  ServerOptions options = FastOptions();
  options.first_request_timeout = std::chrono::milliseconds(200);
  options.idle_timeout = std::chrono::milliseconds(60'000);
  auto running = RunningServer::Start(options, TestRouter());
  ASSERT_NE(running, nullptr);
  Client silent(running->port());
  EXPECT_TRUE(silent.ClosedWithin(std::chrono::milliseconds(20'000)));
  // After a request, the connection waits idle_timeout (60 s) for the next one.
  Client active(running->port());
  EXPECT_EQ(active.Get("/healthz").result(), bhttp::status::ok);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // 5 x first_request_timeout
  EXPECT_EQ(active.Get("/healthz").result(), bhttp::status::ok);
}

// Issue #15.23: "Transfer-Encoding: gzip, chunked" was read as if not compressed.
TEST(ServerLimitsTest, RefusesCodingsItDoesNotImplement) {
  auto running = RunningServer::Start(FastOptions(), TestRouter());
  ASSERT_NE(running, nullptr);
  const std::string chunked_hello = "5\r\nhello\r\n0\r\n\r\n";
  for (const char* coding : {"gzip, chunked", "deflate,chunked"}) {
    Client client(running->port());
    client.WriteRaw(std::string("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ") + coding +
                    "\r\n\r\n" + chunked_hello);
    auto res = client.Read();
    EXPECT_EQ(res.result(), bhttp::status::not_implemented) << coding;
    EXPECT_FALSE(res.keep_alive());
  }
  {
    Client client(running->port());
    client.WriteRaw(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\n"
        "hello");
    EXPECT_EQ(client.Read().result(), bhttp::status::unsupported_media_type);
  }
  {
    Client client(running->port());
    client.WriteRaw(
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\nContent-Encoding: "
        "identity\r\n\r\n" +
        chunked_hello);
    auto res = client.Read();
    EXPECT_EQ(res.result(), bhttp::status::ok);
    EXPECT_EQ(res.body(), "hello");
  }
}

// Requests are counted under the name of the route they matched (RouteOptions::name), not a
// guess from the path's shape.
TEST(ServerTest, CountsRequestsUnderTheMatchedRoutesName) {
  auto metrics = std::make_shared<Metrics>();
  ServerOptions options = FastOptions();
  options.metrics = metrics;
  auto running = RunningServer::Start(options, TestRouter());
  ASSERT_NE(running, nullptr);
  Client client(running->port());
  EXPECT_EQ(client.Get("/healthz").result(), bhttp::status::ok);
  EXPECT_EQ(client.Get("/healthz").result(), bhttp::status::ok);
  EXPECT_EQ(client.Get("/no/such/thing").result(), bhttp::status::not_found);
  EXPECT_TRUE(EventuallyRenders(
      *metrics, "tessera_http_requests_total{route=\"health\",method=\"GET\",code=\"200\"} 2\n"));
  EXPECT_TRUE(EventuallyRenders(
      *metrics, "tessera_http_requests_total{route=\"other\",method=\"GET\",code=\"404\"} 1\n"));
}

using testing::CertificateFingerprint;

// A throwaway self-signed certificate for 127.0.0.1 in a temporary directory.
class TempCert {
 public:
  TempCert() {
    char tmpl[] = "/tmp/tessera-tls-XXXXXX";
    dir_ = mkdtemp(tmpl);
    cert_ = (dir_ / "cert.pem").string();
    key_ = (dir_ / "key.pem").string();
    fingerprint_ = testing::WriteSelfSignedCertificate(cert_, key_);
    EXPECT_FALSE(fingerprint_.empty()) << "writing " << cert_;
  }
  ~TempCert() { std::filesystem::remove_all(dir_); }
  const std::string& cert() const { return cert_; }
  const std::string& key() const { return key_; }
  std::filesystem::path dir() const { return dir_; }
  const std::string& fingerprint() const { return fingerprint_; }
  // Puts this certificate and key in place of `other`'s files (as an operator renews one).
  void CopyOver(const TempCert& other) const {
    std::filesystem::copy_file(cert_, other.cert(),
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(key_, other.key(),
                               std::filesystem::copy_options::overwrite_existing);
  }

 private:
  std::filesystem::path dir_;
  std::string cert_, key_, fingerprint_;
};

// A blocking TLS client connection that does not verify the server (self-signed test
// certificates): it tells which certificate it was given.
class TlsClient {
 public:
  explicit TlsClient(uint16_t port) : ctx_(asio::ssl::context::tls_client), stream_(ioc_, ctx_) {
    stream_.set_verify_mode(asio::ssl::verify_none);
    beast::get_lowest_layer(stream_).connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    stream_.handshake(asio::ssl::stream_base::client);
  }
  // The fingerprint of the certificate the server presented.
  std::string PeerFingerprint() {
    X509* cert = SSL_get1_peer_certificate(stream_.native_handle());
    std::string fp = CertificateFingerprint(cert);
    X509_free(cert);
    return fp;
  }
  bhttp::status Get(const std::string& target) {
    bhttp::request<bhttp::string_body> req{bhttp::verb::get, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    bhttp::write(stream_, req);
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream_, buffer_, res);
    return res.result();
  }

 private:
  asio::io_context ioc_;
  asio::ssl::context ctx_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

// Live settings apply to the next connection; bad ones change nothing.
TEST(ServerTest, LiveSettingsApplyToNewConnections) {
  auto running = RunningServer::Start(FastOptions(), TestRouter());
  ASSERT_NE(running, nullptr);
  Client first(running->port());
  EXPECT_EQ(first.Get("/healthz").result(), bhttp::status::ok);
  LiveOptions live = running->server().live();
  EXPECT_EQ(live.max_connections_per_client, 64u);
  live.max_connections_per_client = 1;
  ASSERT_TRUE(running->server().SetLive(live).ok());
  Client second(running->port());
  EXPECT_TRUE(second.ClosedWithin(kPrompt));  // one connection from 127.0.0.1 is open
  EXPECT_EQ(first.Get("/healthz").result(), bhttp::status::ok);

  LiveOptions bad = live;
  bad.max_connections_per_client = 64;
  bad.max_body_bytes_in_flight = 1;  // cannot hold one body
  EXPECT_EQ(running->server().SetLive(bad).code(), ErrorCode::kInvalidArgument);
  bad = live;
  bad.max_connections = 0;
  EXPECT_EQ(running->server().SetLive(bad).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(running->server().live().max_connections_per_client, 1u);
}

// SIGHUP calls the hangup handler, each time, and the server serves on.
TEST(ServerTest, SighupCallsTheHangupHandler) {
  ServerOptions options = FastOptions();
  options.handle_signals = true;
  auto server = Server::Create(options, TestRouter());
  ASSERT_TRUE(server.ok());
  std::atomic<int> hangups{0};
  (*server)->SetHangupHandler([&hangups] { ++hangups; });
  std::thread runner([&] { EXPECT_TRUE((*server)->Run().ok()); });
  Client client((*server)->port());
  EXPECT_EQ(client.Get("/healthz").result(), bhttp::status::ok);  // Run() has begun
  for (int expected = 1; expected <= 2; ++expected) {
    ASSERT_EQ(::kill(::getpid(), SIGHUP), 0);
    const auto until = Clock::now() + kPrompt;
    while (hangups.load() < expected && Clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_EQ(hangups.load(), expected);
  }
  EXPECT_EQ(client.Get("/healthz").result(), bhttp::status::ok);
  (*server)->Stop();
  runner.join();
}

TEST(ServerTlsTest, ServesOverTls) {
  TempCert cert;
  ServerOptions options = FastOptions();
  options.tls = TlsFiles{cert.cert(), cert.key()};
  auto running = RunningServer::Start(options, TestRouter());
  ASSERT_NE(running, nullptr);
  EXPECT_EQ(running->server().url(), "https://127.0.0.1:" + std::to_string(running->port()));

  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);  // self-signed: this test is about the transport
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  beast::get_lowest_layer(stream).connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), running->port()));
  stream.handshake(asio::ssl::stream_base::client);
  beast::flat_buffer buffer;
  for (int i = 0; i < 2; ++i) {  // keep-alive over TLS
    bhttp::request<bhttp::string_body> req{bhttp::verb::get, "/doc/", 11};
    req.set(bhttp::field::host, "127.0.0.1");
    bhttp::write(stream, req);
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream, buffer, res);
    EXPECT_EQ(res.result(), bhttp::status::ok);
    EXPECT_EQ(boost::json::parse(res.body()).as_object().at("title").as_string(), "Test hub");
  }
  boost::system::error_code ec;
  stream.shutdown(ec);
}

// Issue #17: plain HTTP sent to the TLS port got an empty reply.
TEST(ServerTlsTest, PlainHttpToATlsPortGetsA400NamingTheHttpsUrl) {
  TempCert cert;
  ServerOptions options = FastOptions();
  options.tls = TlsFiles{cert.cert(), cert.key()};
  auto running = RunningServer::Start(options, TestRouter());
  ASSERT_NE(running, nullptr);
  {
    Client client(running->port());
    client.WriteRaw("GET /healthz HTTP/1.1\r\nHost: hub.example:8443\r\n\r\n");
    auto res = client.Read();
    EXPECT_EQ(res.result(), bhttp::status::bad_request);
    EXPECT_EQ(res[bhttp::field::content_type], "text/plain; charset=utf-8");
    EXPECT_NE(res.body().find("this port speaks HTTPS"), std::string::npos) << res.body();
    EXPECT_NE(res.body().find("https://hub.example:8443/"), std::string::npos) << res.body();
    EXPECT_FALSE(res.keep_alive());
    EXPECT_TRUE(client.ClosedWithin(kPrompt));
  }
  {
    // No usable Host header: the address the client connected to.
    Client client(running->port());
    client.WriteRaw("POST /echo HTTP/1.1\r\nHost: <script>\r\nContent-Length: 2\r\n\r\nhi");
    auto res = client.Read();
    EXPECT_EQ(res.result(), bhttp::status::bad_request);
    EXPECT_NE(res.body().find("https://127.0.0.1:" + std::to_string(running->port()) + "/"),
              std::string::npos)
        << res.body();
    EXPECT_EQ(res.body().find("<script>"), std::string::npos) << res.body();
  }
  {
    // Bytes that are neither TLS nor HTTP: no answer, the connection closes.
    Client client(running->port());
    client.WriteRaw(std::string(16, '\x01'));  // no TLS record type
    EXPECT_TRUE(client.ClosedWithin(kPrompt));
  }
  TlsClient tls(running->port());  // and TLS is served as before
  EXPECT_EQ(tls.PeerFingerprint(), cert.fingerprint());
  EXPECT_EQ(tls.Get("/healthz"), bhttp::status::ok);
}

// Issue #17: a new certificate needed a restart. New connections get it; open ones keep theirs.
TEST(ServerTlsTest, ReloadGivesNewConnectionsTheNewCertificate) {
  TempCert served;
  TempCert renewed;
  ServerOptions options = FastOptions();
  options.tls = TlsFiles{served.cert(), served.key()};
  auto running = RunningServer::Start(options, TestRouter());
  ASSERT_NE(running, nullptr);
  ASSERT_FALSE(served.fingerprint().empty());
  EXPECT_EQ(running->server().tls_fingerprint(), served.fingerprint());
  TlsClient before(running->port());
  EXPECT_EQ(before.PeerFingerprint(), served.fingerprint());
  EXPECT_EQ(before.Get("/healthz"), bhttp::status::ok);

  const std::string old_fingerprint = served.fingerprint();
  renewed.CopyOver(served);
  ASSERT_TRUE(running->server().ReloadTls(*options.tls).ok());
  EXPECT_EQ(running->server().tls_fingerprint(), renewed.fingerprint());
  TlsClient after(running->port());
  EXPECT_EQ(after.PeerFingerprint(), renewed.fingerprint());
  EXPECT_NE(after.PeerFingerprint(), old_fingerprint);
  EXPECT_EQ(after.Get("/healthz"), bhttp::status::ok);
  EXPECT_EQ(before.Get("/healthz"), bhttp::status::ok);  // the open connection goes on
}

TEST(ServerTlsTest, AReloadThatFailsKeepsTheCertificate) {
  TempCert served;
  TempCert other;
  ServerOptions options = FastOptions();
  options.tls = TlsFiles{served.cert(), served.key()};
  auto running = RunningServer::Start(options, TestRouter());
  ASSERT_NE(running, nullptr);

  // A certificate file cut short while it was being copied.
  { std::ofstream(served.cert(), std::ios::trunc) << "-----BEGIN CERTIFICATE-----\nMIIB\n"; }
  Status bad = running->server().ReloadTls(*options.tls);
  EXPECT_EQ(bad.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.message().find(served.cert()), std::string::npos) << bad.message();
  // A certificate with the key of another.
  Status mismatch = running->server().ReloadTls(TlsFiles{other.cert(), served.key()});
  EXPECT_EQ(mismatch.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(mismatch.message().find("match"), std::string::npos) << mismatch.message();
  EXPECT_EQ(running->server().tls_fingerprint(), served.fingerprint());
  TlsClient client(running->port());
  EXPECT_EQ(client.PeerFingerprint(), served.fingerprint());
  EXPECT_EQ(client.Get("/healthz"), bhttp::status::ok);
}

TEST(ServerTlsTest, ReloadWithoutTlsIsRefused) {
  TempCert cert;
  auto running = RunningServer::Start(FastOptions(), TestRouter());
  ASSERT_NE(running, nullptr);
  EXPECT_EQ(running->server().ReloadTls(TlsFiles{cert.cert(), cert.key()}).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(running->server().tls_fingerprint(), "");
}

TEST(ServerTlsTest, RejectsUnusableTlsFiles) {
  TempCert cert;
  ServerOptions options = FastOptions();
  options.port = 0;
  options.tls = TlsFiles{(cert.dir() / "missing.pem").string(), cert.key()};
  auto missing = Server::Create(options, TestRouter());
  EXPECT_EQ(missing.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("missing.pem"), std::string::npos);

  options.tls = TlsFiles{cert.key(), cert.key()};  // a key is not a certificate
  EXPECT_EQ(Server::Create(options, TestRouter()).status().code(), ErrorCode::kInvalidArgument);

  TempCert other;
  options.tls = TlsFiles{cert.cert(), other.key()};  // a key of another certificate
  auto mismatch = Server::Create(options, TestRouter());
  EXPECT_EQ(mismatch.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(mismatch.status().message().find("match"), std::string::npos);
}

}  // namespace
}  // namespace tessera::http
