#include "http/message.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/verb.hpp>

#include "common/hex.h"
#include "common/text.h"

namespace tessera::http {
namespace bhttp = boost::beast::http;

Method ToMethod(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get:
      return Method::kGet;
    case bhttp::verb::head:
      return Method::kHead;
    case bhttp::verb::post:
      return Method::kPost;
    case bhttp::verb::put:
      return Method::kPut;
    case bhttp::verb::delete_:
      return Method::kDelete;
    case bhttp::verb::patch:
      return Method::kPatch;
    case bhttp::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

namespace {

bhttp::verb ToVerb(Method method) {
  switch (method) {
    case Method::kGet:
      return bhttp::verb::get;
    case Method::kHead:
      return bhttp::verb::head;
    case Method::kPost:
      return bhttp::verb::post;
    case Method::kPut:
      return bhttp::verb::put;
    case Method::kDelete:
      return bhttp::verb::delete_;
    case Method::kPatch:
      return bhttp::verb::patch;
    case Method::kOptions:
      return bhttp::verb::options;
    case Method::kOther:
      break;
  }
  return bhttp::verb::unknown;
}

}  // namespace

std::string_view MethodName(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kDelete:
      return "DELETE";
    case Method::kPatch:
      return "PATCH";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      break;
  }
  return "OTHER";
}

Request::Request(NativeRequest native, std::string remote)
    : native_(std::move(native)), method_(ToMethod(native_.method())), remote_(std::move(remote)) {}

Request Request::Make(Method method, std::string_view target,
                      const std::vector<std::pair<std::string, std::string>>& headers,
                      std::string body) {
  NativeRequest native;
  native.method(ToVerb(method));
  if (method == Method::kOther) native.method_string("OTHER");
  native.target(boost::beast::string_view(target.data(), target.size()));
  native.version(11);
  for (const auto& [name, value] : headers) native.insert(name, value);
  native.body() = std::move(body);
  return Request(std::move(native));
}

std::string_view Request::method_name() const {
  const auto s = native_.method_string();
  return {s.data(), s.size()};
}

std::string_view Request::target() const {
  const auto t = native_.target();
  return {t.data(), t.size()};
}

std::string_view Request::path() const {
  const std::string_view t = target();
  const size_t q = t.find('?');
  return q == std::string_view::npos ? t : t.substr(0, q);
}

std::string_view Request::query() const {
  const std::string_view t = target();
  const size_t q = t.find('?');
  return q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
}

std::string_view Request::Header(std::string_view name) const {
  const auto it = native_.find(boost::beast::string_view(name.data(), name.size()));
  if (it == native_.end()) return {};
  const auto v = it->value();
  return {v.data(), v.size()};
}

bool Request::HasHeader(std::string_view name) const {
  return native_.find(boost::beast::string_view(name.data(), name.size())) != native_.end();
}

std::string_view Request::Cookie(std::string_view name) const {
  const auto [first, last] = native_.equal_range(boost::beast::http::field::cookie);
  for (auto field = first; field != last; ++field) {
    std::string_view rest(field->value().data(), field->value().size());
    while (!rest.empty()) {
      const size_t semi = rest.find(';');
      const std::string_view pair = Trim(rest.substr(0, semi), kBlanks);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      const size_t eq = pair.find('=');
      if (eq != std::string_view::npos && Trim(pair.substr(0, eq), kBlanks) == name) {
        std::string_view value = Trim(pair.substr(eq + 1), kBlanks);
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
          value = value.substr(1, value.size() - 2);
        }
        return value;
      }
    }
  }
  return {};
}

std::string_view Request::PathParam(std::string_view name) const {
  for (const auto& [n, v] : path_params_) {
    if (n == name) return v;
  }
  return {};
}

std::string_view Response::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (boost::beast::iequals(boost::beast::string_view(n.data(), n.size()),
                              boost::beast::string_view(name.data(), name.size()))) {
      return v;
    }
  }
  return {};
}

Result<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (text.size() - i < 3) {
        return InvalidArgument("truncated percent-escape at offset " + std::to_string(i));
      }
      const int h = HexDigitValue(text[i + 1]);
      const int l = HexDigitValue(text[i + 2]);
      if (h < 0 || l < 0) {
        return InvalidArgument("malformed percent-escape at offset " + std::to_string(i));
      }
      const char decoded = static_cast<char>((h << 4) | l);
      if (decoded == '\0') {
        return InvalidArgument("encoded NUL at offset " + std::to_string(i));
      }
      out.push_back(decoded);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t end = query.find('&', pos);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view piece = query.substr(pos, end - pos);
    pos = end + 1;
    if (piece.empty()) continue;
    if (out.size() == kMaxQueryParams) {
      return LimitExceeded("query string has more than " + std::to_string(kMaxQueryParams) +
                           " parameters");
    }
    const size_t eq = piece.find('=');
    auto name = PercentDecode(piece.substr(0, eq), /*plus_is_space=*/true);
    if (!name.ok()) return InvalidArgument("query parameter name: " + name.status().message());
    std::string value;
    if (eq != std::string_view::npos) {
      auto v = PercentDecode(piece.substr(eq + 1), /*plus_is_space=*/true);
      if (!v.ok()) {
        return InvalidArgument("query parameter '" + *name + "': " + v.status().message());
      }
      value = std::move(*v);
    }
    out.emplace_back(std::move(*name), std::move(value));
  }
  return out;
}

}  // namespace tessera::http
