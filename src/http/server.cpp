#include "http/server.h"

#include "http/access_note.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
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
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/text.h"

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
// A chunked body (whose length is not known ahead) takes its bytes from the body budget in steps
// of this size, a step ahead of what it holds.
constexpr size_t kBodyBudgetStep = size_t{1} << 20;
constexpr size_t kBodyBudgetAhead = size_t{256} << 10;
constexpr std::string_view kBusyRetryAfterSeconds = "2";

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

std::optional<ReadFailure> ClassifyReadError(const error_code& ec, const ServerOptions& options,
                                             size_t body_limit) {
  if (ec == bhttp::error::header_limit) {
    return ReadFailure{HttpStatus::request_header_fields_too_large,
                       "Request Header Fields Too Large",
                       "the request line and header fields exceed " +
                           std::to_string(options.max_header_bytes) + " bytes"};
  }
  if (ec == bhttp::error::body_limit || ec == bhttp::error::buffer_overflow) {
    return ReadFailure{HttpStatus::payload_too_large, "Content Too Large",
                       "the request body exceeds " + std::to_string(body_limit) + " bytes"};
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
      ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
      ec != bhttp::error::need_more && ec != bhttp::error::need_buffer) {
    return ReadFailure{HttpStatus::bad_request, "Bad Request",
                       "the request is not valid HTTP/1.1: " + ec.message()};
  }
  return std::nullopt;
}

std::string_view View(boost::beast::string_view s) { return {s.data(), s.size()}; }

// A server TLS context (TLS 1.2 or later) holding `files`, and the SHA-256 fingerprint of its
// certificate; kInvalidArgument naming the file and OpenSSL's reason when one is unusable.
struct LoadedTls {
  std::shared_ptr<ssl::context> context;
  std::string fingerprint;
};

Result<LoadedTls> LoadTlsContext(const TlsFiles& files) {
  for (const std::string* f : {&files.cert_file, &files.key_file}) {
    if (!std::ifstream(*f).good()) {
      return InvalidArgument("cannot read TLS file '" + *f + "'");
    }
  }
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  error_code ec;
  ctx->use_certificate_chain_file(files.cert_file, ec);
  if (ec) {
    return InvalidArgument("TLS certificate '" + files.cert_file +
                           "' is not a usable PEM certificate chain: " + ec.message());
  }
  ctx->use_private_key_file(files.key_file, ssl::context::pem, ec);
  if (ec) {
    return InvalidArgument("TLS key '" + files.key_file +
                           "' is not a usable PEM private key that matches the certificate '" +
                           files.cert_file + "': " + ec.message());
  }
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    return InvalidArgument("TLS key '" + files.key_file + "' does not match the certificate '" +
                           files.cert_file + "'");  // OpenSSL usually catches this above
  }
  LoadedTls loaded;
  if (X509* cert = SSL_CTX_get0_certificate(ctx->native_handle()); cert != nullptr) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (X509_digest(cert, EVP_sha256(), md, &len) == 1) {
      for (unsigned int i = 0; i < len; ++i) {
        char hex[4];
        std::snprintf(hex, sizeof hex, i == 0 ? "%02X" : ":%02X", md[i]);
        loaded.fingerprint += hex;
      }
    }
  }
  loaded.context = std::move(ctx);
  return loaded;
}

// The live settings' bounds (as Server::Create enforces them for ServerOptions).
Status CheckLive(const LiveOptions& live, size_t max_body_bytes) {
  if (live.max_connections == 0) return InvalidArgument("max_connections must be at least 1");
  if (live.max_connections_per_client == 0) {
    return InvalidArgument("max_connections_per_client must be at least 1");
  }
  if (live.first_request_timeout.count() <= 0) return InvalidArgument("timeouts must be positive");
  if (live.max_body_bytes_in_flight < max_body_bytes) {
    return InvalidArgument("max_body_bytes_in_flight must be at least max_body_bytes (" +
                           std::to_string(max_body_bytes) + ")");
  }
  return Status::Ok();
}

