#pragma once
// The STIX 2.1 rules (internal to src/stix; callers use ReadDocument). docs/stix.md lists what is
// checked as an error, what as a warning, and what is not checked.

#include <simdjson.h>

#include <string_view>
#include <vector>

#include "stix/handling.h"
#include "stix/reader.h"

namespace tessera::stix {

// Appends to `problems` every rule of STIX 2.1 that `object` breaks, naming `object_id` and the
// JSON path of each. Warnings are errors when options.strict is set. Allocates only when it
// records a problem. Thread-safe (no shared state).
void ValidateObject(simdjson::dom::object object, std::string_view object_id,
                    const ReadOptions& options, std::vector<Problem>& problems);

// Fills `out` with the handling of `object` (an object of `type`): the one reader of markings,
// author and named audience (stix/handling.h). Reads what is there without judging it:
// ValidateObject reports what is malformed. Thread-safe.
void ExtractHandling(simdjson::dom::object object, std::string_view type, Handling& out);

}  // namespace tessera::stix
