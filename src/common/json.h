#pragma once
// Boost.JSON is the one JSON DOM of the project (simdjson is used only on parsing hot paths).

#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tessera {

// Explicit bounds on untrusted JSON.
struct JsonLimits {
  size_t max_depth = 64;
  size_t max_bytes = 256u << 20;
};

// Parses one JSON text into the DOM, or kInvalidArgument / kLimitExceeded with the reason and the
// byte offset where parsing stopped.
// `storage` holds the DOM (the default: the heap; a boost::json::monotonic_resource for a DOM
// that is read once and dropped at once, which then costs no allocation per value).
Result<boost::json::value> ParseJson(std::string_view text, const JsonLimits& limits = {},
                                     boost::json::storage_ptr storage = {});

// Pretty-prints a JSON value with two-space indentation, keys in their order, and a final newline
// (what the CLI writes with --json).
std::string PrettyJson(const boost::json::value& v);

}  // namespace tessera
