#include "http/router.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <exception>
#include <utility>

namespace tessera::http {
namespace {

// Splits a path that starts with '/' into its segments: "/a/b/" -> {"a", "b", ""}, "/" -> {""}.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  size_t pos = 1;
  for (;;) {
    const size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) {
      out.push_back(path.substr(pos));
      return out;
    }
    out.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
}

// A path for an error message: bounded, so a huge target does not make a huge body.
std::string Shorten(std::string_view text) {
  constexpr size_t kMax = 200;
  if (text.size() <= kMax) return std::string(text);
  return std::string(text.substr(0, kMax)) + "...";
}

}  // namespace

Response DefaultErrorResponse(HttpStatus status, std::string_view title, std::string_view detail) {
  boost::json::object body;
  body["title"] = title;
  if (!detail.empty()) body["description"] = detail;
  body["http_status"] = std::to_string(static_cast<unsigned>(status));
  return Response::Make(status, "application/json", boost::json::serialize(body));
}

Router::Router() : error_renderer_(DefaultErrorResponse) {}

void Router::SetErrorRenderer(ErrorRenderer renderer) { error_renderer_ = std::move(renderer); }

Response Router::RenderError(HttpStatus status, std::string_view title,
                             std::string_view detail) const {
  return error_renderer_(status, title, detail);
}

Status Router::Add(Method method, std::string_view pattern, Handler handler) {
  if (pattern.empty() || pattern[0] != '/') {
    return InvalidArgument("route pattern '" + std::string(pattern) + "' does not start with '/'");
  }
  if (!handler) return InvalidArgument("route '" + std::string(pattern) + "' has no handler");
  std::vector<Segment> segments;
  for (std::string_view s : SplitPath(pattern)) {
    if (segments.size() == kMaxPatternSegments) {
      return InvalidArgument("route pattern '" + std::string(pattern) + "' has more than " +
                             std::to_string(kMaxPatternSegments) + " segments");
    }
    Segment seg;
    if (!s.empty() && s.front() == '{') {
      if (s.size() < 3 || s.back() != '}' ||
          s.substr(1, s.size() - 2).find_first_of("{}/") != std::string_view::npos) {
        return InvalidArgument("route pattern '" + std::string(pattern) +
                               "' has a malformed parameter segment '" + std::string(s) + "'");
      }
      seg.is_param = true;
      seg.text = std::string(s.substr(1, s.size() - 2));
      for (const Segment& other : segments) {
        if (other.is_param && other.text == seg.text) {
          return InvalidArgument("route pattern '" + std::string(pattern) +
                                 "' repeats the parameter '" + seg.text + "'");
        }
      }
    } else {
      if (s.find_first_of("{}") != std::string_view::npos) {
        return InvalidArgument("route pattern '" + std::string(pattern) +
                               "' has a brace inside the literal segment '" + std::string(s) + "'");
      }
      seg.text = std::string(s);
    }
    segments.push_back(std::move(seg));
  }

  for (Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    bool same_shape = true;
    bool same_names = true;
    for (size_t i = 0; i < segments.size() && same_shape; ++i) {
      const Segment& a = route.segments[i];
      const Segment& b = segments[i];
      if (a.is_param != b.is_param || (!a.is_param && a.text != b.text)) same_shape = false;
      if (a.is_param && b.is_param && a.text != b.text) same_names = false;
    }
    if (!same_shape) continue;
    if (!same_names) {
      return InvalidArgument("route pattern '" + std::string(pattern) + "' conflicts with '" +
                             route.pattern + "' (same shape, different parameter names)");
    }
    for (const auto& [m, h] : route.handlers) {
      if (m == method) {
        return AlreadyExists("route " + std::string(MethodName(method)) + " " +
                             std::string(pattern) + " is already registered");
      }
    }
    route.handlers.emplace_back(method, std::move(handler));
    return Status::Ok();
  }
  Route route;
  route.segments = std::move(segments);
  route.pattern = std::string(pattern);
  route.handlers.emplace_back(method, std::move(handler));
  routes_.push_back(std::move(route));
  return Status::Ok();
}

