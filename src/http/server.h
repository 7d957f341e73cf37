#pragma once
// The HTTP/1.1 server: Boost.Asio io_context on N threads, one coroutine per connection, optional
// TLS, keep-alive, explicit limits and timeouts, graceful shutdown, one access-log line per
// request.
//
// Per connection: (TLS handshake,) then for each request: wait up to idle_timeout for its first
// byte, read it (header within max_header_bytes, body within max_body_bytes, all of it within
// request_timeout; "Expect: 100-continue" is answered), route it through the Router, write the
// response within request_timeout. The connection stays open while both sides want keep-alive.
// Requests pipelined on one connection are answered in order.
// Answers the server gives itself: 400 malformed request, 413 body too large, 431 header too
// large (each closes the connection); the Router's answers otherwise (router.h).
//
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
  size_t max_connections = 4096;             // more are accepted and closed at once
  std::chrono::milliseconds idle_timeout{60'000};     // between requests on a connection
  std::chrono::milliseconds request_timeout{30'000};  // read one request; write one response
  std::chrono::milliseconds shutdown_grace{10'000};   // in-flight requests after Stop()
  std::optional<TlsFiles> tls;                        // HTTPS when set (TLS 1.2 or later)
  bool handle_signals = false;  // Run() stops gracefully on SIGINT and SIGTERM
  bool access_log = true;       // one spdlog info line per request
  // When set, every answered request is counted in it (metrics.h); shared with whoever renders it.
  std::shared_ptr<Metrics> metrics;
  // Requests for which this returns true are handled on a separate pool of `blocking_threads`
  // threads instead of the I/O thread that read them, so that slow handlers (writes that wait
  // for the disk, first-time token hashing) do not hold up the other connections of that thread.
  // Called on the I/O thread for every request: it must be quick and thread-safe. Empty: every
  // request is handled on its I/O thread.
  std::function<bool(const Request&)> run_blocking;
  unsigned blocking_threads = 2;  // 1..kMaxThreads when run_blocking is set
};

// A listen address from the command line: "127.0.0.1:8080", "[::1]:8443", "localhost:0".
struct ListenAddress {
  std::string host;
  uint16_t port = 0;
};

// Parses HOST:PORT (an IPv6 address in brackets). kInvalidArgument when the host is empty or the
// port is not a number in 0..65535.
Result<ListenAddress> ParseListenAddress(std::string_view text);

class Server {
 public:
  // Binds and listens. kInvalidArgument for bad options or unusable TLS files (with OpenSSL's
  // reason), kIo when the address cannot be resolved or bound. `router` must not be changed
  // afterwards; it is shared by every thread.
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
