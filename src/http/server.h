#pragma once
// The HTTP/1.1 server: Boost.Asio io_context on N threads, one coroutine per connection, optional
// TLS, keep-alive, explicit limits and timeouts, graceful shutdown, one access-log line per
// request.
//
// Per connection: (TLS handshake,) then for each request: wait for its first byte (up to
// first_request_timeout on a new connection, idle_timeout between requests), read its header
// (within max_header_bytes), route it (Router::Find) and read the route's options; then, when a
// body follows: refuse transfer codings other than chunked (501) and content codings (415),
// answer at once what the router answers itself (404, 405, ...), refuse a body over the route's
// limit (413), ask the route's `admit` check (authentication on the headers: 401 before a byte
// of the body is read), reserve the body's bytes from the server-wide budget
// max_body_bytes_in_flight (503 with Retry-After when it is spent), answer
// "Expect: 100-continue", and read the body (all of the request within request_timeout). Then
// the route's handler runs (on the blocking pool for a blocking route) and the response is
// written within request_timeout. The connection stays open while both sides want keep-alive.
// Requests pipelined on one connection are answered in order.
// Answers the server gives itself: 400 malformed request, 413 body too large, 431 header too
// large, 501/415 unsupported codings, 503 body budget spent (each closes the connection, after
// reading and discarding for a moment what the client still sends); the Router's and the
// route's answers otherwise (router.h).
//
// Connection slots: at most max_connections at once and max_connections_per_client from one
// source address (more are closed at once). When every slot is taken, a new connection takes
// the slot of the connection that has waited longest for a request, so idle connections cannot
// lock others out.
//
// TLS: a connection whose first byte is not a TLS handshake record but an ASCII capital letter
// (the start of an HTTP method: plain HTTP sent to the HTTPS port) is answered with a plain-text
// "HTTP/1.1 400" saying that the port speaks HTTPS, with the https:// URL to use, and closed. Any
// other first byte goes to the TLS handshake (which fails on it). ReloadTls() swaps the
// certificate for the connections accepted afterwards; open connections keep theirs.
//
// Live settings (LiveOptions: the access log, connection slots, the first-request timeout, the
// body budget) can be changed while the server runs (SetLive); each is read when it is used, so a
// change applies to the next connection or request.
//
// Signals (when handle_signals): SIGHUP calls the hangup handler (SetHangupHandler) on one of
// the I/O threads, one call at a time; without a handler SIGHUP is ignored (and logged).
// Shutdown (Stop(), or SIGINT/SIGTERM when handle_signals): the listener closes at once;
// connections waiting for a request close; requests already read are handled and answered (with
// "Connection: close"), for at most shutdown_grace, after which the remaining connections are
// closed. Run() then returns.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "http/metrics.h"
#include "http/router.h"

