#include "stix/reader.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "common/file.h"
#include "common/json.h"
#include "common/json_text.h"
#include "stix/types.h"
#include "stix/validate.h"

namespace tessera::stix {
namespace {

static_assert(kReadPadding >= simdjson::SIMDJSON_PADDING);

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
  // `where()` names the value in a problem ("NDJSON record 12 "); called only for one.
  template <typename WhereFn>
  void ReadTopLevel(simdjson::dom::element root, const WhereFn& where,
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
                 where() + "is not a STIX object, bundle or array of objects");
      ++summary_.invalid_objects;
      return;
    }
    if (StringOr(obj, "type", "") == "bundle") {
      ReadBundle(obj, source);
    } else {
      ReadObject(root, source);
    }
  }

  // Reads one JSON value, `text`, that the parser refused as a whole because of a number it
  // cannot hold (simdjson: NUMBER_ERROR): each object is parsed alone, so that only the objects
  // with such a number are refused, each with the path of the number. `text` is a top-level
  // value, or one object of a list (`list_object`). Returns kInvalidArgument when `text` is not
  // JSON after all (a malformed number, or structure).
  Status ReadRecordText(std::string_view text, bool list_object) {
    if (list_object) return ReadObjectText(text);
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
    if (bad) ++summary_.invalid_objects;
    return Status::Ok();
  }

  // One object of a list read element by element (a large bundle's `objects`), whose text is
  // `source`.
  void ReadListObject(simdjson::dom::element e, std::string_view source) { ReadObject(e, source); }

  // Counts a value that is not an object (a list's element) as ReadObject does.
  void NotAnObject() {
    AddProblem("", "$", "not-an-object", "a STIX object must be a JSON object");
    ++summary_.invalid_objects;
  }

  // A problem of a bundle read in parts (ReadFile), which counts the bundle as one invalid value
  // once (`first_of_bundle`).
  void BundleProblem(std::string id, std::string path, std::string rule, std::string message,
                     bool first_of_bundle) {
    AddProblem(std::move(id), std::move(path), std::move(rule), std::move(message));
    if (first_of_bundle) ++summary_.invalid_objects;
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
      NotAnObject();
      return;
    }
    Object o;
    o.type = StringOr(obj, "type", "");
    o.id = StringOr(obj, "id", "");
    o.spec_version = StringOr(obj, "spec_version", "2.1");
    bool revoked = false;
    o.revoked = obj["revoked"].get_bool().get(revoked) == simdjson::SUCCESS && revoked;
    // The object as written (minified): its numbers and escapes are not re-serialized.
    if (source.empty() || !MinifyInto(source, o.json)) o.json = simdjson::minify(e);

    problems_.clear();
    CheckedTimes times;
    ValidateObject(obj, o.id, options_, problems_, &times);
    // The validator's parse when it checked them; read here only when it did not (a type whose
    // rules do not name them, or a malformed value, which TimestampOf leaves out too).
    o.created = times.created ? times.created : TimestampOf(obj, "created");
    o.modified = times.modified ? times.modified : TimestampOf(obj, "modified");
    ExtractHandling(obj, o.type, o.handling.emplace());
    if (options_.full_text) ExtractFullText(obj, o.text.emplace());
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

// Takes what it is handed and keeps nothing: the objects of a malformed bundle, read through (to
// its end and its JSON errors) but not handed over.
class DiscardSink : public ReadSink {
 public:
  void OnObject(Object&&, std::span<const Problem>) override {}
  void OnProblem(Problem&&) override {}
};

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t SkipSpace(std::string_view text, size_t pos) {
  while (pos < text.size() && IsJsonSpace(text[pos])) ++pos;
  return pos;
}

// The input as the reader sees it: a window over it, [begin, end) of a buffer that stays
// readable kReadPadding bytes past the end (the parser reads past its input) and that the
// reader may write into (it blanks the commas between the objects of a list). In memory the
// window is the whole input; from a file it holds about one window's worth, and slides.
class Input {
 public:
  // The whole of `text`, which must be readable and writable kReadPadding bytes past its end.
  explicit Input(char* text, size_t size) : data_(text), end_(size) {}
  // `file`, read as the reader goes.
  Input(InputFile& file, const std::function<void(uint64_t, uint64_t)>& progress)
      : file_(&file), progress_(progress) {}

