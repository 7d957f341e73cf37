#include "http/server.h"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tessera::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using boost::system::error_code;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kServerName = "Tessera/0.1.0";
constexpr size_t kReadChunk = 4096;
constexpr size_t kShrinkBufferAbove = 64 * 1024;  // keep idle connections small
constexpr size_t kMaxLoggedTarget = 512;
constexpr unsigned kMaxThreads = 256;
constexpr auto kTlsShutdownTimeout = std::chrono::seconds(2);
// After answering a request it could not read (413, 431, 400), the server stops sending and then
// reads and discards what the client still sends, for at most this long and this much, before it
// closes: closing with unread data makes the kernel reset the connection, which can destroy the
// answer before the client reads it (a client still writing its oversized body never sees the
// 413).
constexpr auto kLingerTimeout = std::chrono::seconds(2);
constexpr size_t kLingerBytes = size_t{64} << 20;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

std::string FormatEndpoint(const tcp::endpoint& ep) {
  const std::string addr = ep.address().to_string();
  if (ep.address().is_v6()) return "[" + addr + "]:" + std::to_string(ep.port());
  return addr + ":" + std::to_string(ep.port());
}

// Text from the wire made safe for a log line: printable ASCII kept, '"' and '\' escaped, the
// rest as \xHH, at most kMaxLoggedTarget bytes of input.
std::string ForLog(std::string_view text) {
  std::string out;
  const size_t n = std::min(text.size(), kMaxLoggedTarget);
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (text.size() > n) out += "...";
  return out;
}

bool IsFieldName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == ':') return false;
  }
  return true;
}

bool IsFieldValue(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool StatusHasNoBody(HttpStatus status) {
  const unsigned code = static_cast<unsigned>(status);
  return code < 200 || code == 204 || code == 304;
}

// Session-level errors that the server answers itself before closing: the HTTP status and a
// description, or nullopt when the connection just ends (peer gone, timeout, shutdown).
struct ReadFailure {
  HttpStatus status;
  std::string_view title;
  std::string detail;
};

std::optional<ReadFailure> ClassifyReadError(const error_code& ec, const ServerOptions& options) {
  if (ec == bhttp::error::header_limit) {
    return ReadFailure{HttpStatus::request_header_fields_too_large,
                       "Request Header Fields Too Large",
                       "the request line and header fields exceed " +
                           std::to_string(options.max_header_bytes) + " bytes"};
  }
  if (ec == bhttp::error::body_limit || ec == bhttp::error::buffer_overflow) {
    return ReadFailure{
        HttpStatus::payload_too_large, "Content Too Large",
        "the request body exceeds " + std::to_string(options.max_body_bytes) + " bytes"};
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
      ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
      ec != bhttp::error::need_more && ec != bhttp::error::need_buffer) {
    return ReadFailure{HttpStatus::bad_request, "Bad Request",
                       "the request is not valid HTTP/1.1: " + ec.message()};
  }
  return std::nullopt;
}

// What Server::Impl needs to tell a connection.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Closes the connection if it is waiting for a request; a busy one finishes its request and
  // then closes. Thread-safe.
  virtual void Shutdown() = 0;
  // Closes the connection now. Thread-safe.
  virtual void ForceClose() = 0;
};

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, std::shared_ptr<const Router> router)
      : options_(std::move(options)),
        router_(std::move(router)),
        strand_(asio::make_strand(ioc_)),
        acceptor_(strand_),
        signals_(strand_),
        grace_timer_(strand_) {}

  ~Impl() {
    Stop();
    std::unique_lock lock(run_mu_);
    run_cv_.wait(lock, [this] { return !running_; });
    std::lock_guard guard(mu_);
    destroying_ = true;
  }

  Status Init();
  Status Run();
  void Stop();

  const ServerOptions& options() const { return options_; }
  const Router& router() const { return *router_; }
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  uint16_t port() const { return bound_.port(); }
  std::string url() const { return (ssl_ctx_ ? "https://" : "http://") + FormatEndpoint(bound_); }

  void Unregister(uint64_t id);

  bool RunsBlocking(const Request& request) const {
    return blocking_pool_ && options_.run_blocking(request);
  }
  // Routes `request` on the blocking pool; the caller resumes on its own executor.
  asio::awaitable<Response> HandleBlocking(Request& request) {
    co_return co_await asio::co_spawn(
        blocking_pool_->get_executor(),
        [this, &request]() -> asio::awaitable<Response> { co_return router_->Handle(request); },
        asio::use_awaitable);
  }

 private:
  asio::awaitable<void> AcceptLoop();
  void StartSession(tcp::socket socket);
  template <class S>
  void Launch(std::shared_ptr<S> session);
  std::vector<std::shared_ptr<SessionBase>> Snapshot();
  size_t SessionCount();
  void ForceCloseAll();

  ServerOptions options_;
  std::shared_ptr<const Router> router_;
  std::optional<ssl::context> ssl_ctx_;  // outlives every session (declared before ioc_)

  std::mutex mu_;
  std::unordered_map<uint64_t, std::weak_ptr<SessionBase>> sessions_;  // GUARDED_BY(mu_)
  uint64_t next_session_id_ = 1;                                       // GUARDED_BY(mu_)
  bool destroying_ = false;                                            // GUARDED_BY(mu_)
  std::atomic<bool> stopping_{false};

  std::mutex run_mu_;
  std::condition_variable run_cv_;
  bool running_ = false;  // GUARDED_BY(run_mu_)

  asio::io_context ioc_;
  // Handlers of run_blocking requests; joined (after the I/O threads) when the Impl is destroyed.
  std::unique_ptr<asio::thread_pool> blocking_pool_;
  // The acceptor, the signal set and the grace timer live on one strand.
  asio::strand<asio::io_context::executor_type> strand_;
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::steady_timer grace_timer_;
  tcp::endpoint bound_;
};

