#include "stix/reader.h"

#include <simdjson.h>

#include <algorithm>

#include "common/json.h"
#include "stix/types.h"
#include "stix/validate.h"

namespace tessera::stix {
namespace {

std::string_view StringOr(simdjson::dom::object obj, std::string_view key, std::string_view dflt) {
  std::string_view v;
  if (obj[key].get_string().get(v) == simdjson::SUCCESS) return v;
  return dflt;
}

std::optional<Timestamp> TimestampOf(simdjson::dom::object obj, std::string_view key) {
  std::string_view v;
  if (obj[key].get_string().get(v) != simdjson::SUCCESS) return std::nullopt;
  auto ts = ParseTimestamp(v);
  if (!ts.ok()) return std::nullopt;
  return *ts;
}

class Reader {
 public:
  Reader(const ReadOptions& options, Document& doc) : options_(options), doc_(doc) {}

  void ReadTopLevel(simdjson::dom::element root, std::string_view where) {
    simdjson::dom::array array;
    if (root.get_array().get(array) == simdjson::SUCCESS) {
      for (simdjson::dom::element e : array) ReadObject(e);
      return;
    }
    simdjson::dom::object obj;
    if (root.get_object().get(obj) != simdjson::SUCCESS) {
      AddProblem("", "$", "not-an-object",
                 std::string(where) + "is not a STIX object, bundle or array of objects");
      ++doc_.invalid_objects;
      return;
    }
    if (StringOr(obj, "type", "") == "bundle") {
      ReadBundle(obj);
    } else {
      ReadObject(root);
    }
  }

 private:
  void ReadBundle(simdjson::dom::object bundle) {
    const std::string_view id = StringOr(bundle, "id", "");
    bool bad = false;
    std::string_view id_type;
    if (!IsValidIdentifier(id, &id_type) || id_type != "bundle") {
      AddProblem(std::string(id), "$.id", "identifier-format",
                 "a bundle's id must be 'bundle--' followed by an RFC 4122 UUID");
      bad = true;
    }
    simdjson::dom::element objects;
    if (bundle["objects"].get(objects) == simdjson::SUCCESS) {
      simdjson::dom::array array;
      if (objects.get_array().get(array) != simdjson::SUCCESS) {
        AddProblem(std::string(id), "$.objects", "property-type",
                   "a bundle's 'objects' must be a list of STIX objects");
        bad = true;
      } else if (array.size() == 0) {
        AddProblem(std::string(id), "$.objects", "empty-list",
                   "a bundle's 'objects' must not be an empty list (omit it instead)");
        bad = true;
      } else {
        for (simdjson::dom::element e : array) ReadObject(e);
      }
    }
    if (bad) ++doc_.invalid_objects;
  }

  void ReadObject(simdjson::dom::element e) {
    simdjson::dom::object obj;
    if (e.get_object().get(obj) != simdjson::SUCCESS) {
      AddProblem("", "$", "not-an-object", "a STIX object must be a JSON object");
      ++doc_.invalid_objects;
      return;
    }
    Object o;
    o.type = StringOr(obj, "type", "");
    o.id = StringOr(obj, "id", "");
    o.spec_version = StringOr(obj, "spec_version", "2.1");
    o.created = TimestampOf(obj, "created");
    o.modified = TimestampOf(obj, "modified");
    bool revoked = false;
    o.revoked = obj["revoked"].get_bool().get(revoked) == simdjson::SUCCESS && revoked;
    o.json = simdjson::minify(e);

    const size_t before = doc_.problems.size();
    ValidateObject(obj, o.id, options_, doc_.problems);
    for (size_t i = before; i < doc_.problems.size(); ++i) {
      if (doc_.problems[i].severity == Severity::kError) {
        ++doc_.invalid_objects;
        break;
      }
    }
    doc_.objects.push_back(std::move(o));
  }

  void AddProblem(std::string id, std::string path, std::string rule, std::string message) {
    doc_.problems.push_back(Problem{Severity::kError, std::move(id), std::move(path),
                                    std::move(rule), std::move(message)});
  }

  const ReadOptions& options_;
  Document& doc_;
};

// The position and reason of a JSON syntax error, for the user (simdjson says only "why").
Status SyntaxError(std::string_view text, const ReadOptions& options) {
  auto parsed =
      ParseJson(text, JsonLimits{.max_depth = options.max_depth, .max_bytes = options.max_bytes});
  if (!parsed.ok()) return parsed.status();
  return InvalidArgument("invalid JSON");
}

}  // namespace

Result<Document> ReadDocument(std::string_view text, const ReadOptions& options) {
  if (text.size() > options.max_bytes) {
    return LimitExceeded("input of " + std::to_string(text.size()) + " bytes exceeds the " +
                         std::to_string(options.max_bytes) + "-byte limit");
  }
  // Each thread keeps one parser for inputs up to kReusedParserBytes, so that its buffers are
  // not allocated and page-faulted again for every document; larger inputs get their own.
  // (simdjson's buffers are a few times the input size: 8 MiB inputs keep ~50 MiB per thread.)
  constexpr size_t kReusedParserBytes = 8u << 20;
  thread_local simdjson::dom::parser reused;
  simdjson::dom::parser own;
  simdjson::dom::parser& parser = text.size() <= kReusedParserBytes ? reused : own;
  const bool fits = &parser == &reused && parser.capacity() >= text.size() &&
                    parser.capacity() > 0 && parser.max_depth() == options.max_depth;
  if (!fits &&
      parser.allocate(std::max<size_t>(text.size(), 1), options.max_depth) != simdjson::SUCCESS) {
    return LimitExceeded("cannot allocate a parser for " + std::to_string(text.size()) + " bytes");
  }
  Document doc;
  // A guess at the object count (STIX objects are rarely under 256 bytes), bounded, so that the
  // vector seldom moves its objects while it grows.
  doc.objects.reserve(std::min<size_t>(text.size() / 256 + 1, size_t{1} << 20));
  Reader reader(options, doc);
  simdjson::dom::element root;
  const auto error = parser.parse(text.data(), text.size(), true).get(root);
  if (error == simdjson::SUCCESS) {
    reader.ReadTopLevel(root, "the input ");
    return doc;
  }
  if (error == simdjson::DEPTH_ERROR) {
    return LimitExceeded("JSON nesting deeper than " + std::to_string(options.max_depth));
  }
  // Not one JSON text: perhaps NDJSON, one object or bundle per line.
  simdjson::dom::document_stream stream;
  if (parser.parse_many(text.data(), text.size(), std::max<size_t>(text.size(), 1 << 20))
          .get(stream) != simdjson::SUCCESS) {
    return SyntaxError(text, options);
  }
  size_t line = 0;
  for (auto it = stream.begin(); it != stream.end(); ++it) {
    ++line;
    simdjson::dom::element e;
    if ((*it).get(e) != simdjson::SUCCESS) {
      if (line == 1) return SyntaxError(text, options);
      const size_t at = it.current_index();
      return InvalidArgument("invalid JSON in NDJSON record " + std::to_string(line) + " (byte " +
                             std::to_string(at) + ")");
    }
    reader.ReadTopLevel(e, "NDJSON record " + std::to_string(line) + " ");
  }
  if (line < 2) return SyntaxError(text, options);
  return doc;
}

std::string_view SeverityName(Severity s) { return s == Severity::kError ? "error" : "warning"; }

}  // namespace tessera::stix
