#pragma once
// A small blocking HTTP/1.1 client for the end-to-end tests (Boost.Beast): one keep-alive
// connection to a loopback server, HTTP Basic or Bearer authentication, TAXII media types by
// default. One way for every test that speaks HTTP to `tessera serve`.
//
// Requests block without a timeout of their own (ctest's per-test timeout bounds a hung server).
// A transport failure (connection refused, reset) is not thrown: the response has
// status 0 and `error` says what happened, so a test can assert on it. When the server closes
// the connection (Connection: close, or after an error), the next request reconnects.
// Not thread-safe: one HttpClient per thread.

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tessera::testing {

inline constexpr char kTaxiiMediaType[] = "application/taxii+json;version=2.1";

// Standard base64 (RFC 4648 section 4, with padding), for HTTP Basic credentials.
inline std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = (uint32_t{static_cast<uint8_t>(in[i])} << 16) |
                       (uint32_t{static_cast<uint8_t>(in[i + 1])} << 8) |
                       uint32_t{static_cast<uint8_t>(in[i + 2])};
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    const uint32_t v = uint32_t{static_cast<uint8_t>(in[i])} << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const uint32_t v = (uint32_t{static_cast<uint8_t>(in[i])} << 16) |
                       (uint32_t{static_cast<uint8_t>(in[i + 1])} << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

// "Basic base64(user:secret)" and "Bearer token", the two Authorization values the hub takes.
inline std::string BasicAuth(std::string_view user, std::string_view secret) {
  std::string pair(user);
  pair += ':';
  pair += secret;
  return "Basic " + Base64(pair);
}
inline std::string BearerAuth(std::string_view token) { return "Bearer " + std::string(token); }

struct HttpResponse {
  int status = 0;                              // 0: no response (see `error`)
  std::string error;                           // the transport failure when status == 0
  std::map<std::string, std::string> headers;  // lower-cased names; repeated fields joined by ", "
  std::string body;

  // The header's value, or nullopt when absent. `name` in lower case.
  std::optional<std::string> Header(const std::string& name) const {
    auto it = headers.find(name);
    if (it == headers.end()) return std::nullopt;
    return it->second;
  }
  // The body as JSON; a null value when it is not JSON.
  boost::json::value Json() const {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(body, ec);
    return ec ? boost::json::value() : v;
  }
};

class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port) : host_(std::move(host)), port_(port) {}

  // The Authorization header sent with every request ("" sends none).
  void SetAuthorization(std::string value) { authorization_ = std::move(value); }
  // A browser session's cookie ("tessera_session=...") and CSRF token, sent with every request
  // in Cookie and X-CSRF-Token, as the web interface sends them ("" sends none).
  void SetSession(std::string cookie, std::string csrf_token) {
    cookie_ = std::move(cookie);
    csrf_token_ = std::move(csrf_token);
  }
  // The Accept header sent with every request ("" sends none); TAXII 2.1 by default.
  void SetAccept(std::string value) { accept_ = std::move(value); }
  // How many TCP connections this client has opened (keep-alive checks).
  int connections_opened() const { return connections_opened_; }

  HttpResponse Get(const std::string& target,
                   const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return Request("GET", target, "", headers);
  }
  HttpResponse Delete(const std::string& target) { return Request("DELETE", target, "", {}); }
  // POST `body` as TAXII 2.1 unless a Content-Type is among `headers`.
  HttpResponse Post(const std::string& target, const std::string& body,
                    const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return Request("POST", target, body, headers);
  }

  // Any method. `headers` are added after the defaults (Host, Accept, Authorization) and replace
  // a default of the same name.
  HttpResponse Request(const std::string& method, const std::string& target,
                       const std::string& body,
                       const std::vector<std::pair<std::string, std::string>>& headers) {
    namespace bhttp = boost::beast::http;
    bhttp::request<bhttp::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(bhttp::field::host, host_ + ":" + std::to_string(port_));
    if (!accept_.empty()) req.set(bhttp::field::accept, accept_);
    if (!authorization_.empty()) req.set(bhttp::field::authorization, authorization_);
    if (!cookie_.empty()) req.set(bhttp::field::cookie, cookie_);
    if (!csrf_token_.empty()) req.set("X-CSRF-Token", csrf_token_);
    if (method == "POST" || method == "PUT") req.set(bhttp::field::content_type, kTaxiiMediaType);
    for (const auto& [name, value] : headers) req.set(name, value);
    req.keep_alive(true);
    if (!body.empty() || method == "POST" || method == "PUT") {
      req.body() = body;
      req.prepare_payload();
    }
    // A kept-alive connection the server has closed in the meantime fails on first use: one
    // retry on a fresh connection, only when nothing of the response was read.
    for (int attempt = 0;; ++attempt) {
      HttpResponse res;
      bool reused = stream_.has_value();
      if (!stream_ && !Connect(res)) return res;
      boost::beast::error_code ec;
      bhttp::write(*stream_, req, ec);
      bhttp::response_parser<bhttp::string_body> parser;
      parser.body_limit(256u * 1024 * 1024);
      if (!ec) bhttp::read(*stream_, buffer_, parser, ec);
      if (ec) {
        Close();
        if (reused && attempt == 0 && !parser.got_some()) continue;
        res.error = ec.message();
        return res;
      }
      auto msg = parser.release();
      res.status = static_cast<int>(msg.result_int());
      for (const auto& field : msg) {
        std::string name(field.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        // A repeated field is one comma-separated list (RFC 9110 section 5.3).
        auto [it, fresh] = res.headers.emplace(name, std::string(field.value()));
        if (!fresh) it->second += ", " + std::string(field.value());
      }
      res.body = std::move(msg.body());
      if (!msg.keep_alive()) Close();
      return res;
    }
  }

 private:
  bool Connect(HttpResponse& res) {
    boost::asio::ip::tcp::resolver resolver(ioc_);
    boost::beast::error_code ec;
    auto endpoints = resolver.resolve(host_, std::to_string(port_), ec);
    if (!ec) {
      stream_.emplace(ioc_);
      boost::asio::connect(*stream_, endpoints, ec);
    }
    if (ec) {
      stream_.reset();
      res.error = "connect: " + ec.message();
      return false;
    }
    ++connections_opened_;
    buffer_.clear();
    return true;
  }
  void Close() {
    if (!stream_) return;
    boost::beast::error_code ec;
    stream_->shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    stream_.reset();
    buffer_.clear();
  }

  std::string host_;
  uint16_t port_;
  std::string authorization_;
  std::string cookie_;
  std::string csrf_token_;
  std::string accept_ = kTaxiiMediaType;
  int connections_opened_ = 0;
  boost::asio::io_context ioc_;
  std::optional<boost::asio::ip::tcp::socket> stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace tessera::testing
