#pragma once
// Routes a request by method and path template to a handler.
//
// A pattern is a path of '/'-separated segments, each a literal ("taxii2") or a parameter
// ("{api_root}") that binds one non-empty, percent-decoded segment. A trailing '/' is part of the
// pattern: "/taxii2/" matches "/taxii2/" and not "/taxii2". When several patterns match a path the
// most specific wins: at the first segment where they differ, a literal beats a parameter, so
// "/taxii2/" is chosen over "/{api_root}/" for "/taxii2/".
//
// Besides calling the handler, Handle() answers on its own:
//   - 404 when no pattern matches; a GET or HEAD on "/x" that only matches as "/x/" gets a 301
//     to "/x/" instead (never when the path starts with "//" or "/\", which a browser would
//     take for another host);
//   - 405 with an Allow field when the pattern matches but not the method;
//   - HEAD with the GET handler when no HEAD handler is registered (the server drops the body);
//   - OPTIONS with 204 and Allow when no OPTIONS handler is registered;
//   - 400 when the path is not origin-form ("/...") or holds a malformed %-escape;
//   - 500 when a handler throws (the exception is logged and goes no further).
// Error bodies come from the ErrorRenderer (by default a JSON object with title, description
// and http_status); whatever bytes a request held, they are valid UTF-8 (see JsonText).
//
// A route carries its own metadata (RouteOptions): its name in metrics, whether it runs on the
// server's blocking pool, a check of the header before the body is read, its body limit. The
// server routes a request once, as soon as its header is read (Find), reads the options of the
// route found, and calls it (Dispatch) once the body is in.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "http/message.h"

namespace tessera::http {

// Handlers are called concurrently from the server's threads, so they must be thread-safe. They
// report failure in the Response they return; an exception is a bug (answered with 500).
using Handler = std::function<Response(const Request&)>;

// Builds the body of an error response the router or the server produces itself.
using ErrorRenderer =
    std::function<Response(HttpStatus status, std::string_view title, std::string_view detail)>;

// What a route tells the server about itself, besides its handler.
struct RouteOptions {
  // Its name in metrics ("taxii_objects", "admin"): a fixed word from code, so that label values
  // stay bounded. Requests of a route without a name, and those no route matched, count as
  // "other".
  std::string name;
  // Handled on the server's blocking pool (ServerOptions::blocking_threads) instead of the I/O
  // thread that read it: for handlers that may take long (writes that wait for the disk), so
  // that they do not hold up the other connections of that thread.
  bool blocking = false;
  // When set, decides per request instead of `blocking` (e.g. "credentials this process has not
  // verified yet"). Called on the I/O thread with the request's header: quick and thread-safe.
  std::function<bool(const Request&)> blocking_when;
  // Called after the header of a request with a body is read and before any of its body is:
  // with the header and the path parameters (the body still empty). A Response refuses the
  // request, which the server answers without reading the body (and then closes the
  // connection); nullopt lets the body be read. Typically authentication: a client without
  // credentials cannot make the server hold its body. Runs where the handler runs (the blocking
  // pool for a blocking request); thread-safe. The handler still sees every request it admitted
  // (and those without a body, for which this is not called).
  std::function<std::optional<Response>(const Request&)> admit;
  // The largest body this route takes, at most the server's ServerOptions::max_body_bytes;
  // 0: the server's. A longer body is refused with 413 before it is read.
  size_t max_body_bytes = 0;
};

// The name under which requests no route answered are counted.
constexpr std::string_view kOtherRouteName = "other";

// Text from a request (a path, a header value) made fit for a JSON string: invalid UTF-8
// sequences become U+FFFD, so an error body that quotes it stays valid UTF-8 JSON.
std::string JsonText(std::string_view text);

// The default ErrorRenderer: Content-Type application/json, body
// {"title": ..., "description": ..., "http_status": "<code>"}.
Response DefaultErrorResponse(HttpStatus status, std::string_view title, std::string_view detail);

// Limits on patterns (routes come from code, but a typo should fail loudly, not route oddly).
constexpr size_t kMaxPatternSegments = 32;

class Router;

// Where one request goes: the route and handler its method and path matched, with the path
// parameters bound, or the answer the router gives itself (404, 405, 301, 400, OPTIONS). Made
// by Router::Find; valid while the Router lives.
class Routed {
 public:
  // The options of the matched route (nullptr when the router answers itself, or for a route
  // matched by its path but not its method: see name()).
  const RouteOptions* options() const { return options_; }
  // The matched route's name for metrics: its RouteOptions::name (of the first method registered
  // on the path when the method did not match), or kOtherRouteName.
  std::string_view name() const { return name_; }
  // The answer when no handler is to be called.
  const std::optional<Response>& answer() const { return answer_; }
  const std::vector<std::pair<std::string, std::string>>& params() const { return params_; }

 private:
  friend class Router;
  const Handler* handler_ = nullptr;
  const RouteOptions* options_ = nullptr;
  std::string_view name_ = kOtherRouteName;
  std::string_view pattern_;
  std::vector<std::pair<std::string, std::string>> params_;
  std::optional<Response> answer_;
};

// Set up once with Add/SetErrorRenderer, then shared read-only: Find, Dispatch, Handle and
// RenderError are thread-safe on a const Router; Add and SetErrorRenderer are not.
class Router {
 public:
  Router();

  // Registers `handler` for `method` on `pattern`, with the route's `options`. kInvalidArgument
  // when the pattern does not start with '/', has an empty or malformed "{...}" segment, repeats
  // a parameter name, or has too many segments; kAlreadyExists when the same method and pattern
  // are already registered.
  Status Add(Method method, std::string_view pattern, Handler handler, RouteOptions options = {});

  void SetErrorRenderer(ErrorRenderer renderer);

  // Routes a request by its method (`method_name` as received, for messages), and target (the
  // query is kept only for a redirect's Location). Never throws.
  Routed Find(Method method, std::string_view method_name, std::string_view target) const;
  Routed Find(const Request& request) const {
    return Find(request.method(), request.method_name(), request.target());
  }

  // Answers `request` as `routed` says: binds the path parameters and calls the handler, or
  // returns the router's own answer. `routed` must come from Find on this Router for this
  // request. Never throws (a throwing handler is answered 500).
  Response Dispatch(Routed routed, Request& request) const;

  // Find, then Dispatch.
  Response Handle(Request& request) const { return Dispatch(Find(request), request); }

  // The distinct route names registered (RouteOptions::name), in order of registration.
  std::vector<std::string> RouteNames() const;

  // An error response in the configured format.
  Response RenderError(HttpStatus status, std::string_view title, std::string_view detail) const;

 private:
  struct Segment {
    std::string text;  // literal text, or parameter name
    bool is_param = false;
  };
  struct Entry {
    Method method;
    Handler handler;
    RouteOptions options;
  };
  struct Route {
    std::vector<Segment> segments;
    std::string pattern;
    std::vector<Entry> handlers;
  };

  // The index of the most specific route matching `segments`, or -1.
  int Match(const std::vector<std::string>& segments) const;
  Routed Answer(Response response) const;
  static std::string AllowHeader(const Route& route);

  std::vector<Route> routes_;
  ErrorRenderer error_renderer_;
};

}  // namespace tessera::http