  // What is read and not yet consumed.
  std::string_view View() const { return {data_ + begin_, end_ - begin_}; }
  char* Mutable() { return data_ + begin_; }
  // The bytes the buffer holds allocated (0 in memory: the text is the caller's).
  size_t BufferBytes() const { return file_ == nullptr ? 0 : buffer_.capacity(); }
  // Where View() starts in the input.
  uint64_t Position() const { return consumed_ + begin_; }
  void Consume(size_t n) { begin_ += n; }
  // Whether View() reaches the end of the input.
  bool AtEnd() const { return file_ == nullptr || eof_; }

  // Reads until View() holds at least `want` bytes or the input ends (then AtEnd()). The
  // views handed out before are invalid afterwards.
  // A buffer larger than `want` needs (grown for a value larger than a window) is given back:
  // after such a value, the buffer is a window's again.
  Status ReadMore(size_t want) {
    if (AtEnd()) return Status::Ok();
    const size_t held = end_ - begin_;
    const size_t need = std::max(want, held) + kReadPadding;
    if (buffer_.size() > need) {
      std::string smaller(need, '\0');
      if (held > 0) std::memcpy(smaller.data(), data_ + begin_, held);
      buffer_.swap(smaller);
    } else {
      if (begin_ > 0) std::memmove(buffer_.data(), data_ + begin_, held);
      buffer_.resize(need);
    }
    consumed_ += begin_;
    begin_ = 0;
    end_ = held;
    data_ = buffer_.data();
    while (end_ < want) {
      TESSERA_ASSIGN_OR_RETURN(size_t got, file_->Read(data_ + end_, want - end_));
      if (got == 0) {
        eof_ = true;
        break;
      }
      end_ += got;
    }
    if (progress_) progress_(consumed_ + end_, file_->size());
    return Status::Ok();
  }

 private:
  InputFile* file_ = nullptr;
  std::function<void(uint64_t, uint64_t)> progress_;
  std::string buffer_;  // from a file: the window
  char* data_ = nullptr;
  size_t begin_ = 0, end_ = 0;
  uint64_t consumed_ = 0;  // input bytes dropped from the front of the buffer
  bool eof_ = false;
};

// What one run of the parser over part of the window reads: the top-level values of the input
// (one bundle, object or list, or NDJSON: many), or the objects of one list read element by
// element (a bundle's `objects`, or a top-level list, too large to be parsed whole).
enum class Records { kTopLevel, kListObjects };

// Where one run of the parser over text[0..] stopped.
struct Segment {
  ReadSummary summary;
  size_t records = 0;  // values read
  size_t resume = 0;   // where the values not read start (text.size() when all were read)
  // Nothing was read: the value at the start of the text is larger than a window, or is cut
  // by the end of the text (which is not the end of the input).
  bool too_large = false;
};

// Counts of the input read so far, for messages.
struct Place {
  uint64_t byte = 0;  // where the text starts in the input
  size_t record = 0;  // values (kTopLevel) or objects of the list (kListObjects) before it
  Records records = Records::kTopLevel;
};

// "NDJSON record N " or "object N of the list ", for messages ("the input " for the first
// top-level value).
std::string Where(const Place& at, size_t number) {
  if (at.records == Records::kListObjects)
    return "object " + std::to_string(number) + " of the list ";
  return number == 1 ? std::string("the input ") : "NDJSON record " + std::to_string(number) + " ";
}