// The host[:port] of a plain HTTP request's Host header, when it has one that is plainly a host
// name or address (letters, digits, '.', '-', ':', '[', ']'); empty otherwise.
std::string PlainRequestHost(std::string_view head) {
  size_t at = 0;
  for (;;) {
    at = head.find('\n', at);
    if (at == std::string_view::npos) return "";
    ++at;
    if (head.size() - at >= 5 && beast::iequals(beast::string_view(head.data() + at, 5), "host:"))
      break;
  }
  size_t begin = at + 5;
  while (begin < head.size() && (head[begin] == ' ' || head[begin] == '\t')) ++begin;
  size_t end = begin;
  while (end < head.size() && end - begin <= 255) {
    const char c = head[end];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) break;
    ++end;
  }
  if (end == begin || end - begin > 255) return "";
  if (end < head.size() && head[end] != '\r' && head[end] != ' ' && head[end] != '\t') return "";
  return std::string(head.substr(begin, end - begin));
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
  // Since when (steady clock, nanoseconds) the connection has been waiting for a request (or a
  // TLS handshake); 0 while it is busy. Thread-safe.
  virtual int64_t IdleSince() const = 0;
};

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

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
  std::string url() const {
    return (options_.tls ? "https://" : "http://") + FormatEndpoint(bound_);
  }

  // The live settings (LiveOptions), read where they are used.
  bool access_log() const { return access_log_.load(std::memory_order_relaxed); }
  std::chrono::milliseconds first_request_timeout() const {
    return std::chrono::milliseconds(first_request_timeout_ms_.load(std::memory_order_relaxed));
  }
  size_t body_budget() const { return body_budget_.load(std::memory_order_relaxed); }
  LiveOptions live() const {
    LiveOptions l;
    l.access_log = access_log();
    l.max_connections = max_connections_.load(std::memory_order_relaxed);
    l.max_connections_per_client = max_connections_per_client_.load(std::memory_order_relaxed);
    l.first_request_timeout = first_request_timeout();
    l.max_body_bytes_in_flight = body_budget();
    return l;
  }
  Status SetLive(const LiveOptions& live) {
    TESSERA_RETURN_IF_ERROR(CheckLive(live, options_.max_body_bytes));
    access_log_.store(live.access_log, std::memory_order_relaxed);
    max_connections_.store(live.max_connections, std::memory_order_relaxed);
    max_connections_per_client_.store(live.max_connections_per_client, std::memory_order_relaxed);
    first_request_timeout_ms_.store(live.first_request_timeout.count(), std::memory_order_relaxed);
    body_budget_.store(live.max_body_bytes_in_flight, std::memory_order_relaxed);
    return Status::Ok();
  }

  std::string tls_fingerprint() const {
    std::lock_guard lock(tls_mu_);
    return tls_fingerprint_;
  }
  Status ReloadTls(const TlsFiles& files) {
    if (!options_.tls) return InvalidArgument("the server was started without TLS");
    auto loaded = LoadTlsContext(files);
    if (!loaded.ok()) return loaded.status();
    std::lock_guard lock(tls_mu_);
    ssl_ctx_ = std::move(loaded->context);
    tls_fingerprint_ = std::move(loaded->fingerprint);
    return Status::Ok();
  }
  void SetHangupHandler(std::function<void()> handler) { hangup_ = std::move(handler); }

  void Unregister(uint64_t id);

  // Whether `request` (routed to a route with `options`) runs on the blocking pool.
  static bool Blocking(const RouteOptions* options, const Request& request) {
    if (options == nullptr) return false;
    return options->blocking_when ? options->blocking_when(request) : options->blocking;
  }
  // Calls `fn` on the blocking pool; the caller resumes on its own executor. `fn` is the
  // caller's (alive across the co_await).
  template <class Fn>
  asio::awaitable<std::invoke_result_t<Fn&>> OnBlockingPool(Fn& fn) {
    using T = std::invoke_result_t<Fn&>;
    co_return co_await asio::co_spawn(
        blocking_pool_->get_executor(), [&fn]() -> asio::awaitable<T> { co_return fn(); },
        asio::use_awaitable);
  }

  // Takes `bytes` from the body budget; false (taking nothing) when that would exceed it.
  bool ReserveBody(size_t bytes) {
    const size_t limit = body_budget();
    size_t held = body_bytes_.load(std::memory_order_relaxed);
    do {
      if (bytes > limit || held > limit - bytes) return false;
    } while (!body_bytes_.compare_exchange_weak(held, held + bytes, std::memory_order_relaxed));
    return true;
  }
  void ReleaseBody(size_t bytes) { body_bytes_.fetch_sub(bytes, std::memory_order_relaxed); }

 private:
  asio::awaitable<void> AcceptLoop();
  void StartSession(tcp::socket socket);
  template <class S>
  void Launch(std::shared_ptr<S> session, std::string client);
  void LogRefusal(std::string_view why, const tcp::endpoint& peer);
  void WaitForSignal();
  std::vector<std::shared_ptr<SessionBase>> Snapshot();
  size_t SessionCount();
  void ForceCloseAll();

  ServerOptions options_;
  std::shared_ptr<const Router> router_;
  // The TLS context new connections take (each holds a reference to its own for its life).
  mutable std::mutex tls_mu_;
  std::shared_ptr<ssl::context> ssl_ctx_;  // GUARDED_BY(tls_mu_)
  std::string tls_fingerprint_;            // GUARDED_BY(tls_mu_)
  // LiveOptions, set from options_ by Init() and by SetLive().
  std::atomic<bool> access_log_{true};
  std::atomic<size_t> max_connections_{0};
  std::atomic<size_t> max_connections_per_client_{0};
  std::atomic<int64_t> first_request_timeout_ms_{0};
  std::atomic<size_t> body_budget_{0};
  std::function<void()> hangup_;  // set before Run(); called on strand_

  struct SessionEntry {
    std::weak_ptr<SessionBase> session;
    std::string client;  // the source address
  };
  // Makes room for one more connection by closing the one idle the longest; false when no
  // connection is idle.
  bool EvictIdlest();

  std::mutex mu_;
  std::unordered_map<uint64_t, SessionEntry> sessions_;      // GUARDED_BY(mu_)
  std::unordered_map<std::string, size_t> client_sessions_;  // GUARDED_BY(mu_)
  uint64_t next_session_id_ = 1;                             // GUARDED_BY(mu_)
  bool destroying_ = false;                                  // GUARDED_BY(mu_)
  std::atomic<bool> stopping_{false};
  std::atomic<size_t> body_bytes_{0};  // reserved by the bodies in flight
  // Refusals logged at most once a second, with how many there were.
  std::atomic<int64_t> refusal_logged_at_{0};
  std::atomic<uint64_t> refusals_unlogged_{0};

  std::mutex run_mu_;
  std::condition_variable run_cv_;
  bool running_ = false;  // GUARDED_BY(run_mu_)

  asio::io_context ioc_;
  // Handlers of blocking routes; joined (after the I/O threads) when the Impl is destroyed.
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

  // `tls_context` is the context `stream` was made with (null for a plain stream): the session
  // keeps it alive as long as the stream.
  Session(Server::Impl& server, std::shared_ptr<ssl::context> tls_context, Stream stream,
          std::string remote)
      : server_(server),
        tls_context_(std::move(tls_context)),
        stream_(std::move(stream)),
        buffer_(server.options().max_header_bytes + server.options().max_body_bytes + kReadChunk),
        remote_(std::move(remote)),
        idle_since_(NowNanos()) {}
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

  int64_t IdleSince() const override { return idle_since_.load(std::memory_order_relaxed); }

 private:
  // A body whose bytes are taken from the server's budget; gives them back when destroyed.
  class BodyBudget {
   public:
    explicit BodyBudget(Server::Impl& server) : server_(server) {}
    ~BodyBudget() {
      if (bytes_ > 0) server_.ReleaseBody(bytes_);
    }
    BodyBudget(const BodyBudget&) = delete;
    BodyBudget& operator=(const BodyBudget&) = delete;
    bool Take(size_t bytes) {
      if (!server_.ReserveBody(bytes)) return false;
      bytes_ += bytes;
      return true;
    }
    size_t bytes() const { return bytes_; }

   private:
    Server::Impl& server_;
    size_t bytes_ = 0;
  };

  void SetIdle(bool idle) {
    idle_ = idle;
    idle_since_.store(idle ? NowNanos() : 0, std::memory_order_relaxed);
  }

  Response ServerError(HttpStatus status, std::string_view title, std::string_view detail) {
    return server_.router().RenderError(status, title, detail);
  }

  Response Busy() {
    Response r =
        ServerError(HttpStatus::service_unavailable, "Service Unavailable",
                    "the server holds as many request bodies as it may (" +
                        std::to_string(server_.body_budget()) + " bytes); try again shortly");
    r.headers.emplace_back("Retry-After", std::string(kBusyRetryAfterSeconds));
    return r;
  }

  // The checks made once a request's header is read and before its body is: codings, the
  // router's own answer, the route's body limit, the route's admission check, the body budget.
  // A Response refuses the request (its body unread).
  asio::awaitable<std::optional<Response>> Admit(const Routed& routed, BodyBudget& budget) {
    const auto& header = parser_->get();
    if (header.count(bhttp::field::transfer_encoding) > 0) {
      const std::string_view te = Trim(View(header[bhttp::field::transfer_encoding]), kBlanks);
      if (header.count(bhttp::field::transfer_encoding) > 1 ||
          !beast::iequals(beast::string_view(te.data(), te.size()), "chunked")) {
        co_return ServerError(HttpStatus::not_implemented, "Not Implemented",
                              "transfer coding '" + std::string(te.substr(0, 100)) +
                                  "' is not implemented: send the body with Content-Length or "
                                  "'Transfer-Encoding: chunked' alone");
      }
    }
    if (header.count(bhttp::field::content_encoding) > 0) {
      const std::string_view ce = Trim(View(header[bhttp::field::content_encoding]), kBlanks);
      if (header.count(bhttp::field::content_encoding) > 1 ||
          !beast::iequals(beast::string_view(ce.data(), ce.size()), "identity")) {
        co_return ServerError(HttpStatus::unsupported_media_type, "Unsupported Media Type",
                              "content coding '" + std::string(ce.substr(0, 100)) +
                                  "' is not supported: send the body uncompressed, without "
                                  "Content-Encoding");
      }
    }
    if (routed.answer()) co_return *routed.answer();
    const RouteOptions* route = routed.options();
    body_limit_ = server_.options().max_body_bytes;
    if (route != nullptr && route->max_body_bytes > 0) {
      body_limit_ = std::min(body_limit_, route->max_body_bytes);
    }
    const auto length = parser_->content_length();  // boost::optional
    if (length && *length > body_limit_) {
      co_return ServerError(HttpStatus::payload_too_large, "Content Too Large",
                            "the request body has " + std::to_string(*length) +
                                " bytes; this resource takes at most " +
                                std::to_string(body_limit_));
    }
    parser_->body_limit(static_cast<std::uint64_t>(body_limit_));
    if (route != nullptr && route->admit) {
      NativeRequest head_only;
      head_only.base() = header.base();
      Request head(std::move(head_only), remote_);
      head.SetPathParams(routed.params());
      std::optional<Response> refusal;
      if (Server::Impl::Blocking(route, head)) {
        auto check = [route, &head] { return route->admit(head); };
        refusal = co_await server_.OnBlockingPool(check);
      } else {
        refusal = route->admit(head);
      }
      if (refusal) co_return refusal;
    }
    if (length && !budget.Take(static_cast<size_t>(*length))) co_return Busy();
    co_return std::nullopt;
  }
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  asio::awaitable<void> Serve() {
    const ServerOptions& opt = server_.options();
    if constexpr (kTls) {
      if (server_.stopping()) co_return;
      SetIdle(true);
      Lowest().expires_after(server_.first_request_timeout());  // the handshake's too
      // The client's first bytes: a TLS handshake record (0x16), or plain HTTP sent to this port.
      auto [read_ec, n] = co_await Lowest().async_read_some(buffer_.prepare(kReadChunk), kTuple);
      if (read_ec) {
        SetIdle(false);
        co_return;
      }
      buffer_.commit(n);
      const auto first = static_cast<const unsigned char*>(buffer_.data().data())[0];
      if (first >= 'A' && first <= 'Z') {
        SetIdle(false);
        co_await AnswerPlainHttp();
        co_return;
      }
      auto [ec, used] =
          co_await stream_.async_handshake(ssl::stream_base::server, buffer_.data(), kTuple);
      SetIdle(false);
      if (ec) {
        spdlog::debug("TLS handshake with {} failed: {}", remote_, ec.message());
        co_return;
      }
      if (used != buffer_.size()) {  // TLS records the engine did not take: cannot be read on
        spdlog::debug("TLS handshake with {} left {} bytes unread", remote_, buffer_.size() - used);
        co_return;
      }
      buffer_.consume(used);
      handshake_done_ = true;
    }
    for (;;) {
      if (buffer_.size() == 0) {
        // Between requests: wait for the first byte of the next one, or the end.
        if (server_.stopping()) co_return;
        if (buffer_.capacity() > kShrinkBufferAbove) buffer_.shrink_to_fit();
        SetIdle(true);
        Lowest().expires_after(served_ == 0 ? server_.first_request_timeout() : opt.idle_timeout);
        auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), kTuple);
        SetIdle(false);
        if (ec) co_return;  // the peer closed, idle timeout, eviction or shutdown
        buffer_.commit(n);
      }
      ++served_;
      const auto started = std::chrono::steady_clock::now();
      Lowest().expires_after(opt.request_timeout);
      parser_.emplace();
      parser_->header_limit(static_cast<std::uint32_t>(opt.max_header_bytes));
      body_limit_ = opt.max_body_bytes;
      parser_->body_limit(static_cast<std::uint64_t>(body_limit_));
      {
        auto [ec, n] = co_await bhttp::async_read_header(stream_, buffer_, *parser_, kTuple);
        if (ec) {
          co_await AnswerReadError(ec, started, kOtherRouteName);
          co_return;
        }
      }
      Routed routed = server_.router().Find(ToMethod(parser_->get().method()),
                                            View(parser_->get().method_string()),
                                            View(parser_->get().target()));
      const std::string_view route_name = routed.name();
      BodyBudget budget(server_);  // held until the response is written
      if (!parser_->is_done()) {
        std::optional<Response> refusal = co_await Admit(routed, budget);
        if (refusal) {
          const auto& header = parser_->get();
          co_await Write(*refusal, false, header.version(), false, started,
                         View(header.method_string()), View(header.target()), route_name);
          linger_ = true;
          co_return;
        }
        const auto& header = parser_->get();
        if (header.version() >= 11 &&
            beast::iequals(header[bhttp::field::expect], "100-continue")) {
          bhttp::response<bhttp::empty_body> proceed{bhttp::status::continue_, header.version()};
          auto [ec, n] = co_await bhttp::async_write(stream_, proceed, kTuple);
          if (ec) co_return;
        }
        bool over_budget = false;
        while (!parser_->is_done()) {
          if (!parser_->content_length() &&
              parser_->get().body().size() + kBodyBudgetAhead > budget.bytes() &&
              !budget.Take(kBodyBudgetStep)) {
            over_budget = true;
            break;
          }
          auto [ec, n] = co_await bhttp::async_read_some(stream_, buffer_, *parser_, kTuple);
          if (ec) {
            co_await AnswerReadError(ec, started, route_name);
            co_return;
          }
        }
        if (over_budget) {
          Response busy = Busy();
          co_await Write(busy, false, parser_->get().version(), false, started,
                         View(parser_->get().method_string()), View(parser_->get().target()),
                         route_name);
          linger_ = true;
          co_return;
        }
      }

      Request request(parser_->release(), remote_);
      parser_.reset();
      const bool client_keep_alive = request.native().keep_alive();
      // (Not a conditional expression: GCC 12 mishandles co_await inside one.)
      Response response;
      // Who the handler says the request was authenticated as (http/access_note.h), taken on
      // the thread that ran it.
      std::optional<AccessNote> who;
      if (Server::Impl::Blocking(routed.options(), request)) {
        auto handle = [this, &routed, &request, &who] {
          TakeAccessNote();
          Response r = server_.router().Dispatch(std::move(routed), request);
          who = TakeAccessNote();
          return r;
        };
        response = co_await server_.OnBlockingPool(handle);
      } else {
        TakeAccessNote();
        response = server_.router().Dispatch(std::move(routed), request);
        who = TakeAccessNote();
      }
      access_who_.clear();
      if (who) access_who_ = fmt::format(" user=\"{}\" org={}", ForLog(who->user), who->org);
      const bool keep_alive = client_keep_alive && !response.close && !server_.stopping();
      const bool written =
          co_await Write(response, request.method() == Method::kHead, request.native().version(),
                         keep_alive, started, request.method_name(), request.target(), route_name);
      if (!written || !keep_alive) co_return;
    }
  }

  // Plain HTTP sent to the TLS port (its first bytes in buffer_): a plain-text 400 that names the
  // https:// URL to use; the connection then closes.
  asio::awaitable<void> AnswerPlainHttp() {
    const auto started = std::chrono::steady_clock::now();
    const std::string_view head(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    std::string host = PlainRequestHost(head);
    if (host.empty()) {
      error_code ec;
      host = FormatEndpoint(Lowest().socket().local_endpoint(ec));
    }
    bhttp::response<bhttp::string_body> res{bhttp::status::bad_request, 11};
    res.set(bhttp::field::server, kServerName);
    res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
    res.set("X-Content-Type-Options", "nosniff");
    res.body() =
        "400 Bad Request: this port speaks HTTPS (HTTP over TLS), not plain HTTP.\n"
        "Use https://" +
        host + "/\n";
    res.prepare_payload();
    res.keep_alive(false);
    const size_t body_bytes = res.body().size();
    Lowest().expires_after(server_.options().request_timeout);
    auto [ec, n] = co_await bhttp::async_write(Lowest(), res, kTuple);
    const std::string_view line = head.substr(0, head.find_first_of("\r\n"));
    const std::string_view method = line.substr(0, line.find(' '));
    std::string_view target = "-";
    if (const size_t sp = line.find(' '); sp != std::string_view::npos) {
      target = line.substr(sp + 1, line.find(' ', sp + 1) - sp - 1);
    }
    if (const auto& metrics = server_.options().metrics) {
      metrics->ObserveRequest(method, kOtherRouteName, 400,
                              std::chrono::steady_clock::now() - started);
    }
    if (server_.access_log() && spdlog::should_log(spdlog::level::info)) {
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
              .count();
      spdlog::info(
          "access remote={} method={} target=\"{}\" status=400 bytes={} ms={:.3f} "
          "error=\"plain HTTP on the TLS port\"{}",
          remote_, ForLog(method), ForLog(target), body_bytes, ms,
          ec ? " write_error=\"" + ec.message() + "\"" : "");
    }
    linger_ = true;
  }

  // Answers a request that could not be read (when an answer is due) and ends the connection.
  asio::awaitable<void> AnswerReadError(const error_code& ec,
                                        std::chrono::steady_clock::time_point started,
                                        std::string_view route_name) {
    std::optional<ReadFailure> failure = ClassifyReadError(ec, server_.options(), body_limit_);
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
    co_await Write(response, false, 11, false, started, method, target, route_name);
    linger_ = true;
  }

  // Writes `response`; false when the connection failed. `response` is the caller's (a local of
  // its coroutine frame, alive across this co_await): GCC 12 destroys a by-value coroutine
  // argument built from std::move(local) while the callee still reads it (use after free).
  asio::awaitable<bool> Write(Response& response, bool head, unsigned version, bool keep_alive,
                              std::chrono::steady_clock::time_point started,
                              std::string_view method, std::string_view target,
                              std::string_view route_name) {
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
      metrics->ObserveRequest(method, route_name, static_cast<unsigned>(res.result()),
                              std::chrono::steady_clock::now() - started);
    }
    if (server_.access_log() && spdlog::should_log(spdlog::level::info)) {
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
              .count();
      // The user and organization of an authenticated request (http/access_note.h).
      spdlog::info("access remote={} method={} target=\"{}\" status={} bytes={} ms={:.3f}{}{}",
                   remote_, ForLog(method), ForLog(target), static_cast<unsigned>(res.result()),
                   head ? 0 : body_bytes, ms, access_who_,
                   ec ? " write_error=\"" + ec.message() + "\"" : "");
      access_who_.clear();
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
  std::shared_ptr<ssl::context> tls_context_;  // declared before stream_, which uses it
  // " user=\"NAME\" org=N" for the access-log line of the response being written, or "".
  std::string access_who_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string remote_;
  uint64_t id_ = 0;
  // Touched only on the session's strand.
  bool idle_ = false;  // waiting for a request (or a TLS handshake): safe to close on shutdown
  bool handshake_done_ = false;
  bool linger_ = false;              // drain before closing (a request was refused unread)
  uint64_t served_ = 0;              // requests begun on this connection
  size_t body_limit_ = 0;            // of the request being read
  std::atomic<int64_t> idle_since_;  // see SessionBase::IdleSince
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
  if (o.max_body_bytes_in_flight < o.max_body_bytes) {
    return InvalidArgument("max_body_bytes_in_flight must be at least max_body_bytes");
  }
  LiveOptions live;
  live.access_log = o.access_log;
  live.max_connections = o.max_connections;
  live.max_connections_per_client = o.max_connections_per_client;
  live.first_request_timeout = o.first_request_timeout;
  live.max_body_bytes_in_flight = o.max_body_bytes_in_flight;
  TESSERA_RETURN_IF_ERROR(SetLive(live));
  if (o.idle_timeout.count() <= 0 || o.request_timeout.count() <= 0 ||
      o.first_request_timeout.count() <= 0 || o.shutdown_grace.count() < 0) {
    return InvalidArgument("timeouts must be positive");
  }
  if (!router_) return InvalidArgument("no router");
  if (o.blocking_threads == 0 || o.blocking_threads > kMaxThreads) {
    return InvalidArgument("blocking_threads must be between 1 and " + std::to_string(kMaxThreads));
  }
  if (o.metrics) {
    TESSERA_RETURN_IF_ERROR(o.metrics->DeclareRoutes(router_->RouteNames()));
  }
  blocking_pool_ = std::make_unique<asio::thread_pool>(o.blocking_threads);

  if (o.tls) {
    auto loaded = LoadTlsContext(*o.tls);
    if (!loaded.ok()) return loaded.status();
    std::lock_guard lock(tls_mu_);
    ssl_ctx_ = std::move(loaded->context);
    tls_fingerprint_ = std::move(loaded->fingerprint);
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
    signals_.add(SIGHUP);
    WaitForSignal();
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

void Server::Impl::WaitForSignal() {
  signals_.async_wait([this](const error_code& ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      if (!hangup_) {
        spdlog::info("received SIGHUP; nothing to reload");
      } else {
        try {
          hangup_();
        } catch (const std::exception& e) {
          spdlog::error("reloading on SIGHUP failed: {}", e.what());
        }
      }
      if (!stopping()) WaitForSignal();
      return;
    }
    spdlog::info("received {}, shutting down", signal == SIGTERM ? "SIGTERM" : "SIGINT");
    Stop();
  });
}

void Server::Impl::Unregister(uint64_t id) {
  std::lock_guard lock(mu_);
  if (auto it = sessions_.find(id); it != sessions_.end()) {
    if (auto c = client_sessions_.find(it->second.client); c != client_sessions_.end()) {
      if (--c->second == 0) client_sessions_.erase(c);
    }
    sessions_.erase(it);
  }
  if (sessions_.empty() && stopping() && !destroying_) {
    asio::post(strand_, [this] { grace_timer_.cancel(); });
  }
}

std::vector<std::shared_ptr<SessionBase>> Server::Impl::Snapshot() {
  std::vector<std::shared_ptr<SessionBase>> out;
  std::lock_guard lock(mu_);
  out.reserve(sessions_.size());
  for (const auto& [id, entry] : sessions_) {
    if (auto s = entry.session.lock()) out.push_back(std::move(s));
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

void Server::Impl::LogRefusal(std::string_view why, const tcp::endpoint& peer) {
  // A flood of connections must not become a flood of log lines: one a second, with a count.
  const int64_t now = NowNanos();
  int64_t last = refusal_logged_at_.load(std::memory_order_relaxed);
  if (now - last < 1'000'000'000 ||
      !refusal_logged_at_.compare_exchange_strong(last, now, std::memory_order_relaxed)) {
    refusals_unlogged_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const uint64_t more = refusals_unlogged_.exchange(0, std::memory_order_relaxed);
  spdlog::warn("refusing a connection from {}: {}{}", FormatEndpoint(peer), why,
               more > 0 ? " (and " + std::to_string(more) + " more refused since the last line)"
                        : std::string());
}

bool Server::Impl::EvictIdlest() {
  // Not under mu_: dropping the last reference to a session unregisters it (which locks mu_).
  const std::vector<std::shared_ptr<SessionBase>> sessions = Snapshot();
  SessionBase* idlest = nullptr;
  int64_t oldest = 0;
  for (const auto& s : sessions) {
    const int64_t since = s->IdleSince();
    if (since != 0 && (oldest == 0 || since < oldest)) {
      oldest = since;
      idlest = s.get();
    }
  }
  if (idlest == nullptr) return false;
  idlest->Shutdown();  // closes it if it is still waiting for a request
  return true;
}

void Server::Impl::StartSession(tcp::socket socket) {
  error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return;  // already gone
  if (stopping()) {
    socket.close(ec);
    return;
  }
  std::string client = peer.address().to_string();
  size_t open = 0;
  size_t from_client = 0;
  {
    std::lock_guard lock(mu_);
    open = sessions_.size();
    if (auto it = client_sessions_.find(client); it != client_sessions_.end()) {
      from_client = it->second;
    }
  }
  if (from_client >= max_connections_per_client_.load(std::memory_order_relaxed)) {
    LogRefusal(std::to_string(from_client) + " connections open from " + client + " (the limit)",
               peer);
    socket.close(ec);
    return;
  }
  if (open >= max_connections_.load(std::memory_order_relaxed) && !EvictIdlest()) {
    LogRefusal(std::to_string(open) + " connections open, none idle (the limit)", peer);
    socket.close(ec);
    return;
  }
  socket.set_option(tcp::no_delay(true), ec);
  std::string remote = FormatEndpoint(peer);
  std::shared_ptr<ssl::context> tls;
  if (options_.tls) {
    std::lock_guard lock(tls_mu_);
    tls = ssl_ctx_;
  }
  if (tls) {
    TlsStream stream(beast::tcp_stream(std::move(socket)), *tls);
    Launch(std::make_shared<Session<TlsStream>>(*this, std::move(tls), std::move(stream),
                                                std::move(remote)),
           std::move(client));
  } else {
    Launch(std::make_shared<Session<PlainStream>>(*this, nullptr, PlainStream(std::move(socket)),
                                                  std::move(remote)),
           std::move(client));
  }
}

template <class S>
void Server::Impl::Launch(std::shared_ptr<S> session, std::string client) {
  {
    std::lock_guard lock(mu_);
    const uint64_t id = next_session_id_++;
    session->set_id(id);
    ++client_sessions_[client];
    sessions_.emplace(id, SessionEntry{session, std::move(client)});
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

Result<bool> ResolvesToLoopback(const std::string& host) {
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  error_code ec;
  const auto results =
      resolver.resolve(host, "0", tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return IoError("cannot resolve listen address '" + host +
                   "': " + (ec ? ec.message() : "no address"));
  }
  const asio::ip::address address = results.begin()->endpoint().address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).is_loopback();
  }
  return address.is_loopback();
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
std::string Server::tls_fingerprint() const { return impl_->tls_fingerprint(); }
Status Server::ReloadTls(const TlsFiles& files) { return impl_->ReloadTls(files); }
Status Server::SetLive(const LiveOptions& live) { return impl_->SetLive(live); }
LiveOptions Server::live() const { return impl_->live(); }
void Server::SetHangupHandler(std::function<void()> handler) {
  impl_->SetHangupHandler(std::move(handler));
}
Status Server::Run() { return impl_->Run(); }
void Server::Stop() { impl_->Stop(); }

}  // namespace tessera::http
