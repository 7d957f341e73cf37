#pragma once
// The body of "Add Objects" (TAXII 2.1 §5.5): an envelope {"objects": [...], "more": ..,
// "next": ..}. The envelope as a whole is either accepted or refused (400 / 413); the objects in
// it are judged one by one, so that one bad object fails alone (a status failure) and the rest
// are added.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "stix/object.h"

namespace tessera::taxii {

// The default bound of one object in a POST (`tessera serve --max-object-bytes`).
constexpr size_t kDefaultMaxObjectBytes = size_t{1} << 20;

struct EnvelopeLimits {
  size_t max_bytes = 32u << 20;  // the server's body limit (max_content_length)
  size_t max_depth = 64;         // JSON nesting, envelope included
  size_t max_objects = 10'000;   // objects in one envelope
  // One object, as JSON without insignificant whitespace; a longer one is refused on its own (its
  // EnvelopeObject::error says so) and the others are judged as usual.
  size_t max_object_bytes = kDefaultMaxObjectBytes;
};

// One element of `objects`, in envelope order.
struct EnvelopeObject {
  stix::Object object;  // as the STIX reader read it (json minified, properties in input order)
  // Why the object cannot be added: the STIX 2.1 rules it breaks, as ingest::DescribeErrors
  // writes them (at most three, joined), or empty when it is valid. Warnings (e.g. custom
  // properties) do not count.
  std::string error;
};

// Parses and validates an envelope. kInvalidArgument when `body` is not JSON, not a JSON object,
// has no "objects" list, or lists something other than JSON objects (the client sent the wrong
// thing: nothing is added); kLimitExceeded beyond `limits`. An empty "objects" list is accepted
// (nothing to add). Thread-safe.
Result<std::vector<EnvelopeObject>> ParseEnvelope(std::string_view body,
                                                  const EnvelopeLimits& limits = {});

}  // namespace tessera::taxii