int Router::Match(const std::vector<std::string>& segments) const {
  int best = -1;
  for (size_t r = 0; r < routes_.size(); ++r) {
    const Route& route = routes_[r];
    if (route.segments.size() != segments.size()) continue;
    bool ok = true;
    for (size_t i = 0; i < segments.size() && ok; ++i) {
      const Segment& seg = route.segments[i];
      ok = seg.is_param ? !segments[i].empty() : seg.text == segments[i];
    }
    if (!ok) continue;
    if (best < 0) {
      best = static_cast<int>(r);
      continue;
    }
    const Route& current = routes_[static_cast<size_t>(best)];
    for (size_t i = 0; i < segments.size(); ++i) {
      const bool a = current.segments[i].is_param;
      const bool b = route.segments[i].is_param;
      if (a == b) continue;
      if (a && !b) best = static_cast<int>(r);  // the new route has a literal first
      break;
    }
  }
  return best;
}

std::string Router::AllowHeader(const Route& route) {
  bool get = false, head = false, options = false;
  std::string allow;
  for (const auto& [m, h] : route.handlers) {
    if (!allow.empty()) allow += ", ";
    allow += MethodName(m);
    get |= m == Method::kGet;
    head |= m == Method::kHead;
    options |= m == Method::kOptions;
  }
  if (get && !head) allow += ", HEAD";
  if (!options) allow += ", OPTIONS";
  return allow;
}

Response Router::Handle(Request& request) const {
  const std::string_view path = request.path();
  if (path.empty() || path.front() != '/') {
    return RenderError(HttpStatus::bad_request, "Bad Request",
                       "the request target must be an absolute path starting with '/'");
  }
  std::vector<std::string> segments;
  for (std::string_view raw : SplitPath(path)) {
    auto decoded = PercentDecode(raw, /*plus_is_space=*/false);
    if (!decoded.ok()) {
      return RenderError(HttpStatus::bad_request, "Bad Request",
                         "the request path is malformed: " + decoded.status().message());
    }
    segments.push_back(std::move(*decoded));
  }

  const Method method = request.method();
  int index = Match(segments);
  if (index < 0) {
    if ((method == Method::kGet || method == Method::kHead) && path.back() != '/') {
      segments.emplace_back();
      if (Match(segments) >= 0) {
        Response r = RenderError(HttpStatus::moved_permanently, "Moved Permanently",
                                 "the resource is at the same path with a trailing '/'");
        std::string location = std::string(path) + "/";
        if (!request.query().empty()) location += "?" + std::string(request.query());
        r.headers.emplace_back("Location", std::move(location));
        return r;
      }
    }
    return RenderError(HttpStatus::not_found, "Not Found",
                       "there is no resource at " + Shorten(path));
  }
  const Route& route = routes_[static_cast<size_t>(index)];

  const Handler* handler = nullptr;
  const Handler* get_handler = nullptr;
  for (const auto& [m, h] : route.handlers) {
    if (m == method) handler = &h;
    if (m == Method::kGet) get_handler = &h;
  }
  if (handler == nullptr && method == Method::kHead) handler = get_handler;
  if (handler == nullptr) {
    if (method == Method::kOptions) {
      Response r;
      r.status = HttpStatus::no_content;
      r.headers.emplace_back("Allow", AllowHeader(route));
      return r;
    }
    Response r = RenderError(
        HttpStatus::method_not_allowed, "Method Not Allowed",
        "method " + Shorten(request.method_name()) + " is not allowed on " + Shorten(path));
    r.headers.emplace_back("Allow", AllowHeader(route));
    return r;
  }

  std::vector<std::pair<std::string, std::string>> params;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (route.segments[i].is_param) params.emplace_back(route.segments[i].text, segments[i]);
  }
  request.SetPathParams(std::move(params));

  try {
    return (*handler)(request);
  } catch (const std::exception& e) {
    spdlog::error("handler for {} {} threw: {}", MethodName(method), route.pattern, e.what());
  } catch (...) {
    spdlog::error("handler for {} {} threw a non-standard exception", MethodName(method),
                  route.pattern);
  }
  return RenderError(HttpStatus::internal_server_error, "Internal Server Error",
                     "the server failed to handle the request; the failure is logged");
}

}  // namespace tessera::http
