#pragma once
// The STIX 2.1 rules (internal to src/stix; callers use ReadDocument).

#include <simdjson.h>

#include <vector>

#include "stix/reader.h"

namespace tessera::stix {

// Appends to `problems` every rule of STIX 2.1 that `object` breaks, naming `object_id` and the
// JSON path of each. Warnings are errors when options.strict is set.
void ValidateObject(simdjson::dom::object object, std::string_view object_id,
                    const ReadOptions& options, std::vector<Problem>& problems);

}  // namespace tessera::stix
