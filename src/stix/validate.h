#pragma once
// The STIX 2.1 rules (internal to src/stix; callers use ReadDocument). docs/stix.md lists what is
// checked as an error, what as a warning, and what is not checked.

#include <simdjson.h>

#include <optional>
#include <string_view>
#include <vector>

#include "common/time.h"
#include "stix/full_text.h"
#include "stix/handling.h"
#include "stix/reader.h"

namespace tessera::stix {

// The top-level `created` and `modified` that ValidateObject read as valid timestamps while it
// checked them (nullopt: absent, malformed, or not checked as a timestamp for this type).
struct CheckedTimes {
  std::optional<Timestamp> created, modified;
};

// Appends to `problems` every rule of STIX 2.1 that `object` breaks, naming `object_id` and the
// JSON path of each. Warnings are errors when options.strict is set. Allocates only when it
// records a problem. Sets `*times` when given. Thread-safe (no shared state).
void ValidateObject(simdjson::dom::object object, std::string_view object_id,
                    const ReadOptions& options, std::vector<Problem>& problems,
                    CheckedTimes* times = nullptr);

// Fills `out` with the handling of `object` (an object of `type`): the one reader of markings,
// author and named audience (stix/handling.h). Reads what is there without judging it:
// ValidateObject reports what is malformed. Thread-safe.
void ExtractHandling(simdjson::dom::object object, std::string_view type, Handling& out);

// Appends to `out` (empty) the full text of `object` (stix/full_text.h): the one reader of it.
// Reads what is there without judging it. Thread-safe.
void ExtractFullText(simdjson::dom::object object, FullText& out);

}  // namespace tessera::stix