// Reads the JSON texts in `text` (readable kReadPadding bytes past its end) with `parser`, in
// batches of at most `batch` bytes, until the end of the text, a value the parser refuses as a
// whole for one of its numbers (read object by object: Reader::ReadRecordText; `resume` says
// where the rest starts), a value larger than a batch, or (when `at_end` is false) a value cut
// by the end of the text.
Result<Segment> ReadSegment(std::string_view text, const Place& at, bool at_end, size_t batch,
                            const ReadOptions& options, ReadSink& sink,
                            simdjson::dom::parser& parser) {
  Segment out;
  simdjson::dom::document_stream stream;
  if (parser.parse_many(text.data(), text.size(), std::max<size_t>(batch, 32)).get(stream) !=
      simdjson::SUCCESS) {
    return SyntaxError(text, options);
  }
  Reader reader(options, sink);
  const bool list = at.records == Records::kListObjects;
  size_t read_to = 0;  // one past the last value read
  for (auto it = stream.begin(); it != stream.end(); ++it) {
    const size_t number = at.record + out.records + 1;
    simdjson::dom::element e;
    const auto error = (*it).get(e);
    if (error == simdjson::CAPACITY) {
      out.too_large = out.records == 0;
      out.resume = SkipSpace(text, read_to);
      out.summary = reader.summary();
      return out;
    }
    ++out.records;
    if (error == simdjson::DEPTH_ERROR) {
      return LimitExceeded("JSON nesting deeper than " + std::to_string(options.max_depth));
    }
    if (error == simdjson::NUMBER_ERROR) {
      // A number the parser cannot hold (or a malformed one): the value is read object by
      // object, and the stream goes on after it.
      const std::string_view value =
          json_text::ValueAt(text, it.current_index(), options.max_depth + 1);
      if (value.empty()) return SyntaxError(text, options);
      Status st = reader.ReadRecordText(value, list);
      if (!st.ok()) {
        if (st.code() == ErrorCode::kLimitExceeded) return st;
        return InvalidArgument((number == 1 && !list ? std::string() : Where(at, number)) +
                               st.message());
      }
      out.summary = reader.summary();
      out.resume = static_cast<size_t>(value.data() - text.data()) + value.size();
      return out;
    }
    if (error != simdjson::SUCCESS) {
      if (number == 1 && !list && at.byte == 0) return SyntaxError(text, options);
      return InvalidArgument("invalid JSON in " + Where(at, number) + "(byte " +
                             std::to_string(at.byte + it.current_index()) +
                             "): " + simdjson::error_message(error));
    }
    const std::string_view source = it.source();
    if (list) {
      reader.ReadListObject(e, source);
    } else {
      reader.ReadTopLevel(
          e, [&] { return Where(at, number); }, source);
    }
    read_to = static_cast<size_t>(source.data() - text.data()) + source.size();
  }
  out.summary = reader.summary();
  const size_t truncated = stream.truncated_bytes();
  if (truncated != 0) {
    if (at_end) {
      if (out.records == 0 && at.byte == 0 && !list) return SyntaxError(text, options);
      return InvalidArgument("incomplete JSON at the end of the input (the last " +
                             std::to_string(truncated) + " bytes)");
    }
    out.too_large = out.records == 0;
    out.resume = text.size() - truncated;
    return out;
  }
  if (out.records == 0) return SyntaxError(text, options);
  out.resume = text.size();
  return out;
}

// Refuses an input beyond options.max_bytes, before it is copied or padded.
Status CheckInputSize(size_t bytes, const ReadOptions& options) {
  if (bytes <= options.max_bytes) return Status::Ok();
  return LimitExceeded("input of " + std::to_string(bytes) + " bytes exceeds the " +
                       std::to_string(options.max_bytes) + "-byte limit");
}

// Reads the input a window at a time (Input): the values that fit a window are parsed in
// batches; a bundle or a list larger than a window is read element by element, each object
// parsed alone or with its neighbours (ReadList); any other value larger than a window is
// parsed alone, up to options.max_value_bytes.
class WindowReader {
 public:
  WindowReader(Input& in, const ReadOptions& options, ReadSink& sink)
      : in_(in),
        options_(options),
        sink_(sink),
        window_(std::max<size_t>(options.window_bytes, 64)) {}

  Result<ReadSummary> Run() {
    thread_local simdjson::dom::parser reused;
    if (reused.max_depth() != options_.max_depth &&
        reused.allocate(window_, options_.max_depth) != simdjson::SUCCESS) {
      return LimitExceeded("cannot allocate a JSON parser");
    }
    bool any = false;
    for (;;) {
      TESSERA_RETURN_IF_ERROR(Fill(window_));
      std::string_view view = in_.View();
      const size_t start = SkipSpace(view, 0);
      if (start == view.size()) {
        if (in_.AtEnd()) break;
        in_.Consume(start);
        continue;
      }
      // At the very start, whitespace stays in the text, so that the positions in the first
      // value's messages count from the input's first byte.
      if (Position() > 0) {
        in_.Consume(start);
        view = in_.View();
      }
      any = true;
      const Place at{in_.Position(), records_, Records::kTopLevel};
      TESSERA_ASSIGN_OR_RETURN(
          Segment seg, ReadSegment(view, at, in_.AtEnd(), window_, options_, sink_, reused));
      Add(seg.summary);
      records_ += seg.records;
      in_.Consume(seg.resume);
      if (seg.too_large) {
        TESSERA_RETURN_IF_ERROR(ReadLargeValue());
        ++records_;
      }
    }
    if (!any) return SyntaxError(in_.View(), options_);
    total_.buffer_bytes = in_.BufferBytes();
    return total_;
  }

