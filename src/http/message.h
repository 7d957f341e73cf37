#pragma once
// What a handler sees and returns: one HTTP request, one HTTP response.
//
// Handlers are plain functions `Response(const Request&)` (see router.h); they never touch a
// socket. The server (server.h) reads a Request off the wire, routes it, and writes the Response.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace tessera::http {

enum class Method { kGet, kHead, kPost, kPut, kDelete, kPatch, kOptions, kOther };

// "GET", "HEAD", ...; "OTHER" for kOther.
std::string_view MethodName(Method method);

// The Method of a Beast verb (kOther for every verb without its own Method).
Method ToMethod(boost::beast::http::verb verb);

using HttpStatus = boost::beast::http::status;

// The request as Beast parsed it: start line, header fields (names case-insensitive), whole body.
using NativeRequest = boost::beast::http::request<boost::beast::http::string_body>;

// One request. The server builds it from what it read; tests build it with Request::Make.
// Not thread-safe to mutate; a const Request may be read from several threads.
class Request {
 public:
  Request() = default;
  // Takes the parsed message; `remote` is the peer ("127.0.0.1:53124", "[::1]:53124").
  explicit Request(NativeRequest native, std::string remote = {});

  // A request for tests and in-process callers: `target` is the raw request-target ("/a/b?x=1"),
  // `headers` are (name, value) fields.
  static Request Make(Method method, std::string_view target,
                      const std::vector<std::pair<std::string, std::string>>& headers = {},
                      std::string body = {});

  Method method() const { return method_; }
  // The method token as received ("GET", or e.g. "PROPFIND" for kOther).
  std::string_view method_name() const;
  // The raw request-target, e.g. "/taxii2/?x=1".
  std::string_view target() const;
  // The target up to '?', still percent-encoded; the router matches its decoded segments.
  std::string_view path() const;
  // The target after '?', still percent-encoded; empty when there is none (see ParseQuery).
  std::string_view query() const;
  // The value of the first header field called `name` (case-insensitive); empty when absent.
  std::string_view Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
  // The value of the first cookie called `name` in the Cookie header fields ("a=1; b=2", RFC
  // 6265 section 5.4), as sent (no decoding); empty when there is none.
  std::string_view Cookie(std::string_view name) const;
  const std::string& body() const { return native_.body(); }
  // Who sent it, as "address:port"; empty for requests built with Make.
  const std::string& remote() const { return remote_; }

  // Path parameters bound by the router, percent-decoded: "{api_root}" in the route pattern
  // binds PathParam("api_root"). Empty when the route has no such parameter.
  std::string_view PathParam(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& path_params() const {
    return path_params_;
  }
  // Called by the Router before it calls the handler.
  void SetPathParams(std::vector<std::pair<std::string, std::string>> params) {
    path_params_ = std::move(params);
  }

  const NativeRequest& native() const { return native_; }

 private:
  NativeRequest native_;
  Method method_ = Method::kOther;
  std::string remote_;
  std::vector<std::pair<std::string, std::string>> path_params_;
};

// One response. The server adds Server, Content-Length and Connection; for HEAD it sends the
// headers of the response a GET would get, without the body.
struct Response {
  HttpStatus status = HttpStatus::ok;
  std::string content_type;  // empty: no Content-Type field
  std::string body;
  // Extra header fields. A field whose name or value holds CR, LF or NUL is not sent.
  std::vector<std::pair<std::string, std::string>> headers;
  // Close the connection after this response even when the client asked for keep-alive.
  bool close = false;

  static Response Make(HttpStatus status, std::string content_type, std::string body) {
    Response r;
    r.status = status;
    r.content_type = std::move(content_type);
    r.body = std::move(body);
    return r;
  }
  // The value of the first extra header called `name` (case-insensitive); empty when absent.
  std::string_view Header(std::string_view name) const;
};

// Whether a request with this method may change something on the server: every method but GET,
// HEAD and OPTIONS (kOther included).
constexpr bool ChangesState(Method method) {
  return method != Method::kGet && method != Method::kHead && method != Method::kOptions;
}

// Bounds on a query string.
constexpr size_t kMaxQueryParams = 256;

// Decodes %XX escapes (and '+' as a space when `plus_is_space`). kInvalidArgument on a malformed
// escape ("%4", "%zz") or an encoded NUL.
Result<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// Splits a query string ("a=1&b=x%20y&flag") into decoded (name, value) pairs, in order; a name
// without '=' has an empty value; empty pieces ("a=1&&b=2") are skipped. '+' decodes to a space
// (HTML form encoding, what clients send). kInvalidArgument on a malformed escape,
// kLimitExceeded with more than kMaxQueryParams pairs.
Result<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view query);

}  // namespace tessera::http
