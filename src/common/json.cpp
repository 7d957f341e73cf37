#include "common/json.h"

namespace tessera {

Result<boost::json::value> ParseJson(std::string_view text, const JsonLimits& limits,
                                     boost::json::storage_ptr storage) {
  if (text.size() > limits.max_bytes) {
    return LimitExceeded("JSON text of " + std::to_string(text.size()) + " bytes exceeds the " +
                         std::to_string(limits.max_bytes) + "-byte limit");
  }
  boost::json::parse_options opts;
  opts.max_depth = limits.max_depth;
  boost::json::stream_parser parser(boost::json::storage_ptr(), opts);
  parser.reset(std::move(storage));
  boost::system::error_code ec;
  const size_t consumed = parser.write_some(text.data(), text.size(), ec);
  if (!ec && consumed < text.size()) {
    ec = boost::json::error::extra_data;
  }
  if (!ec) parser.finish(ec);
  if (ec) {
    std::string msg = "invalid JSON at byte " + std::to_string(consumed) + ": " + ec.message();
    if (ec == boost::json::error::too_deep) {
      return LimitExceeded("JSON nesting deeper than " + std::to_string(limits.max_depth));
    }
    return InvalidArgument(std::move(msg));
  }
  return parser.release();
}

namespace {

void Pretty(std::string& out, const boost::json::value& v, int indent) {
  const std::string pad(static_cast<size_t>(indent) * 2, ' ');
  const std::string inner(static_cast<size_t>(indent + 1) * 2, ' ');
  if (v.is_object()) {
    const boost::json::object& o = v.as_object();
    if (o.empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    bool first = true;
    for (const auto& [key, value] : o) {
      if (!first) out += ",\n";
      first = false;
      out += inner + boost::json::serialize(boost::json::string(key)) + ": ";
      Pretty(out, value, indent + 1);
    }
    out += "\n" + pad + "}";
  } else if (v.is_array()) {
    const boost::json::array& a = v.as_array();
    if (a.empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    bool first = true;
    for (const boost::json::value& e : a) {
      if (!first) out += ",\n";
      first = false;
      out += inner;
      Pretty(out, e, indent + 1);
    }
    out += "\n" + pad + "]";
  } else {
    out += boost::json::serialize(v);
  }
}

}  // namespace

std::string PrettyJson(const boost::json::value& v) {
  std::string out;
  Pretty(out, v, 0);
  out += '\n';
  return out;
}

}  // namespace tessera