 private:
  uint64_t Position() const { return in_.Position(); }

  void Add(const ReadSummary& s) { AddTo(total_, s); }
  static void AddTo(ReadSummary& into, const ReadSummary& s) {
    into.objects += s.objects;
    into.invalid_objects += s.invalid_objects;
  }

  // Makes View() hold `want` bytes unless the input ends first.
  Status Fill(size_t want) {
    if (in_.View().size() >= want || in_.AtEnd()) return Status::Ok();
    return in_.ReadMore(want);
  }

  // Makes View() hold more than `have` bytes, for a value cut at `have`: kInvalidArgument when
  // the input ends first, kLimitExceeded when the value would pass options.max_value_bytes.
  Status Grow(size_t have) {
    if (in_.AtEnd()) {
      return InvalidArgument("incomplete JSON at the end of the input (the last " +
                             std::to_string(in_.View().size()) + " bytes)");
    }
    if (have >= options_.max_value_bytes) {
      return LimitExceeded("a JSON value of more than " + std::to_string(options_.max_value_bytes) +
                           " bytes (at byte " + std::to_string(Position()) +
                           "): larger than the reader holds at once");
    }
    const size_t want = std::min(std::max(have * 2, have + window_), options_.max_value_bytes + 1);
    TESSERA_RETURN_IF_ERROR(in_.ReadMore(want));
    return Status::Ok();
  }

  // The position of the first byte at or after View()[pos] that is not whitespace, reading more
  // until there is one.
  Result<size_t> NextByte(size_t pos) {
    for (;;) {
      const std::string_view view = in_.View();
      pos = SkipSpace(view, pos);
      if (pos < view.size()) return pos;
      TESSERA_RETURN_IF_ERROR(Grow(view.size()));
    }
  }

  // The extent of the value at View()[pos], reading more until it is whole.
  Result<size_t> WholeValue(size_t pos, size_t max_depth) {
    for (;;) {
      const std::string_view view = in_.View();
      const json_text::Extent e = json_text::ScanValue(view, pos, max_depth);
      if (e.kind == json_text::Extent::kComplete) return e.end;
      if (e.kind == json_text::Extent::kMalformed) return Malformed(pos);
      TESSERA_RETURN_IF_ERROR(Grow(view.size()));
    }
  }

  Status Malformed(size_t pos) const {
    return InvalidArgument("invalid JSON at byte " + std::to_string(Position() + pos));
  }

  // The value at the start of View(), larger than a window.
  Status ReadLargeValue() {
    in_.Consume(SkipSpace(in_.View(), 0));
    const char first = in_.View().front();
    if (first == '[') return ReadList(1, sink_, total_).status();
    if (first == '{') return ReadLargeObject();
    return ReadAlone();
  }

  // Parses the value at the start of View() on its own, with a parser of its size.
  Status ReadAlone() {
    TESSERA_ASSIGN_OR_RETURN(size_t end, WholeValue(0, options_.max_depth));
    simdjson::dom::parser own(end);
    if (own.allocate(end, options_.max_depth) != simdjson::SUCCESS) {
      return LimitExceeded("cannot allocate a JSON parser for " + std::to_string(end) + " bytes");
    }
    const Place at{Position(), records_, Records::kTopLevel};
    TESSERA_ASSIGN_OR_RETURN(
        Segment seg, ReadSegment(in_.View().substr(0, end), at, true, end, options_, sink_, own));
    Add(seg.summary);
    in_.Consume(end);
    return Status::Ok();
  }

  // Where WalkMembers stopped: after the object's closing brace, or (stopped) at the first byte
  // of the value it stopped before. Positions in View().
  struct Walked {
    size_t pos = 0;
    bool stopped = false;
  };