namespace tessera::http {

struct TlsFiles {
  std::string cert_file;  // PEM: the server certificate, then any intermediates
  std::string key_file;   // PEM: its private key
};

struct ServerOptions {
  std::string host = "127.0.0.1";            // an address or a name that resolves to one
  uint16_t port = 8080;                      // 0: the system picks a free port (see Server::port())
  unsigned threads = 0;                      // 0: std::thread::hardware_concurrency()
  size_t max_header_bytes = 16 * 1024;       // start line + header fields
  size_t max_body_bytes = 32 * 1024 * 1024;  // request body (Content-Length or chunked)
  // Request bodies held in memory at once, over every connection (a body is held from before it
  // is read until its response is written); over it, 503 with Retry-After.
  size_t max_body_bytes_in_flight = 256 * 1024 * 1024;
  size_t max_connections = 4096;           // open at once (see "Connection slots" above)
  size_t max_connections_per_client = 64;  // from one source address; more are closed at once
  std::chrono::milliseconds first_request_timeout{10'000};  // a new connection's first byte
  std::chrono::milliseconds idle_timeout{60'000};           // between requests on a connection
  std::chrono::milliseconds request_timeout{30'000};        // read one request; write one response
  std::chrono::milliseconds shutdown_grace{10'000};         // in-flight requests after Stop()
  std::optional<TlsFiles> tls;                              // HTTPS when set (TLS 1.2 or later)
  // Run() stops gracefully on SIGINT and SIGTERM, and calls the hangup handler on SIGHUP.
  bool handle_signals = false;
  bool access_log = true;  // one spdlog info line per request
  // When set, every answered request is counted in it (metrics.h); shared with whoever renders it.
  std::shared_ptr<Metrics> metrics;
  // Threads of the pool that runs the blocking routes (RouteOptions::blocking), besides the I/O
  // threads; 1..256.
  unsigned blocking_threads = 2;
};

// The settings that can change while the server runs (Server::SetLive); the fields of the same
// names in ServerOptions are their values at the start.
struct LiveOptions {
  bool access_log = true;
  size_t max_connections = 4096;
  size_t max_connections_per_client = 64;
  std::chrono::milliseconds first_request_timeout{10'000};
  size_t max_body_bytes_in_flight = 256 * 1024 * 1024;
};

// A listen address from the command line: "127.0.0.1:8080", "[::1]:8443", "localhost:0".
struct ListenAddress {
  std::string host;
  uint16_t port = 0;
};

// Parses HOST:PORT (an IPv6 address in brackets). kInvalidArgument when the host is empty or the
// port is not a number in 0..65535.
Result<ListenAddress> ParseListenAddress(std::string_view text);

// Whether `host` (an address or a name, as ServerOptions::host) resolves, as the server resolves
// it to listen, to a loopback address (127.0.0.0/8, ::1, or ::ffff:127.x.y.z), which other hosts
// cannot reach. kIo when it cannot be resolved.
Result<bool> ResolvesToLoopback(const std::string& host);

class Server {
 public:
  // Binds and listens. kInvalidArgument for bad options or unusable TLS files (with OpenSSL's
  // reason), kIo when the address cannot be resolved or bound. `router` must not be changed
  // afterwards; it is shared by every thread. Declares the router's route names to
  // options.metrics (Metrics::DeclareRoutes).
  static Result<std::unique_ptr<Server>> Create(ServerOptions options,
                                                std::shared_ptr<const Router> router);

  // Stops (as Stop()) and waits for Run() to return if it is running on another thread.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The port actually bound (useful with port 0).
  uint16_t port() const;
  // "http://127.0.0.1:8080" or "https://[::1]:8443": the bound address.
  std::string url() const;

  // The SHA-256 fingerprint ("AB:CD:...", as `openssl x509 -fingerprint -sha256` prints it) of
  // the certificate new connections get; empty without TLS. Thread-safe.
  std::string tls_fingerprint() const;

  // Loads `files` into a new TLS context that the connections accepted from then on use; open
  // connections keep the context they began with. On failure (kInvalidArgument with OpenSSL's
  // reason, naming the file) the current certificate stays; also kInvalidArgument when the
  // server was created without TLS. Thread-safe.
  Status ReloadTls(const TlsFiles& files);

  // Replaces the live settings (LiveOptions); kInvalidArgument (changing nothing) when one is out
  // of the bounds Create() enforces. Thread-safe.
  Status SetLive(const LiveOptions& live);
  // The live settings now in force. Thread-safe.
  LiveOptions live() const;

  // What Run() calls on SIGHUP when options.handle_signals is set. Call before Run().
  void SetHangupHandler(std::function<void()> handler);

  // Serves on `threads` threads (the calling one included) until Stop() or a handled signal,
  // then shuts down as described above. Returns ok after a graceful stop; call it once.
  Status Run();

  // Begins the shutdown; returns at once. Thread-safe, idempotent; before Run() it makes Run()
  // return as soon as it starts.
  void Stop();

  class Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tessera::http