namespace {

template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Session(Server::Impl& server, Stream stream, std::string remote)
      : server_(server),
        stream_(std::move(stream)),
        buffer_(server.options().max_header_bytes + server.options().max_body_bytes + kReadChunk),
        remote_(std::move(remote)) {}
  ~Session() override { server_.Unregister(id_); }

  void set_id(uint64_t id) { id_ = id; }
  auto executor() { return stream_.get_executor(); }

  static asio::awaitable<void> Run(std::shared_ptr<Session> self) {
    co_await self->Serve();
    co_await self->Close();
  }

  void Shutdown() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->idle_) self->Lowest().cancel();
    });
  }

  void ForceClose() override {
    asio::post(stream_.get_executor(),
               [self = this->shared_from_this()] { self->Lowest().close(); });
  }

 private:
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  asio::awaitable<void> Serve() {
    const ServerOptions& opt = server_.options();
    if constexpr (kTls) {
      if (server_.stopping()) co_return;
      idle_ = true;
      Lowest().expires_after(opt.request_timeout);
      auto [ec] = co_await stream_.async_handshake(ssl::stream_base::server, kTuple);
      idle_ = false;
      if (ec) {
        spdlog::debug("TLS handshake with {} failed: {}", remote_, ec.message());
        co_return;
      }
      handshake_done_ = true;
    }
    for (;;) {
      if (buffer_.size() == 0) {
        // Between requests: wait for the first byte of the next one, or the end.
        if (server_.stopping()) co_return;
        if (buffer_.capacity() > kShrinkBufferAbove) buffer_.shrink_to_fit();
        idle_ = true;
        Lowest().expires_after(opt.idle_timeout);
        auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), kTuple);
        idle_ = false;
        if (ec) co_return;  // the peer closed, idle timeout, or shutdown
        buffer_.commit(n);
      }
      const auto started = std::chrono::steady_clock::now();
      Lowest().expires_after(opt.request_timeout);
      parser_.emplace();
      parser_->header_limit(static_cast<std::uint32_t>(opt.max_header_bytes));
      parser_->body_limit(static_cast<std::uint64_t>(opt.max_body_bytes));
      {
        auto [ec, n] = co_await bhttp::async_read_header(stream_, buffer_, *parser_, kTuple);
        if (ec) {
          co_await AnswerReadError(ec, started);
          co_return;
        }
      }
      const auto& header = parser_->get();
      if (header.version() >= 11 && !parser_->is_done() &&
          beast::iequals(header[bhttp::field::expect], "100-continue")) {
        bhttp::response<bhttp::empty_body> proceed{bhttp::status::continue_, header.version()};
        auto [ec, n] = co_await bhttp::async_write(stream_, proceed, kTuple);
        if (ec) co_return;
      }
      if (!parser_->is_done()) {
        auto [ec, n] = co_await bhttp::async_read(stream_, buffer_, *parser_, kTuple);
        if (ec) {
          co_await AnswerReadError(ec, started);
          co_return;
        }
      }

      Request request(parser_->release(), remote_);
      parser_.reset();
      const bool client_keep_alive = request.native().keep_alive();
      // (Not a conditional expression: GCC 12 mishandles co_await inside one.)
      Response response;
      if (server_.RunsBlocking(request)) {
        response = co_await server_.HandleBlocking(request);
      } else {
        response = server_.router().Handle(request);
      }
      const bool keep_alive = client_keep_alive && !response.close && !server_.stopping();
      const bool written =
          co_await Write(response, request.method() == Method::kHead, request.native().version(),
                         keep_alive, started, request.method_name(), request.target());
      if (!written || !keep_alive) co_return;
    }
  }

  // Answers a request that could not be read (when an answer is due) and ends the connection.
  asio::awaitable<void> AnswerReadError(const error_code& ec,
                                        std::chrono::steady_clock::time_point started) {
    std::optional<ReadFailure> failure = ClassifyReadError(ec, server_.options());
    if (!failure) {
      spdlog::debug("connection {} ended while reading a request: {}", remote_, ec.message());
      co_return;
    }
    Response response =
        server_.router().RenderError(failure->status, failure->title, failure->detail);
    std::string method = "-", target = "-";
    if (parser_ && parser_->is_header_done()) {
      method = std::string(parser_->get().method_string());
      target = std::string(parser_->get().target());
    }
    co_await Write(response, false, 11, false, started, method, target);
    linger_ = true;
  }

  // Writes `response`; false when the connection failed. `response` is the caller's (a local of
  // its coroutine frame, alive across this co_await): GCC 12 destroys a by-value coroutine
  // argument built from std::move(local) while the callee still reads it (use after free).
  asio::awaitable<bool> Write(Response& response, bool head, unsigned version, bool keep_alive,
                              std::chrono::steady_clock::time_point started,
                              std::string_view method, std::string_view target) {
    bhttp::response<bhttp::string_body> res{response.status, version};
    res.set(bhttp::field::server, kServerName);
    if (!response.content_type.empty() && IsFieldValue(response.content_type)) {
      res.set(bhttp::field::content_type, response.content_type);
    }
    for (const auto& [name, value] : response.headers) {
      if (IsFieldName(name) && IsFieldValue(value)) res.insert(name, value);
    }
    const size_t body_bytes = StatusHasNoBody(response.status) ? 0 : response.body.size();
    if (StatusHasNoBody(response.status)) {
      // No body and no Content-Length for 1xx, 204 and 304.
    } else if (head) {
      res.content_length(body_bytes);
    } else {
      res.body() = std::move(response.body);
      res.prepare_payload();
    }
    res.keep_alive(keep_alive);
    Lowest().expires_after(server_.options().request_timeout);
    auto [ec, n] = co_await bhttp::async_write(stream_, res, kTuple);
    if (const auto& metrics = server_.options().metrics) {
      metrics->ObserveRequest(method, target, static_cast<unsigned>(res.result()),
                              std::chrono::steady_clock::now() - started);
    }
    if (server_.options().access_log && spdlog::should_log(spdlog::level::info)) {
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
              .count();
      spdlog::info("access remote={} method={} target=\"{}\" status={} bytes={} ms={:.3f}{}",
                   remote_, ForLog(method), ForLog(target), static_cast<unsigned>(res.result()),
                   head ? 0 : body_bytes, ms, ec ? " write_error=\"" + ec.message() + "\"" : "");
    }
    co_return !ec;
  }

  asio::awaitable<void> Close() {
    if (!Lowest().socket().is_open()) co_return;
    if constexpr (kTls) {
      if (handshake_done_) {
        Lowest().expires_after(kTlsShutdownTimeout);
        auto [ec] = co_await stream_.async_shutdown(kTuple);
        (void)ec;  // peers often close without close_notify; nothing to do about it
      }
    }
    error_code ec;
    Lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    if (linger_ && !ec) {
      Lowest().expires_after(kLingerTimeout);
      std::array<char, 16384> discard;
      for (size_t drained = 0; drained < kLingerBytes;) {
        auto [read_ec, n] = co_await Lowest().async_read_some(asio::buffer(discard), kTuple);
        if (read_ec) break;  // the client closed (or the time is up)
        drained += n;
      }
    }
    Lowest().close();
  }

  Server::Impl& server_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string remote_;
  uint64_t id_ = 0;
  // Touched only on the session's strand.
  bool idle_ = false;  // waiting for a request (or a TLS handshake): safe to close on shutdown
  bool handshake_done_ = false;
  bool linger_ = false;  // drain before closing (a request was refused unread)
};

}  // namespace