  // Walks the members of the JSON object whose text View() holds from `pos` on (after its '{',
  // or after one of its values), reading more of the input as it goes and consuming nothing:
  // for each member, `stop_before(key, first)` (the key as written between its quotes; the first
  // byte of the value) says whether to stop before its value, which is not read then; otherwise
  // the value is read whole and `on_member(key, value)` gets its text. Commas are skipped
  // without being checked (the parser that reads the object afterwards checks them).
  // kInvalidArgument when a key is not a string followed by ':' or a value is not JSON; the
  // errors of Grow when the object ends before its closing brace or a value is too large.
  template <typename StopBefore, typename OnMember>
  Result<Walked> WalkMembers(size_t pos, StopBefore&& stop_before, OnMember&& on_member) {
    for (;;) {
      TESSERA_ASSIGN_OR_RETURN(pos, NextByte(pos));
      std::string_view view = in_.View();
      if (view[pos] == '}') return Walked{pos + 1, false};
      if (view[pos] == ',') {
        ++pos;
        continue;
      }
      TESSERA_ASSIGN_OR_RETURN(const size_t key_end, WholeValue(pos, 1));
      view = in_.View();
      if (view[pos] != '"') return Malformed(pos);
      TESSERA_ASSIGN_OR_RETURN(const size_t colon, NextByte(key_end));
      view = in_.View();
      if (view[colon] != ':') return Malformed(colon);
      TESSERA_ASSIGN_OR_RETURN(const size_t value, NextByte(colon + 1));
      view = in_.View();
      const size_t key_at = pos + 1, key_size = key_end - pos - 2;
      if (stop_before(view.substr(key_at, key_size), view[value])) return Walked{value, true};
      TESSERA_ASSIGN_OR_RETURN(const size_t value_end, WholeValue(value, options_.max_depth - 1));
      view = in_.View();
      on_member(view.substr(key_at, key_size), view.substr(value, value_end - value));
      pos = value_end;
    }
  }

  // A JSON object larger than a window: a bundle's objects are read as a list (ReadList), once
  // its members before `objects` show that it is a bundle (or do not say what it is); any other
  // object is read alone.
  Status ReadLargeObject() {
    // The members before `objects`, walked in place: nothing is consumed until the object is
    // known to be a bundle.
    std::string type;  // raw, as written between quotes
    bool type_seen = false;
    size_t objects_keys = 0;
    // Stops at an `objects` list unless the type already said that this is no bundle.
    auto at_list = [&](std::string_view key, char first) {
      return first == '[' && json_text::KeyEquals(key, "objects") &&
             (!type_seen || type == "bundle");
    };
    auto note = [&](std::string_view key, std::string_view value) {
      objects_keys += json_text::KeyEquals(key, "objects");
      if (!json_text::KeyEquals(key, "type")) return;
      type_seen = true;
      type = value;
      if (type.size() >= 2 && type.front() == '"') type = type.substr(1, type.size() - 2);
    };
    TESSERA_ASSIGN_OR_RETURN(const Walked walked, WalkMembers(1, at_list, note));
    if (!walked.stopped) return ReadAlone();  // whole in the window now: not a bundle to stream
    return ReadLargeBundle(walked.pos, objects_keys);
  }

