#include "taxii/query.h"

#include <algorithm>
#include <charconv>

#include "stix/types.h"

namespace tessera::taxii {
namespace {

enum class Param { kAddedAfter, kLimit, kNext, kId, kType, kVersion, kSpecVersion, kUnknown };

Param Classify(std::string_view name) {
  if (name == "added_after") return Param::kAddedAfter;
  if (name == "limit") return Param::kLimit;
  if (name == "next") return Param::kNext;
  if (name == "match[id]") return Param::kId;
  if (name == "match[type]") return Param::kType;
  if (name == "match[version]") return Param::kVersion;
  if (name == "match[spec_version]") return Param::kSpecVersion;
  return Param::kUnknown;
}

bool Accepts(ObjectEndpoint endpoint, Param p) {
  switch (endpoint) {
    case ObjectEndpoint::kObjects:
    case ObjectEndpoint::kManifest:
      return p != Param::kUnknown;
    case ObjectEndpoint::kObject:
      return p == Param::kAddedAfter || p == Param::kLimit || p == Param::kNext ||
             p == Param::kVersion || p == Param::kSpecVersion;
    case ObjectEndpoint::kVersions:
      return p == Param::kAddedAfter || p == Param::kLimit || p == Param::kNext ||
             p == Param::kSpecVersion;
    case ObjectEndpoint::kDeleteObject:
      return p == Param::kVersion || p == Param::kSpecVersion;
  }
  return false;
}

// Appends the comma-separated values of `value` to `out`. Empty values ("a,,b", "") are errors:
// a client that sends one has built its URL wrong, and guessing what it meant could widen or
// narrow the answer.
Status SplitInto(std::string_view name, std::string_view value, std::vector<std::string>& out) {
  size_t start = 0;
  for (;;) {
    const size_t comma = value.find(',', start);
    const std::string_view piece = value.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (piece.empty()) {
      return InvalidArgument(std::string(name) + " holds an empty value ('" + std::string(value) +
                             "'); give a comma-separated list of values");
    }
    if (out.size() >= kMaxMatchValues) {
      return LimitExceeded(std::string(name) + " holds more than " +
                           std::to_string(kMaxMatchValues) + " values");
    }
    out.emplace_back(piece);
    if (comma == std::string_view::npos) return Status::Ok();
    start = comma + 1;
  }
}

Status ParseVersions(std::string_view value, VersionSelector& out, size_t& count) {
  std::vector<std::string> pieces;
  TESSERA_RETURN_IF_ERROR(SplitInto("match[version]", value, pieces));
  for (const std::string& v : pieces) {
    if (++count > kMaxMatchValues) {
      return LimitExceeded("match[version] holds more than " + std::to_string(kMaxMatchValues) +
                           " values");
    }
    if (v == "first") {
      out.first = true;
    } else if (v == "last") {
      out.last = true;
    } else if (v == "all") {
      out.all = true;
    } else {
      auto ts = ParseTimestamp(v);
      if (!ts.ok()) {
        return InvalidArgument(
            "match[version] value '" + v +
            "' is neither first, last, all nor a timestamp: " + ts.status().message());
      }
      out.exact.push_back(*ts);
    }
  }
  return Status::Ok();
}

Result<size_t> ParseLimit(std::string_view value) {
  size_t n = 0;
  const char* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, n);
  if (value.empty() || ptr != end || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    return InvalidArgument("limit '" + std::string(value.substr(0, 40)) +
                           "' is not a positive integer");
  }
  if (ec == std::errc::result_out_of_range) n = kMaxPageSize;
  if (n == 0) return InvalidArgument("limit must be at least 1");
  return std::min(n, kMaxPageSize);
}

}  // namespace

Status CheckObjectId(std::string_view id, std::string_view where) {
  if (stix::IsValidIdentifier(id)) return Status::Ok();
  const std::string shown(id.substr(0, 100));
  if (stix::IsIdentifierInOtherCase(id)) {
    return InvalidArgument(std::string(where) + " '" + shown +
                           "' has upper-case letters: STIX identifiers are taken in their "
                           "canonical lower-case form only");
  }
  return InvalidArgument(std::string(where) + " '" + shown +
                         "' is not a STIX identifier ('<type>--' followed by a UUID)");
}

Result<ObjectFilter> ParseObjectFilter(
    const std::vector<std::pair<std::string, std::string>>& params, ObjectEndpoint endpoint) {
  ObjectFilter f;
  bool seen_added_after = false, seen_limit = false, seen_next = false;
  size_t version_values = 0;
  for (const auto& [name, value] : params) {
    const Param p = Classify(name);
    if (!Accepts(endpoint, p)) continue;
    switch (p) {
      case Param::kAddedAfter: {
        if (seen_added_after) return InvalidArgument("added_after is given more than once");
        seen_added_after = true;
        auto ts = ParseTimestamp(value);
        if (!ts.ok()) {
          return InvalidArgument("added_after '" + value.substr(0, 64) +
                                 "' is not a timestamp: " + ts.status().message());
        }
        f.added_after = *ts;
        break;
      }
      case Param::kLimit: {
        if (seen_limit) return InvalidArgument("limit is given more than once");
        seen_limit = true;
        TESSERA_ASSIGN_OR_RETURN(f.limit, ParseLimit(value));
        break;
      }
      case Param::kNext: {
        if (seen_next) return InvalidArgument("next is given more than once");
        seen_next = true;
        if (value.empty() || value.size() > kMaxPageTokenChars) {
          return InvalidArgument(
              "'next' is not a paging token this server issued (pass the 'next' value of the "
              "previous page unchanged)");
        }
        f.next = value;
        break;
      }
      case Param::kId: {
        const size_t first = f.ids.size();
        TESSERA_RETURN_IF_ERROR(SplitInto(name, value, f.ids));
        for (size_t i = first; i < f.ids.size(); ++i) {
          TESSERA_RETURN_IF_ERROR(CheckObjectId(f.ids[i], "match[id]"));
        }
        break;
      }
      case Param::kType:
        TESSERA_RETURN_IF_ERROR(SplitInto(name, value, f.types));
        break;
      case Param::kSpecVersion:
        TESSERA_RETURN_IF_ERROR(SplitInto(name, value, f.spec_versions));
        break;
      case Param::kVersion:
        TESSERA_RETURN_IF_ERROR(ParseVersions(value, f.versions, version_values));
        break;
      case Param::kUnknown:
        break;
    }
  }
  if (f.versions.empty()) {
    if (endpoint == ObjectEndpoint::kVersions || endpoint == ObjectEndpoint::kDeleteObject) {
      f.versions.all = true;
    } else {
      f.versions.last = true;
    }
  }
  return f;
}

}  // namespace tessera::taxii