Status Server::Impl::Init() {
  const ServerOptions& o = options_;
  if (o.threads > kMaxThreads) {
    return InvalidArgument("threads must be at most " + std::to_string(kMaxThreads));
  }
  if (o.max_header_bytes < 1024 || o.max_header_bytes > (1u << 20)) {
    return InvalidArgument("max_header_bytes must be between 1 KiB and 1 MiB");
  }
  if (o.max_body_bytes > (size_t{1} << 32)) {
    return InvalidArgument("max_body_bytes must be at most 4 GiB");
  }
  if (o.max_connections == 0) return InvalidArgument("max_connections must be at least 1");
  if (o.idle_timeout.count() <= 0 || o.request_timeout.count() <= 0 ||
      o.shutdown_grace.count() < 0) {
    return InvalidArgument("timeouts must be positive");
  }
  if (!router_) return InvalidArgument("no router");
  if (o.run_blocking) {
    if (o.blocking_threads == 0 || o.blocking_threads > kMaxThreads) {
      return InvalidArgument("blocking_threads must be between 1 and " +
                             std::to_string(kMaxThreads));
    }
    blocking_pool_ = std::make_unique<asio::thread_pool>(o.blocking_threads);
  }

  if (o.tls) {
    for (const std::string* f : {&o.tls->cert_file, &o.tls->key_file}) {
      if (!std::ifstream(*f).good()) {
        return InvalidArgument("cannot read TLS file '" + *f + "'");
      }
    }
    ssl_ctx_.emplace(ssl::context::tls_server);
    ssl_ctx_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                          ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                          ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(ssl_ctx_->native_handle(), TLS1_2_VERSION);
    error_code ec;
    ssl_ctx_->use_certificate_chain_file(o.tls->cert_file, ec);
    if (ec) {
      return InvalidArgument("TLS certificate '" + o.tls->cert_file +
                             "' is not a usable PEM certificate chain: " + ec.message());
    }
    ssl_ctx_->use_private_key_file(o.tls->key_file, ssl::context::pem, ec);
    if (ec) {
      return InvalidArgument("TLS key '" + o.tls->key_file +
                             "' is not a usable PEM private key that matches the certificate '" +
                             o.tls->cert_file + "': " + ec.message());
    }
    if (SSL_CTX_check_private_key(ssl_ctx_->native_handle()) != 1) {
      return InvalidArgument("TLS key '" + o.tls->key_file + "' does not match the certificate '" +
                             o.tls->cert_file + "'");  // OpenSSL usually catches this above
    }
  }

  error_code ec;
  tcp::resolver resolver(ioc_);
  const auto results = resolver.resolve(
      o.host, std::to_string(o.port), tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return IoError("cannot resolve listen address '" + o.host +
                   "': " + (ec ? ec.message() : "no address"));
  }
  const tcp::endpoint endpoint = results.begin()->endpoint();
  const std::string where = FormatEndpoint(endpoint);
  if (acceptor_.open(endpoint.protocol(), ec); ec) {
    return IoError("cannot open a socket for " + where + ": " + ec.message());
  }
  if (acceptor_.set_option(tcp::acceptor::reuse_address(true), ec); ec) {
    return IoError("cannot set SO_REUSEADDR on " + where + ": " + ec.message());
  }
  if (acceptor_.bind(endpoint, ec); ec) {
    return IoError("cannot listen on " + where + ": " + ec.message());
  }
  if (acceptor_.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return IoError("cannot listen on " + where + ": " + ec.message());
  }
  bound_ = acceptor_.local_endpoint(ec);
  if (ec) return IoError("cannot read the bound address: " + ec.message());
  return Status::Ok();
}

