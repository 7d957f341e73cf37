#pragma once
// Reading STIX input: bundles, single objects, JSON arrays of objects, or NDJSON (one object or
// bundle per line). Every object is validated as it is read.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "stix/object.h"

namespace tessera::stix {

enum class Severity { kError, kWarning };

// One broken rule. `path` is a JSONPath into the object ("$.kill_chain_phases[0].phase_name");
// `rule` a short stable name ("required-property", "timestamp-format", ...).
struct Problem {
  Severity severity = Severity::kError;
  std::string object_id;  // the object's id, or "" when it has none that can be read
  std::string path;
  std::string rule;
  std::string message;
};

struct ReadOptions {
  bool strict = false;  // warnings (open vocabularies, custom content) count as errors
  size_t max_bytes = 1u << 30;
  size_t max_depth = 64;
};

struct Document {
  std::vector<Object> objects;    // every object read, valid or not, in input order
  std::vector<Problem> problems;  // in input order
  size_t invalid_objects = 0;     // objects with at least one error

  bool ok() const { return invalid_objects == 0; }
};

// What ReadStream hands over, in input order.
class ReadSink {
 public:
  virtual ~ReadSink() = default;
  // One object, valid or not, with the problems found in it (errors and warnings; often none).
  // `problems` is valid only during the call.
  virtual void OnObject(Object&& object, std::span<const Problem> problems) = 0;
  // A problem that belongs to no single object: a bundle's own id or objects list, a JSON value
  // that is not an object.
  virtual void OnProblem(Problem&& problem) = 0;
};

struct ReadSummary {
  size_t objects = 0;          // objects handed to OnObject
  size_t invalid_objects = 0;  // of those, and of the values that were no object, the invalid
};

// Reads and validates `text`, handing each object to `sink` as soon as it is read, so that the
// input never needs to be held as objects all at once. Errors as ReadDocument's; when an error
// Status is returned, the sink may already have received part of the input. Thread-safe as
// ReadDocument.
Result<ReadSummary> ReadStream(std::string_view text, const ReadOptions& options, ReadSink& sink);

// The bytes the reader appends to its input while parsing it (the parser reads past the end).
inline constexpr size_t kReadPadding = 64;

// ReadStream of `text`, parsed in place instead of from a copy (a large input is not held
// twice): `text` is padded with kReadPadding bytes while it is read and has its content back when
// this returns (reserve that much room to avoid a reallocation: ReadInput's spare_capacity).
// The objects handed to `sink` own their text. Errors and thread-safety as ReadStream's.
Result<ReadSummary> ReadStreamInPlace(std::string& text, const ReadOptions& options,
                                      ReadSink& sink);

// Reads and validates `text`. A text that is not JSON, or breaks a limit, is a Status error
// (kInvalidArgument / kLimitExceeded) saying where; a rule broken by an object is a Problem.
// Thread-safe: each thread parses with its own parser (kept between calls for inputs up to
// 8 MiB).
Result<Document> ReadDocument(std::string_view text, const ReadOptions& options = {});

// "error"/"warning".
std::string_view SeverityName(Severity s);

}  // namespace tessera::stix