  // A bundle whose `objects` list starts at View()[list_at]: the list is read element by element,
  // the rest of the bundle (its `shell`, the list left out) is checked as ReadBundle checks a
  // bundle read whole, and its problems come after its objects. A bundle with another `objects`
  // before this list (`objects_keys_before`) is malformed: as ReadBundle does, none of its
  // objects is handed over (the list is read into nothing, for its JSON errors). A second
  // `objects` after the list is found only once the list's objects were handed over.
  Status ReadLargeBundle(size_t list_at, size_t objects_keys_before) {
    const uint64_t bundle_at = Position();
    std::string shell(in_.View().substr(0, list_at));
    shell += "[]";
    in_.Consume(list_at);
    const bool duplicate_before = objects_keys_before > 0;
    DiscardSink discard;
    ReadSummary discarded;
    TESSERA_ASSIGN_OR_RETURN(const size_t objects,
                             ReadList(2, duplicate_before ? static_cast<ReadSink&>(discard) : sink_,
                                      duplicate_before ? discarded : total_));
    // The members after the list, up to the bundle's closing brace.
    size_t lists = 1 + objects_keys_before;
    auto never = [](std::string_view, char) { return false; };
    auto count_lists = [&](std::string_view key, std::string_view) {
      lists += json_text::KeyEquals(key, "objects");
    };
    TESSERA_ASSIGN_OR_RETURN(const Walked walked, WalkMembers(0, never, count_lists));
    shell.append(in_.View().substr(0, walked.pos));
    in_.Consume(walked.pos);
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    simdjson::dom::object bundle;
    if (parser.parse(shell).get(root) != simdjson::SUCCESS ||
        root.get_object().get(bundle) != simdjson::SUCCESS) {
      auto parsed = ParseJson(shell, JsonLimits{.max_depth = options_.max_depth});
      return InvalidArgument("invalid JSON in the bundle at byte " + std::to_string(bundle_at) +
                             ", outside its objects" +
                             (parsed.ok() ? std::string() : ": " + parsed.status().message()));
    }
    Reader reader(options_, sink_);
    const std::string id(StringOr(bundle, "id", ""));
    bool first = true;
    auto problem = [&](std::string path, std::string rule, std::string message) {
      reader.BundleProblem(id, std::move(path), std::move(rule), std::move(message), first);
      first = false;
    };
    if (StringOr(bundle, "type", "") != "bundle") {
      problem("$.type", "bundle-type",
              "a JSON object too large to be read at once whose 'objects' list comes before its "
              "'type' is read as a bundle; its type is not 'bundle'");
    }
    std::string_view id_type;
    if (!IsValidIdentifier(id, &id_type) || id_type != "bundle") {
      problem("$.id", "identifier-format",
              "a bundle's id must be 'bundle--' followed by an RFC 4122 UUID");
    }
    if (lists > 1) {
      problem("$.objects", "duplicate-key",
              duplicate_before ? "the key 'objects' appears more than once in this bundle"
                               : "the key 'objects' appears more than once in this bundle (the "
                                 "objects of its first list were read before the second came)");
    } else if (objects == 0) {
      problem("$.objects", "empty-list",
              "a bundle's 'objects' must not be an empty list (omit it instead)");
    }
    Add(reader.summary());
    return Status::Ok();
  }

  // Reads the list at the start of View() element by element, each object as one of a list
  // nested `depth` deep, handed to `to` and counted `into`: complete objects are parsed together
  // in batches of up to a window (their commas blanked, so that the parser reads them as a
  // stream), an object larger than a window alone. Consumes the list; returns how many elements
  // it has.
  Result<size_t> ReadList(size_t depth, ReadSink& to, ReadSummary& into) {
    const size_t max_depth = options_.max_depth > depth ? options_.max_depth - depth : 1;
    thread_local simdjson::dom::parser list_parser;
    if (list_parser.max_depth() != max_depth &&
        list_parser.allocate(window_, max_depth) != simdjson::SUCCESS) {
      return LimitExceeded("cannot allocate a JSON parser");
    }
    size_t elements = 0;
    size_t pos = 1;  // after '['
    bool want_element = true;
    for (;;) {
      TESSERA_RETURN_IF_ERROR(Fill(window_));
      const std::string_view view = in_.View();
      char* text = in_.Mutable();
      size_t batch_start = 0, batch_end = 0, count = 0;
      bool closed = false, cut = false;
      for (;;) {
        pos = SkipSpace(view, pos);
        if (pos == view.size()) break;
        if (!want_element || (elements + count == 0 && view[pos] == ']')) {
          if (view[pos] == ']') {
            closed = true;
            ++pos;
            break;
          }
          if (view[pos] != ',') {
            return InvalidArgument("invalid JSON at byte " + std::to_string(Position() + pos) +
                                   ": the elements of a list must be separated by commas");
          }
          text[pos++] = ' ';
          want_element = true;
          continue;
        }
        const json_text::Extent e = json_text::ScanValue(view, pos, max_depth);
        if (e.kind == json_text::Extent::kMalformed) return Malformed(pos);
        if (e.kind == json_text::Extent::kCut) {
          cut = true;
          break;
        }
        // A value that is no object or list goes alone (the parser streams only those), as
        // does anything that would make the batch larger than a window.
        const bool scalar = view[pos] != '{' && view[pos] != '[';
        if (count > 0 && (scalar || e.end - batch_start > window_)) break;
        if (count == 0) batch_start = pos;
        batch_end = e.end;
        ++count;
        pos = e.end;
        want_element = false;
        if (scalar) break;
      }
      if (count > 0) {
        TESSERA_RETURN_IF_ERROR(ReadElements(view.substr(batch_start, batch_end - batch_start),
                                             elements, list_parser, to, into));
        elements += count;
      }
      // Everything before `pos` is read: the rest (an element cut by the end of the window,
      // from its start) stays for the next round.
      in_.Consume(pos);
      pos = 0;
      if (closed) return elements;
      // Stuck on an element cut by the end of a full window, or at the end of the input without
      // the list's closing bracket: read more (Grow says when there is no more).
      if ((cut && count == 0 && (in_.AtEnd() || in_.View().size() >= window_)) ||
          (in_.AtEnd() && SkipSpace(in_.View(), 0) == in_.View().size())) {
        TESSERA_RETURN_IF_ERROR(Grow(in_.View().size()));
      }
    }
  }

