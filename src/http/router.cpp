#include "http/router.h"

#include <spdlog/spdlog.h>

#include <algorithm>
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

// The length of the valid UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, at most
// U+10FFFF) at the start of `s`, or 0 when there is none.
size_t Utf8SequenceLength(std::string_view s) {
  const auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const auto cont = [&](size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

std::string JsonText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const size_t n = Utf8SequenceLength(text);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      text.remove_prefix(1);
    } else {
      out.append(text.substr(0, n));
      text.remove_prefix(n);
    }
  }
  return out;
}

Response DefaultErrorResponse(HttpStatus status, std::string_view title, std::string_view detail) {
  boost::json::object body;
  body["title"] = JsonText(title);
  if (!detail.empty()) body["description"] = JsonText(detail);
  body["http_status"] = std::to_string(static_cast<unsigned>(status));
  return Response::Make(status, "application/json", boost::json::serialize(body));
}

Router::Router() : error_renderer_(DefaultErrorResponse) {}

void Router::SetErrorRenderer(ErrorRenderer renderer) { error_renderer_ = std::move(renderer); }

Response Router::RenderError(HttpStatus status, std::string_view title,
                             std::string_view detail) const {
  return error_renderer_(status, title, detail);
}

Status Router::Add(Method method, std::string_view pattern, Handler handler, RouteOptions options) {
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
    for (const Entry& e : route.handlers) {
      if (e.method == method) {
        return AlreadyExists("route " + std::string(MethodName(method)) + " " +
                             std::string(pattern) + " is already registered");
      }
    }
    route.handlers.push_back(Entry{method, std::move(handler), std::move(options)});
    return Status::Ok();
  }
  Route route;
  route.segments = std::move(segments);
  route.pattern = std::string(pattern);
  route.handlers.push_back(Entry{method, std::move(handler), std::move(options)});
  routes_.push_back(std::move(route));
  return Status::Ok();
}

std::vector<std::string> Router::RouteNames() const {
  std::vector<std::string> names;
  for (const Route& route : routes_) {
    for (const Entry& e : route.handlers) {
      if (!e.options.name.empty() &&
          std::find(names.begin(), names.end(), e.options.name) == names.end()) {
        names.push_back(e.options.name);
      }
    }
  }
  return names;
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
  for (const Entry& e : route.handlers) {
    if (!allow.empty()) allow += ", ";
    allow += MethodName(e.method);
    get |= e.method == Method::kGet;
    head |= e.method == Method::kHead;
    options |= e.method == Method::kOptions;
  }
  if (get && !head) allow += ", HEAD";
  if (!options) allow += ", OPTIONS";
  return allow;
}

Routed Router::Answer(Response response) const {
  Routed routed;
  routed.answer_ = std::move(response);
  return routed;
}

Routed Router::Find(Method method, std::string_view method_name, std::string_view target) const {
  const std::string_view path = target.substr(0, target.find('?'));
  if (path.empty() || path.front() != '/') {
    return Answer(RenderError(HttpStatus::bad_request, "Bad Request",
                              "the request target must be an absolute path starting with '/'"));
  }
  std::vector<std::string> segments;
  for (std::string_view raw : SplitPath(path)) {
    auto decoded = PercentDecode(raw, /*plus_is_space=*/false);
    if (!decoded.ok()) {
      return Answer(RenderError(HttpStatus::bad_request, "Bad Request",
                                "the request path is malformed: " + decoded.status().message()));
    }
    segments.push_back(std::move(*decoded));
  }

  int index = Match(segments);
  if (index < 0) {
    // "//host/..." and "/\host/..." are read by browsers as another host: never a Location.
    const bool host_like = path.size() >= 2 && (path[1] == '/' || path[1] == '\\');
    if ((method == Method::kGet || method == Method::kHead) && path.back() != '/' && !host_like) {
      segments.emplace_back();
      if (Match(segments) >= 0) {
        Response r = RenderError(HttpStatus::moved_permanently, "Moved Permanently",
                                 "the resource is at the same path with a trailing '/'");
        std::string location = std::string(path) + "/";
        if (target.size() > path.size()) location += target.substr(path.size());
        r.headers.emplace_back("Location", std::move(location));
        return Answer(std::move(r));
      }
    }
    return Answer(RenderError(HttpStatus::not_found, "Not Found",
                              "there is no resource at " + Shorten(path)));
  }
  const Route& route = routes_[static_cast<size_t>(index)];

  const Entry* entry = nullptr;
  const Entry* get_entry = nullptr;
  for (const Entry& e : route.handlers) {
    if (e.method == method) entry = &e;
    if (e.method == Method::kGet) get_entry = &e;
  }
  if (entry == nullptr && method == Method::kHead) entry = get_entry;
  if (entry == nullptr) {
    Routed routed;
    if (method == Method::kOptions) {
      Response r;
      r.status = HttpStatus::no_content;
      r.headers.emplace_back("Allow", AllowHeader(route));
      routed = Answer(std::move(r));
    } else {
      Response r =
          RenderError(HttpStatus::method_not_allowed, "Method Not Allowed",
                      "method " + Shorten(method_name) + " is not allowed on " + Shorten(path));
      r.headers.emplace_back("Allow", AllowHeader(route));
      routed = Answer(std::move(r));
    }
    const std::string& name = route.handlers.front().options.name;
    if (!name.empty()) routed.name_ = name;
    return routed;
  }

  Routed routed;
  routed.handler_ = &entry->handler;
  routed.options_ = &entry->options;
  routed.pattern_ = route.pattern;
  if (!entry->options.name.empty()) routed.name_ = entry->options.name;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (route.segments[i].is_param) {
      routed.params_.emplace_back(route.segments[i].text, std::move(segments[i]));
    }
  }
  return routed;
}

Response Router::Dispatch(Routed routed, Request& request) const {
  if (routed.handler_ == nullptr) {
    if (routed.answer_) return std::move(*routed.answer_);
    return RenderError(HttpStatus::internal_server_error, "Internal Server Error",
                       "the request was not routed");
  }
  request.SetPathParams(std::move(routed.params_));
  try {
    return (*routed.handler_)(request);
  } catch (const std::exception& e) {
    spdlog::error("handler for {} {} threw: {}", request.method_name(), routed.pattern_, e.what());
  } catch (...) {
    spdlog::error("handler for {} {} threw a non-standard exception", request.method_name(),
                  routed.pattern_);
  }
  return RenderError(HttpStatus::internal_server_error, "Internal Server Error",
                     "the server failed to handle the request; the failure is logged");
}

}  // namespace tessera::http
