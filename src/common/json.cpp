#include "common/json.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace tessera {

Result<boost::json::value> ParseJson(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return LimitExceeded("JSON text of " + std::to_string(text.size()) + " bytes exceeds the " +
                         std::to_string(limits.max_bytes) + "-byte limit");
  }
  boost::json::parse_options opts;
  opts.max_depth = limits.max_depth;
  boost::json::stream_parser parser(boost::json::storage_ptr(), opts);
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

Result<std::string> ReadInput(const std::string& path) {
  const bool is_stdin = path == "-";
  std::FILE* f = is_stdin ? stdin : std::fopen(path.c_str(), "rb");
  const std::string name = is_stdin ? "standard input" : path;
  if (f == nullptr) return IoError(name + ": " + std::strerror(errno));
  std::string data;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  if (!is_stdin) std::fclose(f);
  if (failed) return IoError(name + ": " + std::strerror(err));
  return data;
}

}  // namespace tessera