  // Parses `text`, complete elements of a list (`before` of them precede it) separated by
  // blanks, handing them to `to` and counting them `into`: objects and lists with `parser` (or
  // one larger than a window with a parser of its own), or one value that is neither, alone.
  Status ReadElements(std::string_view text, size_t before, simdjson::dom::parser& parser,
                      ReadSink& to, ReadSummary& into) {
    Place at{Position() + static_cast<uint64_t>(text.data() - in_.View().data()), before,
             Records::kListObjects};
    if (text.front() != '{' && text.front() != '[') {
      simdjson::dom::parser alone;
      simdjson::dom::element e;
      if (alone.parse(text.data(), text.size(), true).get(e) != simdjson::SUCCESS) {
        return InvalidArgument("invalid JSON in " + Where(at, before + 1) + "(byte " +
                               std::to_string(at.byte) + ")");
      }
      Reader reader(options_, to);
      reader.NotAnObject();
      AddTo(into, reader.summary());
      return Status::Ok();
    }
    std::optional<simdjson::dom::parser> own;
    simdjson::dom::parser* with = &parser;
    if (text.size() > window_) {
      with = &own.emplace();
      if (with->allocate(text.size(), parser.max_depth()) != simdjson::SUCCESS) {
        return LimitExceeded("cannot allocate a JSON parser for " + std::to_string(text.size()) +
                             " bytes");
      }
    }
    // A value with a number the parser cannot hold stops a run (ReadSegment): go on after it.
    while (!text.empty()) {
      TESSERA_ASSIGN_OR_RETURN(
          Segment seg,
          ReadSegment(text, at, true, std::max(text.size(), window_), options_, to, *with));
      AddTo(into, seg.summary);
      const size_t next = SkipSpace(text, seg.resume);
      at.byte += next;
      at.record += seg.records;
      text.remove_prefix(next);
    }
    return Status::Ok();
  }

  Input& in_;
  const ReadOptions& options_;
  ReadSink& sink_;
  const size_t window_;
  ReadSummary total_;
  size_t records_ = 0;
};
}  // namespace

Result<ReadSummary> ReadStream(std::string_view text, const ReadOptions& options, ReadSink& sink) {
  TESSERA_RETURN_IF_ERROR(CheckInputSize(text.size(), options));
  // The reader reads up to kReadPadding bytes past the end of its input and blanks the commas
  // of a list it reads element by element: it reads a padded copy (a per-thread buffer for
  // inputs up to a window, so that small inputs cost no allocation).
  thread_local std::string reused_padded;
  std::string own_padded;
  std::string& padded = text.size() <= options.window_bytes ? reused_padded : own_padded;
  padded.reserve(text.size() + kReadPadding);
  padded.assign(text.data(), text.size());
  padded.append(kReadPadding, '\0');
  Input in(padded.data(), text.size());
  return WindowReader(in, options, sink).Run();
}

Result<ReadSummary> ReadFile(const std::string& path, const ReadOptions& options, ReadSink& sink,
                             const std::function<void(uint64_t, uint64_t)>& progress) {
  TESSERA_ASSIGN_OR_RETURN(InputFile file, InputFile::Open(path));
  Input in(file, progress);
  return WindowReader(in, options, sink).Run();
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
