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

// Minifies the JSON text `source` into `out` with simdjson's SIMD minifier. False on failure.
bool MinifyInto(std::string_view source, std::string& out) {
  out.resize(source.size());
  size_t len = 0;
  if (simdjson::minify(source.data(), source.size(), out.data(), len) != simdjson::SUCCESS) {
    return false;
  }
  out.resize(len);
  return true;
}

class Reader {
 public:
  Reader(const ReadOptions& options, ReadSink& sink) : options_(options), sink_(sink) {}

  const ReadSummary& summary() const { return summary_; }

  // Reads one top-level JSON value. `source` is its text when known (NDJSON records), so that a
  // single object is minified from its text rather than re-serialized from the DOM.
  void ReadTopLevel(simdjson::dom::element root, std::string_view where,
                    std::string_view source = {}) {
    simdjson::dom::array array;
    if (root.get_array().get(array) == simdjson::SUCCESS) {
      for (simdjson::dom::element e : array) ReadObject(e);
      return;
    }
    simdjson::dom::object obj;
    if (root.get_object().get(obj) != simdjson::SUCCESS) {
      AddProblem("", "$", "not-an-object",
                 std::string(where) + "is not a STIX object, bundle or array of objects");
      ++summary_.invalid_objects;
      return;
    }
    if (StringOr(obj, "type", "") == "bundle") {
      ReadBundle(obj);
    } else {
      ReadObject(root, source);
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
    if (bad) ++summary_.invalid_objects;
  }

  void ReadObject(simdjson::dom::element e, std::string_view source = {}) {
    simdjson::dom::object obj;
    if (e.get_object().get(obj) != simdjson::SUCCESS) {
      AddProblem("", "$", "not-an-object", "a STIX object must be a JSON object");
      ++summary_.invalid_objects;
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
    if (source.empty() || !MinifyInto(source, o.json)) o.json = simdjson::minify(e);

    problems_.clear();
    ValidateObject(obj, o.id, options_, problems_);
    for (const Problem& p : problems_) {
      if (p.severity == Severity::kError) {
        ++summary_.invalid_objects;
        break;
      }
    }
    ++summary_.objects;
    sink_.OnObject(std::move(o), problems_);
  }

  void AddProblem(std::string id, std::string path, std::string rule, std::string message) {
    sink_.OnProblem(Problem{Severity::kError, std::move(id), std::move(path), std::move(rule),
                            std::move(message)});
  }

  const ReadOptions& options_;
  ReadSink& sink_;
  ReadSummary summary_;
  std::vector<Problem> problems_;  // of the object being read, reused
};

// The position and reason of a JSON syntax error, for the user (simdjson says only "why").
Status SyntaxError(std::string_view text, const ReadOptions& options) {
  auto parsed =
      ParseJson(text, JsonLimits{.max_depth = options.max_depth, .max_bytes = options.max_bytes});
  if (!parsed.ok()) return parsed.status();
  return InvalidArgument("invalid JSON");
}

// Skips the first `skip` objects and problems: what a first pass already handed over.
class SkippingSink : public ReadSink {
 public:
  SkippingSink(ReadSink& sink, size_t skip) : sink_(sink), skip_(skip) {}
  void OnObject(Object&& object, std::span<const Problem> problems) override {
    if (skip_ > 0) {
      --skip_;
      return;
    }
    sink_.OnObject(std::move(object), problems);
  }
  void OnProblem(Problem&& problem) override {
    if (skip_ > 0) {
      --skip_;
      return;
    }
    sink_.OnProblem(std::move(problem));
  }

 private:
  ReadSink& sink_;
  size_t skip_;
};

// Counts what passes through, so that a second pass knows what to skip.
class CountingSink : public ReadSink {
 public:
  explicit CountingSink(ReadSink& sink) : sink_(sink) {}
  void OnObject(Object&& object, std::span<const Problem> problems) override {
    ++count;
    sink_.OnObject(std::move(object), problems);
  }
  void OnProblem(Problem&& problem) override {
    ++count;
    sink_.OnProblem(std::move(problem));
  }
  size_t count = 0;

 private:
  ReadSink& sink_;
};

class DocumentSink : public ReadSink {
 public:
  explicit DocumentSink(Document& doc) : doc_(doc) {}
  void OnObject(Object&& object, std::span<const Problem> problems) override {
    doc_.objects.push_back(std::move(object));
    doc_.problems.insert(doc_.problems.end(), problems.begin(), problems.end());
  }
  void OnProblem(Problem&& problem) override { doc_.problems.push_back(std::move(problem)); }

 private:
  Document& doc_;
};

}  // namespace

Result<ReadSummary> ReadStream(std::string_view text, const ReadOptions& options, ReadSink& sink) {
  if (text.size() > options.max_bytes) {
    return LimitExceeded("input of " + std::to_string(text.size()) + " bytes exceeds the " +
                         std::to_string(options.max_bytes) + "-byte limit");
  }
  // One pass over the input as a stream of JSON texts: a single bundle, object or array is a
  // stream of one; NDJSON a stream of many. Records are parsed in batches of at most kBatchBytes,
  // so that the parser's buffers (a few times the batch) stay small, stay in cache and are reused
  // by the thread. A text larger than a batch makes a second pass that reads the input as one
  // batch, skipping what the first pass handed over.
  constexpr size_t kBatchBytes = 4u << 20;
  thread_local simdjson::dom::parser reused;
  simdjson::dom::parser own;
  // simdjson reads up to SIMDJSON_PADDING bytes past the end of its input: parse a padded copy
  // (a per-thread buffer for inputs up to a batch, so that small inputs cost no allocation).
  thread_local std::string reused_padded;
  simdjson::padded_string own_padded;
  if (text.size() <= kBatchBytes) {
    reused_padded.assign(text.data(), text.size());
    reused_padded.append(simdjson::SIMDJSON_PADDING, '\0');
    text = std::string_view(reused_padded.data(), text.size());
  } else {
    own_padded = simdjson::padded_string(text.data(), text.size());
    text = std::string_view(own_padded.data(), own_padded.size());
  }
  CountingSink first_pass(sink);
  size_t handed_over = 0;
  for (size_t batch = std::clamp<size_t>(text.size(), 32, kBatchBytes);;
       batch = std::max<size_t>(text.size(), 32)) {
    const bool second_pass = batch > kBatchBytes;
    SkippingSink skipping(sink, handed_over);
    ReadSink& target = second_pass ? static_cast<ReadSink&>(skipping) : first_pass;
    simdjson::dom::parser& parser = second_pass ? own : reused;
    if (parser.max_depth() != options.max_depth &&
        parser.allocate(std::min(batch, kBatchBytes), options.max_depth) != simdjson::SUCCESS) {
      return LimitExceeded("cannot allocate a JSON parser");
    }
    simdjson::dom::document_stream stream;
    if (parser.parse_many(text.data(), text.size(), batch).get(stream) != simdjson::SUCCESS) {
      return SyntaxError(text, options);
    }
    Reader reader(options, target);
    size_t record = 0;
    bool too_large = false;
    for (auto it = stream.begin(); it != stream.end(); ++it) {
      ++record;
      simdjson::dom::element e;
      const auto error = (*it).get(e);
      if (error == simdjson::CAPACITY && !second_pass && batch < text.size()) {
        too_large = true;
        break;
      }
      if (error == simdjson::DEPTH_ERROR) {
        return LimitExceeded("JSON nesting deeper than " + std::to_string(options.max_depth));
      }
      if (error != simdjson::SUCCESS) {
        if (record == 1) return SyntaxError(text, options);
        return InvalidArgument("invalid JSON in NDJSON record " + std::to_string(record) +
                               " (byte " + std::to_string(it.current_index()) +
                               "): " + simdjson::error_message(error));
      }
      if (record == 1) {
        reader.ReadTopLevel(e, "the input ", it.source());
      } else {
        reader.ReadTopLevel(e, "NDJSON record " + std::to_string(record) + " ", it.source());
      }
    }
    if (too_large) {
      handed_over = first_pass.count;
      continue;
    }
    if (record == 0) return SyntaxError(text, options);
    if (stream.truncated_bytes() != 0) {
      return InvalidArgument("incomplete JSON at the end of the input (the last " +
                             std::to_string(stream.truncated_bytes()) + " bytes)");
    }
    return reader.summary();
  }
}

Result<Document> ReadDocument(std::string_view text, const ReadOptions& options) {
  Document doc;
  // A guess at the object count (STIX objects are rarely under 256 bytes), bounded, so that the
  // vector seldom moves its objects while it grows.
  doc.objects.reserve(std::min<size_t>(text.size() / 256 + 1, size_t{1} << 20));
  DocumentSink sink(doc);
  auto summary = ReadStream(text, options, sink);
  if (!summary.ok()) return summary.status();
  doc.invalid_objects = summary->invalid_objects;
  return doc;
}

std::string_view SeverityName(Severity s) { return s == Severity::kError ? "error" : "warning"; }

}  // namespace tessera::stix
