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
//     to "/x/" instead;
//   - 405 with an Allow field when the pattern matches but not the method;
//   - HEAD with the GET handler when no HEAD handler is registered (the server drops the body);
//   - OPTIONS with 204 and Allow when no OPTIONS handler is registered;
//   - 400 when the path is not origin-form ("/...") or holds a malformed %-escape;
//   - 500 when a handler throws (the exception is logged and goes no further).
// Error bodies come from the ErrorRenderer (by default a JSON object with title, description
// and http_status, the shape of a TAXII 2.1 error message).

#include <functional>
#include <memory>
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

// The default ErrorRenderer: Content-Type application/json, body
// {"title": ..., "description": ..., "http_status": "<code>"}.
Response DefaultErrorResponse(HttpStatus status, std::string_view title, std::string_view detail);

// Limits on patterns (routes come from code, but a typo should fail loudly, not route oddly).
constexpr size_t kMaxPatternSegments = 32;

// Set up once with Add/SetErrorRenderer, then shared read-only: Handle() and RenderError() are
// thread-safe on a const Router; Add and SetErrorRenderer are not.
class Router {
 public:
  Router();

  // Registers `handler` for `method` on `pattern`. kInvalidArgument when the pattern does not
  // start with '/', has an empty or malformed "{...}" segment, repeats a parameter name, or has too
  // many segments; kAlreadyExists when the same method and pattern are already registered.
  Status Add(Method method, std::string_view pattern, Handler handler);

  void SetErrorRenderer(ErrorRenderer renderer);

  // Routes `request` (binding its path parameters) and returns the response; never throws.
  Response Handle(Request& request) const;

  // An error response in the configured format.
  Response RenderError(HttpStatus status, std::string_view title, std::string_view detail) const;

 private:
  struct Segment {
    std::string text;  // literal text, or parameter name
    bool is_param = false;
  };
  struct Route {
    std::vector<Segment> segments;
    std::string pattern;
    std::vector<std::pair<Method, Handler>> handlers;
  };

  // The index of the most specific route matching `segments`, or -1.
  int Match(const std::vector<std::string>& segments) const;
  static std::string AllowHeader(const Route& route);

  std::vector<Route> routes_;
  ErrorRenderer error_renderer_;
};

}  // namespace tessera::http
