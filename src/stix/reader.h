#pragma once
// Reading STIX input: bundles, single objects, JSON arrays of objects, or NDJSON (one object or
// bundle per line). Every object is validated as it is read.

#include <cstdint>
#include <functional>
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
  bool strict = false;          // warnings (open vocabularies, custom content) count as errors
  size_t max_bytes = 1u << 30;  // the largest input ReadStream takes (ReadFile: no limit)
  size_t max_depth = 64;
  // How much input is parsed at once. A value larger than this (a bundle, a list, an object) is
  // read in parts: a bundle's objects or a list's elements one batch at a time, any other value
  // alone. Memory while reading is about 15 times this, plus the largest single object.
  size_t window_bytes = 4u << 20;
  // The largest single value read at once (an object, or an NDJSON record that is neither a
  // bundle nor a list; kLimitExceeded beyond): what bounds the memory of ReadFile.
  size_t max_value_bytes = 64u << 20;
  // Also read each object's full text (Object::text) while it is parsed: for a reader whose
  // objects go to the store, which indexes it. Off, Object::text is nullopt (the store reads it
  // from the JSON) and a reader that only validates (tessera validate, hunt) does not pay for it.
  bool full_text = false;
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
  // ReadFile: the bytes its input buffer held when it finished: a window's (window_bytes plus
  // kReadPadding) unless the last values read were larger (a larger value takes what it needs
  // while it is read and gives it back after). ReadStream: 0 (it reads a copy of the text). For
  // tests and diagnostics.
  size_t buffer_bytes = 0;
};

// Reads and validates `text`, handing each object to `sink` as soon as it is read, so that the
// input never needs to be held as objects all at once. Errors as ReadDocument's; when an error
// Status is returned, the sink may already have received part of the input. A bundle larger
// than options.window_bytes is read in parts: its objects are handed over as they are read, and
// the problems of the bundle itself (its id, a second 'objects' key, a 'type' other than
// 'bundle' after its 'objects') come after them. A bundle with a second 'objects' key hands over
// none of its objects when read whole; read in parts, none either when that key comes before the
// list it reads, but the objects of that list when it comes after it (and those of a list
// followed by a 'type' other than 'bundle'), as finding it first would mean holding the list: a
// sink that must not act on the objects of a malformed bundle waits for the end of the read and
// its OnProblem calls. Thread-safe as ReadDocument; a sink must not read STIX itself on the same
// thread.
Result<ReadSummary> ReadStream(std::string_view text, const ReadOptions& options, ReadSink& sink);

// The bytes the reader reads past the end of its input (the parser's padding).
inline constexpr size_t kReadPadding = 64;

// ReadStream of the file at `path` ("-": standard input), read a window at a time: memory is
// bounded by options.window_bytes and the largest single object (options.max_value_bytes), not
// by the file, whether it is NDJSON, one bundle or one list, of any size (options.max_bytes does
// not apply); once a value larger than a window is read, its memory is given back. The same
// objects, problems and errors as ReadStream of the file's content (error positions count bytes
// from the start of the file). `progress`, when set, is called after each read with the bytes read
// so far and the file's size (0 when unknown: a pipe). kIo (naming the file) when it cannot be
// opened or read.
Result<ReadSummary> ReadFile(
    const std::string& path, const ReadOptions& options, ReadSink& sink,
    const std::function<void(uint64_t read, uint64_t size)>& progress = {});

// Reads and validates `text`. A text that is not JSON, or breaks a limit, is a Status error
// (kInvalidArgument / kLimitExceeded) saying where; a rule broken by an object is a Problem.
// Thread-safe: each thread parses with its own parser (kept between calls for inputs up to
// 8 MiB).
Result<Document> ReadDocument(std::string_view text, const ReadOptions& options = {});

// "error"/"warning".
std::string_view SeverityName(Severity s);

}  // namespace tessera::stix
