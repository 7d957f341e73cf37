#include "stix/reader.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "common/json.h"
#include "common/json_text.h"
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

bool IsPathWord(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  });
}

// Appends `raw_key` (as written in JSON) to a JSONPath as the validator writes paths.
void AppendPathKey(std::string& path, std::string_view raw_key) {
  auto decoded = json_text::Unescape(raw_key);
  const std::string key = decoded.ok() ? *decoded : std::string(raw_key);
  if (IsPathWord(key)) {
    path += "." + key;
    return;
  }
  path += "['";
  for (char c : key) {
    if (c == '\'' || c == '\\') path += '\\';
    path += c;
  }
  path += "']";
}

// Whether `token` is a number as JSON writes it (RFC 8259 §6).
bool IsJsonNumber(std::string_view t) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    return i > start;
  };
  if (i < t.size() && t[i] == '-') ++i;
  if (i < t.size() && t[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < t.size() && t[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == t.size();
}

// Whether a JSON number is one the parser cannot hold: an integer beyond the 64-bit range, or a
// number beyond the range of a 64-bit float.
bool OutOfRange(std::string_view t) {
  if (t.find_first_of(".eE") == std::string_view::npos) {
    const char* end = t.data() + t.size();
    if (t.front() == '-') {
      int64_t v = 0;
      return std::from_chars(t.data(), end, v).ec == std::errc::result_out_of_range;
    }
    uint64_t v = 0;
    return std::from_chars(t.data(), end, v).ec == std::errc::result_out_of_range;
  }
  const std::string copy(t);
  return std::isinf(std::strtod(copy.c_str(), nullptr));
}

enum class NumberFound { kNone, kOutOfRange, kMalformed };

// Finds the first number in the JSON value `value` that the parser refuses, and its path.
NumberFound FindBadNumber(std::string_view value, std::string& path, std::string_view& token,
                          size_t depth_left) {
  if (value.empty() || depth_left == 0) return NumberFound::kNone;
  const char c = value.front();
  NumberFound found = NumberFound::kNone;
  if (c == '{') {
    (void)json_text::ForEachMember(value, [&](std::string_view key, std::string_view v) {
      if (found != NumberFound::kNone) return;
      const size_t len = path.size();
      AppendPathKey(path, key);
      found = FindBadNumber(v, path, token, depth_left - 1);
      if (found == NumberFound::kNone) path.resize(len);
    });
  } else if (c == '[') {
    size_t index = 0;
    (void)json_text::ForEachElement(value, [&](std::string_view v) {
      if (found != NumberFound::kNone) return;
      const size_t len = path.size();
      path += "[" + std::to_string(index++) + "]";
      found = FindBadNumber(v, path, token, depth_left - 1);
      if (found == NumberFound::kNone) path.resize(len);
    });
  } else if (c == '-' || (c >= '0' && c <= '9')) {
    token = value;
    if (!IsJsonNumber(value)) return NumberFound::kMalformed;
    if (OutOfRange(value)) return NumberFound::kOutOfRange;
  }
  return found;
}

// The value of the top-level string member `key` of the JSON object `text`, as written (escapes
// not decoded); "" when absent or not a string.
std::string_view RawStringMember(std::string_view text, std::string_view key) {
  std::string_view out;
  (void)json_text::ForEachMember(text, [&](std::string_view k, std::string_view v) {
    if (out.empty() && v.size() >= 2 && v.front() == '"' && json_text::KeyEquals(k, key)) {
      out = v.substr(1, v.size() - 2);
    }
  });
  return out;
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
      if (!ElementTexts(source, array.size())) return;
      size_t i = 0;
      for (simdjson::dom::element e : array) ReadObject(e, texts_[i++]);
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
      ReadBundle(obj, source);
    } else {
      ReadObject(root, source);
    }
  }

  // Reads one top-level JSON value, `text`, that the parser refused as a whole because of a
  // number it cannot hold (simdjson: NUMBER_ERROR): each object is parsed alone, so that only
  // the objects with such a number are refused, each with the path of the number. Returns
  // kInvalidArgument when `text` is not JSON after all (a malformed number, or structure).
  Status ReadRecordText(std::string_view text, std::string_view where) {
    if (text.front() == '[') {
      Status st = Status::Ok();
      TESSERA_RETURN_IF_ERROR(json_text::ForEachElement(
          text,
          [&](std::string_view e) {
            if (st.ok()) st = ReadObjectText(e);
          },
          options_.max_depth));
      return st;
    }
    if (text.front() != '{') return ReadObjectText(text);  // a scalar: "not an object"
    bool bundle = false;
    size_t objects_seen = 0;
    std::string_view objects;
    TESSERA_RETURN_IF_ERROR(json_text::ForEachMember(
        text,
        [&](std::string_view key, std::string_view value) {
          if (json_text::KeyEquals(key, "type")) bundle = value == "\"bundle\"";
          if (json_text::KeyEquals(key, "objects")) {
            ++objects_seen;
            objects = value;
          }
        },
        options_.max_depth));
    if (!bundle) return ReadObjectText(text);
    const std::string id(RawStringMember(text, "id"));
    std::string_view id_type;
    bool bad = false;
    if (!IsValidIdentifier(id, &id_type) || id_type != "bundle") {
      AddProblem(id, "$.id", "identifier-format",
                 "a bundle's id must be 'bundle--' followed by an RFC 4122 UUID");
      bad = true;
    }
    if (objects_seen > 1) {
      AddProblem(id, "$.objects", "duplicate-key",
                 "the key 'objects' appears more than once in this bundle");
      bad = true;
    } else if (objects_seen == 1) {
      if (objects.front() != '[') {
        AddProblem(id, "$.objects", "property-type",
                   "a bundle's 'objects' must be a list of STIX objects");
        bad = true;
      } else {
        Status st = Status::Ok();
        TESSERA_RETURN_IF_ERROR(json_text::ForEachElement(
            objects,
            [&](std::string_view e) {
              if (st.ok()) st = ReadObjectText(e);
            },
            options_.max_depth));
        TESSERA_RETURN_IF_ERROR(st);
      }
    }
    (void)where;
    if (bad) ++summary_.invalid_objects;
    return Status::Ok();
  }

 private:
  // Fills texts_ with the text of each element of the JSON array `source` (which the parser
  // read as an array of `count` elements), so that each object is kept as it was written. False
  // (with a problem recorded) in the case that cannot happen: the texts do not match the parse.
  bool ElementTexts(std::string_view source, size_t count) {
    texts_.clear();
    const Status st = json_text::ForEachElement(
        source, [this](std::string_view e) { texts_.push_back(e); }, options_.max_depth + 1);
    if (st.ok() && texts_.size() == count) return true;
    AddProblem("", "$", "internal",
               "the objects of this list could not be located in the input; nothing of it is "
               "read");
    ++summary_.invalid_objects;
    return false;
  }

  // Parses the JSON text of one object on its own and reads it. A number the parser cannot
  // hold refuses the object (rule number-range, at the number's path); any other parse error
  // means the input is not JSON: kInvalidArgument.
  Status ReadObjectText(std::string_view text) {
    thread_local simdjson::dom::parser parser;
    thread_local std::string padded;
    padded.assign(text.data(), text.size());
    padded.append(simdjson::SIMDJSON_PADDING, '\0');
    simdjson::dom::element e;
    const auto error = parser.parse(padded.data(), text.size(), false).get(e);
    if (error == simdjson::SUCCESS) {
      ReadObject(e, text);
      return Status::Ok();
    }
    if (error == simdjson::DEPTH_ERROR) {
      return LimitExceeded("JSON nesting deeper than " + std::to_string(options_.max_depth));
    }
    std::string path = "$";
    std::string_view token;
    const NumberFound found = error == simdjson::NUMBER_ERROR
                                  ? FindBadNumber(text, path, token, options_.max_depth + 1)
                                  : NumberFound::kNone;
    if (found != NumberFound::kOutOfRange) {
      return InvalidArgument(
          "invalid JSON" +
          (found == NumberFound::kMalformed
               ? " at " + path + ": '" + std::string(token.substr(0, 40)) + "' is not a JSON number"
               : ": " + std::string(simdjson::error_message(error))));
    }
    Object o;
    o.type = RawStringMember(text, "type");
    o.id = RawStringMember(text, "id");
    o.spec_version = "2.1";
    if (!MinifyInto(text, o.json)) o.json.assign(text);
    problems_.clear();
    problems_.push_back(Problem{
        Severity::kError, o.id, path, "number-range",
        "the number " + std::string(token.substr(0, 40)) + (token.size() > 40 ? "..." : "") +
            " cannot be read as it is written (an integer beyond the 64-bit range, or a number "
            "beyond the range of a 64-bit float); objects are kept exactly as posted, never "
            "rounded, so this one is refused"});
    ++summary_.invalid_objects;
    ++summary_.objects;
    sink_.OnObject(std::move(o), problems_);
    return Status::Ok();
  }

  void ReadBundle(simdjson::dom::object bundle, std::string_view source) {
    const std::string_view id = StringOr(bundle, "id", "");
    bool bad = false;
    std::string_view id_type;
    if (!IsValidIdentifier(id, &id_type) || id_type != "bundle") {
      AddProblem(std::string(id), "$.id", "identifier-format",
                 "a bundle's id must be 'bundle--' followed by an RFC 4122 UUID");
      bad = true;
    }
    // The text of 'objects' as written, found by position: the parser lists members in input
    // order, duplicates included.
    size_t objects_seen = 0;
    std::string_view objects_text;
    (void)json_text::ForEachMember(
        source,
        [&](std::string_view key, std::string_view value) {
          if (json_text::KeyEquals(key, "objects")) {
            ++objects_seen;
            objects_text = value;
          }
        },
        options_.max_depth + 1);
    simdjson::dom::element objects;
    if (objects_seen > 1) {
      AddProblem(std::string(id), "$.objects", "duplicate-key",
                 "the key 'objects' appears more than once in this bundle");
      bad = true;
    } else if (bundle["objects"].get(objects) == simdjson::SUCCESS) {
      simdjson::dom::array array;
      if (objects.get_array().get(array) != simdjson::SUCCESS) {
        AddProblem(std::string(id), "$.objects", "property-type",
                   "a bundle's 'objects' must be a list of STIX objects");
        bad = true;
      } else if (array.size() == 0) {
        AddProblem(std::string(id), "$.objects", "empty-list",
                   "a bundle's 'objects' must not be an empty list (omit it instead)");
        bad = true;
      } else if (ElementTexts(objects_text, array.size())) {
        size_t i = 0;
        for (simdjson::dom::element e : array) ReadObject(e, texts_[i++]);
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
    // The object as written (minified): its numbers and escapes are not re-serialized.
    if (source.empty() || !MinifyInto(source, o.json)) o.json = simdjson::minify(e);

    problems_.clear();
    ValidateObject(obj, o.id, options_, problems_);
    ExtractHandling(obj, o.type, o.handling.emplace());
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
  std::vector<Problem> problems_;        // of the object being read, reused
  std::vector<std::string_view> texts_;  // of the elements of the list being read, reused
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

namespace {

// Where one pass of parse_many over the input stopped.
struct Segment {
  ReadSummary summary;
  size_t records = 0;  // top-level values read
  size_t resume = 0;   // 0: the input is read; else the offset at which reading goes on
};

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Reads the stream of JSON texts in text[offset..] (padded) until its end, or until a value the
// parser refuses as a whole for one of its numbers: that value is read object by object
// (Reader::ReadRecordText) and `resume` says where the rest starts. `record_base` counts the
// values read before, for messages.
Result<Segment> ReadSegment(std::string_view text, size_t offset, size_t record_base,
                            const ReadOptions& options, ReadSink& sink,
                            simdjson::dom::parser& reused, simdjson::dom::parser& own) {
  // Records are parsed in batches of at most kBatchBytes, so that the parser's buffers (a few
  // times the batch) stay small, stay in cache and are reused by the thread. A text larger than
  // a batch makes a second pass that reads the input as one batch, skipping what the first pass
  // handed over.
  constexpr size_t kBatchBytes = 4u << 20;
  const std::string_view rest = text.substr(offset);
  CountingSink first_pass(sink);
  size_t handed_over = 0;
  for (size_t batch = std::clamp<size_t>(rest.size(), 32, kBatchBytes);;
       batch = std::max<size_t>(rest.size(), 32)) {
    const bool second_pass = batch > kBatchBytes;
    SkippingSink skipping(sink, handed_over);
    ReadSink& target = second_pass ? static_cast<ReadSink&>(skipping) : first_pass;
    simdjson::dom::parser& parser = second_pass ? own : reused;
    if (parser.max_depth() != options.max_depth &&
        parser.allocate(std::min(batch, kBatchBytes), options.max_depth) != simdjson::SUCCESS) {
      return LimitExceeded("cannot allocate a JSON parser");
    }
    simdjson::dom::document_stream stream;
    if (parser.parse_many(rest.data(), rest.size(), batch).get(stream) != simdjson::SUCCESS) {
      return SyntaxError(rest, options);
    }
    Reader reader(options, target);
    size_t record = 0;
    bool too_large = false;
    for (auto it = stream.begin(); it != stream.end(); ++it) {
      ++record;
      const size_t number = record_base + record;
      const std::string where =
          number == 1 ? std::string("the input ") : "NDJSON record " + std::to_string(number) + " ";
      simdjson::dom::element e;
      const auto error = (*it).get(e);
      if (error == simdjson::CAPACITY && !second_pass && batch < rest.size()) {
        too_large = true;
        break;
      }
      if (error == simdjson::DEPTH_ERROR) {
        return LimitExceeded("JSON nesting deeper than " + std::to_string(options.max_depth));
      }
      if (error == simdjson::NUMBER_ERROR) {
        // A number the parser cannot hold (or a malformed one): the value is read object by
        // object, and the stream goes on after it.
        const size_t at = offset + it.current_index();
        const std::string_view value = json_text::ValueAt(text, at, options.max_depth + 1);
        if (value.empty()) return SyntaxError(text, options);
        Status st = reader.ReadRecordText(value, where);
        if (!st.ok()) {
          if (st.code() == ErrorCode::kLimitExceeded) return st;
          return InvalidArgument((number == 1 ? std::string() : where) + st.message());
        }
        Segment out;
        out.summary = reader.summary();
        out.records = record;
        out.resume = static_cast<size_t>(value.data() - text.data()) + value.size();
        return out;
      }
      if (error != simdjson::SUCCESS) {
        if (number == 1) return SyntaxError(text, options);
        return InvalidArgument("invalid JSON in NDJSON record " + std::to_string(number) +
                               " (byte " + std::to_string(offset + it.current_index()) +
                               "): " + simdjson::error_message(error));
      }
      reader.ReadTopLevel(e, where, it.source());
    }
    if (too_large) {
      handed_over = first_pass.count;
      continue;
    }
    if (record == 0) return SyntaxError(rest, options);
    if (stream.truncated_bytes() != 0) {
      return InvalidArgument("incomplete JSON at the end of the input (the last " +
                             std::to_string(stream.truncated_bytes()) + " bytes)");
    }
    Segment out;
    out.summary = reader.summary();
    out.records = record;
    return out;
  }
}

// Refuses an input beyond options.max_bytes, before it is copied or padded.
Status CheckInputSize(size_t bytes, const ReadOptions& options) {
  if (bytes <= options.max_bytes) return Status::Ok();
  return LimitExceeded("input of " + std::to_string(bytes) + " bytes exceeds the " +
                       std::to_string(options.max_bytes) + "-byte limit");
}

// ReadStream of `text`, readable kReadPadding bytes past its end. One pass over the input as a
// stream of JSON texts: a single bundle, object or array is a stream of one; NDJSON a stream of
// many (ReadSegment).
Result<ReadSummary> ReadPadded(std::string_view text, const ReadOptions& options, ReadSink& sink) {
  thread_local simdjson::dom::parser reused;
  simdjson::dom::parser own;
  ReadSummary total;
  size_t offset = 0, records = 0;
  for (;;) {
    TESSERA_ASSIGN_OR_RETURN(Segment seg,
                             ReadSegment(text, offset, records, options, sink, reused, own));
    total.objects += seg.summary.objects;
    total.invalid_objects += seg.summary.invalid_objects;
    records += seg.records;
    if (seg.resume == 0) return total;
    offset = seg.resume;
    while (offset < text.size() && IsJsonSpace(text[offset])) ++offset;
    if (offset == text.size()) return total;
  }
}

}  // namespace

Result<ReadSummary> ReadStream(std::string_view text, const ReadOptions& options, ReadSink& sink) {
  TESSERA_RETURN_IF_ERROR(CheckInputSize(text.size(), options));
  // simdjson reads up to SIMDJSON_PADDING bytes past the end of its input: parse a padded copy
  // (a per-thread buffer for inputs up to a batch, so that small inputs cost no allocation).
  constexpr size_t kReusedBytes = 4u << 20;
  if (text.size() <= kReusedBytes) {
    thread_local std::string reused_padded;
    reused_padded.assign(text.data(), text.size());
    reused_padded.append(simdjson::SIMDJSON_PADDING, '\0');
    return ReadPadded(std::string_view(reused_padded.data(), text.size()), options, sink);
  }
  const simdjson::padded_string own_padded(text.data(), text.size());
  return ReadPadded(std::string_view(own_padded.data(), own_padded.size()), options, sink);
}

Result<ReadSummary> ReadStreamInPlace(std::string& text, const ReadOptions& options,
                                      ReadSink& sink) {
  static_assert(kReadPadding == simdjson::SIMDJSON_PADDING);
  TESSERA_RETURN_IF_ERROR(CheckInputSize(text.size(), options));
  const size_t size = text.size();
  text.append(kReadPadding, '\0');
  auto read = ReadPadded(std::string_view(text.data(), size), options, sink);
  text.resize(size);
  return read;
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

Result<Handling> ReadHandling(std::string_view object_json) {
  size_t start = 0;
  while (start < object_json.size() &&
         std::isspace(static_cast<unsigned char>(object_json[start]))) {
    ++start;
  }
  if (start == object_json.size() || object_json[start] != '{') {
    return InvalidArgument("the object is not a JSON object");
  }
  TESSERA_ASSIGN_OR_RETURN(Document doc, ReadDocument(object_json));
  // One object read from the text itself (a bundle of one would also give one object).
  std::string minified;
  if (doc.objects.size() != 1 || !MinifyInto(object_json, minified) ||
      minified != doc.objects[0].json) {
    return InvalidArgument("the text is not one STIX object");
  }
  for (const Problem& p : doc.problems) {
    if (p.severity == Severity::kError) {
      return InvalidArgument("invalid STIX 2.1: " + p.path + ": " + p.message + " (" + p.rule +
                             ")");
    }
  }
  return std::move(*doc.objects[0].handling);
}

std::string_view SeverityName(Severity s) { return s == Severity::kError ? "error" : "warning"; }

}  // namespace tessera::stix