Status Server::Impl::Run() {
  {
    std::lock_guard lock(run_mu_);
    running_ = true;
  }
  if (options_.handle_signals) {
    signals_.add(SIGINT);
    signals_.add(SIGTERM);
    signals_.async_wait([this](const error_code& ec, int signal) {
      if (ec) return;
      spdlog::info("received {}, shutting down", signal == SIGTERM ? "SIGTERM" : "SIGINT");
      Stop();
    });
  }
  asio::co_spawn(strand_, AcceptLoop(), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("the accept loop failed: {}", ex.what());
    }
  });

  unsigned threads = options_.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  auto worker = [this] {
    for (;;) {
      try {
        ioc_.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("unexpected exception in the I/O loop: {}", e.what());
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();

  {
    std::lock_guard lock(run_mu_);
    running_ = false;
  }
  run_cv_.notify_all();
  return Status::Ok();
}

void Server::Impl::Stop() {
  if (stopping_.exchange(true, std::memory_order_acq_rel)) return;
  asio::post(strand_, [this] {
    error_code ec;
    acceptor_.close(ec);
    signals_.clear(ec);  // a second signal gets the default action (ends the process)
    signals_.cancel(ec);
    if (SessionCount() == 0) return;
    grace_timer_.expires_after(options_.shutdown_grace);
    grace_timer_.async_wait([this](const error_code& wait_ec) {
      if (wait_ec) return;  // cancelled: every connection closed in time
      spdlog::warn("shutdown grace period over; closing {} connection(s)", SessionCount());
      ForceCloseAll();
    });
  });
  for (const auto& session : Snapshot()) session->Shutdown();
}

void Server::Impl::Unregister(uint64_t id) {
  std::lock_guard lock(mu_);
  sessions_.erase(id);
  if (sessions_.empty() && stopping() && !destroying_) {
    asio::post(strand_, [this] { grace_timer_.cancel(); });
  }
}

std::vector<std::shared_ptr<SessionBase>> Server::Impl::Snapshot() {
  std::vector<std::shared_ptr<SessionBase>> out;
  std::lock_guard lock(mu_);
  out.reserve(sessions_.size());
  for (const auto& [id, weak] : sessions_) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

size_t Server::Impl::SessionCount() {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

void Server::Impl::ForceCloseAll() {
  for (const auto& session : Snapshot()) session->ForceClose();
}

asio::awaitable<void> Server::Impl::AcceptLoop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(ioc_), kTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping() || !acceptor_.is_open()) co_return;
      spdlog::warn("accepting a connection failed: {}", ec.message());
      if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
          ec == asio::error::no_memory) {
        // Out of file descriptors or memory: back off instead of spinning.
        asio::steady_timer pause(strand_, std::chrono::milliseconds(100));
        co_await pause.async_wait(kTuple);
      }
      continue;
    }
    StartSession(tcp::socket(std::move(socket)));
  }
}

void Server::Impl::StartSession(tcp::socket socket) {
  error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return;  // already gone
  if (stopping() || SessionCount() >= options_.max_connections) {
    if (!stopping()) {
      spdlog::warn("refusing a connection from {}: {} connections open (the limit)",
                   FormatEndpoint(peer), options_.max_connections);
    }
    socket.close(ec);
    return;
  }
  socket.set_option(tcp::no_delay(true), ec);
  std::string remote = FormatEndpoint(peer);
  if (ssl_ctx_) {
    Launch(std::make_shared<Session<TlsStream>>(
        *this, TlsStream(beast::tcp_stream(std::move(socket)), *ssl_ctx_), std::move(remote)));
  } else {
    Launch(std::make_shared<Session<PlainStream>>(*this, PlainStream(std::move(socket)),
                                                  std::move(remote)));
  }
}

template <class S>
void Server::Impl::Launch(std::shared_ptr<S> session) {
  {
    std::lock_guard lock(mu_);
    const uint64_t id = next_session_id_++;
    session->set_id(id);
    sessions_.emplace(id, session);
  }
  auto executor = session->executor();
  asio::co_spawn(executor, S::Run(std::move(session)), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("a connection failed unexpectedly: {}", ex.what());
    }
  });
}

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return InvalidArgument("listen address '" + std::string(text) + "' is not HOST:PORT");
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return InvalidArgument("listen address '" + std::string(text) +
                           "': write an IPv6 address in brackets, e.g. [::1]:8080");
  }
  if (host.empty()) {
    return InvalidArgument("listen address '" + std::string(text) +
                           "' has no host (use 0.0.0.0 or [::] for every interface)");
  }
  unsigned value = 0;
  if (port.empty() || port.size() > 5) {
    return InvalidArgument("listen address '" + std::string(text) + "' has no valid port");
  }
  for (char c : port) {
    if (c < '0' || c > '9') {
      return InvalidArgument("listen address '" + std::string(text) + "' has no valid port");
    }
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) {
    return InvalidArgument("listen address '" + std::string(text) + "': port above 65535");
  }
  return ListenAddress{std::string(host), static_cast<uint16_t>(value)};
}

Result<std::unique_ptr<Server>> Server::Create(ServerOptions options,
                                               std::shared_ptr<const Router> router) {
  auto impl = std::make_unique<Impl>(std::move(options), std::move(router));
  TESSERA_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

uint16_t Server::port() const { return impl_->port(); }
std::string Server::url() const { return impl_->url(); }
Status Server::Run() { return impl_->Run(); }
void Server::Stop() { impl_->Stop(); }

}  // namespace tessera::http
